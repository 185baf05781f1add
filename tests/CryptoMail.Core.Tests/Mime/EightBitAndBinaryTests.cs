using System.Security.Cryptography;
using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>UTF-8 text and binary attachments are prepared for 7-bit transport before signing and come back intact.</summary>
public class EightBitAndBinaryTests
{
    private const string Utf8Text = "Grüße aus Zürich – 東京 🙂\nSecond line\n";
    private readonly OpenPgp pgp = new();
    private readonly byte[] binary = RandomNumberGenerator.GetBytes(5000);

    private MimeMessage MessageWithAttachment()
    {
        var message = TextMessage();
        var builder = new BodyBuilder();
        builder.TextBody = Utf8Text;
        builder.Attachments.Add("data.bin", binary, new ContentType("application", "octet-stream"));
        message.Body = builder.ToMessageBody();
        // What a sender might do: send UTF-8 and binary without transfer encoding.
        foreach (var part in message.BodyParts.OfType<MimePart>())
        {
            part.ContentTransferEncoding = part is TextPart ? ContentEncoding.EightBit : ContentEncoding.Binary;
        }
        return message;
    }

    [Fact]
    public void Signed_utf8_text_and_binary_attachment_verify_and_come_back_intact()
    {
        var signed = pgp.Mime.Sign(MessageWithAttachment(), Alice);
        var wire = Bytes(signed);
        Assert.All(wire, b => Assert.True(b < 0x80, "The signed message must be 7-bit."));

        var opened = pgp.Mime.Open(Parse(wire), BobOpens());

        Assert.True(opened.IsFullySignedBySender);
        AssertContent(opened.Message);
    }

    [Fact]
    public void Signed_and_encrypted_utf8_text_and_binary_attachment_come_back_intact()
    {
        var sealedMessage = pgp.Mime.SignAndEncrypt(MessageWithAttachment(), Alice, new[] { Bob.Certificate });

        var opened = pgp.Mime.Open(Transport(sealedMessage), BobOpens());

        Assert.True(opened.IsFullySignedBySender);
        Assert.Equal(ProtectionCoverage.Full, opened.Encryption);
        AssertContent(opened.Message);
    }

    private void AssertContent(MimeMessage message)
    {
        Assert.Equal(Utf8Text, message.TextBody!.ReplaceLineEndings("\n"));
        var attachment = Assert.Single(message.Attachments.OfType<MimePart>(), a => a.FileName == "data.bin");
        using var memory = new MemoryStream();
        attachment.Content!.DecodeTo(memory);
        Assert.Equal(binary, memory.ToArray());
    }
}
