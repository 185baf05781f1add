using BenchmarkDotNet.Attributes;
using MimeKit;

namespace CryptoMail.Core.Benchmarks;

/// <summary>PGP/MIME: open (decrypt and verify) a sealed ~10 KiB message.</summary>
[MemoryDiagnoser]
public class MimeOpenBenchmark
{
    private readonly OpenPgp pgp = new();
    private MimeMessage sealedMessage = new();
    private MimeOpenOptions options = new();

    /// <summary>Seals the message once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        sealedMessage = pgp.Mime.SignAndEncrypt(Fixtures.Email(), Fixtures.Alice, new[] { Fixtures.Bob.Certificate });
        options = new MimeOpenOptions { Keys = { Fixtures.Bob }, Verifiers = { Fixtures.Alice.Certificate } };
    }

    /// <summary>Open: decrypt and verify.</summary>
    [Benchmark]
    public bool Open()
    {
        var opened = pgp.Mime.Open(sealedMessage, options);
        return opened.IsFullySignedBySender ? true : throw new InvalidOperationException("not fully signed by the sender");
    }
}
