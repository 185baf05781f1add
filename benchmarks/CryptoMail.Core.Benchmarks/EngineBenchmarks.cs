using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace CryptoMail.Core.Benchmarks;

/// <summary>The symmetric engines alone, AES-256 over one buffer: OCB (ours over hardware AES, and BouncyCastle's, the
/// fallback and test oracle), GCM (the platform's), and SEIPD v1's CFB: the platform's one-shot CFB, ours on the AES
/// instructions (<see cref="HardwareAesCfb"/>), and the SEIPD v1 stages with their SHA-1 MDC (encrypt into
/// <see cref="Stream.Null"/>, decrypt from memory).</summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private const byte Aes256 = 9;
    private readonly byte[] key = Fixtures.RandomBytes(32);
    private readonly byte[] nonce = new byte[15];
    private readonly byte[] tag = new byte[16];
    private readonly byte[] iv = new byte[16];
    private readonly byte[] freshNonce = new byte[15];
    private long calls;
    private byte[] input = [];
    private byte[] output = [];
    private byte[] ocbCiphertext = [];
    private byte[] gcmCiphertext = [];
    private byte[] ocbTag = [];
    private byte[] gcmTag = [];
    private byte[] seipdBody = [];
    private IAeadCipher ocb = null!;
    private IAeadCipher bcOcb = null!;
    private IAeadCipher gcm = null!;
    private Aes aes = null!;
    private HardwareAesCfb? hardwareCfb;

    /// <summary>The buffer size in bytes (SEIPD v2 chunks are 256 KiB by default).</summary>
    [Params(64 << 10, 16 << 20)]
    public int Size { get; set; }

    /// <summary>Keys the engines and prepares the ciphertexts to decrypt.</summary>
    [GlobalSetup]
    public void Setup()
    {
        input = Fixtures.RandomBytes(Size);
        output = new byte[Size + 64];
        ocb = AeadCiphers.Create(Aes256, AeadAlgorithm.Ocb, key);
        bcOcb = AeadCiphers.CreateBouncyCastle(Aes256, AeadAlgorithm.Ocb, key);
        gcm = AeadCiphers.Create(Aes256, AeadAlgorithm.Gcm, key);
        aes = Aes.Create();
        aes.Key = key;
        hardwareCfb = HardwareAesCfb.IsSupported ? new HardwareAesCfb(key, iv) : null;

        ocbCiphertext = new byte[Size];
        ocbTag = new byte[16];
        ocb.Encrypt(nonce, input, default, ocbCiphertext, ocbTag);
        gcmCiphertext = new byte[Size];
        gcmTag = new byte[16];
        gcm.Encrypt(nonce.AsSpan(0, 12), input, default, gcmCiphertext, gcmTag);

        // A SEIPD v1 body: CFB (zero IV, no resynchronisation) over prefix, data and the MDC packet.
        var prefix = Fixtures.RandomBytes(18);
        prefix[16] = prefix[14];
        prefix[17] = prefix[15];
        int length = 18 + Size + 22;
        var plain = new byte[(length + 15) & ~15]; // CFB is a stream mode: encrypt whole blocks, keep `length` octets
        prefix.CopyTo(plain, 0);
        input.CopyTo(plain, 18);
        plain[18 + Size] = 0xD3;
        plain[19 + Size] = 0x14;
#pragma warning disable CA5350 // SEIPD v1's modification detection code is SHA-1 by definition
        SHA1.HashData(plain.AsSpan(0, 20 + Size), plain.AsSpan(20 + Size));
#pragma warning restore CA5350
        seipdBody = aes.EncryptCfb(plain, iv, PaddingMode.None, 128)[..length];
    }

    /// <summary>Releases the engines.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        ocb.Dispose();
        bcOcb.Dispose();
        gcm.Dispose();
        aes.Dispose();
        hardwareCfb?.Dispose();
    }

    /// <summary>OCB encrypt, ours (bulk ECB over hardware AES).</summary>
    [Benchmark(Baseline = true)]
    public void OcbEncrypt() => ocb.Encrypt(nonce, input, default, output.AsSpan(0, Size), tag);

    /// <summary>OCB decrypt, ours.</summary>
    [Benchmark]
    public void OcbDecrypt() => ocb.Decrypt(nonce, ocbCiphertext, ocbTag, default, output.AsSpan(0, Size));

    /// <summary>OCB encrypt, BouncyCastle (fallback and test oracle). It refuses a repeated nonce, so each call takes
    /// the next one.</summary>
    [Benchmark]
    public void OcbEncryptBouncyCastle()
    {
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(freshNonce.AsSpan(7), ++calls);
        bcOcb.Encrypt(freshNonce, input, default, output.AsSpan(0, Size), tag);
    }

    /// <summary>GCM encrypt, the platform's AesGcm.</summary>
    [Benchmark]
    public void GcmEncrypt() => gcm.Encrypt(nonce.AsSpan(0, 12), input, default, output.AsSpan(0, Size), tag);

    /// <summary>GCM decrypt, the platform's AesGcm.</summary>
    [Benchmark]
    public void GcmDecrypt() => gcm.Decrypt(nonce.AsSpan(0, 12), gcmCiphertext, gcmTag, default, output.AsSpan(0, Size));

    /// <summary>CFB-128 encrypt, the platform's one-shot (serial by nature).</summary>
    [Benchmark]
    public int CfbEncryptPlatform() => aes.EncryptCfb(input, iv, output, PaddingMode.None, 128);

    /// <summary>CFB-128 decrypt, the platform's one-shot.</summary>
    [Benchmark]
    public int CfbDecryptPlatform() => aes.DecryptCfb(input, iv, output, PaddingMode.None, 128);

    /// <summary>CFB-128 encrypt, ours on the AES instructions (the register carries on from call to call, which
    /// costs the same as a fresh IV).</summary>
    [Benchmark]
    public void CfbEncryptHardware() => Hardware.Encrypt(input, output);

    /// <summary>CFB-128 decrypt, ours on the AES instructions, eight blocks at a time.</summary>
    [Benchmark]
    public void CfbDecryptHardware() => Hardware.Decrypt(input, output);

    private HardwareAesCfb Hardware => hardwareCfb ?? throw new PlatformNotSupportedException("No AES instructions on this CPU.");

    /// <summary>SEIPD v1 encrypt stage: CFB, SHA-1 MDC, partial-length framing.</summary>
    [Benchmark]
    public void SeipdV1Encrypt()
    {
        using var session = new SessionKeyMaterial(Aes256, (byte[])key.Clone());
        using var stage = new SeipdV1EncryptStream(Stream.Null, session);
        stage.Write(input);
    }

    /// <summary>SEIPD v1 decrypt stage: CFB as bulk ECB over the shifted ciphertext, SHA-1 MDC check.</summary>
    [Benchmark]
    public long SeipdV1Decrypt()
    {
        using var session = new SessionKeyMaterial(Aes256, (byte[])key.Clone());
        using var stage = new SeipdV1DecryptStream(new MemoryStream(seipdBody, 18, seipdBody.Length - 18, writable: false), session, seipdBody[..18]);
        long total = 0;
        int n;
        while ((n = stage.Read(output, 0, output.Length)) > 0) total += n;
        return total == Size ? total : throw new InvalidOperationException("wrong length");
    }
}
