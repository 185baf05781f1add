using BenchmarkDotNet.Attributes;

namespace CryptoMail.Core.Benchmarks;

/// <summary>Decrypting (and verifying) a message encrypted to one recipient.</summary>
[MemoryDiagnoser]
public class DecryptBenchmark
{
    private readonly OpenPgp pgp = new();
    private readonly MemoryStream output = new();
    private byte[] signedCiphertext = Array.Empty<byte>();
    private byte[] ciphertext = Array.Empty<byte>();

    /// <summary>The plaintext size in bytes.</summary>
    [Params(1 << 20)]
    public int Size { get; set; }

    /// <summary>Encrypts the inputs once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var plaintext = Fixtures.RandomBytes(Size);
        signedCiphertext = EncryptOnce(plaintext, sign: true);
        ciphertext = EncryptOnce(plaintext, sign: false);
    }

    /// <summary>Decrypt and verify a signed message.</summary>
    [Benchmark]
    public long DecryptAndVerify()
    {
        var options = new DecryptOptions { Keys = { Fixtures.Bob }, Verifiers = { Fixtures.Alice.Certificate } };
        var result = pgp.Decrypt(new MemoryStream(signedCiphertext, writable: false), Fixtures.Reset(output), options);
        return result.IsVerified ? result.PlaintextLength : throw new InvalidOperationException("not verified");
    }

    /// <summary>Decrypt an unsigned message.</summary>
    [Benchmark]
    public long Decrypt()
    {
        var options = new DecryptOptions { Keys = { Fixtures.Bob } };
        return pgp.Decrypt(new MemoryStream(ciphertext, writable: false), Fixtures.Reset(output), options).PlaintextLength;
    }

    private byte[] EncryptOnce(byte[] plaintext, bool sign)
    {
        var options = new EncryptOptions { Recipients = { Fixtures.Bob.Certificate } };
        if (sign) options.Signers.Add(Fixtures.Alice);
        using var buffer = new MemoryStream();
        pgp.Encrypt(new MemoryStream(plaintext, writable: false), buffer, options);
        return buffer.ToArray();
    }
}
