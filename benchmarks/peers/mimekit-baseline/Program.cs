using System.Diagnostics;
using System.Globalization;
using MimeKit;
using MimeKit.Cryptography;

// MimeKit's PGP/MIME path, timed by bench-mimekit.sh: one command per process.
//   version                            MimeKit's version (the start-up of a call)
//   keygen HOME                       an RSA key pair for bench@example.invalid in a fresh keyring folder
//   seal HOME INPUT OUTPUT             a message with INPUT as attachment, signed (SHA-256) and encrypted (AES-256)
//   open HOME MESSAGE OUTPUT           decrypt, verify (exit 3 unless the signature is good), write the attachment
//   latency HOME [SECONDS] [SIZE_KIB]  10 KiB messages per second, one thread, keys loaded once (TSV on stdout)
try
{
    return args switch
    {
        ["version"] => Baseline.Version(),
        ["keygen", var home] => Baseline.Keygen(home),
        ["seal", var home, var input, var output] => Baseline.Seal(home, input, output),
        ["open", var home, var message, var output] => Baseline.Open(home, message, output),
        ["latency", var home, .. var rest] when rest.Length <= 2 => Baseline.Latency(home,
            rest.Length > 0 ? double.Parse(rest[0], CultureInfo.InvariantCulture) : 3,
            rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 10),
        _ => Baseline.Usage(),
    };
}
catch (Exception e) when (e is IOException or FormatException or InvalidOperationException or PrivateKeyNotFoundException or PublicKeyNotFoundException)
{
    Console.Error.WriteLine($"mimekit-baseline: {e.Message}");
    return 1;
}

/// <summary>The keyring of one run: a GnuPG home folder with a legacy pubring.gpg/secring.gpg that MimeKit reads.</summary>
sealed class BenchContext(string home) : GnuPGContext(home)
{
    public const string Password = "bench";
    protected override string GetPasswordForKey(Org.BouncyCastle.Bcpg.OpenPgp.PgpSecretKey key) => Password;
}

static class Baseline
{
    static readonly MailboxAddress Bench = new("Bench", "bench@example.invalid");

    public static int Usage()
    {
        Console.Error.WriteLine("usage: mimekit-baseline version | keygen HOME | seal HOME INPUT OUTPUT | open HOME MESSAGE OUTPUT | latency HOME [SECONDS] [SIZE_KIB]");
        return 2;
    }

    public static int Version()
    {
        Console.WriteLine($"MimeKit {typeof(MimeMessage).Assembly.GetName().Version}");
        return 0;
    }

    public static int Keygen(string home)
    {
        Directory.CreateDirectory(home);
        using var context = new BenchContext(home);
        context.GenerateKeyPair(Bench, BenchContext.Password, null, EncryptionAlgorithm.Aes256);
        return 0;
    }

    static MimeMessage Sealed(BenchContext context, MimeEntity body)
    {
        var message = new MimeMessage { Subject = "Bench" };
        message.From.Add(Bench);
        message.To.Add(Bench);
        message.Body = MultipartEncrypted.SignAndEncrypt(context, Bench, DigestAlgorithm.Sha256, EncryptionAlgorithm.Aes256, [Bench], body);
        return message;
    }

    static Multipart Body(Stream attachment) => new("mixed")
    {
        new TextPart("plain") { Text = "The attachment." },
        new MimePart("application", "octet-stream")
        {
            Content = new MimeContent(attachment),
            ContentTransferEncoding = ContentEncoding.Base64,
            FileName = "input.bin",
        },
    };

    public static int Seal(string home, string input, string output)
    {
        using var context = new BenchContext(home);
        using var attachment = File.OpenRead(input);
        Sealed(context, Body(attachment)).WriteTo(output);
        return 0;
    }

    /// <summary>Decrypts and verifies; the attachment goes to <paramref name="output"/> (null: discarded).</summary>
    static bool Opened(BenchContext context, MimeMessage message, Stream output)
    {
        if (message.Body is not MultipartEncrypted encrypted) throw new InvalidOperationException("not multipart/encrypted");
        var entity = encrypted.Decrypt(context, out var signatures);
        var good = signatures is { Count: > 0 } && signatures.All(s => s.Verify());
        var part = entity is Multipart mixed ? mixed.OfType<MimePart>().FirstOrDefault(p => p.IsAttachment) : null;
        if (part?.Content is null) throw new InvalidOperationException("no attachment in the decrypted message");
        part.Content.DecodeTo(output);
        return good;
    }

    public static int Open(string home, string messagePath, string output)
    {
        using var context = new BenchContext(home);
        var message = MimeMessage.Load(messagePath);
        using var file = File.Create(output);
        return Opened(context, message, file) ? 0 : 3;
    }

    public static int Latency(string home, double seconds, int sizeKib)
    {
        using var context = new BenchContext(home);
        var data = new byte[sizeKib * 1024];
        new Random(7).NextBytes(data);
        var sample = new MemoryStream();
        Sealed(context, Body(new MemoryStream(data))).WriteTo(sample);
        var bytes = sample.ToArray();
        var actions = new (string Name, Action Run)[]
        {
            ("sign+encrypt", () => Sealed(context, Body(new MemoryStream(data))).WriteTo(Stream.Null)),
            ("decrypt+verify", () =>
            {
                if (!Opened(context, MimeMessage.Load(new MemoryStream(bytes)), Stream.Null)) throw new InvalidOperationException("signature not good");
            }),
        };
        Console.WriteLine("op\tcipher\tsize_kib\tmsgs_per_s\tms_per_msg\tcount\tseconds\tmessage_bytes");
        foreach (var (name, run) in actions)
        {
            var warm = Stopwatch.StartNew(); // JIT and tiering warm-up, not counted
            while (warm.Elapsed.TotalSeconds < Math.Min(1.0, seconds / 3)) run();
            var clock = Stopwatch.StartNew();
            var count = 0;
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                run();
                count++;
            }
            var elapsed = clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}\taes256\t{sizeKib}\t{count / elapsed:F1}\t{elapsed * 1000 / count:F3}\t{count}\t{elapsed:F2}\t{bytes.Length}"));
        }
        return 0;
    }
}
