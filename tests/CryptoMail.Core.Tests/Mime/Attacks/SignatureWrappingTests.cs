using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime.Attacks;

/// <summary>Signature wrapping: a genuine signed part inside an unsigned multipart (beside attacker text, or in an
/// alternative the client may not show) is never "signed"; and inside a genuine encryption it makes the message
/// "encrypted" but still not "signed". The plain multipart/mixed and message/rfc822 cases are in
/// <see cref="WrappingAttackTests"/>.</summary>
public class SignatureWrappingTests
{
    private readonly OpenPgp pgp = new();

    private MimeEntity GenuineSignedPart() => pgp.Mime.Sign(TextMessage("I owe Mallory nothing.\n"), Alice).Body!;

    [Fact]
    public void Signed_part_inside_an_attackers_encryption_is_encrypted_but_not_signed()
    {
        var message = TextMessage();
        message.Body = new Multipart("mixed")
        {
            new TextPart("plain") { Text = "I owe Mallory 10,000 EUR.\n" },
            GenuineSignedPart(),
        };
        // Mallory encrypts the wrapper to Bob: the envelope is genuinely encrypted, and the signature genuinely good.
        var sealedMessage = Transport(pgp.Mime.Encrypt(message, new[] { Bob.Certificate }));

        var opened = pgp.Mime.Open(sealedMessage, BobOpens());

        Assert.Equal(ProtectionCoverage.Full, opened.Encryption);
        var signature = Assert.Single(opened.Signatures);
        Assert.Equal(SignatureStatus.Good, signature.Verification.Status);
        Assert.Equal(ProtectionCoverage.Partial, signature.Coverage);
        Assert.False(opened.IsFullySignedBySender);
    }

    [Fact]
    public void Signed_part_as_a_hidden_alternative_is_not_signed()
    {
        var message = TextMessage();
        message.Body = new MultipartAlternative
        {
            GenuineSignedPart(),
            new TextPart("html") { Text = "<p>I owe Mallory 10,000 EUR.</p>" },   // what an HTML client shows
        };

        var opened = pgp.Mime.Open(Transport(message), BobOpens());

        Assert.Equal(ProtectionCoverage.None, opened.Encryption);
        Assert.Equal(ProtectionCoverage.Partial, Assert.Single(opened.Signatures).Coverage);
        Assert.False(opened.IsFullySignedBySender);
    }

    [Fact]
    public void Genuine_signed_and_encrypted_message_is_both_so_the_checks_above_are_about_the_wrapping()
    {
        var opened = pgp.Mime.Open(Transport(pgp.Mime.SignAndEncrypt(TextMessage(), Alice, new[] { Bob.Certificate })), BobOpens());

        Assert.Equal(ProtectionCoverage.Full, opened.Encryption);
        Assert.True(opened.IsFullySignedBySender);
    }
}
