using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using OcbBlockCipher = Org.BouncyCastle.Crypto.Modes.OcbBlockCipher;
using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Tests.Aead;

/// <summary>OCB over the platform's AES: the RFC 7253 sample results, and BouncyCastle's OcbBlockCipher as an
/// oracle on random keys, nonces, lengths and associated data.</summary>
public class OcbModeTests
{
    private const string Rfc7253Key = "000102030405060708090A0B0C0D0E0F";

    // RFC 7253, Appendix A ("Sample Results"), AEAD_AES_128_OCB_TAGLEN128: K = 000102...0F,
    // nonce BBAA99887766554433221100 + i, A and P prefixes of 000102...2627, C = ciphertext || tag.
    public static TheoryData<string, string, string, string> Rfc7253Samples => new()
    {
        { "BBAA99887766554433221100", "", "", "785407BFFFC8AD9EDCC5520AC9111EE6" },
        { "BBAA99887766554433221101", "0001020304050607", "0001020304050607", "6820B3657B6F615A5725BDA0D3B4EB3A257C9AF1F8F03009" },
        { "BBAA99887766554433221102", "0001020304050607", "", "81017F8203F081277152FADE694A0A00" },
        { "BBAA99887766554433221103", "", "0001020304050607", "45DD69F8F5AAE72414054CD1F35D82760B2CD00D2F99BFA9" },
        { "BBAA99887766554433221104", "000102030405060708090A0B0C0D0E0F", "000102030405060708090A0B0C0D0E0F",
          "571D535B60B277188BE5147170A9A22C3AD7A4FF3835B8C5701C1CCEC8FC3358" },
        { "BBAA99887766554433221105", "000102030405060708090A0B0C0D0E0F", "", "8CF761B6902EF764462AD86498CA6B97" },
        { "BBAA99887766554433221106", "", "000102030405060708090A0B0C0D0E0F",
          "5CE88EC2E0692706A915C00AEB8B2396F40E1C743F52436BDF06D8FA1ECA343D" },
        { "BBAA99887766554433221107", "000102030405060708090A0B0C0D0E0F1011121314151617", "000102030405060708090A0B0C0D0E0F1011121314151617",
          "1CA2207308C87C010756104D8840CE1952F09673A448A122C92C62241051F57356D7F3C90BB0E07F" },
        { "BBAA99887766554433221108", "000102030405060708090A0B0C0D0E0F1011121314151617", "", "6DC225A071FC1B9F7C69F93B0F1E10DE" },
        { "BBAA99887766554433221109", "", "000102030405060708090A0B0C0D0E0F1011121314151617",
          "221BD0DE7FA6FE993ECCD769460A0AF2D6CDED0C395B1C3CE725F32494B9F914D85C0B1EB38357FF" },
        { "BBAA9988776655443322110A", "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
          "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
          "BD6F6C496201C69296C11EFD138A467ABD3C707924B964DEAFFC40319AF5A48540FBBA186C5553C68AD9F592A79A4240" },
        { "BBAA9988776655443322110B", "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F", "",
          "FE80690BEE8A485D11F32965BC9D2A32" },
        { "BBAA9988776655443322110C", "", "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
          "2942BFC773BDA23CABC6ACFD9BFD5835BD300F0973792EF46040C53F1432BCDFB5E1DDE3BC18A5F840B52E653444D5DF" },
        { "BBAA9988776655443322110D", "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F2021222324252627",
          "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F2021222324252627",
          "D5CA91748410C1751FF8A2F618255B68A0A12E093FF454606E59F9C1D0DDC54B65E8628E568BAD7AED07BA06A4A69483A7035490C5769E60" },
        { "BBAA9988776655443322110E", "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F2021222324252627", "",
          "C5CD9D1850C141E358649994EE701B68" },
        { "BBAA9988776655443322110F", "", "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F2021222324252627",
          "4412923493C57D5DE0D700F753CCE0D1D2D95060122E9F15A5DDBFC5787E50B5CC55EE507BCB084E479AD363AC366B95A98CA5F3000B1479" },
    };

    [Theory]
    [MemberData(nameof(Rfc7253Samples))]
    public void Rfc7253_appendix_A_sample_results_encrypt_and_decrypt(string nonceHex, string adHex, string ptHex, string expectedHex)
    {
        byte[] key = Convert.FromHexString(Rfc7253Key), nonce = Convert.FromHexString(nonceHex);
        byte[] ad = Convert.FromHexString(adHex), pt = Convert.FromHexString(ptHex), expected = Convert.FromHexString(expectedHex);

        var ct = new byte[pt.Length];
        var tag = new byte[16];
        OcbMode.Encrypt(key, nonce, pt, ad, ct, tag);
        Assert.Equal(expectedHex, Convert.ToHexString([.. ct, .. tag]));

        var back = new byte[pt.Length];
        OcbMode.Decrypt(key, nonce, expected.AsSpan(0, pt.Length), expected.AsSpan(pt.Length), ad, back);
        Assert.Equal(pt, back);
    }

    [Theory]
    [MemberData(nameof(Rfc7253Samples))]
    public void Rfc7253_samples_with_any_bit_flipped_fail_and_zero_the_output(string nonceHex, string adHex, string ptHex, string expectedHex)
    {
        byte[] key = Convert.FromHexString(Rfc7253Key), nonce = Convert.FromHexString(nonceHex);
        byte[] ad = Convert.FromHexString(adHex), sealedData = Convert.FromHexString(expectedHex);
        int ptLength = ptHex.Length / 2;
        using var ocb = new OcbMode(key);
        for (int bit = 0; bit < sealedData.Length * 8; bit += 3)
        {
            var bad = (byte[])sealedData.Clone();
            bad[bit / 8] ^= (byte)(1 << (bit % 8));
            var output = Enumerable.Repeat((byte)0xAA, ptLength).ToArray();
            Assert.Throws<AeadTagMismatchException>(() => ocb.Decrypt(nonce, bad.AsSpan(0, ptLength), bad.AsSpan(ptLength), ad, output));
            Assert.All(output, b => Assert.Equal(0, b));
        }
        if (ad.Length > 0)
        {
            var badAd = (byte[])ad.Clone();
            badAd[^1] ^= 1;
            Assert.Throws<AeadTagMismatchException>(() => ocb.Decrypt(nonce, sealedData.AsSpan(0, ptLength), sealedData.AsSpan(ptLength), badAd, new byte[ptLength]));
        }
    }

    // RFC 7253, Appendix A: the iterated test over 128 lengths and 385 nonces of 12 octets, with
    // K = zeros(KEYLEN-8) || num2str(TAGLEN, 8); "Output" for AEAD_AES_{128,192,256}_OCB_TAGLEN128.
    [Theory]
    [InlineData(16, "67E944D23256C5E0B6C61FA22FDF1EA2")]
    [InlineData(24, "F673F2C3E7174AAE7BAE986CA9F29E17")]
    [InlineData(32, "D90EB8E9C977C88B79DD793D7FFA161C")]
    public void Rfc7253_appendix_A_iterated_output(int keyLength, string expected)
    {
        var key = new byte[keyLength];
        key[^1] = 128;
        using var ocb = new OcbMode(key);
        var c = new List<byte>();
        for (int i = 0; i < 128; i++)
        {
            var s = new byte[i];
            c.AddRange(Seal(ocb, Nonce96(3 * i + 1), ad: s, pt: s));
            c.AddRange(Seal(ocb, Nonce96(3 * i + 2), ad: [], pt: s));
            c.AddRange(Seal(ocb, Nonce96(3 * i + 3), ad: s, pt: []));
        }
        Assert.Equal(22400, c.Count);
        Assert.Equal(expected, Convert.ToHexString(Seal(ocb, Nonce96(385), ad: c.ToArray(), pt: [])));

        static byte[] Nonce96(int n)
        {
            var nonce = new byte[12];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(nonce.AsSpan(8), n);
            return nonce;
        }
    }

    [Fact]
    public void Matches_BouncyCastle_OcbBlockCipher_on_random_keys_nonces_lengths_and_associated_data()
    {
        var random = new Random(7253);
        // Lengths around block and batch (1024 blocks) boundaries, plus random ones.
        int[] interesting = [0, 1, 15, 16, 17, 31, 32, 33, 4095, 4096, 16383, 16384, 16385, 32768 + 5, 65536 + 16 * 7 + 3];
        for (int round = 0; round < 120; round++)
        {
            byte[] key = RandomBytes(random, new[] { 16, 24, 32 }[round % 3]);
            using var ocb = new OcbMode(key);
            byte[] baseNonce = RandomBytes(random, random.Next(1, 16));
            // Several nonces per key that differ only in their last octet: exercises the cached Ktop.
            for (int k = 0; k < 3; k++)
            {
                byte[] nonce = (byte[])baseNonce.Clone();
                nonce[^1] ^= (byte)random.Next(256);
                int ptLength = round < interesting.Length ? interesting[round] : random.Next(0, 3000);
                int adLength = k switch { 0 => 0, 1 => random.Next(0, 40), _ => interesting[random.Next(interesting.Length)] };
                byte[] pt = RandomBytes(random, ptLength), ad = RandomBytes(random, adLength);

                byte[] expected = BouncyCastleSeal(key, nonce, ad, pt);
                byte[] actual = Seal(ocb, nonce, ad, pt);
                Assert.True(expected.AsSpan().SequenceEqual(actual), $"round {round}.{k}: |P|={ptLength} |A|={adLength} |N|={nonce.Length}");

                var back = new byte[ptLength];
                ocb.Decrypt(nonce, actual.AsSpan(0, ptLength), actual.AsSpan(ptLength), ad, back);
                Assert.True(pt.AsSpan().SequenceEqual(back), $"round {round}.{k}: decrypt");
            }
        }
    }

    [Fact]
    public void Encrypts_and_decrypts_in_place()
    {
        var random = new Random(1);
        byte[] key = RandomBytes(random, 16), nonce = RandomBytes(random, 15), ad = RandomBytes(random, 5);
        byte[] pt = RandomBytes(random, 40_000 + 7);
        byte[] expected = BouncyCastleSeal(key, nonce, ad, pt);
        using var ocb = new OcbMode(key);

        var buffer = (byte[])pt.Clone();
        var tag = new byte[16];
        ocb.Encrypt(nonce, buffer, ad, buffer, tag);
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString([.. buffer, .. tag]));
        ocb.Decrypt(nonce, buffer, tag, ad, buffer);
        Assert.Equal(pt, buffer);
    }

    [Fact]
    public void Rejects_nonces_outside_1_to_15_octets_and_wrong_buffer_sizes()
    {
        using var ocb = new OcbMode(new byte[16]);
        var tag = new byte[16];
        Assert.Throws<ArgumentException>(() => ocb.Encrypt([], [], [], [], tag));
        Assert.Throws<ArgumentException>(() => ocb.Encrypt(new byte[16], [], [], [], tag));
        Assert.Throws<ArgumentException>(() => ocb.Encrypt(new byte[15], new byte[3], [], new byte[2], tag));
        Assert.Throws<ArgumentException>(() => ocb.Encrypt(new byte[15], [], [], [], new byte[12]));
        Assert.Throws<ArgumentException>(() => new OcbMode(new byte[17]));
    }

    [Fact]
    public void Refuses_use_after_dispose()
    {
        var ocb = new OcbMode(new byte[16]);
        ocb.Dispose();
        Assert.Throws<ObjectDisposedException>(() => ocb.Encrypt(new byte[15], [], [], [], new byte[16]));
    }

    internal static byte[] Seal(IAeadCipher cipher, byte[] nonce, byte[] ad, byte[] pt)
    {
        var result = new byte[pt.Length + 16];
        cipher.Encrypt(nonce, pt, ad, result.AsSpan(0, pt.Length), result.AsSpan(pt.Length));
        return result;
    }

    internal static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] BouncyCastleSeal(byte[] key, byte[] nonce, byte[] ad, byte[] pt)
    {
        var oracle = new OcbBlockCipher(new AesEngine(), new AesEngine());
        oracle.Init(true, new AeadParameters(new KeyParameter(key), 128, nonce, ad));
        var output = new byte[oracle.GetOutputSize(pt.Length)];
        int n = oracle.ProcessBytes(pt, 0, pt.Length, output, 0);
        oracle.DoFinal(output, n);
        return output;
    }
}
