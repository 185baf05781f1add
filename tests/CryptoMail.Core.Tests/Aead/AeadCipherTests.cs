
namespace CryptoMail.Core.Tests.Aead;

/// <summary>Every (AES key size, AEAD) pair behind <see cref="IAeadCipher"/>: the platform path agrees with the
/// BouncyCastle path, round-trips, and rejects a changed chunk with a zeroed output.</summary>
public class AeadCipherTests
{
    public static TheoryData<byte, byte> Suites
    {
        get
        {
            var data = new TheoryData<byte, byte>();
            foreach (byte cipher in new byte[] { 7, 8, 9 })
                foreach (var aead in new[] { AeadAlgorithm.Eax, AeadAlgorithm.Ocb, AeadAlgorithm.Gcm })
                    data.Add(cipher, (byte)aead);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void Platform_and_BouncyCastle_implementations_agree_and_round_trip(byte cipher, byte aeadId)
    {
        var aead = (AeadAlgorithm)aeadId;
        var random = new Random(cipher * 10 + (int)aead);
        byte[] key = OcbModeTests.RandomBytes(random, AeadSuite.KeySize(cipher));
        using var fast = AeadCiphers.Create(cipher, aead, key);
        using var reference = AeadCiphers.CreateBouncyCastle(cipher, aead, key);
        Assert.Equal(AeadSuite.NonceSize(aead), fast.NonceSize);
        foreach (int length in new[] { 0, 1, 15, 16, 17, 1000, 16384 + 33 })
        {
            byte[] nonce = OcbModeTests.RandomBytes(random, fast.NonceSize);
            byte[] ad = OcbModeTests.RandomBytes(random, length % 14);
            byte[] pt = OcbModeTests.RandomBytes(random, length);
            byte[] sealedFast = OcbModeTests.Seal(fast, nonce, ad, pt);
            // A fresh nonce for the reference each time (BouncyCastle's GCM refuses to seal twice under one).
            using var referenceOnce = AeadCiphers.CreateBouncyCastle(cipher, aead, key);
            Assert.Equal(Convert.ToHexString(OcbModeTests.Seal(referenceOnce, nonce, ad, pt)), Convert.ToHexString(sealedFast));

            var back = new byte[length];
            reference.Decrypt(nonce, sealedFast.AsSpan(0, length), sealedFast.AsSpan(length), ad, back);
            Assert.Equal(pt, back);
        }
    }

    [Theory]
    [MemberData(nameof(Suites))]
    public void A_changed_ciphertext_tag_nonce_or_associated_data_fails_with_zeroed_output(byte cipher, byte aeadId)
    {
        var aead = (AeadAlgorithm)aeadId;
        var random = new Random(42);
        byte[] key = OcbModeTests.RandomBytes(random, AeadSuite.KeySize(cipher));
        foreach (var create in new Func<IAeadCipher>[] { () => AeadCiphers.Create(cipher, aead, key), () => AeadCiphers.CreateBouncyCastle(cipher, aead, key) })
        {
            using var c = create();
            byte[] nonce = OcbModeTests.RandomBytes(random, c.NonceSize), ad = [0xD2, 2, cipher, (byte)aead, 6];
            byte[] pt = OcbModeTests.RandomBytes(random, 100);
            byte[] sealedData = OcbModeTests.Seal(c, nonce, ad, pt);
            void Expect(byte[] n, byte[] s, byte[] a)
            {
                var output = Enumerable.Repeat((byte)0x55, pt.Length).ToArray();
                Assert.Throws<AeadTagMismatchException>(() => c.Decrypt(n, s.AsSpan(0, pt.Length), s.AsSpan(pt.Length), a, output));
                Assert.All(output, b => Assert.Equal(0, b));
            }
            Expect(nonce, Flip(sealedData, 3), ad);
            Expect(nonce, Flip(sealedData, sealedData.Length - 1), ad);
            Expect(Flip(nonce, nonce.Length - 1), sealedData, ad);
            Expect(nonce, sealedData, Flip(ad, 4));
        }
    }

    [Fact]
    public void Only_AES_with_EAX_OCB_or_GCM_and_the_right_key_length_are_accepted()
    {
        Assert.Throws<ArgumentException>(() => AeadCiphers.Create(10, AeadAlgorithm.Ocb, new byte[32]));   // Twofish
        Assert.Throws<ArgumentException>(() => AeadCiphers.Create(9, (AeadAlgorithm)4, new byte[32]));
        Assert.Throws<ArgumentException>(() => AeadCiphers.Create(9, AeadAlgorithm.Gcm, new byte[16]));
        Assert.IsType<OcbMode>(AeadCiphers.Create(7, AeadAlgorithm.Ocb, new byte[16]));
        Assert.IsType<GcmCipher>(AeadCiphers.Create(7, AeadAlgorithm.Gcm, new byte[16]));
        Assert.IsType<BouncyAeadCipher>(AeadCiphers.Create(7, AeadAlgorithm.Eax, new byte[16]));
    }

    internal static byte[] Flip(byte[] data, int index)
    {
        var copy = (byte[])data.Clone();
        copy[index] ^= 0x01;
        return copy;
    }
}
