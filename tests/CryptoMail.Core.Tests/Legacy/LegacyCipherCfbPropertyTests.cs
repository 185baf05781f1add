using CsCheck;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Tests.Legacy;

/// <summary>The CFB of the legacy ciphers (the keystream our secret-key, SKESK and SEIPD v1 code builds on
/// <c>BlockDecryptor</c>) against BouncyCastle's own CFB mode over the same engine, for random keys, IVs and lengths,
/// partial last blocks included; and decryption inverts encryption.</summary>
public sealed class LegacyCipherCfbPropertyTests
{
    public static TheoryData<int> LegacyAlgorithms => new() { 1, 2, 3, 4, 10, 11, 12, 13 };

    private static IBlockCipher Engine(int algorithm) => algorithm switch
    {
        1 => new IdeaEngine(),
        2 => new DesEdeEngine(),
        3 => new Cast5Engine(),
        4 => new BlowfishEngine(),
        10 => new TwofishEngine(),
        _ => new CamelliaEngine(),
    };

    [Theory]
    [MemberData(nameof(LegacyAlgorithms))]
    public void OpenPGP_CFB_matches_BouncyCastle_CFB_over_the_same_engine(int algorithm)
    {
        int keyLength = SessionKeyMaterial.KeyLength(algorithm);
        int blockSize = Engine(algorithm).GetBlockSize();
        var gen = Gen.Select(Gen.Byte.Array[keyLength], Gen.Byte.Array[blockSize], Gen.Byte.Array[0, 200]);
        gen.Sample((key, iv, data) =>
        {
            var ours = OpenPgpCfb.Transform(algorithm, key, data, encrypt: true, iv);
            var theirs = BouncyCastleCfb(algorithm, key, iv, data, encrypt: true);
            Assert.Equal(theirs, ours);
            Assert.Equal(data, OpenPgpCfb.Transform(algorithm, key, ours, encrypt: false, iv));
            Assert.Equal(BouncyCastleCfb(algorithm, key, iv, ours, encrypt: false), data);
        }, iter: 200);
    }

    [Fact]
    public void Blowfish_and_IDEA_have_OpenPGPs_128_bit_keys()
    {
        Assert.Equal(16, SessionKeyMaterial.KeyLength(1));
        Assert.Equal(16, SessionKeyMaterial.KeyLength(4));
        Assert.Throws<UnsupportedPacketException>(() => SessionKeyMaterial.KeyLength(5));
    }

    /// <summary>BouncyCastle's CFB with a full-block feedback register; a partial last block is encrypted as the prefix
    /// of a full one (CFB's keystream does not depend on the plaintext of the block it encrypts).</summary>
    private static byte[] BouncyCastleCfb(int algorithm, byte[] key, byte[] iv, byte[] data, bool encrypt)
    {
        var engine = Engine(algorithm);
        int bs = engine.GetBlockSize();
        var cfb = new CfbBlockCipher(engine, bs * 8);
        cfb.Init(encrypt, new ParametersWithIV(new KeyParameter(key), iv));
        int padded = (data.Length + bs - 1) / bs * bs;
        var input = new byte[padded];
        data.CopyTo(input, 0);
        var output = new byte[padded];
        for (int i = 0; i < padded; i += bs) cfb.ProcessBlock(input, i, output, i);
        return output[..data.Length];
    }
}
