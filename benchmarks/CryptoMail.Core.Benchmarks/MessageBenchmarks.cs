using BenchmarkDotNet.Attributes;

namespace CryptoMail.Core.Benchmarks;

/// <summary>Whole messages through the <see cref="OpenPgp"/> facade, in memory: encrypt, decrypt, sign+encrypt and
/// decrypt+verify to one recipient, per profile (keys and SEIPD version) and size.</summary>
[MemoryDiagnoser]
public class MessageBenchmarks
{
    private readonly OpenPgp pgp = new();
    private readonly MemoryStream output = new();
    private byte[] plaintext = [];
    private byte[] ciphertext = [];
    private byte[] signedCiphertext = [];
    private EncryptOptions encrypt = new();
    private EncryptOptions signAndEncrypt = new();
    private DecryptOptions decrypt = new();
    private DecryptOptions decryptAndVerify = new();

    /// <summary>Keys and encrypted-data format.</summary>
    [ParamsSource(typeof(Profiles), nameof(Profiles.All))]
    public BenchProfile Profile { get; set; } = Profiles.All[0];

    /// <summary>The plaintext size in bytes.</summary>
    [ParamsSource(typeof(Profiles), nameof(Profiles.Sizes))]
    public int Size { get; set; }

    /// <summary>Makes keys, plaintext and the messages to decrypt, outside the measurement.</summary>
    [GlobalSetup]
    public void Setup()
    {
        plaintext = Fixtures.RandomBytes(Size);
        encrypt = Fixtures.EncryptOptions(Profile, sign: false);
        signAndEncrypt = Fixtures.EncryptOptions(Profile, sign: true);
        ciphertext = EncryptOnce(encrypt);
        signedCiphertext = EncryptOnce(signAndEncrypt);
        decrypt = new DecryptOptions { Keys = { Fixtures.Bob(Profile.Keys) } };
        decryptAndVerify = new DecryptOptions
        {
            Keys = { Fixtures.Bob(Profile.Keys) },
            Verifiers = { Fixtures.Alice(Profile.Keys).Certificate },
            RequireValidSignature = true,
        };
    }

    /// <summary>Encrypt only.</summary>
    [Benchmark]
    public long Encrypt()
    {
        pgp.Encrypt(new MemoryStream(plaintext, writable: false), Fixtures.Reset(output), encrypt);
        return output.Length;
    }

    /// <summary>Sign and encrypt in one pass.</summary>
    [Benchmark]
    public long SignAndEncrypt()
    {
        pgp.Encrypt(new MemoryStream(plaintext, writable: false), Fixtures.Reset(output), signAndEncrypt);
        return output.Length;
    }

    /// <summary>Decrypt an unsigned message.</summary>
    [Benchmark]
    public long Decrypt() =>
        pgp.Decrypt(new MemoryStream(ciphertext, writable: false), Fixtures.Reset(output), decrypt).PlaintextLength;

    /// <summary>Decrypt a signed message and verify its signature.</summary>
    [Benchmark]
    public long DecryptAndVerify()
    {
        var result = pgp.Decrypt(new MemoryStream(signedCiphertext, writable: false), Fixtures.Reset(output), decryptAndVerify);
        return result.IsVerified ? result.PlaintextLength : throw new InvalidOperationException("not verified");
    }

    private byte[] EncryptOnce(EncryptOptions options)
    {
        using var buffer = new MemoryStream();
        pgp.Encrypt(new MemoryStream(plaintext, writable: false), buffer, options);
        return buffer.ToArray();
    }
}
