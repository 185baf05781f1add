using System.Text;
using CryptoMail.Core.Tests.Support;
using MimeKit;

namespace CryptoMail.Core.Tests.Autocrypt;

/// <summary>Autocrypt on MimeKit messages: header injection and processing, gossip through a real PGP/MIME round
/// trip, and the Autocrypt Setup Message.</summary>
public sealed class AutocryptMimeTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("cmacm-").FullName;
    private readonly OpenPgp pgp = new();

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static MimeMessage Mail(string from, string to, string? cc = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        if (cc is not null) message.Cc.Add(MailboxAddress.Parse(cc));
        message.Subject = "hello";
        message.Date = DateTimeOffset.UtcNow.AddMinutes(-5);
        message.Body = new TextPart("plain") { Text = "Hi!" };
        return message;
    }

    private static MimeMessage Reparse(MimeMessage message)
    {
        using var buffer = new MemoryStream();
        message.WriteTo(buffer);
        buffer.Position = 0;
        return MimeMessage.Load(buffer);
    }

    private static AutocryptHeader HeaderOf(string person, AutocryptPreference preference = AutocryptPreference.NoPreference) =>
        AutocryptHeader.Create(TestKeys.Get("Curve25519", person).Certificate, $"{person}@example.org", preference);

    [Fact]
    public void The_header_travels_folded_on_the_wire_and_updates_the_receivers_state()
    {
        var message = Mail("Alice <alice@example.org>", "bob@example.org");
        AutocryptMime.SetHeader(message, HeaderOf("alice", AutocryptPreference.Mutual));
        AutocryptMime.SetHeader(message, HeaderOf("alice", AutocryptPreference.Mutual)); // replaces, never two

        string wire;
        using (var buffer = new MemoryStream())
        {
            message.WriteTo(FormatOptions.Default.Clone() is { } o ? SetCrlf(o) : FormatOptions.Default, buffer);
            wire = Encoding.ASCII.GetString(buffer.ToArray());
        }
        Assert.Contains("Autocrypt: addr=alice@example.org; prefer-encrypt=mutual; keydata=\r\n ", wire, StringComparison.Ordinal);
        Assert.Single(wire.Split("\r\nAutocrypt:").Skip(1));

        var received = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(wire)));
        var peer = AutocryptMime.ProcessIncoming(new AutocryptStore(dir), received);
        Assert.NotNull(peer);
        Assert.Equal(TestKeys.Get("Curve25519", "alice").Fingerprint, peer.PublicKey?.Fingerprint);
        Assert.Equal(AutocryptPreference.Mutual, peer.PreferEncrypt);
        Assert.Throws<ArgumentException>(() => AutocryptMime.SetHeader(Mail("mallory@example.org", "bob@example.org"), HeaderOf("alice")));
    }

    private static FormatOptions SetCrlf(FormatOptions options)
    {
        options.NewLineFormat = NewLineFormat.Dos;
        return options;
    }

    [Fact]
    public async Task Mismatched_duplicated_reports_and_auto_replies_do_not_update_keys()
    {
        var store = new AutocryptStore(dir);
        var spoofed = Mail("mallory@example.org", "bob@example.org");
        spoofed.Headers.Add("Autocrypt", HeaderOf("alice").ToHeaderValue());
        Assert.Null(AutocryptMime.GetSenderHeader(spoofed));
        var mallory = await AutocryptMime.ProcessIncomingAsync(store, spoofed);
        Assert.NotNull(mallory?.LastSeen);   // seen, but without a key
        Assert.Null(mallory.PublicKey);

        var twice = Mail("alice@example.org", "bob@example.org");
        twice.Headers.Add("Autocrypt", HeaderOf("alice").ToHeaderValue());
        twice.Headers.Add("Autocrypt", HeaderOf("alice", AutocryptPreference.Mutual).ToHeaderValue());
        Assert.Null(AutocryptMime.GetSenderHeader(twice));

        var report = Mail("alice@example.org", "bob@example.org");
        report.Headers.Add("Autocrypt", HeaderOf("alice").ToHeaderValue());
        report.Body = new Multipart("report") { new TextPart("plain") { Text = "delivery status" } };
        Assert.True(AutocryptMime.IsIgnored(report));
        Assert.Null(AutocryptMime.ProcessIncoming(store, report));

        var autoReply = Mail("alice@example.org", "bob@example.org");
        autoReply.Headers.Add("Auto-Submitted", "auto-replied");
        Assert.Null(AutocryptMime.ProcessIncoming(store, autoReply));
        Assert.Null(store.Get("alice@example.org"));
    }

    [Fact]
    public void Gossip_is_sealed_inside_the_encryption_and_read_back_by_a_recipient()
    {
        var alice = TestKeys.Get("Curve25519", "alice");
        var bob = TestKeys.Get("Curve25519", "bob");
        var carol = TestKeys.Get("Curve25519", "carol");
        var message = Mail("alice@example.org", "Bob <bob@example.org>", "carol@example.org");
        AutocryptMime.AddGossipHeaders(message, new[] { HeaderOf("bob", AutocryptPreference.Mutual), HeaderOf("carol") });
        Assert.Throws<ArgumentException>(() => AutocryptMime.AddGossipHeaders(message, new[] { HeaderOf("mallory") }));

        var sealedMessage = Reparse(pgp.Mime.SignAndEncrypt(message, alice, new[] { bob.Certificate, carol.Certificate }));
        string outside = sealedMessage.ToString();
        Assert.DoesNotContain("Autocrypt-Gossip", outside, StringComparison.OrdinalIgnoreCase);

        var opened = pgp.Mime.Open(sealedMessage, new MimeOpenOptions { Keys = { bob }, Verifiers = { alice.Certificate } });
        var gossip = AutocryptMime.GetGossipHeaders(opened);
        Assert.Equal(new[] { "bob@example.org", "carol@example.org" }, gossip.Select(g => g.Address).Order());
        Assert.All(gossip, g => Assert.Equal(AutocryptPreference.NoPreference, g.PreferEncrypt));

        var store = new AutocryptStore(dir);
        var updated = AutocryptMime.ProcessGossip(store, opened);
        Assert.Equal(2, updated.Count);
        Assert.Equal(carol.Fingerprint, store.Get("carol@example.org")?.GossipKey?.Fingerprint);
        Assert.Null(store.Get("carol@example.org")?.PublicKey);
    }

    [Fact]
    public void Gossip_in_an_unencrypted_message_is_ignored()
    {
        var message = Mail("alice@example.org", "bob@example.org", "carol@example.org");
        AutocryptMime.AddGossipHeaders(message, new[] { HeaderOf("carol") });
        var signedOnly = Reparse(pgp.Mime.Sign(message, TestKeys.Get("Curve25519", "alice")));
        var opened = pgp.Mime.Open(signedOnly, new MimeOpenOptions());
        Assert.Equal(ProtectionCoverage.None, opened.Encryption);
        Assert.Empty(AutocryptMime.GetGossipHeaders(opened));
    }

    [Theory]
    [InlineData("Curve25519")]
    [InlineData("Rsa3072+passphrase")]
    public void A_setup_message_round_trips_with_its_setup_code(string profile)
    {
        var key = TestKeys.Get(profile);
        string code = AutocryptSetup.GenerateSetupCode();
        Assert.Matches("^[0-9]{4}(-[0-9]{4}){8}$", code);

        var setup = Reparse(AutocryptMime.CreateSetupMessage(key, "alice@example.org", code, AutocryptPreference.Mutual, TestKeys.Passphrase));

        Assert.True(AutocryptMime.IsSetupMessage(setup));
        Assert.Equal("Autocrypt Setup Message", setup.Subject);
        var parts = Assert.IsType<Multipart>(setup.Body).ToList();
        Assert.Equal("text/plain", parts[0].ContentType.MimeType);
        Assert.Equal(AutocryptMime.SetupContentType, parts[1].ContentType.MimeType);
        string payload = ((TextPart)new TextPart("plain") { Content = ((MimePart)parts[1]).Content }).Text;
        Assert.Contains("-----BEGIN PGP MESSAGE-----\nPassphrase-Format: numeric9x4\nPassphrase-Begin: " + code[..2] + "\n\n", payload, StringComparison.Ordinal);
        Assert.DoesNotContain(code, setup.ToString(), StringComparison.Ordinal);

        var restored = AutocryptMime.ReadSetupMessage(setup, code.Replace("-", " ", StringComparison.Ordinal));
        Assert.Equal(key.Fingerprint, restored.Key.Fingerprint);
        Assert.False(restored.Key.IsProtected);
        Assert.Equal(AutocryptPreference.Mutual, restored.PreferEncrypt);

        string wrong = (code[0] == '9' ? "0" : "9") + code[1..];
        Assert.ThrowsAny<CryptoMailException>(() => AutocryptMime.ReadSetupMessage(setup, wrong));
    }

    [Fact]
    public void The_specs_example_setup_message_opens_with_the_specs_setup_code()
    {
        var payload = AutocryptSetup.ReadPayload(AutocryptSpecExamples.SetupPayload, AutocryptSpecExamples.SetupCode);
        Assert.Contains("alice@autocrypt.example", payload.Key.UserIds.Single(), StringComparison.Ordinal);
        Assert.Equal(AutocryptPreference.Mutual, payload.PreferEncrypt);
    }

    [Fact]
    public void Malformed_setup_messages_and_codes_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => AutocryptSetup.NormalizeSetupCode("1234-5678"));
        Assert.Throws<ArgumentException>(() => AutocryptSetup.NormalizeSetupCode(new string('1', 35) + "x"));
        Assert.Throws<MalformedDataException>(() => AutocryptMime.ReadSetupMessage(Mail("alice@example.org", "alice@example.org"), AutocryptSpecExamples.SetupCode));
        var notMixed = Mail("alice@example.org", "alice@example.org");
        notMixed.Headers.Add(AutocryptMime.SetupMessageHeaderName, "v1");
        Assert.Throws<MalformedDataException>(() => AutocryptMime.ReadSetupMessage(notMixed, AutocryptSpecExamples.SetupCode));
        Assert.Throws<MalformedDataException>(() => AutocryptSetup.ReadPayload("<html>no armor</html>", AutocryptSpecExamples.SetupCode));
    }
}
