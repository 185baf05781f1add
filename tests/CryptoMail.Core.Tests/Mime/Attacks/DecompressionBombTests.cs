using System.Text;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime.Attacks;

/// <summary>A decompression bomb inside a multipart/encrypted: a few kilobytes that inflate to gigabytes. Opening
/// stops at the read limits with a typed error (the OpenPGP-level test is in Messages/EncryptDecryptRoundTripTests).</summary>
public class DecompressionBombTests
{
    private readonly OpenPgp pgp = new();

    [Fact]
    public void Compressed_payload_beyond_the_limits_is_a_limit_error()
    {
        var plaintext = new byte[16 << 20];   // zeros: about 1000:1 with zlib
        Encoding.ASCII.GetBytes("Content-Type: text/plain\r\n\r\n").CopyTo(plaintext, 0);
        var options = new EncryptOptions { Armor = true, Compression = Compression.Zlib, Recipients = { Bob.Certificate } };
        using var armored = new MemoryStream();
        pgp.Encrypt(new MemoryStream(plaintext), armored, options);
        var message = AttackCraft.EncryptedMessage(Encoding.ASCII.GetString(armored.ToArray()));

        var open = new MimeOpenOptions { Keys = { Bob }, Limits = new ReadLimits { MaxDecompressedBytes = 1 << 20 } };
        Assert.Throws<LimitExceededException>(() => pgp.Mime.Open(message, open));
        // The default ratio limit (1000:1) catches it too, without a size limit set.
        var ratioOnly = new MimeOpenOptions { Keys = { Bob }, Limits = new ReadLimits { MaxCompressionRatio = 100 } };
        Assert.Throws<LimitExceededException>(() => pgp.Mime.Open(message, ratioOnly));
    }
}
