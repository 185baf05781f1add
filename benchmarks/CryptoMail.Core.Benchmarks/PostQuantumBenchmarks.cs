using System.Globalization;
using BenchmarkDotNet.Attributes;
using MimeKit;

namespace CryptoMail.Core.Benchmarks;

/// <summary>RFC 9980 post-quantum keys next to the classical v6 X25519/Ed25519 keys (issue #15): key generation,
/// encrypt and decrypt of 10 KiB (SEIPD v2, OCB), a detached signature made and verified over 10 KiB, and a PGP/MIME
/// seal (sign and encrypt) and open (decrypt and verify) of a 10 KiB message. Sizes of certificates, session key
/// packets and signatures: <see cref="PostQuantumSizes"/> (<c>pqsizes</c> on the command line).</summary>
[MemoryDiagnoser]
public class PostQuantumBenchmarks
{
    private const int Size = 10 << 10;
    private readonly OpenPgp pgp = new();
    private readonly MemoryStream output = new();
    private byte[] data = [];
    private byte[] ciphertext = [];
    private byte[] signature = [];
    private EncryptOptions encrypt = new();
    private DecryptOptions decrypt = new();
    private SignOptions sign = new();
    private VerifyOptions verify = new();
    private MimeMessage message = new();
    private MimeMessage sealedMessage = new();
    private SecretKey signer = null!;
    private Certificate[] recipients = [];
    private MimeOpenOptions open = new();

    /// <summary>The key profiles compared: the classical v6 profile first, then the two RFC 9980 profiles.</summary>
    public static IEnumerable<KeyProfile> KeyProfiles => [KeyProfile.V6Ed25519, KeyProfile.V6MlDsa65Ed25519, KeyProfile.V6MlDsa87Ed448];

    /// <summary>The sender's and the recipient's key profile.</summary>
    [ParamsSource(nameof(KeyProfiles))]
    public KeyProfile Keys { get; set; } = KeyProfile.V6Ed25519;

    /// <summary>Makes the keys and inputs, and one ciphertext, signature and sealed message for the reading side.</summary>
    [GlobalSetup]
    public void Setup()
    {
        data = Fixtures.RandomBytes(Size);
        signer = Fixtures.Alice(Keys);
        var bob = Fixtures.Bob(Keys);
        recipients = [bob.Certificate];

        encrypt = new EncryptOptions { EncryptionFormat = EncryptionFormat.SeipdV2, Aead = AeadMode.Ocb, Recipients = { bob.Certificate } };
        decrypt = new DecryptOptions { Keys = { bob } };
        pgp.Encrypt(new MemoryStream(data, writable: false), Fixtures.Reset(output), encrypt);
        ciphertext = output.ToArray();

        sign = new SignOptions { Signers = { signer }, Armor = false };
        verify = new VerifyOptions { Verifiers = { signer.Certificate }, RequireValidSignature = true };
        pgp.SignDetached(new MemoryStream(data, writable: false), Fixtures.Reset(output), sign);
        signature = output.ToArray();

        message = Fixtures.Email(Size);
        sealedMessage = pgp.Mime.SignAndEncrypt(message, signer, recipients);
        open = new MimeOpenOptions { Keys = { bob }, Verifiers = { signer.Certificate } };
    }

    /// <summary>Generate a key: primary, encryption subkey, one user ID, self-signatures.</summary>
    [Benchmark]
    public SecretKey Generate() => pgp.GenerateKey("Carol <carol@example.org>", new KeyGenerationOptions { Profile = Keys });

    /// <summary>Encrypt 10 KiB to one recipient.</summary>
    [Benchmark]
    public long Encrypt()
    {
        pgp.Encrypt(new MemoryStream(data, writable: false), Fixtures.Reset(output), encrypt);
        return output.Length;
    }

    /// <summary>Decrypt 10 KiB.</summary>
    [Benchmark]
    public long Decrypt()
    {
        pgp.Decrypt(new MemoryStream(ciphertext, writable: false), Fixtures.Reset(output), decrypt);
        return output.Length;
    }

    /// <summary>Sign 10 KiB, detached.</summary>
    [Benchmark]
    public long Sign()
    {
        pgp.SignDetached(new MemoryStream(data, writable: false), Fixtures.Reset(output), sign);
        return output.Length;
    }

    /// <summary>Verify a detached signature over 10 KiB.</summary>
    [Benchmark]
    public bool Verify()
    {
        var result = pgp.VerifyDetached(new MemoryStream(data, writable: false), new MemoryStream(signature, writable: false), verify);
        return result.IsVerified ? true : throw new InvalidOperationException("not verified");
    }

    /// <summary>PGP/MIME seal of a 10 KiB message: sign and encrypt (RFC 3156 section 6.2).</summary>
    [Benchmark]
    public MimeMessage MimeSeal() => pgp.Mime.SignAndEncrypt(message, signer, recipients);

    /// <summary>PGP/MIME open of a 10 KiB message: decrypt and verify.</summary>
    [Benchmark]
    public bool MimeOpen()
    {
        var opened = pgp.Mime.Open(sealedMessage, open);
        return opened.IsFullySignedBySender ? true : throw new InvalidOperationException("not fully signed by the sender");
    }
}

/// <summary>Octet sizes per key profile of <see cref="PostQuantumBenchmarks"/>: the binary certificate, one public-key
/// encrypted session key packet (v6, SEIPD v2), a binary detached signature packet, and a 10 KiB PGP/MIME message
/// sealed to one recipient, as a tab-separated table.</summary>
internal static class PostQuantumSizes
{
    public static int Run()
    {
        var pgp = new OpenPgp();
        var data = Fixtures.RandomBytes(10 << 10);
        Console.WriteLine("profile\tcertificate\tpkesk\tsignature\tpgpmime-10KiB");
        foreach (var profile in PostQuantumBenchmarks.KeyProfiles)
        {
            var alice = Fixtures.Alice(profile);
            var bob = Fixtures.Bob(profile);
            using var certificate = new MemoryStream();
            bob.Certificate.Export(certificate, armor: false);
            // One session key packet = a message to Bob and Alice minus the same message to Bob alone (same profile,
            // same packet sizes: the composite KEM and ECDH ciphertexts have fixed lengths).
            long one = EncryptedLength(pgp, data, bob.Certificate);
            long two = EncryptedLength(pgp, data, bob.Certificate, alice.Certificate);
            using var signature = new MemoryStream();
            pgp.SignDetached(new MemoryStream(data, writable: false), signature, new SignOptions { Signers = { alice }, Armor = false });
            using var mime = new MemoryStream();
            pgp.Mime.SignAndEncrypt(Fixtures.Email(10 << 10), alice, [bob.Certificate]).WriteTo(mime);
            Console.WriteLine(string.Join('\t', profile, certificate.Length, two - one, signature.Length, mime.Length));
        }
        return 0;
    }

    private static long EncryptedLength(OpenPgp pgp, byte[] data, params Certificate[] recipients)
    {
        var options = new EncryptOptions { EncryptionFormat = EncryptionFormat.SeipdV2, Aead = AeadMode.Ocb };
        foreach (var recipient in recipients) options.Recipients.Add(recipient);
        using var output = new MemoryStream();
        pgp.Encrypt(new MemoryStream(data, writable: false), output, options);
        return output.Length;
    }
}

/// <summary>The PQ/classical ratio of PGP/MIME seal and open (10 KiB) in CPU time, with the profiles interleaved in
/// rounds inside one process, so that a machine shared with other work moves every profile alike (wall-clock figures
/// of <see cref="PostQuantumBenchmarks"/> on a loaded machine vary several-fold between runs). Prints, per profile,
/// the median over the rounds of the process CPU time per operation, and its ratio to the first profile.</summary>
/// <remarks><code>pqratio [ROUNDS] [OPS_PER_BATCH]</code></remarks>
internal static class PostQuantumRatio
{
    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 7;
        int batch = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50;
        var profiles = PostQuantumBenchmarks.KeyProfiles.ToArray();
        var benches = profiles.Select(p => { var b = new PostQuantumBenchmarks { Keys = p }; b.Setup(); return b; }).ToArray();
        var seal = profiles.Select(_ => new List<double>()).ToArray();
        var open = profiles.Select(_ => new List<double>()).ToArray();
        foreach (var b in benches) { b.MimeSeal(); b.MimeOpen(); }   // warm-up (JIT)
        for (int r = 0; r < rounds; r++)
        {
            for (int i = 0; i < benches.Length; i++)
            {
                seal[i].Add(CpuMicrosecondsPerOp(batch, () => benches[i].MimeSeal()));
                open[i].Add(CpuMicrosecondsPerOp(batch, () => benches[i].MimeOpen()));
            }
        }
        Console.WriteLine("profile\tseal-cpu-us\topen-cpu-us\tseal-ratio\topen-ratio");
        double seal0 = Median(seal[0]), open0 = Median(open[0]);
        for (int i = 0; i < profiles.Length; i++)
        {
            double s = Median(seal[i]), o = Median(open[i]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{profiles[i]}\t{s:F0}\t{o:F0}\t{s / seal0:F2}\t{o / open0:F2}"));
        }
        return 0;
    }

    private static double CpuMicrosecondsPerOp(int batch, Action op)
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        for (int n = 0; n < batch; n++) op();
        process.Refresh();
        return (process.TotalProcessorTime - before).TotalMicroseconds / batch;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
