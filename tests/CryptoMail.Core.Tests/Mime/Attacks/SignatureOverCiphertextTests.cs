using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime.Attacks;

/// <summary>A signature covers what it hashed. Mallory takes an encrypted, unsigned message Alice wrote to Bob and
/// wraps it in his own multipart/signed (RFC 3156 section 6.1 signs first and encrypts second for this reason; RFC 9787
/// section 4 lets a layer protect only what it encloses): his Good signature is over the ciphertext, so it says nothing about who wrote the
/// plaintext Bob reads. It must not be reported as covering that plaintext.</summary>
public class SignatureOverCiphertextTests
{
    private readonly OpenPgp pgp = new();

    private MimeMessage MalloryWrapsAlicesCiphertext()
    {
        var alices = pgp.Mime.Encrypt(TextMessage("Hello Bob,\nthe vault code is 1234.\n"), new[] { Bob.Certificate },
            new MimeEncryptOptions { ProtectHeaders = false });
        var wrapper = TextMessage(from: "mallory@example.net");
        wrapper.From.Clear();
        wrapper.From.Add(new MailboxAddress("Mallory", "mallory@example.net"));
        wrapper.Body = Transport(alices).Body;
        return Transport(pgp.Mime.Sign(wrapper, Mallory));
    }

    [Fact]
    public void Signature_around_ciphertext_does_not_cover_the_decrypted_text()
    {
        var opened = pgp.Mime.Open(MalloryWrapsAlicesCiphertext(), BobOpens());

        Assert.Equal(ProtectionCoverage.Full, opened.Encryption);
        Assert.Contains("vault code", FirstText(opened.Message.Body), StringComparison.Ordinal);
        var signature = Assert.Single(opened.Signatures);
        Assert.Equal(SignatureStatus.Good, signature.Verification.Status);
        Assert.Equal(ProtectionCoverage.Ciphertext, signature.Coverage);
        Assert.False(opened.IsFullySignedBySender);
    }

    [Fact]
    public void Signature_inside_the_encryption_still_covers_the_plaintext()
    {
        var sealedMessage = Transport(pgp.Mime.SignAndEncrypt(TextMessage(), Alice, new[] { Bob.Certificate }));

        var opened = pgp.Mime.Open(sealedMessage, BobOpens());

        Assert.Equal(ProtectionCoverage.Full, Assert.Single(opened.Signatures).Coverage);
        Assert.True(opened.IsFullySignedBySender);
    }

    [Fact]
    public void Signed_then_encrypted_multipart_still_covers_the_plaintext()
    {
        // RFC 3156 section 6.1: a multipart/signed inside the encryption signs the plaintext.
        var signed = pgp.Mime.Sign(TextMessage(), Alice);
        var sealedMessage = Transport(pgp.Mime.Encrypt(signed, new[] { Bob.Certificate }));

        var opened = pgp.Mime.Open(sealedMessage, BobOpens());

        Assert.Equal(ProtectionCoverage.Full, Assert.Single(opened.Signatures).Coverage);
        Assert.True(opened.IsFullySignedBySender);
    }
}
