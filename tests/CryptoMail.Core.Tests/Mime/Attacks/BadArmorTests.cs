using static CryptoMail.Core.Tests.Mime.MimeFixtures;
using static CryptoMail.Core.Tests.Mime.Attacks.AttackCraft;

namespace CryptoMail.Core.Tests.Mime.Attacks;

/// <summary>Broken ASCII armor in the encrypted-data part is a typed MalformedDataException (or an integrity error
/// when the damage reaches the ciphertext), never a raw BouncyCastle or FormatException. A wrong CRC-24 alone is
/// not an error (RFC 9580 section 6.1 makes the CRC optional; the MDC or AEAD tags protect the data).</summary>
public class BadArmorTests
{
    private readonly OpenPgp pgp = new();

    public static TheoryData<string> Damages => new() { "base64", "header-line", "no-begin", "only-armor-lines" };

    [Theory]
    [MemberData(nameof(Damages))]
    public void Damaged_armor_is_a_typed_error(string damage)
    {
        var armored = ArmoredData(Transport(pgp.Mime.Encrypt(TextMessage(), new[] { Bob.Certificate })));
        var lines = armored.ReplaceLineEndings("\n").Split('\n').ToList();
        int firstData = lines.FindIndex(l => l.Length == 64);
        switch (damage)
        {
            case "base64":
                lines[firstData] = "!!!!" + lines[firstData][4..];
                break;
            case "header-line":
                lines.Insert(1, "Comment without a blank line after it and a very bad header: \u0001");
                lines.RemoveAll(l => l.Length == 0);
                break;
            case "no-begin":
                lines.RemoveAt(0);
                break;
            case "only-armor-lines":
                lines = ["-----BEGIN PGP MESSAGE-----", "", "-----END PGP MESSAGE-----"];
                break;
        }

        var e = Assert.ThrowsAny<CryptoMailException>(() => pgp.Mime.Open(EncryptedMessage(string.Join("\n", lines)), BobOpens()));
        Assert.True(e is MalformedDataException or IntegrityException, e.ToString());
    }

    [Fact]
    public void A_wrong_crc_over_intact_data_opens_and_damaged_data_does_not()
    {
        var armored = ArmoredData(Transport(pgp.Mime.Encrypt(TextMessage(), new[] { Bob.Certificate })));
        var lines = armored.ReplaceLineEndings("\n").Split('\n').ToList();
        int crc = lines.FindIndex(l => l.StartsWith('='));
        Assert.True(crc > 0, "the armor has a CRC line");
        lines[crc] = "=AAAA";
        Assert.True(pgp.Mime.Open(EncryptedMessage(string.Join("\n", lines)), BobOpens()).IntegrityProtected);

        int data = lines.FindIndex(l => l.Length == 64);
        lines[data] = (lines[data][0] == 'A' ? "B" : "A") + lines[data][1..];
        Assert.ThrowsAny<CryptoMailException>(() => pgp.Mime.Open(EncryptedMessage(string.Join("\n", lines)), BobOpens()));
    }
}
