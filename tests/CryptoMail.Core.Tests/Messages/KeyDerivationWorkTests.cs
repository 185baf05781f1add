using System.Runtime.CompilerServices;
using CryptoMail.Core.Tests.Support;
using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Messages;

/// <summary>Passphrase stretching (iterated S2K, Argon2: RFC 9580 section 3.7) is the dearest work a message can ask
/// for, and its parameters and the number of packets that trigger it come from the sender: each protected key is
/// unlocked at most once per operation, the password packets tried are bounded, and so is the total work. The tests
/// count derivations, not time.</summary>
public class KeyDerivationWorkTests
{
    private readonly OpenPgp pgp = new();
    private static readonly SecretKey LockedBob = TestKeys.Get("Curve25519+passphrase", "bob");

    private static StrongBox<int> Count() => S2kSpec.DerivationCounter.Value = new StrongBox<int>();

    private byte[] Encrypt(byte[] plaintext, Certificate recipient)
    {
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream(plaintext), ct, new EncryptOptions { Recipients = { recipient }, EncryptionFormat = EncryptionFormat.SeipdV1 });
        return ct.ToArray();
    }

    [Fact]
    public void Sixty_four_pkesks_for_a_locked_key_unlock_it_once()
    {
        // 63 PKESKs that name the key but do not decrypt (a bad ephemeral point), then the real one: RFC 9580
        // section 5.1 lets a message carry any number of them.
        var message = Encrypt(TestData.Random(100), LockedBob.Certificate);
        int header = message[1] < 192 ? 2 : 3;
        int length = header == 2 ? message[1] : ((message[1] - 192) << 8) + message[2] + 192;
        var real = message.AsSpan(0, header + length).ToArray();
        var bogus = (byte[])real.Clone();
        bogus[header + 10 + 2 + 5] ^= 0x55; // inside the ephemeral key
        var crafted = new List<byte>();
        for (int i = 0; i < 63; i++) crafted.AddRange(bogus);
        crafted.AddRange(message);

        var counter = Count();
        var output = new MemoryStream();
        pgp.Decrypt(new MemoryStream(crafted.ToArray()), output, new DecryptOptions { Keys = { LockedBob }, KeyPassphrases = { "wrong", TestKeys.Passphrase } });
        Assert.Equal(TestData.Random(100), output.ToArray());
        // One key (primary and subkey share the passphrase): the subkey is derived once per passphrase tried, no more.
        Assert.InRange(counter.Value, 1, 2);
    }

    [Fact]
    public void A_locked_key_is_unlocked_once_across_the_parts_of_one_mime_open()
    {
        var parts = new Multipart("mixed") { new TextPart("plain") { Text = "see the attachments" } };
        for (int i = 0; i < 6; i++) parts.Add(pgp.Mime.Encrypt(TextMessage($"part {i}"), new[] { LockedBob.Certificate }).Body!);
        var message = TextMessage();
        message.Body = parts;
        var options = new MimeOpenOptions { DecryptNestedParts = true, Keys = { LockedBob }, KeyPassphrases = { TestKeys.Passphrase } };

        var counter = Count();
        var opened = pgp.Mime.Open(Transport(message), options);
        Assert.True(opened.Decrypted);
        Assert.Equal(1, counter.Value);
    }

    [Fact]
    public void Password_packets_tried_are_bounded()
    {
        var options = new EncryptOptions { EncryptionFormat = EncryptionFormat.SeipdV1 };
        for (int i = 0; i < 20; i++) options.Passwords.Add("password " + i);
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream("x"u8.ToArray()), ct, options);

        var counter = Count();
        var e = Assert.Throws<LimitExceededException>(() => pgp.Decrypt(new MemoryStream(ct.ToArray()), new MemoryStream(),
            new DecryptOptions { Passwords = { "none of them" }, Limits = new ReadLimits { MaxPasswordSkesks = 4 } }));
        Assert.Contains("MaxPasswordSkesks", e.Message);
        Assert.Equal(4, counter.Value);

        // The default (8) still opens a message whose matching packet comes early.
        var output = new MemoryStream();
        pgp.Decrypt(new MemoryStream(ct.ToArray()), output, new DecryptOptions { Passwords = { "password 3" } });
        Assert.Equal("x"u8.ToArray(), output.ToArray());
    }

    [Fact]
    public void Total_derivation_work_is_bounded()
    {
        // Each SKESK hashes 16 MiB (count octet 0xE0); with a 40 MiB budget the third is refused before it runs.
        var options = new EncryptOptions { EncryptionFormat = EncryptionFormat.SeipdV1 };
        for (int i = 0; i < 5; i++) options.Passwords.Add("password " + i);
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream("x"u8.ToArray()), ct, options);

        var counter = Count();
        var e = Assert.Throws<LimitExceededException>(() => pgp.Decrypt(new MemoryStream(ct.ToArray()), new MemoryStream(),
            new DecryptOptions { Passwords = { "none of them" }, Limits = new ReadLimits { MaxKeyDerivationWork = 40L << 20 } }));
        Assert.Contains("MaxKeyDerivationWork", e.Message);
        Assert.Equal(2, counter.Value);
    }
}
