using System.Buffers;
using System.Runtime.ExceptionServices;

namespace CryptoMail.Core.Messages.Writing;

/// <summary>Runs one stage of a streaming pipeline (hashing, typically) on another core, one chunk at a time, while
/// the caller's thread does the rest of the work on the same chunk (encrypting it, writing it, reading the next).
/// Chunks are processed strictly in order and never two at once, so the stage's own state needs no locking; the
/// caller must leave a chunk's bytes unchanged until the next <see cref="Start"/> or <see cref="Wait"/> returns.
/// Small chunks, and machines with one core, run inline: a thread hop costs more than hashing a few kilobytes.
/// No allocation per chunk: the stage queues itself to the thread pool.</summary>
internal sealed class ParallelStage : IThreadPoolWorkItem, IDisposable
{
    /// <summary>Chunks below this size run on the caller's thread.</summary>
    public const int MinParallelBytes = 16 << 10;

    private static readonly bool MultiCore = Environment.ProcessorCount > 1;
    private readonly Action<byte[], int, int> work;
    private readonly ManualResetEventSlim idle = new(initialState: true);
    private byte[]? buffer;
    private int offset;
    private int count;
    private Exception? failure;

    /// <summary>A stage that runs <paramref name="work"/>(buffer, offset, count) for every chunk.</summary>
    public ParallelStage(Action<byte[], int, int> work) => this.work = work;

    /// <summary>Waits for the previous chunk, then starts <c>work</c> on <paramref name="count"/> octets of
    /// <paramref name="data"/> from <paramref name="start"/>, on another core when that pays.</summary>
    public void Start(byte[] data, int start, int count)
    {
        Wait();
        if (count <= 0) return;
        if (!MultiCore || count < MinParallelBytes)
        {
            work(data, start, count);
            return;
        }
        buffer = data;
        offset = start;
        this.count = count;
        idle.Reset();
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Waits until the chunk in flight (if any) is done; rethrows what it threw.</summary>
    public void Wait()
    {
        if (!idle.IsSet) idle.Wait();
        buffer = null;
        if (failure is { } e)
        {
            failure = null;
            ExceptionDispatchInfo.Throw(e);
        }
    }

    void IThreadPoolWorkItem.Execute()
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
            idle.Set();
        }
    }

    /// <summary>Waits for the chunk in flight (its failure no longer matters), so the caller may reuse or return
    /// its buffers.</summary>
    public void Dispose()
    {
        if (!idle.IsSet) idle.Wait();
        buffer = null;
        failure = null;
        idle.Dispose();
    }

    /// <summary>Reads <paramref name="source"/> to its end in chunks of up to <paramref name="chunkSize"/> octets:
    /// <paramref name="parallel"/> sees each chunk on another core while <paramref name="serial"/> handles it on this
    /// thread and the next chunk is read (two pooled buffers alternate). Both see every chunk, in order; without
    /// <paramref name="parallel"/> work, this is a plain read loop. Returns the number of octets read.</summary>
    public static long Pump(Stream source, int chunkSize, Action<byte[], int, int>? parallel, Action<ReadOnlySpan<byte>> serial,
        CancellationToken token)
    {
        var first = ArrayPool<byte>.Shared.Rent(chunkSize);
        var second = ArrayPool<byte>.Shared.Rent(chunkSize);
        long total = 0;
        try
        {
            using var stage = parallel is null ? null : new ParallelStage(parallel);
            var current = first;
            int n;
            while ((n = source.Read(current, 0, chunkSize)) > 0)
            {
                token.ThrowIfCancellationRequested();
                stage?.Start(current, 0, n);
                serial(current.AsSpan(0, n));
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
