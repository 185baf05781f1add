using BenchmarkDotNet.Attributes;

namespace CryptoMail.Core.Benchmarks;

/// <summary>Detached signatures (binary, SHA-256): making one and verifying one, per key profile and size.</summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private readonly OpenPgp pgp = new();
    private readonly MemoryStream output = new();
    private byte[] data = [];
    private byte[] signature = [];
    private SignOptions sign = new();
    private VerifyOptions verify = new();

    /// <summary>The signer's key algorithms.</summary>
    [ParamsSource(typeof(Profiles), nameof(Profiles.ByKeys))]
    public BenchProfile Profile { get; set; } = Profiles.All[0];

    /// <summary>The data size in bytes.</summary>
    [ParamsSource(typeof(Profiles), nameof(Profiles.Sizes))]
    public int Size { get; set; }

    /// <summary>Makes the key, the data and one signature to verify.</summary>
    [GlobalSetup]
    public void Setup()
    {
        data = Fixtures.RandomBytes(Size);
        var signer = Fixtures.Alice(Profile.Keys);
        sign = new SignOptions { Signers = { signer }, Armor = false };
        verify = new VerifyOptions { Verifiers = { signer.Certificate }, RequireValidSignature = true };
        pgp.SignDetached(new MemoryStream(data, writable: false), Fixtures.Reset(output), sign);
        signature = output.ToArray();
    }

    /// <summary>Sign detached.</summary>
    [Benchmark]
    public long SignDetached()
    {
        pgp.SignDetached(new MemoryStream(data, writable: false), Fixtures.Reset(output), sign);
        return output.Length;
    }

    /// <summary>Verify detached.</summary>
    [Benchmark]
    public bool VerifyDetached()
    {
        var result = pgp.VerifyDetached(new MemoryStream(data, writable: false), new MemoryStream(signature, writable: false), verify);
        return result.IsVerified ? true : throw new InvalidOperationException("not verified");
    }
}
