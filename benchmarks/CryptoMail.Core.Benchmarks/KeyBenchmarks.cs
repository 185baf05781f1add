using BenchmarkDotNet.Attributes;

namespace CryptoMail.Core.Benchmarks;

/// <summary>Key generation, and parsing a certificate and a secret key (armored and binary), per key profile.</summary>
[MemoryDiagnoser]
public class KeyBenchmarks
{
    private readonly OpenPgp pgp = new();
    private byte[] binaryCertificate = [];
    private string armoredCertificate = string.Empty;
    private byte[] binarySecretKey = [];

    /// <summary>The key algorithms.</summary>
    [ParamsSource(typeof(Profiles), nameof(Profiles.ByKeys))]
    public BenchProfile Profile { get; set; } = Profiles.All[0];

    /// <summary>Makes one key to parse.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var key = Fixtures.Alice(Profile.Keys);
        using var buffer = new MemoryStream();
        key.Certificate.Export(buffer, armor: false);
        binaryCertificate = buffer.ToArray();
        armoredCertificate = key.Certificate.ExportArmored();
        Fixtures.Reset(buffer);
        key.Export(buffer, armor: false);
        binarySecretKey = buffer.ToArray();
    }

    /// <summary>Generate a key with one user ID (primary and encryption subkey, self-signatures).</summary>
    [Benchmark]
    public SecretKey Generate() => pgp.GenerateKey("Carol <carol@example.org>", new KeyGenerationOptions { Profile = Profile.Keys });

    /// <summary>Parse a binary certificate.</summary>
    [Benchmark]
    public Certificate ParseCertificate() => Certificate.Parse(binaryCertificate);

    /// <summary>Parse an armored certificate.</summary>
    [Benchmark]
    public Certificate ParseArmoredCertificate() => Certificate.Parse(armoredCertificate);

    /// <summary>Parse a binary (unprotected) secret key.</summary>
    [Benchmark]
    public SecretKey ParseSecretKey() => SecretKey.Load(new MemoryStream(binarySecretKey, writable: false));
}
