using BenchmarkDotNet.Attributes;

namespace CryptoMail.Core.Benchmarks;

/// <summary>Making a detached signature (Ed25519, SHA-256, armored).</summary>
[MemoryDiagnoser]
public class SignBenchmark
{
    private readonly OpenPgp pgp = new();
    private readonly MemoryStream output = new();
    private byte[] data = Array.Empty<byte>();
    private SignOptions options = new();

    /// <summary>The data size in bytes.</summary>
    [Params(1 << 20)]
    public int Size { get; set; }

    /// <summary>Makes the key and the data.</summary>
    [GlobalSetup]
    public void Setup()
    {
        data = Fixtures.RandomBytes(Size);
        options = new SignOptions { Signers = { Fixtures.Alice } };
    }

    /// <summary>Sign detached.</summary>
    [Benchmark]
    public long SignDetached()
    {
        pgp.SignDetached(new MemoryStream(data, writable: false), Fixtures.Reset(output), options);
        return output.Length;
    }
}
