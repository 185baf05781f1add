using System.Diagnostics;
using System.Globalization;
using MimeKit;
using MimeKit.Cryptography;

namespace CryptoMail.Core.Benchmarks;

/// <summary>Many PGP/MIME seal+open operations at once in one process (issue #14): does the async API keep the thread
/// pool healthy under a server-like load, and what do throughput and latency look like beside the sync API and beside
/// MimeKit's own PGP/MIME? Prints one Markdown table row per mode.</summary>
/// <remarks><code>
/// concurrency [OPERATIONS] [ROUNDS] [SIZE_KIB]     default 64 operations at once, 5 rounds, 10 KiB messages
/// </code>
/// Modes, each run for ROUNDS rounds of OPERATIONS concurrent operations after one warm-up round:
/// <list type="bullet">
/// <item>cm-mime-async: <c>await Mime.SignAndEncryptAsync</c> then <c>await Mime.OpenAsync</c>, OPERATIONS tasks.</item>
/// <item>cm-mime-sync: <c>Mime.SignAndEncrypt</c> then <c>Mime.Open</c>, OPERATIONS tasks on the pool.</item>
/// <item>mimekit: MimeKit's <c>MultipartEncrypted.SignAndEncrypt</c> and <c>Decrypt</c> with its in-process
/// BouncyCastle context over a temporary keyring, OPERATIONS tasks on the pool.</item>
/// <item>cm-stream-async / cm-stream-sync: <c>EncryptAsync</c> + <c>DecryptAsync</c> (or the sync forms) of the same
/// payload, signed, through caller streams that take 1 ms per 4 KiB read or write (a slow network peer): awaited in
/// async mode, slept in sync mode, so the sync rows show what holding a pool thread per stream wait costs.</item>
/// </list>
/// Latency is per operation (seal+open), from its start to its end; the thread count and pending work items are the
/// largest values a 10 ms sampler saw during the mode.</remarks>
internal static class ConcurrencyDriver
{
    public static int Run(string[] args)
    {
        int operations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 64;
        int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        int size = (args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10) << 10;
        var pgp = new OpenPgp();
        var alice = Fixtures.Alice();
        var bob = Fixtures.Bob();
        var message = Fixtures.Email(size);
        var open = new MimeOpenOptions { Keys = { bob }, Verifiers = { alice.Certificate } };
        var payload = Fixtures.RandomBytes(size);

        string keyring = Directory.CreateTempSubdirectory("cm-concurrency-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(keyring, "pubring.gpg"), [.. alice.Certificate.Export(), .. bob.Certificate.Export()]);
            File.WriteAllBytes(Path.Combine(keyring, "secring.gpg"), [.. alice.Export(), .. bob.Export()]);
            using var mimekit = new KeyringContext(keyring);
            var aliceBox = new MailboxAddress("Alice", "alice@example.org");
            var bobBox = new MailboxAddress("Bob", "bob@example.org");

            Console.WriteLine(FormattableString.Invariant(
                $"{operations} concurrent operations x {rounds} rounds, {size >> 10} KiB, {Environment.ProcessorCount} cores, load {Load()}"));
            Console.WriteLine("| mode | ops/s | p50 ms | p99 ms | max pool threads | max pending work items |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");

            Measure("cm-mime-async", operations, rounds, async () =>
            {
                var sealedMessage = await pgp.Mime.SignAndEncryptAsync(message, alice, [bob.Certificate]).ConfigureAwait(false);
                var opened = await pgp.Mime.OpenAsync(sealedMessage, open).ConfigureAwait(false);
                Require(opened.IsFullySignedBySender);
            });
            Measure("cm-mime-sync", operations, rounds, () => Task.Run(() =>
            {
                var sealedMessage = pgp.Mime.SignAndEncrypt(message, alice, [bob.Certificate]);
                Require(pgp.Mime.Open(sealedMessage, open).IsFullySignedBySender);
            }));
            Measure("mimekit", operations, rounds, () => Task.Run(() =>
            {
                var body = MultipartEncrypted.SignAndEncrypt(mimekit, aliceBox, DigestAlgorithm.Sha256, [bobBox], message.Body!);
                var entity = body.Decrypt(mimekit, out var signatures);
                Require(entity is not null && signatures is { Count: 1 } && signatures[0].Verify());
            }));
            var encrypt = new EncryptOptions { Recipients = { bob.Certificate }, Signing = { Signers = { alice } } };
            var decrypt = new DecryptOptions { Keys = { bob }, Verifiers = { alice.Certificate } };
            Measure("cm-stream-async", operations, rounds, async () =>
            {
                var ciphertext = new SlowStream(payload);
                await pgp.EncryptAsync(new SlowStream(payload), ciphertext, encrypt).ConfigureAwait(false);
                var plaintext = new SlowStream(ciphertext.Written);
                var result = await pgp.DecryptAsync(new SlowStream(ciphertext.Written), plaintext, decrypt).ConfigureAwait(false);
                Require(result.Signatures.Count == 1 && result.Signatures[0].IsGood && plaintext.WrittenLength == payload.Length);
            });
            Measure("cm-stream-sync", operations, rounds, () => Task.Run(() =>
            {
                var ciphertext = new SlowStream(payload);
                pgp.Encrypt(new SlowStream(payload), ciphertext, encrypt);
                var plaintext = new SlowStream(ciphertext.Written);
                var result = pgp.Decrypt(new SlowStream(ciphertext.Written), plaintext, decrypt);
                Require(result.Signatures.Count == 1 && result.Signatures[0].IsGood && plaintext.WrittenLength == payload.Length);
            }));
            return 0;
        }
        finally
        {
            Directory.Delete(keyring, recursive: true);
        }
    }

    private static void Require(bool ok)
    {
        if (!ok) throw new InvalidOperationException("an operation gave a wrong result");
    }

    private static string Load() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static void Measure(string name, int operations, int rounds, Func<Task> operation)
    {
        Round(operations, operation, new List<double>()); // warm-up
        int maxThreads = 0;
        long maxPending = 0;
        using var done = new CancellationTokenSource();
        var sampler = new Thread(() =>
        {
            while (!done.IsCancellationRequested)
            {
                maxThreads = Math.Max(maxThreads, ThreadPool.ThreadCount);
                maxPending = Math.Max(maxPending, ThreadPool.PendingWorkItemCount);
                Thread.Sleep(10);
            }
        }) { IsBackground = true };
        sampler.Start();
        var latencies = new List<double>();
        var wall = Stopwatch.StartNew();
        for (int r = 0; r < rounds; r++) Round(operations, operation, latencies);
        wall.Stop();
        done.Cancel();
        sampler.Join();
        latencies.Sort();
        Console.WriteLine(FormattableString.Invariant(
            $"| {name} | {latencies.Count / wall.Elapsed.TotalSeconds:F0} | {Percentile(latencies, 0.50):F1} | {Percentile(latencies, 0.99):F1} | {maxThreads} | {maxPending} |"));
    }

    private static void Round(int operations, Func<Task> operation, List<double> latencies)
    {
        var tasks = new Task<double>[operations];
        for (int i = 0; i < operations; i++)
        {
            tasks[i] = Timed(operation);
        }
        Task.WaitAll(tasks);
        latencies.AddRange(tasks.Select(t => t.Result));
    }

    private static async Task<double> Timed(Func<Task> operation)
    {
        long start = Stopwatch.GetTimestamp();
        // Start every operation from the pool, as a server's request handler would.
        await Task.Run(operation).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>MimeKit's own OpenPGP context (BouncyCastle in process) over a keyring of unprotected keys.</summary>
    private sealed class KeyringContext(string path) : GnuPGContext(path)
    {
        protected override string GetPasswordForKey(Org.BouncyCastle.Bcpg.OpenPgp.PgpSecretKey key) => string.Empty;
    }

    /// <summary>A caller stream like a slow peer: 1 ms per 4 KiB read or written, awaited in async calls and slept in
    /// sync ones; reads serve the given data, writes are kept.</summary>
    private sealed class SlowStream(byte[] data) : Stream
    {
        private const int Piece = 4 << 10;
        private readonly MemoryStream written = new();
        private int position;

        public byte[] Written => written.ToArray();
        public long WrittenLength => written.Length;

        public override int Read(byte[] buffer, int offset, int count)
        {
            Thread.Sleep(1);
            return Take(buffer.AsSpan(offset, count));
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            return Take(buffer.Span);
        }

        private int Take(Span<byte> buffer)
        {
            int n = Math.Min(Math.Min(buffer.Length, Piece), data.Length - position);
            data.AsSpan(position, n).CopyTo(buffer);
            position += n;
            return n;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            for (int i = 0; i < count; i += Piece) Thread.Sleep(1);
            written.Write(buffer, offset, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            for (int i = 0; i < buffer.Length; i += Piece) await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            written.Write(buffer.Span);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
