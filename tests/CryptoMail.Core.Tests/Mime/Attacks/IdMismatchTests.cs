using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime.Attacks;

/// <summary>ID mismatch: a good signature by a key whose user ID is not the From address. The signed-only case
/// (outer From) is <see cref="SenderMismatchTests"/>; here the From is protected inside the encryption, and the
/// encrypting attacker controls both the protected and the outer header.</summary>
public class IdMismatchTests
{
    private readonly OpenPgp pgp = new();

    [Fact]
    public void Mallory_signing_as_alice_inside_the_encryption_does_not_match_from()
    {
        var forged = pgp.Mime.SignAndEncrypt(TextMessage(from: "alice@example.org"), Mallory, new[] { Bob.Certificate });

        var opened = pgp.Mime.Open(Transport(forged), BobOpens());

        Assert.Equal("alice@example.org", opened.ProtectedHeaders!.Fields.Single(f => f.Name == "From").ProtectedValue!.Split('<', '>')[1]);
        Assert.Equal(HeaderProtectionVerdict.Obscured, opened.ProtectedHeaders.Verdict);   // the header itself is consistent
        var signature = Assert.Single(opened.Signatures);
        Assert.Equal(SignatureStatus.Good, signature.Verification.Status);
        Assert.Equal(ProtectionCoverage.Full, signature.Coverage);
        Assert.False(signature.MatchesFrom);
        Assert.False(opened.IsFullySignedBySender);
    }
}
