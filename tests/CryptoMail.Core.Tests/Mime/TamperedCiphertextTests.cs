using System.Text;
using MimeKit;
using Org.BouncyCastle.Bcpg;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>A multipart/encrypted whose ciphertext was modified is refused with an integrity error.</summary>
public class TamperedCiphertextTests
{
    private readonly OpenPgp pgp = new();

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Modified_ciphertext_is_an_integrity_error(double where)
    {
        var encrypted = Transport(pgp.Mime.Encrypt(TextMessage(string.Concat(Enumerable.Repeat("Pay Bob $100.\n", 200))), new[] { Bob.Certificate }));
        var data = (MimePart)((Multipart)encrypted.Body!)[1];
        var binary = Dearmor(data);
        binary[(int)(binary.Length * where)] ^= 0x01;
        data.Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes(ArmorWriter.ToArmoredString(binary, ArmorKind.Message))));

        Assert.Throws<IntegrityException>(() => pgp.Mime.Open(Transport(encrypted), BobOpens()));
    }

    private static byte[] Dearmor(MimePart part)
    {
        using var armored = new MemoryStream();
        part.Content!.DecodeTo(armored);
        armored.Position = 0;
        using var input = new ArmoredInputStream(armored);
        using var binary = new MemoryStream();
        input.CopyTo(binary);
        return binary.ToArray();
    }
}
