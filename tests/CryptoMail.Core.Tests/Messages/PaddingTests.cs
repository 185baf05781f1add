using CryptoMail.Core.Tests.Aead;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Messages;

/// <summary>Padding packets (RFC 9580 section 5.14): written inside SEIPD v2 as <see cref="EncryptOptions.Padding"/>
/// asks, never inside SEIPD v1, and skipped by our reader, also in messages other implementations padded.</summary>
public class PaddingTests
{
    private readonly OpenPgp pgp = new();

    private static SecretKey Key => TestKeys.Get("Curve25519");

    [Fact]
    public void Bucket_padding_makes_messages_of_different_sizes_equally_long_and_they_decrypt()
    {
        var lengths = new List<long>();
        foreach (int size in new[] { 0, 100, 3000, 4000 })
        {
            var plaintext = TestData.Random(size, size);
            var (message, result) = Encrypt(plaintext, PaddingPolicy.ToBucket(4096), EncryptionFormat.SeipdV2);
            Assert.True(result.PaddingLength >= 2, $"{size}: {result.PaddingLength}");
            Assert.Equal(0, InnerLength(message) % 4096);
            Assert.Equal(plaintext, Decrypt(message));
            lengths.Add(message.Length);
        }
        Assert.Single(lengths.Distinct());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(191)]
    [InlineData(8383)]
    [InlineData(100_000)]
    public void Bucket_padding_lands_on_the_bucket_edge_whatever_header_the_packet_needs(int size)
    {
        // Sizes chosen so the padding body falls near the one-, two- and five-octet length boundaries.
        foreach (int bucket in new[] { 16, 200, 8400, 65536 })
        {
            var (message, _) = Encrypt(TestData.Random(size), PaddingPolicy.ToBucket(bucket), EncryptionFormat.SeipdV2);
            Assert.Equal(0, InnerLength(message) % bucket);
        }
    }

    [Fact]
    public void Random_padding_varies_and_stays_within_its_bound()
    {
        var plaintext = TestData.Random(500);
        var paddings = new HashSet<long>();
        for (int i = 0; i < 12; i++)
        {
            var (message, result) = Encrypt(plaintext, PaddingPolicy.Random(1000), EncryptionFormat.SeipdV2);
            Assert.InRange(result.PaddingLength, 2, 1000 + 3);
            paddings.Add(result.PaddingLength);
            Assert.Equal(plaintext, Decrypt(message));
        }
        Assert.True(paddings.Count > 1);
    }

    [Fact]
    public void Seipd_v1_messages_are_not_padded()
    {
        var (message, result) = Encrypt(TestData.Random(100), PaddingPolicy.ToBucket(4096), EncryptionFormat.SeipdV1);
        Assert.Equal(0, result.PaddingLength);
        Assert.True(message.Length < 1000);
    }

    [Fact]
    public void Padding_arguments_are_checked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PaddingPolicy.ToBucket(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PaddingPolicy.Random(PaddingPolicy.MaxPadding + 1));
        Assert.True(PaddingPolicy.None.IsNone);
        Assert.False(PaddingPolicy.Random(5).IsNone);
    }

    [VectorTheory]
    [InlineData("padding_msg-short-padding.pgp")]
    [InlineData("padding_msg-long-padding.pgp")]
    [InlineData("padding_rpgp-0-10.enc.asc")]
    [InlineData("padding_rpgp-current.enc.asc")]
    public void Messages_padded_by_others_decrypt(string file)
    {
        var key = SecretKey.Parse(System.Text.Encoding.ASCII.GetString(SharedVectors.Read("padding_alice.key")));
        var output = new MemoryStream();
        var result = pgp.Decrypt(new MemoryStream(SharedVectors.Read(file)), output, new DecryptOptions { Keys = { key } });
        Assert.True(result.IntegrityProtected);
        Assert.NotEmpty(output.ToArray());
    }

    private (byte[] Message, EncryptionResult Result) Encrypt(byte[] plaintext, PaddingPolicy padding, EncryptionFormat format)
    {
        var output = new MemoryStream();
        var result = pgp.Encrypt(new MemoryStream(plaintext), output,
            new EncryptOptions { Recipients = { Key.Certificate }, EncryptionFormat = format, Padding = padding });
        return (output.ToArray(), result);
    }

    private byte[] Decrypt(byte[] message)
    {
        var output = new MemoryStream();
        pgp.Decrypt(new MemoryStream(message), output, new DecryptOptions { Keys = { Key } });
        return output.ToArray();
    }

    /// <summary>Octets inside the encryption (literal data and padding packets): the v2 SEIPD body less its prefix
    /// and tags, counting chunk tags by the 256 KiB default chunk size.</summary>
    private static long InnerLength(byte[] message)
    {
        // One PKESK v6 first (short, one-octet length), then the SEIPD v2 packet with partial lengths.
        int pos = 2 + message[1];
        Assert.Equal(0xD2, message[pos++]);
        long body = 0;
        while (true)
        {
            int first = message[pos++];
            if (first >= 224 && first < 255)
            {
                int part = 1 << (first & 0x1F);
                body += part;
                pos += part;
                continue;
            }
            body += first < 192 ? first
                : first < 224 ? ((first - 192) << 8) + message[pos] + 192
                : System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(pos, 4));
            break;
        }
        long sealedBytes = body - SeipdV2Header.Size - 16; // less the prefix and the final tag
        long chunks = (sealedBytes + (1 << 18) + 16 - 1) / ((1 << 18) + 16);
        return sealedBytes - 16 * Math.Max(1, chunks);
    }
}
