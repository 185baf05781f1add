using System.Text;
using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime.Attacks;

/// <summary>A SHA-1 signature (chosen-prefix collisions are practical) is reported as WeakAlgorithm, never Good, so
/// the message is not "signed by the sender".</summary>
public class Sha1SignatureTests
{
    private readonly OpenPgp pgp = new();

    [Fact]
    public void Sha1_signature_over_a_signed_part_is_weak_not_good()
    {
        var signed = Transport(pgp.Mime.Sign(TextMessage(), Alice));
        var (signedPart, _) = SignedPartExtractor.Extract(Bytes(signed));
        var multipart = (Multipart)signed.Body!;
        multipart.ContentType.Parameters["micalg"] = "pgp-sha1";
        ((MimePart)multipart[1]).Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes(AttackCraft.Sha1Signature(Alice, signedPart))));

        var opened = pgp.Mime.Open(Transport(signed), BobOpens());

        var signature = Assert.Single(opened.Signatures);
        Assert.Equal(SignatureStatus.WeakAlgorithm, signature.Verification.Status);
        Assert.Equal(OpenPgpHashAlgorithm.Sha1, signature.Verification.HashAlgorithm);
        Assert.Equal(ProtectionCoverage.Full, signature.Coverage);
        Assert.False(opened.IsFullySignedBySender);
    }
}
