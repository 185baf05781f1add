using BenchmarkDotNet.Attributes;

namespace CryptoMail.Core.Benchmarks;

/// <summary>Verifying a detached signature (Ed25519, SHA-256).</summary>
[MemoryDiagnoser]
public class VerifyBenchmark
{
    private readonly OpenPgp pgp = new();
    private byte[] data = Array.Empty<byte>();
    private byte[] signature = Array.Empty<byte>();
    private VerifyOptions options = new();

    /// <summary>The data size in bytes.</summary>
    [Params(1 << 20)]
    public int Size { get; set; }

    /// <summary>Signs the data once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        data = Fixtures.RandomBytes(Size);
        using var buffer = new MemoryStream();
        pgp.SignDetached(new MemoryStream(data, writable: false), buffer, new SignOptions { Signers = { Fixtures.Alice } });
        signature = buffer.ToArray();
        options = new VerifyOptions { Verifiers = { Fixtures.Alice.Certificate } };
    }

    /// <summary>Verify detached.</summary>
    [Benchmark]
    public bool VerifyDetached()
    {
        var result = pgp.VerifyDetached(new MemoryStream(data, writable: false), new MemoryStream(signature, writable: false), options);
        return result.IsVerified ? true : throw new InvalidOperationException("not verified");
    }
}
