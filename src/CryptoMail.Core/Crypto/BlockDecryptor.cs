using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Crypto;

/// <summary>Raw block encryption for CFB keystreams: the platform's hardware AES in bulk, BouncyCastle engines for
/// the legacy ciphers older messages use (IDEA, CAST5, TripleDES, Blowfish, Twofish, Camellia).</summary>
internal abstract class BlockDecryptor : IDisposable
{
    public abstract int BlockSize { get; }

    /// <summary>ECB-encrypts whole blocks (the CFB keystream function).</summary>
    public abstract void EncryptBlocks(ReadOnlySpan<byte> input, Span<byte> output);

    /// <summary>ECB-encrypts <paramref name="count"/> octets of whole blocks between arrays: the bulk path, which
    /// allocates nothing per call (the span form may set up a native context every time).</summary>
    public virtual void EncryptBlocks(byte[] input, int inputOffset, int count, byte[] output, int outputOffset) =>
        EncryptBlocks(input.AsSpan(inputOffset, count), output.AsSpan(outputOffset, count));

    public abstract void Dispose();

    public static BlockDecryptor Create(SessionKeyMaterial key) => key.Algorithm switch
    {
        7 or 8 or 9 => new PlatformAes(key.Key),
        1 => new Bc(new IdeaEngine(), key.Key),
        2 => new Bc(new DesEdeEngine(), key.Key),
        3 => new Bc(new Cast5Engine(), key.Key),
        4 => new Bc(new BlowfishEngine(), key.Key),
        10 => new Bc(new TwofishEngine(), key.Key),
        11 or 12 or 13 => new Bc(new CamelliaEngine(), key.Key),
        _ => throw new UnsupportedPacketException($"Symmetric algorithm {key.Algorithm} is not supported."),
    };

    private sealed class PlatformAes : BlockDecryptor
    {
        private readonly Aes aes = Aes.Create();
        private readonly ICryptoTransform ecb;

        public PlatformAes(byte[] key)
        {
            aes.Key = key;
            ecb = Ecb(aes);
        }

        public override int BlockSize => 16;

        public override void EncryptBlocks(ReadOnlySpan<byte> input, Span<byte> output) => aes.EncryptEcb(input, output, PaddingMode.None);

        public override void EncryptBlocks(byte[] input, int inputOffset, int count, byte[] output, int outputOffset) =>
            ecb.TransformBlock(input, inputOffset, count, output, outputOffset);

        public override void Dispose()
        {
            ecb.Dispose();
            aes.Dispose();
        }
    }

    /// <summary>A reusable ECB encryptor (no padding) under <paramref name="aes"/>'s key: one native context for
    /// every call, where the one-shot <see cref="SymmetricAlgorithm.EncryptEcb(ReadOnlySpan{byte}, PaddingMode)"/>
    /// sets one up (and allocates) each time.</summary>
    public static ICryptoTransform Ecb(Aes aes)
    {
        aes.Mode = CipherMode.ECB;
        aes.Padding = PaddingMode.None;
        return aes.CreateEncryptor();
    }

    private sealed class Bc : BlockDecryptor
    {
        private readonly IBlockCipher engine;

        public Bc(IBlockCipher engine, byte[] key)
        {
            this.engine = engine;
            engine.Init(true, new KeyParameter(key));
        }

        public override int BlockSize => engine.GetBlockSize();

        public override void EncryptBlocks(ReadOnlySpan<byte> input, Span<byte> output)
        {
            int bs = BlockSize;
            for (int i = 0; i < input.Length; i += bs) engine.ProcessBlock(input[i..], output[i..]);
        }

        public override void Dispose() { }
    }
}

/// <summary>OpenPGP CFB without resynchronisation over a short buffer (RFC 9580 section 13.9 without the random
/// prefix): session keys in SKESK v4 and secret key material under S2K usage 254/255.</summary>
internal static class OpenPgpCfb
{
    /// <summary>Encrypts or decrypts <paramref name="data"/> with <paramref name="key"/> under cipher
    /// <paramref name="algorithm"/>; the IV is zero unless given.</summary>
    public static byte[] Transform(int algorithm, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, bool encrypt, ReadOnlySpan<byte> iv = default)
    {
        using var material = new SessionKeyMaterial(algorithm, key.ToArray());
        using var cipher = BlockDecryptor.Create(material);
        int bs = cipher.BlockSize;
        var output = new byte[data.Length];
        var register = new byte[bs];
        if (!iv.IsEmpty) iv[..bs].CopyTo(register);
        var keystream = new byte[bs];
        for (int off = 0; off < data.Length; off += bs)
        {
            cipher.EncryptBlocks(register, keystream);
            int n = Math.Min(bs, data.Length - off);
            for (int i = 0; i < n; i++) output[off + i] = (byte)(data[off + i] ^ keystream[i]);
            // The register takes the ciphertext block: the output when encrypting, the input when decrypting.
            if (n == bs) (encrypt ? output.AsSpan(off, bs) : data.Slice(off, bs)).CopyTo(register);
        }
        CryptographicOperations.ZeroMemory(keystream);
        CryptographicOperations.ZeroMemory(register);
        return output;
    }
}
