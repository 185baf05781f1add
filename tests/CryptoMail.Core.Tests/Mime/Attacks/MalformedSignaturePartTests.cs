using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime.Attacks;

/// <summary>A multipart/signed whose signature part is garbage, empty, or not a signature at all opens with a Bad
/// verdict (the message stays readable, and is not "signed"), instead of failing the whole message.</summary>
public class MalformedSignaturePartTests
{
    private readonly OpenPgp pgp = new();

    public static TheoryData<string> Damages => new() { "garbage-armor", "empty", "not-openpgp", "text-part", "key-instead-of-signature" };

    [Theory]
    [MemberData(nameof(Damages))]
    public void Malformed_signature_part_is_a_bad_verdict(string damage)
    {
        var content = new TextPart("plain") { Text = "Transfer approved.\n" };
        MimeEntity signature = damage switch
        {
            "garbage-armor" => AsciiPart("application", "pgp-signature", "-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n"),
            "empty" => AsciiPart("application", "pgp-signature", ""),
            "not-openpgp" => AsciiPart("application", "pgp-signature", "this is no signature\n"),
            "text-part" => new TextPart("plain") { Text = "not a signature" },
            "key-instead-of-signature" => AsciiPart("application", "pgp-signature", Alice.Certificate.ExportArmored()),
            _ => throw new ArgumentOutOfRangeException(nameof(damage)),
        };

        var opened = pgp.Mime.Open(WithBody(SignedMultipart(content, signature)), BobOpens());

        var verdict = Assert.Single(opened.Signatures);
        Assert.Equal(SignatureStatus.Bad, verdict.Verification.Status);
        Assert.Equal(ProtectionCoverage.Full, verdict.Coverage);
        Assert.False(verdict.MatchesFrom);
        Assert.False(string.IsNullOrEmpty(verdict.Verification.Reason));
        Assert.False(opened.IsFullySignedBySender);
        Assert.Equal("Transfer approved.\n", FirstText(opened.Message.Body)!.ReplaceLineEndings("\n"));
    }
}
