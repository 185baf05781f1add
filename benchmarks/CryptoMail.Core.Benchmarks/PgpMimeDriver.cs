using System.Diagnostics;
using System.Globalization;
using MimeKit;

namespace CryptoMail.Core.Benchmarks;

/// <summary>PGP/MIME through <see cref="PgpMime"/>, one operation per process, for <c>benchmarks/compare.sh</c>: the
/// same message shape and steps as the MimeKit baseline it is compared with (a short text part plus the payload as a
/// base64 attachment in multipart/mixed; sign+encrypt to the signer itself; open = decrypt, verify, decode the
/// attachment to a file), so the two rows do the same work.</summary>
/// <remarks><code>
/// pgpmime seal KEYFILE INPUT OUTPUT.eml          sign and encrypt a message carrying INPUT as attachment
/// pgpmime open KEYFILE MESSAGE.eml OUTPUT        decrypt, require a valid signature of the sender, save the attachment
/// pgpmime latency KEYFILE [SECONDS] [SIZE_KIB]   messages per second, one thread, keys loaded once (TSV)
/// </code></remarks>
internal static class PgpMimeDriver
{
    private static readonly MailboxAddress Me = new("Bench", "bench@example.invalid");

    public static int Run(string[] args)
    {
        if (args.Length < 2) return Usage();
        var pgp = new OpenPgp();
        SecretKey key;
        using (var keyFile = File.OpenRead(args[1])) key = SecretKey.Load(keyFile);
        switch (args[0])
        {
            case "seal" when args.Length == 4:
            {
                using var input = File.OpenRead(args[2]);
                var sealedMessage = pgp.Mime.SignAndEncrypt(NewMessage(input), key, new[] { key.Certificate });
                sealedMessage.WriteTo(args[3]);
                return 0;
            }
            case "open" when args.Length == 4:
            {
                // Persistent: the parsed message keeps its parts as ranges of the file, not copies in memory.
                using var input = File.OpenRead(args[2]);
                var message = MimeMessage.Load(input, persistent: true);
                using var output = File.Create(args[3]);
                SaveAttachment(Open(pgp, key, message), output);
                return 0;
            }
            case "latency" when args.Length is >= 2 and <= 4:
                return Latency(pgp, key,
                    args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 3.0,
                    args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10);
            default:
                return Usage();
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: pgpmime seal KEYFILE INPUT OUTPUT | open KEYFILE MESSAGE OUTPUT | latency KEYFILE [SECONDS] [SIZE_KIB]");
        return 2;
    }

    /// <summary>multipart/mixed: a short text part plus the payload as a base64 attachment.</summary>
    private static MimeMessage NewMessage(Stream attachment)
    {
        var message = new MimeMessage();
        message.From.Add(Me);
        message.To.Add(Me);
        message.Subject = "benchmark";
        message.Body = new Multipart("mixed")
        {
            new TextPart("plain") { Text = "Benchmark message with one binary attachment.\n" },
            new MimePart("application", "octet-stream")
            {
                Content = new MimeContent(attachment),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = "payload.bin",
            },
        };
        return message;
    }

    private static MimeMessage Open(OpenPgp pgp, SecretKey key, MimeMessage message)
    {
        var opened = pgp.Mime.Open(message, new MimeOpenOptions { Keys = { key }, Verifiers = { key.Certificate } });
        if (!opened.IsFullySignedBySender) throw new InvalidOperationException("The message is not fully signed by its sender.");
        return opened.Message;
    }

    private static void SaveAttachment(MimeMessage message, Stream output)
    {
        var part = message.BodyParts.OfType<MimePart>().First(p => p.IsAttachment);
        part.Content!.DecodeTo(output);
    }

    /// <summary>Single-thread messages per second, after a warm-up, in the baseline's TSV layout.</summary>
    private static int Latency(OpenPgp pgp, SecretKey key, double seconds, int sizeKib)
    {
        var payload = new byte[sizeKib * 1024];
        new Random(20260101).NextBytes(payload);
        var recipients = new[] { key.Certificate };

        byte[] Seal()
        {
            var sealedMessage = pgp.Mime.SignAndEncrypt(NewMessage(new MemoryStream(payload, writable: false)), key, recipients);
            using var buffer = new MemoryStream();
            sealedMessage.WriteTo(buffer);
            return buffer.ToArray();
        }

        var sample = Seal();
        void OpenSample()
        {
            using var sink = new MemoryStream();
            SaveAttachment(Open(pgp, key, MimeMessage.Load(new MemoryStream(sample, writable: false))), sink);
            if (sink.Length != payload.Length) throw new InvalidOperationException("The attachment came back with another length.");
        }

        Console.WriteLine("op\tcipher\tsize_kib\tmsgs_per_s\tms_per_msg\tcount\tseconds\tmessage_bytes");
        foreach (var (name, action) in new (string, Action)[] { ("sign+encrypt", () => Seal()), ("decrypt+verify", OpenSample) })
        {
            var warm = Stopwatch.StartNew(); // JIT and tiering warm-up, not counted
            while (warm.Elapsed.TotalSeconds < Math.Min(1.0, seconds / 3)) action();
            var clock = Stopwatch.StartNew();
            var count = 0;
            while (clock.Elapsed.TotalSeconds < seconds)
            {
                action();
                count++;
            }
            var s = clock.Elapsed.TotalSeconds;
            if (Environment.GetEnvironmentVariable("PGPMIME_GC_COUNTS") is not null)
                Console.Error.WriteLine($"{name}: gen0 {GC.CollectionCount(0)} gen1 {GC.CollectionCount(1)} gen2 {GC.CollectionCount(2)}, allocated {GC.GetTotalAllocatedBytes() >> 20} MiB");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}\tAes256\t{sizeKib}\t{count / s:F1}\t{1000 * s / count:F3}\t{count}\t{s:F2}\t{sample.Length}"));
        }
        return 0;
    }
}
