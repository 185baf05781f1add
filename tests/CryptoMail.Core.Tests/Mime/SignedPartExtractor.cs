using System.Text;
using System.Text.RegularExpressions;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>Cuts the signed part and the signature out of a multipart/signed message's raw bytes by its boundary
/// (RFC 1847 / RFC 2046), independently of MimeKit, as an outside verifier would.</summary>
internal static partial class SignedPartExtractor
{
    /// <summary>The first body part's bytes (between the first delimiter line and the CRLF before the second) and
    /// the second part's body (the armored signature).</summary>
    public static (byte[] SignedPart, string Signature) Extract(byte[] wire)
    {
        var text = Encoding.Latin1.GetString(wire);
        var match = BoundaryParameter().Match(text);
        Assert.True(match.Success, "No multipart/signed boundary found.");
        var delimiter = "--" + match.Groups["b"].Value;

        int first = text.IndexOf("\r\n" + delimiter + "\r\n", StringComparison.Ordinal);
        Assert.True(first >= 0);
        int start = first + delimiter.Length + 4;
        int second = text.IndexOf("\r\n" + delimiter + "\r\n", start, StringComparison.Ordinal);
        Assert.True(second >= 0);
        int closing = text.IndexOf("\r\n" + delimiter + "--", second + 2, StringComparison.Ordinal);
        Assert.True(closing >= 0);

        var signedPart = wire[start..second];
        var signaturePart = text[(second + delimiter.Length + 4)..closing];
        var signature = signaturePart[(signaturePart.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        return (signedPart, signature);
    }

    [GeneratedRegex("boundary=\"?(?<b>[^\";\\r\\n]+)\"?", RegexOptions.IgnoreCase)]
    private static partial Regex BoundaryParameter();
}
