using CryptoMail.Core.Mime;
using CryptoMail.Core.Tests.Support;
using MimeKit;

namespace CryptoMail.Core.Tests.Messages;

/// <summary>The thread pool's limits are process-wide: the tests that pin them run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PinnedThreadPool
{
    public const string Name = "Pinned thread pool";
}

/// <summary>The async forms never hold a thread while a caller's stream is waiting: with the thread pool pinned to a
/// few threads (the processor count plus the few the test runner itself keeps blocked), several times more operations
/// than threads are all parked on their callers' streams at the same time, and finish when the test lets the streams
/// complete; the callers' synchronous Read and Write are never called. With a pool thread held per operation (the
/// old emulation) at most a handful could be parked at once.</summary>
[Collection(PinnedThreadPool.Name)]
public class AsyncIoTests
{
    private const int Operations = 48;
    private const int RunnerThreads = 4;
    // A liveness guard, not a measurement: far longer than the work takes on a loaded machine.
    private static readonly TimeSpan Stuck = TimeSpan.FromMinutes(2);
    private static readonly OpenPgp pgp = new();
    private static readonly SecretKey Alice = TestKeys.Get("Curve25519");
    private static readonly SecretKey Bob = TestKeys.Get("Curve25519", "bob");

    [Fact]
    public async Task Encrypt_and_decrypt_park_on_gated_streams_without_holding_pool_threads()
    {
        var plaintexts = Enumerable.Range(0, Operations).Select(i => TestData.Random(10 << 10, seed: i)).ToArray();
        using (PinPool())
        {
            // Encrypt (and sign) every message at once through streams whose every ReadAsync/WriteAsync waits for the test.
            var inputs = plaintexts.Select(p => GatedStream.Reading(p)).ToArray();
            var outputs = plaintexts.Select(_ => GatedStream.Writing()).ToArray();
            var encrypting = Enumerable.Range(0, Operations).Select(i =>
            {
                var options = new EncryptOptions { Armor = i % 2 == 0, Signing = { Signers = { Alice } }, Recipients = { Bob.Certificate } };
                return pgp.EncryptAsync(inputs[i], outputs[i], options);
            }).ToArray();
            await Drive(encrypting, inputs.Concat(outputs).ToArray());
            Assert.All(inputs.Concat(outputs), s => Assert.Equal(0, s.SyncCalls));

            // Decrypt them the same way.
            var cipherInputs = outputs.Select(o => GatedStream.Reading(o.Written)).ToArray();
            var plainOutputs = plaintexts.Select(_ => GatedStream.Writing()).ToArray();
            var decrypting = Enumerable.Range(0, Operations).Select(i =>
                pgp.DecryptAsync(cipherInputs[i], plainOutputs[i], new DecryptOptions { Keys = { Bob }, Verifiers = { Alice.Certificate } })).ToArray();
            await Drive(decrypting, cipherInputs.Concat(plainOutputs).ToArray());
            Assert.All(cipherInputs.Concat(plainOutputs), s => Assert.Equal(0, s.SyncCalls));

            for (int i = 0; i < Operations; i++)
            {
                Assert.Equal(plaintexts[i], plainOutputs[i].Written);
                var result = await decrypting[i];
                Assert.True(Assert.Single(result.Signatures).IsGood);
            }
        }
    }

    [Fact]
    public async Task Signing_and_detached_verification_park_on_gated_streams_without_holding_pool_threads()
    {
        var data = Enumerable.Range(0, Operations).Select(i => TestData.Random(300 << 10, seed: 100 + i)).ToArray();
        using (PinPool())
        {
            var inputs = data.Select(d => GatedStream.Reading(d)).ToArray();
            var signatures = data.Select(_ => GatedStream.Writing()).ToArray();
            var signing = Enumerable.Range(0, Operations).Select(i =>
                pgp.SignDetachedAsync(inputs[i], signatures[i], new SignOptions { Signers = { Alice } })).ToArray();
            await Drive(signing, inputs.Concat(signatures).ToArray());

            var dataAgain = data.Select(d => GatedStream.Reading(d)).ToArray();
            var signatureInputs = signatures.Select(s => GatedStream.Reading(s.Written)).ToArray();
            var verifying = Enumerable.Range(0, Operations).Select(i =>
                pgp.VerifyDetachedAsync(dataAgain[i], signatureInputs[i], new VerifyOptions { Verifiers = { Alice.Certificate } })).ToArray();
            await Drive(verifying, dataAgain.Concat(signatureInputs).ToArray());

            Assert.All(inputs.Concat(signatures).Concat(dataAgain).Concat(signatureInputs), s => Assert.Equal(0, s.SyncCalls));
            foreach (var v in verifying) Assert.True(Assert.Single((await v).Signatures).IsGood);
        }
    }

    /// <summary>Waits until every operation is parked on one of its streams at the same moment (impossible if each held
    /// one of the few pool threads while waiting), then lets the streams complete one call at a time until all finish.</summary>
    private static async Task Drive(Task[] operations, GatedStream[] streams)
    {
        var deadline = DateTime.UtcNow + Stuck;
        // Every operation has a call parked (an operation waits on one stream at a time, so parked streams count
        // parked operations) while the pool has at most a few threads.
        while (streams.Count(s => s.Parked) < Operations)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {streams.Count(s => s.Parked)} of {Operations} operations are parked on a stream");
            Assert.DoesNotContain(operations, t => t.IsFaulted);
            await Task.Delay(5);
        }
        while (!operations.All(t => t.IsCompleted))
        {
            Assert.True(DateTime.UtcNow < deadline, "the operations did not finish");
            foreach (var s in streams) s.ReleaseOne();
            await Task.Delay(1);
        }
        await Task.WhenAll(operations);
    }

    private static Restore PinPool()
    {
        ThreadPool.GetMinThreads(out int minWorkers, out int minIo);
        ThreadPool.GetMaxThreads(out int maxWorkers, out int maxIo);
        int n = Environment.ProcessorCount;
        Assert.True(ThreadPool.SetMinThreads(1, 1));
        Assert.True(ThreadPool.SetMaxThreads(n + RunnerThreads, n + RunnerThreads));
        return new Restore(() =>
        {
            ThreadPool.SetMaxThreads(maxWorkers, maxIo);
            ThreadPool.SetMinThreads(minWorkers, minIo);
        });
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }
}

/// <summary>Cancellation, sync and async: a token cancelled mid-stream stops the operation with
/// <see cref="OperationCanceledException"/>, and nothing of an unauthenticated message reaches the output.</summary>
public class CancellationTests
{
    private static readonly OpenPgp pgp = new();
    private static readonly SecretKey Alice = TestKeys.Get("Curve25519");
    private static readonly SecretKey Bob = TestKeys.Get("Curve25519", "bob");

    private static byte[] Message(int size, EncryptionFormat format)
    {
        var options = new EncryptOptions { Armor = false, EncryptionFormat = format, Recipients = { Bob.Certificate } };
        var output = new MemoryStream();
        pgp.Encrypt(new MemoryStream(TestData.Random(size)), output, options);
        return output.ToArray();
    }

    [Theory]
    [InlineData(EncryptionFormat.SeipdV1)]
    [InlineData(EncryptionFormat.SeipdV2)]
    public void Decrypt_cancelled_mid_stream_throws_and_releases_nothing(EncryptionFormat format)
    {
        using var cts = new CancellationTokenSource();
        var input = new CancellingStream(Message(2 << 20, format), cts, afterBytes: 300 << 10);
        var output = new MemoryStream();
        var options = new DecryptOptions { Keys = { Bob } };
        Assert.ThrowsAny<OperationCanceledException>(() => pgp.Decrypt(input, output, options, cts.Token));
        Assert.Equal(0, output.Length);
        Assert.True(input.Position < input.Length, "the whole message was read before the cancellation was seen");
    }

    [Theory]
    [InlineData(EncryptionFormat.SeipdV1)]
    [InlineData(EncryptionFormat.SeipdV2)]
    public async Task DecryptAsync_cancelled_mid_stream_throws_and_releases_nothing(EncryptionFormat format)
    {
        using var cts = new CancellationTokenSource();
        var input = new CancellingStream(Message(2 << 20, format), cts, afterBytes: 300 << 10);
        var output = new MemoryStream();
        var options = new DecryptOptions { Keys = { Bob }, ReleaseUnverifiedPlaintext = true };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pgp.DecryptAsync(input, output, options, cts.Token));
        Assert.Equal(0, output.Length);
        Assert.Equal(0, input.SyncReads);
    }

    [Fact]
    public async Task Encrypt_cancelled_mid_stream_throws_sync_and_async()
    {
        var options = new EncryptOptions { Recipients = { Bob.Certificate }, Signing = { Signers = { Alice } } };
        using (var cts = new CancellationTokenSource())
        {
            var input = new CancellingStream(TestData.Random(4 << 20), cts, afterBytes: 600 << 10);
            Assert.ThrowsAny<OperationCanceledException>(() => pgp.Encrypt(input, new MemoryStream(), options, cts.Token));
            Assert.True(input.Position < input.Length);
        }
        using (var cts = new CancellationTokenSource())
        {
            var input = new CancellingStream(TestData.Random(4 << 20), cts, afterBytes: 600 << 10);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pgp.EncryptAsync(input, new MemoryStream(), options, cts.Token));
            Assert.True(input.Position < input.Length);
            Assert.Equal(0, input.SyncReads);
        }
    }

    [Fact]
    public async Task Signing_and_verification_honour_a_cancelled_token()
    {
        using var cts = new CancellationTokenSource();
        var data = TestData.Random(4 << 20);
        var sign = new SignOptions { Signers = { Alice } };
        Assert.ThrowsAny<OperationCanceledException>(() =>
            pgp.SignDetached(new CancellingStream(data, cts, afterBytes: 300 << 10), new MemoryStream(), sign, cts.Token));
        var signature = new MemoryStream();
        pgp.SignDetached(new MemoryStream(data), signature, sign);
        using var cts2 = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pgp.VerifyDetachedAsync(
            new CancellingStream(data, cts2, afterBytes: 300 << 10), new MemoryStream(signature.ToArray()),
            new VerifyOptions { Verifiers = { Alice.Certificate } }, cts2.Token));
    }

    [Fact]
    public async Task Mime_operations_honour_a_cancelled_token()
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Alice", "alice@example.org"));
        message.To.Add(new MailboxAddress("Bob", "bob@example.org"));
        message.Body = new TextPart("plain") { Text = "hello" };
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => pgp.Mime.SignAndEncrypt(message, Alice, [Bob.Certificate], null, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pgp.Mime.SignAndEncryptAsync(message, Alice, [Bob.Certificate], null, cts.Token));
        var sealedMessage = pgp.Mime.SignAndEncrypt(message, Alice, [Bob.Certificate]);
        var open = new MimeOpenOptions { Keys = { Bob }, Verifiers = { Alice.Certificate } };
        Assert.ThrowsAny<OperationCanceledException>(() => pgp.Mime.Open(sealedMessage, open, cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pgp.Mime.OpenAsync(sealedMessage, open, cts.Token));
        Assert.True(pgp.Mime.Open(sealedMessage, open).IsFullySignedBySender);
    }
}

/// <summary>PGP/MIME operations report progress as the message operations do.</summary>
public class MimeProgressTests
{
    private static readonly OpenPgp pgp = new();
    private static readonly SecretKey Alice = TestKeys.Get("Curve25519");
    private static readonly SecretKey Bob = TestKeys.Get("Curve25519", "bob");

    [Fact]
    public async Task Seal_and_open_report_the_octets_they_process()
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Alice", "alice@example.org"));
        message.To.Add(new MailboxAddress("Bob", "bob@example.org"));
        message.Body = new TextPart("plain") { Text = new string('x', 200_000) };
        var sealing = new Recorder();
        var sealedMessage = await pgp.Mime.SignAndEncryptAsync(message, Alice, [Bob.Certificate], new MimeEncryptOptions { Progress = sealing });
        Assert.NotEmpty(sealing.Values);
        Assert.True(sealing.Values.Max() >= 200_000);
        var opening = new Recorder();
        var opened = pgp.Mime.Open(sealedMessage, new MimeOpenOptions { Keys = { Bob }, Verifiers = { Alice.Certificate }, Progress = opening });
        Assert.True(opened.IsFullySignedBySender);
        Assert.True(opening.Values.Max() >= 200_000);
        var signing = new Recorder();
        pgp.Mime.Sign(message, Alice, new MimeSignOptions { Progress = signing });
        Assert.True(signing.Values.Max() >= 200_000);
    }

    private sealed class Recorder : IProgress<long>
    {
        public List<long> Values { get; } = [];
        public void Report(long value) => Values.Add(value);
    }
}

/// <summary><see cref="OpenPgpOptions.MaxParallelism"/>: validated, and every setting gives the same messages.</summary>
public class MaxParallelismTests
{
    private static readonly SecretKey Alice = TestKeys.Get("Curve25519");
    private static readonly SecretKey Bob = TestKeys.Get("Curve25519", "bob");

    [Fact]
    public void A_negative_value_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new OpenPgpOptions { MaxParallelism = -1 });

    [Theory]
    [InlineData(0, EncryptionFormat.SeipdV1)]
    [InlineData(1, EncryptionFormat.SeipdV2)]
    [InlineData(2, EncryptionFormat.SeipdV1)]
    [InlineData(8, EncryptionFormat.SeipdV2)]
    public async Task Every_setting_round_trips_signed_messages(int maxParallelism, EncryptionFormat format)
    {
        var pgp = new OpenPgp(new OpenPgpOptions { MaxParallelism = maxParallelism });
        var data = TestData.Random((3 << 20) + 17, seed: maxParallelism);
        var options = new EncryptOptions { EncryptionFormat = format, Recipients = { Bob.Certificate }, Signing = { Signers = { Alice } }, AeadChunkSize = 1 << 16 };
        var ciphertext = new MemoryStream();
        await pgp.EncryptAsync(new MemoryStream(data), ciphertext, options);
        var plaintext = new MemoryStream();
        var result = pgp.Decrypt(new MemoryStream(ciphertext.ToArray()), plaintext, new DecryptOptions { Keys = { Bob }, Verifiers = { Alice.Certificate } });
        Assert.Equal(data, plaintext.ToArray());
        Assert.True(Assert.Single(result.Signatures).IsGood);
    }
}

/// <summary>A caller's stream whose every asynchronous call waits until the test lets it complete; its synchronous
/// Read and Write count as a failure of the test (they throw and are counted).</summary>
internal sealed class GatedStream : Stream
{
    private readonly byte[]? source;
    private readonly MemoryStream written = new();
    private readonly SemaphoreSlim gate = new(0);
    private int position;
    private int parked;

    private GatedStream(byte[]? source) => this.source = source;

    public static GatedStream Reading(byte[] data) => new(data);
    public static GatedStream Writing() => new(null);

    public int SyncCalls;
    public bool Parked => Volatile.Read(ref parked) > 0;
    public byte[] Written => written.ToArray();

    /// <summary>Lets the parked call (if any) complete.</summary>
    public void ReleaseOne()
    {
        if (Interlocked.CompareExchange(ref parked, 0, 1) == 1) gate.Release();
    }

    private async Task Park(CancellationToken token)
    {
        Volatile.Write(ref parked, 1);
        await gate.WaitAsync(token).ConfigureAwait(false);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Park(cancellationToken).ConfigureAwait(false);
        int n = Math.Min(buffer.Length, source!.Length - position);
        source.AsSpan(position, n).CopyTo(buffer.Span);
        position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Park(cancellationToken).ConfigureAwait(false);
        written.Write(buffer.Span);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count)
    {
        Interlocked.Increment(ref SyncCalls);
        throw new InvalidOperationException("synchronous Read in async mode");
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        Interlocked.Increment(ref SyncCalls);
        throw new InvalidOperationException("synchronous Write in async mode");
    }

    public override void Flush()
    {
        Interlocked.Increment(ref SyncCalls);
        throw new InvalidOperationException("synchronous Flush in async mode");
    }

    public override bool CanRead => source is not null;
    public override bool CanSeek => false;
    public override bool CanWrite => source is null;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>Serves its data in 64 KiB reads and cancels a token once <c>afterBytes</c> have been read.</summary>
internal sealed class CancellingStream(byte[] data, CancellationTokenSource cts, int afterBytes) : Stream
{
    private int position;
    public int SyncReads;

    private int Next(Span<byte> buffer)
    {
        if (position >= afterBytes) cts.Cancel();
        int n = Math.Min(Math.Min(buffer.Length, 64 << 10), data.Length - position);
        data.AsSpan(position, n).CopyTo(buffer);
        position += n;
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        SyncReads++;
        return Next(buffer.AsSpan(offset, count));
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Next(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Next(buffer.AsSpan(offset, count)));

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => data.Length;
    public override long Position { get => position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
