using static CryptoMail.Core.Tests.Mime.MimeFixtures;
using static CryptoMail.Core.Tests.Mime.Attacks.AttackCraft;

namespace CryptoMail.Core.Tests.Mime.Attacks;

/// <summary>A multipart/encrypted whose ciphertext was cut short (a truncation attack, or a broken transfer) is a
/// typed error and releases no message, for both SEIPD v2 (chunked AEAD) and SEIPD v1.</summary>
public class TruncatedCiphertextTests
{
    private readonly OpenPgp pgp = new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Cut_ciphertext_is_an_integrity_or_malformed_error(bool seipdV1)
    {
        var text = string.Concat(Enumerable.Repeat("Pay Bob $100.\n", 2000));
        var armored = seipdV1
            ? EncryptV1(Bytes(new MimeKit.TextPart("plain") { Text = text }), Bob.Certificate)
            : ArmoredData(Transport(pgp.Mime.Encrypt(TextMessage(text), new[] { Bob.Certificate })));
        var binary = Dearmor(armored);

        foreach (var keep in new[] { binary.Length - 1, binary.Length - 20, binary.Length / 2, 40 })
        {
            var message = EncryptedMessage(ArmorWriter.ToArmoredString(binary[..keep], ArmorKind.Message));
            var e = Assert.ThrowsAny<CryptoMailException>(() => pgp.Mime.Open(message, BobOpens()));
            Assert.True(e is IntegrityException or MalformedDataException, e.ToString());
        }
    }
}
