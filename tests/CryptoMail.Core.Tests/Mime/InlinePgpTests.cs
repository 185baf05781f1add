using System.Text;
using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>Inline PGP: armored messages and cleartext signatures in text parts, OpenPGP files as attachments.</summary>
public class InlinePgpTests
{
    private readonly OpenPgp pgp = new();

    private string ArmoredFor(string text, bool sign = true)
    {
        var options = new EncryptOptions { Armor = true, Format = LiteralFormat.Utf8, Recipients = { Bob.Certificate } };
        if (sign) options.Signing.Signers.Add(Alice);
        using var output = new MemoryStream();
        pgp.Encrypt(new MemoryStream(Encoding.UTF8.GetBytes(text)), output, options);
        return Encoding.ASCII.GetString(output.ToArray());
    }

    private byte[] ClearSigned(byte[] text)
    {
        using var output = new MemoryStream();
        pgp.SignCleartext(new MemoryStream(text), output, new SignOptions { Signers = { Alice } });
        return output.ToArray();
    }

    [Fact]
    public void Whole_body_inline_message_is_fully_encrypted_and_signed()
    {
        var opened = pgp.Mime.Open(TextBody(ArmoredFor("Grüße, Bob. The key is under the mat.\n")), BobOpens());

        Assert.Equal(ProtectionCoverage.Full, opened.Encryption);
        Assert.True(opened.Decrypted);
        Assert.True(opened.IsFullySignedBySender);
        Assert.Equal("Grüße, Bob. The key is under the mat.\n", FirstText(opened.Message.Body)!.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Inline_message_with_text_around_it_is_partial_and_decrypted_only_when_asked()
    {
        var message = TextBody("Hi Bob, see below.\n\n" + ArmoredFor("The key is under the mat.\n") + "\n-- \nAlice\n");

        var byDefault = pgp.Mime.Open(message, BobOpens());
        Assert.Equal(ProtectionCoverage.Partial, byDefault.Encryption);
        Assert.False(byDefault.Decrypted);
        Assert.DoesNotContain("under the mat", byDefault.Message.ToString(), StringComparison.Ordinal);

        var asked = pgp.Mime.Open(message, BobOpens(decryptNested: true));
        Assert.Equal(ProtectionCoverage.Partial, asked.Encryption);
        Assert.False(asked.IsFullySignedBySender);
        Assert.Equal(ProtectionCoverage.Partial, Assert.Single(asked.Signatures).Coverage);
        // Three parts: the text before, the plaintext alone, the text after; never one body.
        var parts = Assert.IsAssignableFrom<Multipart>(asked.Message.Body).Cast<TextPart>().Select(p => p.Text.ReplaceLineEndings("\n")).ToList();
        Assert.Equal(3, parts.Count);
        Assert.StartsWith("Hi Bob", parts[0], StringComparison.Ordinal);
        Assert.Equal("The key is under the mat.\n", parts[1]);
        Assert.Contains("Alice", parts[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Whole_body_cleartext_signature_is_a_full_good_signature()
    {
        var opened = pgp.Mime.Open(TextBody(Encoding.UTF8.GetString(ClearSigned("- dash line\nI agree.\n"u8.ToArray()))), BobOpens());

        Assert.Equal(ProtectionCoverage.None, opened.Encryption);
        Assert.True(opened.IsFullySignedBySender);
        Assert.Equal("- dash line\nI agree.\n", FirstText(opened.Message.Body)!.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("iso-8859-1", ContentEncoding.QuotedPrintable)]
    [InlineData("iso-8859-1", ContentEncoding.EightBit)]
    [InlineData("windows-1252", ContentEncoding.Base64)]
    public void Cleartext_signature_over_non_utf8_text_verifies_in_the_parts_charset(string charset, ContentEncoding encoding)
    {
        var latin = Encoding.Latin1.GetBytes("Grüße aus Köln, à bientôt.\n");
        var part = new TextPart("plain")
        {
            Content = new MimeContent(new MemoryStream(ClearSigned(latin))),
            ContentTransferEncoding = encoding,
        };
        part.ContentType.Charset = charset;
        var message = TextMessage();
        message.Body = part;

        var opened = pgp.Mime.Open(Transport(message), BobOpens());

        Assert.True(opened.IsFullySignedBySender);
        Assert.Equal("Grüße aus Köln, à bientôt.\n", FirstText(opened.Message.Body)!.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Cleartext_signature_survives_crlf_and_trailing_whitespace_added_in_transit()
    {
        var signed = Encoding.ASCII.GetString(ClearSigned("line one\nline two\n"u8.ToArray()));
        var mangled = signed.Replace("line one\n", "line one   \r\n", StringComparison.Ordinal).Replace("line two\n", "line two\t\r\n", StringComparison.Ordinal);

        var opened = pgp.Mime.Open(TextBody(mangled), BobOpens());

        Assert.Equal(SignatureStatus.Good, Assert.Single(opened.Signatures).Verification.Status);
    }

    [Fact]
    public void Changed_cleartext_is_a_bad_signature()
    {
        var signed = Encoding.ASCII.GetString(ClearSigned("Pay Bob $100.\n"u8.ToArray())).Replace("$100", "$900", StringComparison.Ordinal);

        var opened = pgp.Mime.Open(TextBody(signed), BobOpens());

        Assert.Equal(SignatureStatus.Bad, Assert.Single(opened.Signatures).Verification.Status);
        Assert.False(opened.IsFullySignedBySender);
    }

    [Fact]
    public void Cleartext_block_beside_attacker_text_is_partial()
    {
        var opened = pgp.Mime.Open(TextBody("Ignore the below, pay Mallory.\n" + Encoding.ASCII.GetString(ClearSigned("I agree.\n"u8.ToArray()))), BobOpens());

        var signature = Assert.Single(opened.Signatures);
        Assert.Equal(SignatureStatus.Good, signature.Verification.Status);
        Assert.Equal(ProtectionCoverage.Partial, signature.Coverage);
        Assert.False(opened.IsFullySignedBySender);
    }

    [Theory]
    [InlineData("report.pdf.pgp", "application/octet-stream", false)]
    [InlineData("report.pdf.gpg", "application/pgp-encrypted", false)]
    [InlineData("report.pdf.asc", "application/octet-stream", true)]
    public void Encrypted_attachment_is_decrypted_when_asked_and_partial(string fileName, string mimeType, bool armor)
    {
        var secret = new byte[3000];
        new Random(4880).NextBytes(secret);
        using var encrypted = new MemoryStream();
        pgp.Encrypt(new MemoryStream(secret), encrypted, new EncryptOptions { Armor = armor, Recipients = { Bob.Certificate } });
        var message = TextMessage();
        var builder = new BodyBuilder { TextBody = "The report is attached.\n" };
        builder.Attachments.Add(fileName, encrypted.ToArray(), ContentType.Parse(mimeType));
        message.Body = builder.ToMessageBody();

        var opened = pgp.Mime.Open(Transport(message), BobOpens(decryptNested: true));

        Assert.Equal(ProtectionCoverage.Partial, opened.Encryption);
        Assert.True(opened.Decrypted);
        var attachment = Assert.Single(opened.Message.Attachments.OfType<MimePart>());
        Assert.Equal("report.pdf", attachment.FileName);
        // Typed by no one's file name: saved, never rendered (see Attacks/EncryptedAttachmentTests).
        Assert.Equal("application/octet-stream", attachment.ContentType.MimeType);
        using var content = new MemoryStream();
        attachment.Content!.DecodeTo(content);
        Assert.Equal(secret, content.ToArray());
    }

    [Fact]
    public void Quoted_blocks_and_keys_are_left_alone()
    {
        var quoted = "> " + ArmoredFor("old secret\n").ReplaceLineEndings("\n").Replace("\n", "\n> ", StringComparison.Ordinal);
        var message = TextBody("Earlier you wrote:\n" + quoted + "\n" + Alice.Certificate.ExportArmored());

        var opened = pgp.Mime.Open(message, BobOpens());

        Assert.Equal(ProtectionCoverage.None, opened.Encryption);
        Assert.Empty(opened.Signatures);
        Assert.IsType<TextPart>(opened.Message.Body);
    }
}
