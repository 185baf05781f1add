using BenchmarkDotNet.Attributes;

namespace CryptoMail.Core.Benchmarks;

/// <summary>Encrypting and signing to one recipient (binary output, the defaults otherwise).</summary>
[MemoryDiagnoser]
public class EncryptBenchmark
{
    private readonly OpenPgp pgp = new();
    private readonly MemoryStream output = new();
    private byte[] plaintext = Array.Empty<byte>();
    private EncryptOptions options = new();

    /// <summary>The plaintext size in bytes.</summary>
    [Params(1 << 20)]
    public int Size { get; set; }

    /// <summary>Makes the keys and the plaintext.</summary>
    [GlobalSetup]
    public void Setup()
    {
        plaintext = Fixtures.RandomBytes(Size);
        options = new EncryptOptions { Recipients = { Fixtures.Bob.Certificate }, Signers = { Fixtures.Alice } };
    }

    /// <summary>Encrypt and sign.</summary>
    [Benchmark]
    public long EncryptAndSign()
    {
        pgp.Encrypt(new MemoryStream(plaintext, writable: false), Fixtures.Reset(output), options);
        return output.Length;
    }

    /// <summary>Encrypt only.</summary>
    [Benchmark]
    public long Encrypt()
    {
        pgp.Encrypt(new MemoryStream(plaintext, writable: false), Fixtures.Reset(output), new EncryptOptions { Recipients = { Fixtures.Bob.Certificate } });
        return output.Length;
    }
}
