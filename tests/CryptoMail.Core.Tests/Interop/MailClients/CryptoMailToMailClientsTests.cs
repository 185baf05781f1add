using System.Text;
using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Interop.MailClients;

/// <summary>Messages we seal (PgpMime.Sign, Encrypt, SignAndEncrypt: UTF-8 text and a binary attachment) open in
/// mutt and neomutt as Bob: the client shows the decrypted text, the attachment, and its own "Good signature"
/// verdict naming Alice; a signed message changed on the way shows as BAD.</summary>
[Collection(MailClientCorpus.Collection)]
public sealed class CryptoMailToMailClientsTests
{
    private readonly MailClientCorpus corpus;

    public CryptoMailToMailClientsTests(MailClientCorpus corpus) => this.corpus = corpus;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var client in MailClientPeers.Clients)
        {
            foreach (var kind in SealedMessages.Kinds) data.Add(client, kind);
        }
        return data;
    }

    [MailClientTheory]
    [MemberData(nameof(Cases))]
    public void The_client_decrypts_and_verifies_what_we_sealed(string client, string kind)
    {
        var shown = corpus.Shown(client, kind);

        foreach (var line in InteropData.NormalizeNewlines(SealedMessages.Text).Split('\n'))
        {
            Shows(shown, line);
        }
        Shows(shown, "[-- Attachment #2: report.bin --]");
        Shows(shown, "Subject: " + SealedMessages.Subject);
        Shows(shown, kind switch
        {
            "signed" => "[-- The following data is signed --]",
            "encrypted" => "[-- The following data is PGP/MIME encrypted --]",
            _ => "[-- The following data is PGP/MIME signed and encrypted --]",
        });
        if (kind.Contains("signed", StringComparison.Ordinal))
        {
            Shows(shown, "Good signature from: Alice Müller <alice@example.org>");
        }
        else
        {
            DoesNotShow(shown, "signature from");
        }
        // mutt's verdict is "*BAD* signature from"; a bare "BAD" also matches random Message-Id characters.
        DoesNotShow(shown, "*BAD*");
        DoesNotShow(shown, "-----BEGIN PGP");
    }

    [MailClientTheory]
    [MemberData(nameof(Clients))]
    public void The_client_calls_our_signature_bad_after_the_text_changed(string client)
    {
        var shown = corpus.Shown(client, SealedMessages.Tampered);

        Shows(shown, "*BAD* signature from: Alice Müller <alice@example.org>");
        DoesNotShow(shown, "Good signature");
        Shows(shown, "um 11 Uhr");
    }

    public static TheoryData<string> Clients() => new(MailClientPeers.Clients);

    private static void Shows(string shown, string expected) =>
        Assert.True(shown.Contains(expected, StringComparison.Ordinal), $"The client does not show \"{expected}\"; it showed:\n{shown}");

    private static void DoesNotShow(string shown, string unexpected) =>
        Assert.False(shown.Contains(unexpected, StringComparison.Ordinal), $"The client shows \"{unexpected}\"; it showed:\n{shown}");
}

/// <summary>The messages we seal for the mail clients and for gpg.</summary>
internal static class SealedMessages
{
    public const string Subject = "Grüße from CryptoMail ✓";
    public const string Text = "Hallo Bob,\nGrüße aus Zürich!\nDas Treffen ist um 10 Uhr.\nEintritt 5 €.\n\n-- \nAlice\n";

    /// <summary>The name of the signed message whose text was changed after signing ("um 10 Uhr" became "um 11 Uhr").</summary>
    public const string Tampered = "signed-then-changed";

    public static readonly string[] Kinds = { "signed", "encrypted", "signed-encrypted" };

    /// <summary>Every kind, sealed from Alice to Bob, as wire bytes, and the signed one changed on the way.</summary>
    public static IReadOnlyDictionary<string, byte[]> All(SecretKey alice, Certificate bob)
    {
        var all = Kinds.ToDictionary(k => k, k => Bytes(Seal(k, alice, bob)));
        var signed = Encoding.Latin1.GetString(all["signed"]);
        var changed = signed.Replace("um 10 Uhr", "um 11 Uhr", StringComparison.Ordinal);
        if (changed == signed) throw new InvalidOperationException("The signed message no longer has the text the tampering test changes.");
        all[Tampered] = Encoding.Latin1.GetBytes(changed);
        return all;
    }

    /// <summary>256 bytes, every value once.</summary>
    public static byte[] Attachment => Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

    /// <summary>A text with a binary attachment from Alice to Bob, sealed as <paramref name="kind"/>.</summary>
    public static MimeMessage Seal(string kind, SecretKey alice, Certificate bob)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Alice Müller", "alice@example.org"));
        message.To.Add(new MailboxAddress("Bob", "bob@example.org"));
        message.Subject = Subject;
        var body = new BodyBuilder { TextBody = Text };
        body.Attachments.Add("report.bin", Attachment, new ContentType("application", "octet-stream"));
        message.Body = body.ToMessageBody();
        var mime = new OpenPgp().Mime;
        return kind switch
        {
            "signed" => mime.Sign(message, alice),
            "encrypted" => mime.Encrypt(message, new[] { bob }),
            "signed-encrypted" => mime.SignAndEncrypt(message, alice, new[] { bob }),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }
}
