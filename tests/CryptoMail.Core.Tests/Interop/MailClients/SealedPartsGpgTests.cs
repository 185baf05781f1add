using System.Text;
using CryptoMail.Core.Tests.Mime;
using MimeKit;
using MimeKit.Cryptography;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Interop.MailClients;

/// <summary>GnuPG, given only the canonical parts of the messages we seal for the mail clients (the signed part and
/// its signature cut from the wire bytes, or the armored encrypted part), verifies Alice's signature and recovers
/// the exact MIME entity: the text and every byte of the attachment.</summary>
public sealed class SealedPartsGpgTests : IClassFixture<GpgFixture>
{
    private readonly GpgFixture fixture;

    public SealedPartsGpgTests(GpgFixture fixture) => this.fixture = fixture;

    public static TheoryData<string> Kinds() => new(SealedMessages.Kinds);

    [GnuPGTheory]
    [MemberData(nameof(Kinds))]
    public void Gpg_verifies_and_decrypts_the_parts_and_recovers_text_and_attachment(string kind)
    {
        var gpg = fixture.Gpg;
        gpg.Import(Alice.Certificate.ExportArmored());
        // A recipient as gpg made it: its features say SEIPD v1 only, which is what gpg 2.2 (in Debian 12) reads.
        var bob = fixture.Key("ed25519");
        var wire = Bytes(SealedMessages.Seal(kind, Alice, bob.Certificate));

        GpgResult result;
        byte[] entityBytes;
        if (kind == "signed")
        {
            var (part, signature) = SignedPartExtractor.Extract(wire);
            var partPath = gpg.WriteFile($"{kind}-part.bin", part);
            var sigPath = gpg.WriteFile($"{kind}-part.asc", Encoding.ASCII.GetBytes(signature));
            result = gpg.VerifyDetached(sigPath, partPath);
            entityBytes = part;
        }
        else
        {
            var encrypted = Assert.IsType<MultipartEncrypted>(Parse(wire).Body);
            var armored = Assert.IsAssignableFrom<MimePart>(encrypted[1]);
            var ciphertext = MailClientPeers.Decoded(armored);
            // Status lines go to gpg's status file, so standard output is the plaintext alone.
            result = gpg.Run(ciphertext, "--decrypt");
            Assert.True(result.ExitCode == 0 && result.HasStatus("DECRYPTION_OKAY"), $"gpg said:\n{result.Stderr}\n{result.Status}");
            entityBytes = result.StdoutBytes;
        }

        var signed = kind.Contains("signed", StringComparison.Ordinal);
        Assert.True(signed == result.GoodSignature, $"gpg said:\n{result.Stderr}\n{result.Status}");
        if (signed)
        {
            var valid = Assert.Single(result.ValidSignatures);
            Assert.Equal(Alice.Fingerprint, valid[9], ignoreCase: true);
        }
        using var stream = new MemoryStream(entityBytes);
        var entity = MimeEntity.Load(stream);
        Assert.Equal(InteropData.NormalizeNewlines(SealedMessages.Text), BodyText(entity));
        var attachment = Assert.Single(Assert.IsAssignableFrom<Multipart>(entity).OfType<MimePart>(), p => p.FileName == "report.bin");
        Assert.Equal(SealedMessages.Attachment, MailClientPeers.Decoded(attachment));
    }

    /// <summary>The first text part's text; when it is marked as an RFC 9788 Legacy Display Element (the hidden
    /// headers repeated on top for readers without header protection), the text after that block, which must name
    /// the real Subject.</summary>
    private static string BodyText(MimeEntity entity)
    {
        var part = Assert.IsAssignableFrom<TextPart>(Assert.IsAssignableFrom<Multipart>(entity).First());
        var text = InteropData.NormalizeNewlines(part.Text);
        if (part.ContentType.Parameters.TryGetValue("hp-legacy-display", out string? legacy) && legacy == "1")
        {
            Assert.StartsWith("Subject: " + SealedMessages.Subject + "\n", text, StringComparison.Ordinal);
            text = text[(text.IndexOf("\n\n", StringComparison.Ordinal) + 2)..];
        }
        return text;
    }
}
