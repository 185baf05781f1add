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
