using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>A good signature by someone other than the From address is reported as not matching the sender.</summary>
public class SenderMismatchTests
{
    private readonly OpenPgp pgp = new();

    [Fact]
    public void Good_signature_by_a_key_whose_user_id_is_not_the_from_address_does_not_match_from()
    {
        // Mallory signs a message claiming to be from Alice.
        var signed = pgp.Mime.Sign(TextMessage(from: "alice@example.org"), Mallory);

        var opened = pgp.Mime.Open(Transport(signed), BobOpens());

        var signature = Assert.Single(opened.Signatures);
        Assert.Equal(SignatureStatus.Good, signature.Verification.Status);
        Assert.Equal(ProtectionCoverage.Full, signature.Coverage);
        Assert.False(signature.MatchesFrom);
        Assert.Equal(new[] { "Mallory <mallory@example.net>" }, signature.SignerUserIds);
        Assert.False(opened.IsFullySignedBySender);
    }

    [Fact]
    public void From_address_comparison_ignores_case()
    {
        var signed = pgp.Mime.Sign(TextMessage(from: "ALICE@Example.ORG"), Alice);

        var opened = pgp.Mime.Open(Transport(signed), BobOpens());

        Assert.True(Assert.Single(opened.Signatures).MatchesFrom);
    }
}
