using System.Buffers;

namespace CryptoMail.Core.IO;

/// <summary>The library's one async convention (docs/ARCHITECTURE.md, "Async"): each operation has one
/// implementation, a core method that takes <c>bool async</c> and returns a task. With <c>async: false</c> every
/// await inside it completes synchronously (it reaches callers' streams only through their synchronous methods), so
/// the synchronous public method takes the already finished result with <see cref="Complete{T}(ValueTask{T})"/>,
/// which never waits. With <c>async: true</c> it reaches callers' streams only through their asynchronous methods and
/// never blocks a thread.</summary>
internal static class AsyncMode
{
    private const string NotSynchronous = "A synchronous code path awaited an operation that had not finished.";

    /// <summary>The result of a core run with <c>async: false</c>; refuses (never waits for) one that did not finish.</summary>
    public static T Complete<T>(ValueTask<T> task) =>
        task.IsCompleted ? task.GetAwaiter().GetResult() : throw new InvalidOperationException(NotSynchronous);

    /// <summary>Completes a core run with <c>async: false</c>; refuses (never waits for) one that did not finish.</summary>
    public static void Complete(ValueTask task)
    {
        if (!task.IsCompleted) throw new InvalidOperationException(NotSynchronous);
        task.GetAwaiter().GetResult();
    }

    /// <inheritdoc cref="Complete{T}(ValueTask{T})"/>
    public static T Complete<T>(Task<T> task) =>
        task.IsCompleted ? task.GetAwaiter().GetResult() : throw new InvalidOperationException(NotSynchronous);

    /// <inheritdoc cref="Complete(ValueTask)"/>
    public static void Complete(Task task)
    {
        if (!task.IsCompleted) throw new InvalidOperationException(NotSynchronous);
        task.GetAwaiter().GetResult();
    }

    /// <summary>Reads a caller's stream (its async method in async mode); its failures are marked so the public
    /// boundary rethrows them unchanged.</summary>
    public static async ValueTask<int> ReadAsync(Stream stream, Memory<byte> buffer, bool async, CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        try
        {
            return async ? await stream.ReadAsync(buffer, token).ConfigureAwait(false) : stream.Read(buffer.Span);
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception e) { throw new CallerStreamException(e); }
    }

    /// <summary>Writes to a caller's stream (its async method in async mode), marking its failures.</summary>
    public static async ValueTask WriteAsync(Stream stream, ReadOnlyMemory<byte> buffer, bool async, CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        try
        {
            if (async) await stream.WriteAsync(buffer, token).ConfigureAwait(false);
            else stream.Write(buffer.Span);
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception e) { throw new CallerStreamException(e); }
    }

    /// <summary>Flushes a caller's stream (its async method in async mode), marking its failures.</summary>
    public static async ValueTask FlushAsync(Stream stream, bool async, CancellationToken token)
    {
        try
        {
            if (async) await stream.FlushAsync(token).ConfigureAwait(false);
            else stream.Flush();
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception e) { throw new CallerStreamException(e); }
    }
}

/// <summary>The async edge of the reading operations, whose grammar pulls from its input in place: the caller's input
/// is read in full with its asynchronous method into a <see cref="HoldBackBuffer"/> (memory up to a threshold, then
/// an encrypted temporary file), the one synchronous implementation runs over that copy on the continuation, its
/// outputs go to hold-back buffers, and those are written to the caller's streams with their asynchronous methods
/// once the implementation has finished. A failure releases nothing.</summary>
internal static class StagedIo
{
    private const int PieceSize = 64 * 1024;

    /// <summary>Runs <paramref name="body"/>(input copy, output buffers) and then writes each output buffer to the
    /// matching caller stream.</summary>
    public static async Task<T> RunAsync<T>(Stream input, IReadOnlyList<Stream> outputs, long memoryBytes, Func<Stream, Stream[], T> body,
        CancellationToken token)
    {
        using var staged = await ReadAllAsync(input, memoryBytes, token).ConfigureAwait(false);
        var held = new HoldBackBuffer[outputs.Count];
        try
        {
            for (int i = 0; i < held.Length; i++) held[i] = new HoldBackBuffer(memoryBytes);
            T result = body(staged.OpenRead(), held.Select(h => h.OpenWrite()).ToArray());
            for (int i = 0; i < held.Length; i++)
            {
                await held[i].CopyToAsync(outputs[i], async: true, token).ConfigureAwait(false);
                await outputs[i].FlushAsync(token).ConfigureAwait(false);
            }
            return result;
        }
        finally
        {
            foreach (var h in held) h?.Dispose();
        }
    }

    /// <summary>Reads a caller's stream to its end with its asynchronous method into a hold-back buffer.</summary>
    public static async Task<HoldBackBuffer> ReadAllAsync(Stream input, long memoryBytes, CancellationToken token)
    {
        var held = new HoldBackBuffer(memoryBytes);
        var piece = ArrayPool<byte>.Shared.Rent(PieceSize);
        try
        {
            int n;
            while ((n = await input.ReadAsync(piece.AsMemory(0, PieceSize), token).ConfigureAwait(false)) > 0)
            {
                held.Write(piece.AsSpan(0, n));
            }
            return held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(piece, clearArray: true);
        }
    }
}

/// <summary>Reads and writes callers' streams synchronously, and marks any exception they raise so the public
/// boundary rethrows it unchanged. Asynchronous access goes through <see cref="AsyncMode"/> or
/// <see cref="StagedIo"/>, never through this class.</summary>
internal sealed class IoBridge : Stream
{
    private readonly Stream inner;
    private readonly CancellationToken token;

    // Small reads (packet headers, length octets, BouncyCastle's octet-at-a-time readers) from a ciphertext input
    // are served from a read-ahead buffer filled in one call: on an unbuffered caller stream (a process's stdin, a
    // file opened without a buffer, a socket) every call is a system call, and a SEIPD v2 decryption of 256 MiB made
    // 9,000 of them, a third of them for one octet. Not used for inputs that may be plaintext.
    private const int ReadAheadBytes = 64 * 1024;
    private const int DirectReadBytes = 16 * 1024;
    private readonly byte[]? ahead;
    private int aheadStart;
    private int aheadEnd;

    public IoBridge(Stream inner, CancellationToken token, bool readAhead = false)
    {
        this.inner = inner;
        this.token = token;
        if (readAhead) ahead = new byte[ReadAheadBytes];
    }

    public long BytesRead { get; private set; }
    public long BytesWritten { get; private set; }

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (ahead is null || buffer.IsEmpty) return ReadInner(buffer);
        if (aheadStart == aheadEnd)
        {
            if (buffer.Length >= DirectReadBytes) return ReadInner(buffer);
            aheadStart = 0;
            aheadEnd = ReadInner(ahead);
            if (aheadEnd == 0) return 0;
        }
        int n = Math.Min(buffer.Length, aheadEnd - aheadStart);
        ahead.AsSpan(aheadStart, n).CopyTo(buffer);
        aheadStart += n;
        return n;
    }

    private int ReadInner(Span<byte> buffer)
    {
        token.ThrowIfCancellationRequested();
        int n;
        try
        {
            n = inner.Read(buffer);
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception e) { throw new CallerStreamException(e); }
        BytesRead += n;
        return n;
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        token.ThrowIfCancellationRequested();
        try
        {
            inner.Write(buffer);
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception e) { throw new CallerStreamException(e); }
        BytesWritten += buffer.Length;
    }

    public override void WriteByte(byte value)
    {
        Span<byte> one = stackalloc byte[1];
        one[0] = value;
        Write(one);
    }

    public override void Flush()
    {
        try
        {
            inner.Flush();
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception e) { throw new CallerStreamException(e); }
    }

    // Never closes the caller's stream.
    protected override void Dispose(bool disposing) => base.Dispose(disposing);
}

/// <summary>The bottom of a writing pipeline: the stages above write into it synchronously, in memory. In sync mode
/// it passes every write straight to the caller's stream; in async mode it collects them, and the driver hands them
/// to the caller's stream with its asynchronous method (<see cref="DrainAsync"/>) after each chunk, so memory stays
/// bounded by what one chunk of input produces.</summary>
internal sealed class CallerSink : WriteOnlyStage
{
    private readonly Stream output;
    private readonly bool async;
    private readonly CancellationToken token;
    private readonly MemoryStream? pending;

    public CallerSink(Stream output, bool async, CancellationToken token)
    {
        this.output = output;
        this.async = async;
        this.token = token;
        if (async) pending = new MemoryStream();
    }

    /// <summary>Octets handed to the caller's stream so far.</summary>
    public long BytesWritten { get; private set; }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (pending is not null)
        {
            pending.Write(buffer);
            return;
        }
        token.ThrowIfCancellationRequested();
        try
        {
            output.Write(buffer);
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception e) { throw new CallerStreamException(e); }
        BytesWritten += buffer.Length;
    }

    /// <summary>Hands what the stages wrote since the last call to the caller's stream (nothing to do in sync mode).</summary>
    public async ValueTask DrainAsync()
    {
        if (pending is null || pending.Length == 0) return;
        int n = (int)pending.Length;
        await AsyncMode.WriteAsync(output, pending.GetBuffer().AsMemory(0, n), async: true, token).ConfigureAwait(false);
        BytesWritten += n;
        pending.SetLength(0);
    }

    /// <summary>Drains and flushes the caller's stream.</summary>
    public async ValueTask FinishAsync()
    {
        await DrainAsync().ConfigureAwait(false);
        await AsyncMode.FlushAsync(output, async, token).ConfigureAwait(false);
    }

    // Never closes the caller's stream.
    protected override void Dispose(bool disposing) => base.Dispose(disposing);
}

/// <summary>The asynchronous form of an operation that has no caller stream to wait for (work on values in memory,
/// or on local files the store layer reads with short synchronous calls): it runs on the caller's thread, without a
/// hop to the thread pool, and returns a finished task, cancelled or faulted as the work ended.</summary>
internal static class Completed
{
    public static Task<T> Run<T>(Func<T> body, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<T>(cancellationToken);
        try
        {
            return Task.FromResult(body());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }
}
