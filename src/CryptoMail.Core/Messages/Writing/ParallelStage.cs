using System.Buffers;
using System.Runtime.ExceptionServices;

namespace CryptoMail.Core.Messages.Writing;

/// <summary>Bounds how many parallel-stage work items (<see cref="ParallelStage"/>) the operations of one
/// <see cref="OpenPgp"/> instance have on the thread pool at once (<see cref="OpenPgpOptions.MaxParallelism"/>). A
/// stage that finds no free slot runs its chunk inline, on the operation's own thread: the limiter never waits.</summary>
internal sealed class ParallelLimiter
{
    private static readonly AsyncLocal<ParallelLimiter?> Ambient = new();
    private readonly int slots;
    private int used;

    /// <summary>A limiter for a degree of parallelism of <paramref name="maxParallelism"/>: each operation's own thread
    /// plus at most <paramref name="maxParallelism"/> − 1 stage items in flight across all operations (none for 0 or 1).</summary>
    public ParallelLimiter(int maxParallelism) => slots = Math.Max(0, maxParallelism - 1);

    /// <summary>The process default, for code that runs outside an engine's operation (tests of single stages).</summary>
    public static ParallelLimiter Default { get; } = new(Environment.ProcessorCount + 1); // OpenPgpOptions.MaxParallelism's default

    /// <summary>The limiter of the operation running on this logical flow (set by the engine with <see cref="Use"/>).
    /// The stream stages read it when they are made, deep inside the message grammar, so the engine's setting
    /// reaches them without threading it through every reader and writer signature.</summary>
    public static ParallelLimiter Current => Ambient.Value ?? Default;

    /// <summary>Whether any stage may run in parallel at all.</summary>
    public bool Enabled => slots > 0;

    /// <summary>Makes <paramref name="limiter"/> <see cref="Current"/> until the returned scope is disposed.</summary>
    public static Scope Use(ParallelLimiter limiter)
    {
        var previous = Ambient.Value;
        Ambient.Value = limiter;
        return new Scope(previous);
    }

    /// <summary>Takes a slot if one is free; never waits.</summary>
    public bool TryEnter()
    {
        while (true)
        {
            int u = Volatile.Read(ref used);
            if (u >= slots) return false;
            if (Interlocked.CompareExchange(ref used, u + 1, u) == u) return true;
        }
    }

    /// <summary>Gives back a slot taken with <see cref="TryEnter"/>.</summary>
    public void Exit() => Interlocked.Decrement(ref used);

    /// <summary>Restores the previous <see cref="Current"/>.</summary>
    public readonly struct Scope(ParallelLimiter? previous) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => Ambient.Value = previous;
    }
}

/// <summary>Runs one stage of a streaming pipeline (hashing, typically) on another core, one chunk at a time, while
/// the caller's thread does the rest of the work on the same chunk (encrypting it, writing it, reading the next).
/// Chunks are processed strictly in order and never two at once, so the stage's own state needs no locking; the
/// caller must leave a chunk's bytes unchanged until the next <see cref="Start"/> or <see cref="Wait"/> returns.
/// Small chunks, machines with one core, and chunks for which the <see cref="ParallelLimiter"/> has no free slot run
/// inline. A wait never waits for a thread to become free: a chunk whose work item has not started within a short,
/// bounded grace (<see cref="GivePoolTime"/>) is taken back and run by the waiting thread, so the wait lasts at most that
/// grace plus work already running on another core (no deadlock on a saturated or capped pool). No allocation per
/// chunk: the stage queues itself to the thread pool.</summary>
internal sealed class ParallelStage : IThreadPoolWorkItem, IDisposable
{
    /// <summary>Chunks below this size run on the caller's thread.</summary>
    public const int MinParallelBytes = 16 << 10;

    private const int Idle = 0;
    private const int Queued = 1;
    private const int Running = 2;

    private static readonly bool MultiCore = Environment.ProcessorCount > 1;
    private const int ClaimGraceMilliseconds = 1;
    private const int SkipAfterLateClaim = 16;
    private readonly Action<byte[], int, int> work;
    private readonly ParallelLimiter limiter;
    private readonly ManualResetEventSlim idle = new(initialState: true);
    private byte[]? buffer;
    private int offset;
    private int count;
    private int state;
    private int skipGrace;
    private Exception? failure;

    /// <summary>A stage that runs <paramref name="work"/>(buffer, offset, count) for every chunk, bounded by
    /// <see cref="ParallelLimiter.Current"/>.</summary>
    public ParallelStage(Action<byte[], int, int> work)
    {
        this.work = work;
        limiter = ParallelLimiter.Current;
    }

    /// <summary>Waits for the previous chunk, then starts <c>work</c> on <paramref name="count"/> octets of
    /// <paramref name="data"/> from <paramref name="start"/>, on another core when that pays and a slot is free.</summary>
    public void Start(byte[] data, int start, int count)
    {
        Wait();
        if (count <= 0) return;
        if (!MultiCore || count < MinParallelBytes || !limiter.TryEnter())
        {
            work(data, start, count);
            return;
        }
        buffer = data;
        offset = start;
        this.count = count;
        idle.Reset();
        Volatile.Write(ref state, Queued);
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Waits until the chunk in flight (if any) is done, running it here if it has not started; rethrows
    /// what it threw.</summary>
    public void Wait()
    {
        GivePoolTime();
        if (Interlocked.CompareExchange(ref state, Running, Queued) == Queued) RunClaimed();
        else if (!idle.IsSet) idle.Wait();
        buffer = null;
        if (failure is { } e)
        {
            failure = null;
            ExceptionDispatchInfo.Throw(e);
        }
    }

    /// <summary>A chunk still queued gets a short, bounded time for a pool thread to pick it up before the join takes it
    /// back. Taking every chunk back at once made the pipelines serial on a loaded or virtual machine: the pool thread
    /// woken for a chunk was not yet running when the join came, found nothing to do, slept again, and was as late for
    /// the next chunk (profiles showed the pool threads doing 3-7 % of a decrypt or sign+encrypt instead of 23-35 %).
    /// The join blocks rather than spins, so a pool thread that needs this core gets it. The bound keeps the no-deadlock
    /// rule: when a chunk is still queued after it (a saturated or capped pool), the join runs the chunk itself and the
    /// next <see cref="SkipAfterLateClaim"/> joins take their chunks back at once, so a pool that cannot run stage work
    /// costs at most one grace per that many chunks.</summary>
    private void GivePoolTime()
    {
        if (Volatile.Read(ref state) != Queued) return;
        if (skipGrace > 0)
        {
            skipGrace--;
            return;
        }
        // Spins briefly, then sleeps until the chunk is done or the grace is over.
        idle.Wait(ClaimGraceMilliseconds);
        if (Volatile.Read(ref state) == Queued) skipGrace = SkipAfterLateClaim;
    }

    void IThreadPoolWorkItem.Execute()
    {
        // A waiter may have taken the chunk back already; then there is nothing left to do.
        if (Interlocked.CompareExchange(ref state, Running, Queued) == Queued) RunClaimed();
    }

    private void RunClaimed()
    {
        try
        {
            work(buffer!, offset, count);
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            limiter.Exit();
            Volatile.Write(ref state, Idle);
            idle.Set();
        }
    }

    /// <summary>Waits for the chunk in flight (its failure no longer matters), so the caller may reuse or return
    /// its buffers.</summary>
    public void Dispose()
    {
        if (Interlocked.CompareExchange(ref state, Running, Queued) == Queued) RunClaimed();
        else if (!idle.IsSet) idle.Wait();
        buffer = null;
        failure = null;
        idle.Dispose();
    }

    /// <summary>Reads <paramref name="source"/> (an internal stage) to its end: <see cref="PumpAsync"/> in sync mode.</summary>
    public static long Pump(Stream source, int chunkSize, Action<byte[], int, int>? parallel, Action<ReadOnlySpan<byte>> serial,
        CancellationToken token) =>
        AsyncMode.Complete(PumpAsync(m => new ValueTask<int>(source.Read(m.Span)), chunkSize, parallel, serial, null, token));

    /// <summary>Reads a source to its end in chunks of up to <paramref name="chunkSize"/> octets through
    /// <paramref name="read"/>: <paramref name="parallel"/> sees each chunk on another core while
    /// <paramref name="serial"/> handles it on this thread, <paramref name="written"/> (if any) is awaited after it,
    /// and the next chunk is read (two pooled buffers alternate). Both see every chunk, in order; without
    /// <paramref name="parallel"/> work, this is a plain read loop. Returns the number of octets read. Follows the
    /// async convention: it completes synchronously when <paramref name="read"/> and <paramref name="written"/> do.</summary>
    public static async ValueTask<long> PumpAsync(Func<Memory<byte>, ValueTask<int>> read, int chunkSize, Action<byte[], int, int>? parallel,
        Action<ReadOnlySpan<byte>> serial, Func<ValueTask>? written, CancellationToken token)
    {
        var first = ArrayPool<byte>.Shared.Rent(chunkSize);
        var second = ArrayPool<byte>.Shared.Rent(chunkSize);
        long total = 0;
        try
        {
            using var stage = parallel is null ? null : new ParallelStage(parallel);
            var current = first;
            int n;
            while ((n = await read(current.AsMemory(0, chunkSize)).ConfigureAwait(false)) > 0)
            {
                token.ThrowIfCancellationRequested();
                stage?.Start(current, 0, n);
                serial(current.AsSpan(0, n));
                if (written is not null) await written().ConfigureAwait(false);
                total += n;
                if (stage is not null) current = current == first ? second : first;
            }
            stage?.Wait();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(first, clearArray: true);
            ArrayPool<byte>.Shared.Return(second, clearArray: true);
        }
        return total;
    }
}
