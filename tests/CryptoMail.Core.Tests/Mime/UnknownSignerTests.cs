using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>A signature by a key the reader does not have is reported as unknown, never as good or matching.</summary>
public class UnknownSignerTests
{
    private readonly OpenPgp pgp = new();

    [Fact]
    public void Signature_without_the_signers_certificate_is_unknown_key()
    {
        var signed = pgp.Mime.Sign(TextMessage(), Alice);

        var opened = pgp.Mime.Open(Transport(signed), new MimeOpenOptions());

        var signature = Assert.Single(opened.Signatures);
        Assert.Equal(SignatureStatus.UnknownKey, signature.Verification.Status);
        Assert.Empty(signature.SignerUserIds);
        // Unknown, not false: without the certificate nobody can say whom the signature names.
        Assert.Null(signature.MatchesFrom);
        Assert.False(opened.IsFullySignedBySender);
    }

    [Fact]
    public void Signature_inside_encryption_without_the_signers_certificate_is_unknown_key()
    {
        var sealedMessage = pgp.Mime.SignAndEncrypt(TextMessage(), Alice, new[] { Bob.Certificate });
        var options = new MimeOpenOptions();
        options.Keys.Add(Bob);

        var opened = pgp.Mime.Open(Transport(sealedMessage), options);

        var signature = Assert.Single(opened.Signatures);
        Assert.Equal(SignatureStatus.UnknownKey, signature.Verification.Status);
        Assert.Null(signature.MatchesFrom);
        Assert.True(opened.Decrypted);
    }
}
