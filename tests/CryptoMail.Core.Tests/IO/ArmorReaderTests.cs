using System.Text;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.IO;

/// <summary>The one armor decoder (RFC 9580 section 6.2): labels and header lines exposed, cleartext-signed messages
/// recognised by their header, the CRC-24 footer never a reason to reject (RFC 9580 section 6.1), and every defect a
/// MalformedDataException that does not repeat the input.</summary>
public class ArmorReaderTests
{
    private static readonly byte[] Data = TestData.Random(1000, seed: 13);

    private static string Armored(string label, string headers, byte[] data, string? crcLine, string? endLabel = null)
    {
        var text = new StringBuilder($"-----BEGIN {label}-----\n{headers}\n");
        var base64 = Convert.ToBase64String(data);
        for (int i = 0; i < base64.Length; i += 64) text.Append(base64.AsSpan(i, Math.Min(64, base64.Length - i))).Append('\n');
        if (crcLine is not null) text.Append(crcLine).Append('\n');
        return text.Append($"-----END {endLabel ?? label}-----\n").ToString();
    }

    private static string Crc(byte[] data)
    {
        uint crc = Crc24.Update(Crc24.Init, data);
        return "=" + Convert.ToBase64String([(byte)(crc >> 16), (byte)(crc >> 8), (byte)crc]);
    }

    private static ArmorReader Reader(string text) => new(new MemoryStream(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Label_kind_and_header_lines_are_exposed()
    {
        using var reader = Reader("junk before\n" + Armored("PGP SIGNATURE", "Version: Test 1\nComment: caf\u00e9\nComment:  two  \n", Data, Crc(Data)));
        Assert.True(reader.TryReadHeader());
        Assert.Equal("PGP SIGNATURE", reader.Label);
        Assert.Equal(ArmorKind.Signature, reader.Kind);
        Assert.False(reader.IsCleartext);
        Assert.Equal([new("Version", "Test 1"), new("Comment", "caf\u00e9"), new KeyValuePair<string, string>("Comment", "two")], reader.Headers);
        Assert.Equal(Data, reader.ReadBlock(1 << 20));
    }

    [Fact]
    public void A_cleartext_signed_message_has_a_header_and_no_armored_data()
    {
        // RFC 9580 section 7: the Hash header of the cleartext framework, read by the same decoder.
        using var reader = Reader("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\nHash: SHA256\n\nsigned text\n");
        Assert.True(reader.TryReadHeader());
        Assert.True(reader.IsCleartext);
        Assert.Null(reader.Kind);
        Assert.Equal(["SHA512", "SHA256"], reader.Headers.Where(h => h.Key == "Hash").Select(h => h.Value));
        Assert.Throws<MalformedDataException>(() => reader.ReadBlock(1 << 20));
    }

    [Theory]
    [InlineData("no footer")]
    [InlineData("wrong footer")]
    [InlineData("malformed footer")]
    public void The_crc_footer_is_never_a_reason_to_reject(string footer)
    {
        // RFC 9580 section 6.1: MUST NOT reject an object when the CRC24 footer is present, missing, malformed or wrong.
        string? line = footer switch { "no footer" => null, "wrong footer" => "=AAAA", _ => "=!" };
        var text = Armored("PGP MESSAGE", "", Data, line);
        using var reader = Reader(text);
        Assert.Equal(Data, reader.ReadBlock(1 << 20));

        // The public dearmoring (BouncyCastle's reader before) accepts it too.
        var output = new MemoryStream();
        OpenPgpArmor.Dearmor(new MemoryStream(Encoding.ASCII.GetBytes(text)), output);
        Assert.Equal(Data, output.ToArray());
    }

    [Fact]
    public void Blocks_are_read_one_after_another()
    {
        var second = TestData.Random(70_000, seed: 14);
        using var reader = Reader(Armored("PGP PUBLIC KEY BLOCK", "", Data, Crc(Data)) + "between\n" + Armored("PGP PRIVATE KEY BLOCK", "Comment: x\n", second, null));
        Assert.True(reader.TryReadHeader());
        Assert.Equal(ArmorKind.PublicKey, reader.Kind);
        Assert.Equal(Data, reader.ReadBlock(1 << 20));
        Assert.True(reader.TryReadHeader());
        Assert.Equal(ArmorKind.PrivateKey, reader.Kind);
        Assert.Equal(second, reader.ReadBlock(1 << 20));
        Assert.False(reader.TryReadHeader());
    }

    [Fact]
    public void A_gnupg_revocation_certificate_with_a_colon_before_its_begin_line_is_read()
    {
        // gpg writes openpgp-revocs.d/*.rev with ":-----BEGIN PGP PUBLIC KEY BLOCK-----" so it is not imported by accident.
        using var reader = Reader("This is a revocation certificate\n\n:" + Armored("PGP PUBLIC KEY BLOCK", "Comment: revocation\n", Data, Crc(Data)));
        Assert.True(reader.TryReadHeader());
        Assert.Equal(ArmorKind.PublicKey, reader.Kind);
        Assert.Equal(Data, reader.ReadBlock(1 << 20));
    }

    public static TheoryData<string, string> Defects => new()
    {
        { "END line of another kind", Armored("PGP MESSAGE", "", Data, null, endLabel: "PGP SIGNATURE") },
        { "data after the footer", Armored("PGP MESSAGE", "", Data, Crc(Data)).Replace("-----END", "QUFB\n-----END") },
        { "a header line without a colon", "-----BEGIN PGP MESSAGE-----\nSECRETMARKER\n\nQUFB\n-----END PGP MESSAGE-----\n" },
        { "bad base64", "-----BEGIN PGP MESSAGE-----\n\nSECRET!MARKER\n-----END PGP MESSAGE-----\n" },
        { "too many header lines", "-----BEGIN PGP MESSAGE-----\n" + string.Concat(Enumerable.Repeat("Comment: SECRETMARKER\n", 65)) + "\nQUFB\n-----END PGP MESSAGE-----\n" },
        { "no blank line before the end", "-----BEGIN PGP MESSAGE-----\nComment: SECRETMARKER\n" },
        { "no BEGIN line", "SECRETMARKER\nQUFB\n" },
    };

    [Theory]
    [MemberData(nameof(Defects))]
    public void Defects_are_malformed_data_that_does_not_repeat_the_input(string defect, string text)
    {
        using var reader = new ArmorReader(new MemoryStream(Encoding.ASCII.GetBytes(text)), "Reading");
        var e = Assert.Throws<MalformedDataException>(() => reader.ReadBlock(1 << 20));
        Assert.DoesNotContain("SECRET", e.Message);
        Assert.DoesNotContain("MARKER", e.Message);
        Assert.StartsWith("Reading: ", e.Message);
        Assert.False(string.IsNullOrEmpty(defect));
    }

    [Fact]
    public void Certificates_with_a_wrong_crc_footer_are_read()
    {
        // RFC 9580 section 6.1 again, through the key-file path (BouncyCastle's reader refused this before).
        var key = TestKeys.Get("Curve25519", "armor-crc");
        var armored = key.Certificate.ExportArmored().ReplaceLineEndings("\n").Split('\n').ToList();
        int crc = armored.FindIndex(l => l.StartsWith('='));
        Assert.True(crc > 0, "the armor has a CRC line");
        armored[crc] = "=AAAA";
        var read = Certificate.Parse(string.Join("\n", armored));
        Assert.Equal(key.Certificate.Fingerprint, read.Fingerprint);
    }
}
