using BenchmarkDotNet.Attributes;
using MimeKit;

namespace CryptoMail.Core.Benchmarks;

/// <summary>PGP/MIME (RFC 3156): seal (sign and encrypt) and open (decrypt and verify) a message of about 10 KiB and
/// 10 MiB, per key profile.</summary>
[MemoryDiagnoser]
public class MimeBenchmarks
{
    private readonly OpenPgp pgp = new();
    private MimeMessage message = new();
    private MimeMessage sealedMessage = new();
    private Certificate[] recipients = [];
    private SecretKey signer = null!;
    private MimeOpenOptions open = new();

    /// <summary>The keys' algorithms.</summary>
    [ParamsSource(typeof(Profiles), nameof(Profiles.ByKeys))]
    public BenchProfile Profile { get; set; } = Profiles.All[0];

    /// <summary>The message size before transfer encoding.</summary>
    [Params(10 << 10, 10 << 20)]
    public int Size { get; set; }

    /// <summary>Builds the message and the keys, and seals it once for <see cref="Open"/>.</summary>
    [GlobalSetup]
    public void Setup()
    {
        message = Fixtures.Email(Size);
        signer = Fixtures.Alice(Profile.Keys);
        recipients = [Fixtures.Bob(Profile.Keys).Certificate];
        sealedMessage = pgp.Mime.SignAndEncrypt(message, signer, recipients);
        open = new MimeOpenOptions { Keys = { Fixtures.Bob(Profile.Keys) }, Verifiers = { signer.Certificate } };
    }

    /// <summary>Seal: sign and encrypt (RFC 3156 section 6.2).</summary>
    [Benchmark]
    public MimeMessage Seal() => pgp.Mime.SignAndEncrypt(message, signer, recipients);

    /// <summary>Open: decrypt and verify.</summary>
    [Benchmark]
    public bool Open()
    {
        var opened = pgp.Mime.Open(sealedMessage, open);
        return opened.IsFullySignedBySender ? true : throw new InvalidOperationException("not fully signed by the sender");
    }
}
