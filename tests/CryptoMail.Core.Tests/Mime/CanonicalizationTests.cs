using System.Text;
using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>RFC 3156 sections 3 and 5: what is signed survives transport that strips trailing white space, rewrites
/// "From " lines, or changes line endings.</summary>
public class CanonicalizationTests
{
    private const string RiskyText = "Trailing spaces here   \nFrom the desk of Alice\nand a tab\t\n";
    private readonly OpenPgp pgp = new();

    [Fact]
    public void Trailing_white_space_and_from_lines_survive_signing_and_verify()
    {
        var signed = pgp.Mime.Sign(TextMessage(RiskyText), Alice);

        var opened = pgp.Mime.Open(Transport(signed), BobOpens());

        Assert.True(opened.IsFullySignedBySender);
        Assert.Equal(RiskyText, FirstText(opened.Message.Body)!.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Risky_text_is_quoted_printable_with_encoded_from_and_trailing_blanks()
    {
        var wire = Encoding.ASCII.GetString(Bytes(pgp.Mime.Sign(TextMessage(RiskyText), Alice)));

        Assert.Contains("Content-Transfer-Encoding: quoted-printable", wire, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\r\n=46rom the desk of Alice", wire, StringComparison.Ordinal);
        Assert.DoesNotContain("\r\nFrom ", wire, StringComparison.Ordinal);
        Assert.DoesNotContain(" \r\n", wire, StringComparison.Ordinal);
        Assert.DoesNotContain("\t\r\n", wire, StringComparison.Ordinal);
    }

    [Fact]
    public void Message_stored_with_unix_line_endings_still_verifies()
    {
        var signed = pgp.Mime.Sign(TextMessage(RiskyText), Alice);

        var opened = pgp.Mime.Open(Transport(signed, NewLineFormat.Unix), BobOpens());

        Assert.True(opened.IsFullySignedBySender);
    }

    [Fact]
    public void Plain_ascii_text_stays_seven_bit()
    {
        var wire = Encoding.ASCII.GetString(Bytes(pgp.Mime.Sign(TextMessage("Just text.\n"), Alice)));

        Assert.DoesNotContain("quoted-printable", wire, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\r\nJust text.\r\n", wire, StringComparison.Ordinal);
    }

    [Fact]
    public void Signed_bytes_are_exactly_the_embedded_bytes()
    {
        var wire = Bytes(pgp.Mime.Sign(TextMessage(RiskyText), Alice));

        var (part, _) = SignedPartExtractor.Extract(wire);
        var reparsed = (Multipart)Parse(wire).Body!;
        using var memory = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        reparsed[0].WriteTo(options, memory);

        Assert.Equal(part, memory.ToArray());
    }
}
