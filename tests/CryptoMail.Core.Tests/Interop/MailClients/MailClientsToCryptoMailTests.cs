using MimeKit;

namespace CryptoMail.Core.Tests.Interop.MailClients;

/// <summary>Messages that mutt and neomutt composed and sent with GnuPG (PGP/MIME signed, encrypted, signed and
/// encrypted, each with a binary attachment; traditional inline PGP signed, encrypted, signed and encrypted) open
/// with the right report: encryption coverage, a good signature by Alice covering the whole message and matching
/// From, and the exact text and attachment she sent.</summary>
[Collection(MailClientCorpus.Collection)]
public sealed class MailClientsToCryptoMailTests
{
    private readonly MailClientCorpus corpus;
    private readonly OpenPgp pgp = new();

    public MailClientsToCryptoMailTests(MailClientCorpus corpus) => this.corpus = corpus;

    /// <summary>Every client with every kind the generator makes.</summary>
    public static TheoryData<string, string> Messages()
    {
        var data = new TheoryData<string, string>();
        foreach (var client in MailClientPeers.Clients)
        {
            foreach (var kind in new[] { "signed", "encrypted", "signed-encrypted", "inline-signed", "inline-encrypted", "inline-signed-encrypted" })
            {
                data.Add(client, kind);
            }
        }
        return data;
    }

    [MailClientTheory]
    [MemberData(nameof(Messages))]
    public void We_open_what_the_client_sent_with_the_right_report(string client, string kind)
    {
        bool encrypted = kind.Contains("encrypted", StringComparison.Ordinal);
        bool signed = kind.Contains("signed", StringComparison.Ordinal);
        bool inline = kind.StartsWith("inline-", StringComparison.Ordinal);
        var alice = corpus.Alice;
        var options = new MimeOpenOptions();
        options.Keys.Add(corpus.Bob);
        options.Verifiers.Add(alice.Certificate);
        var message = corpus.Message(client, kind);

        var opened = pgp.Mime.Open(message, options);

        var report = $"{client} {kind}: encryption {opened.Encryption}, signatures: "
            + string.Join("; ", opened.Signatures.Select(s => $"{s.Verification.Status} {s.Verification.SignerFingerprint} {s.Coverage} from={s.MatchesFrom} ({s.Verification.Reason})"));
        Assert.True((encrypted ? ProtectionCoverage.Full : ProtectionCoverage.None) == opened.Encryption, report);
        Assert.Equal(encrypted, opened.Decrypted);
        Assert.Equal(encrypted, opened.IntegrityProtected);
        if (signed)
        {
            Assert.True(opened.Signatures.Count == 1, report);
            var signature = opened.Signatures[0];
            Assert.True(signature.Verification.IsGood, report);
            Assert.Equal(alice.Fingerprint, signature.Verification.SignerFingerprint, ignoreCase: true);
            Assert.Equal(ProtectionCoverage.Full, signature.Coverage);
            Assert.True(signature.MatchesFrom, report);
            Assert.Contains(signature.SignerUserIds, id => id.Contains("alice@example.org", StringComparison.Ordinal));
            Assert.True(opened.IsFullySignedBySender, report);
        }
        else
        {
            Assert.True(opened.Signatures.Count == 0, report);
            Assert.False(opened.IsFullySignedBySender);
        }

        var text = TextParts(opened.Message.Body).ToList();
        var body = Assert.Single(text);
        if (inline)
        {
            // Traditional PGP: the cleartext framework drops trailing blanks, so compare line by line without them.
            Assert.Equal(Lines(corpus.BodyText), Lines(body.Text));
        }
        else
        {
            Assert.Equal(InteropData.NormalizeNewlines(corpus.BodyText), InteropData.NormalizeNewlines(body.Text));
            var attachment = Assert.Single(opened.Message.BodyParts.OfType<MimePart>(), p => p.FileName == "report.bin");
            Assert.Equal(corpus.Attachment, MailClientPeers.Decoded(attachment));
        }
        // No armor is left in what a reader would be shown as the text.
        Assert.DoesNotContain("-----BEGIN PGP", body.Text, StringComparison.Ordinal);
        if (encrypted)
        {
            Assert.DoesNotContain(opened.Message.BodyParts, p => p.ContentType.IsMimeType("application", "pgp-encrypted"));
        }
    }

    private static IEnumerable<TextPart> TextParts(MimeEntity? entity) => entity switch
    {
        TextPart text => new[] { text },
        Multipart multipart => multipart.SelectMany(TextParts),
        _ => Enumerable.Empty<TextPart>(),
    };

    private static string[] Lines(string text) =>
        InteropData.NormalizeNewlines(text).Split('\n').Select(l => l.TrimEnd(' ', '\t')).ToArray();
}
