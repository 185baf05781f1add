using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Internal.Packets;

/// <summary>Raw block encryption for CFB keystreams: the platform's hardware AES in bulk, BouncyCastle engines for
/// the legacy ciphers older messages use (CAST5, TripleDES, Blowfish, Twofish, Camellia).</summary>
internal abstract class BlockDecryptor : IDisposable
{
    public abstract int BlockSize { get; }

    /// <summary>ECB-encrypts whole blocks (the CFB keystream function).</summary>
    public abstract void EncryptBlocks(ReadOnlySpan<byte> input, Span<byte> output);

    public abstract void Dispose();

    public static BlockDecryptor Create(SessionKeyMaterial key) => key.Algorithm switch
    {
        7 or 8 or 9 => new PlatformAes(key.Key),
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

        public PlatformAes(byte[] key) => aes.Key = key;

        public override int BlockSize => 16;

        public override void EncryptBlocks(ReadOnlySpan<byte> input, Span<byte> output) => aes.EncryptEcb(input, output, PaddingMode.None);

        public override void Dispose() => aes.Dispose();
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
