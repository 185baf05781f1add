using BenchmarkDotNet.Attributes;
using MimeKit;

namespace CryptoMail.Core.Benchmarks;

/// <summary>PGP/MIME: sign and encrypt a ~10 KiB message (RFC 3156 section 6.2).</summary>
[MemoryDiagnoser]
public class MimeSealBenchmark
{
    private readonly OpenPgp pgp = new();
    private MimeMessage message = new();

    /// <summary>Builds the message and the keys.</summary>
    [GlobalSetup]
    public void Setup()
    {
        message = Fixtures.Email();
        _ = Fixtures.Alice;
    }

    /// <summary>Seal: sign and encrypt.</summary>
    [Benchmark]
    public MimeMessage SignAndEncrypt() => pgp.Mime.SignAndEncrypt(message, Fixtures.Alice, new[] { Fixtures.Bob.Certificate });
}
