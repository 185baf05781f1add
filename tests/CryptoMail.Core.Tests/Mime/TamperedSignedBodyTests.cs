using System.Text;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>A change to the signed part after signing is reported as a bad signature (not thrown).</summary>
public class TamperedSignedBodyTests
{
    private readonly OpenPgp pgp = new();

    [Theory]
    [InlineData("the meeting is at 10.", "the meeting is at 11.")]
    [InlineData("Content-Type: text/plain", "Content-Type: text/html")]
    public void Changed_signed_part_is_bad(string original, string replacement)
    {
        var wire = Encoding.ASCII.GetString(Bytes(pgp.Mime.Sign(TextMessage(), Alice)));
        Assert.Contains(original, wire, StringComparison.Ordinal);
        // Only the first occurrence: the signed part comes before the signature part.
        int at = wire.IndexOf(original, StringComparison.Ordinal);
        var tampered = wire[..at] + replacement + wire[(at + original.Length)..];

        var opened = pgp.Mime.Open(Parse(Encoding.ASCII.GetBytes(tampered)), BobOpens());

        Assert.Equal(SignatureStatus.Bad, Assert.Single(opened.Signatures).Verification.Status);
        Assert.False(opened.IsFullySignedBySender);
    }
}
