namespace CryptoMail.Core.IO;

/// <summary>The asynchronous forms run the one synchronous implementation on the thread pool; in async mode the
/// implementation reaches callers' streams only through their asynchronous methods (see <see cref="IoBridge"/>),
/// so streams that forbid synchronous I/O work too.</summary>
internal static class Async
{
    public static Task<T> Run<T>(Func<T> body, CancellationToken cancellationToken) =>
        Task.Run(body, cancellationToken);
}

/// <summary>Reads and writes callers' streams, synchronously or through their async methods, and marks any
/// exception they raise so the public boundary rethrows it unchanged.</summary>
internal sealed class IoBridge : Stream
{
    private readonly Stream inner;
    private readonly bool async;
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

    public IoBridge(Stream inner, bool async, CancellationToken token, bool readAhead = false)
    {
        this.inner = inner;
        this.async = async;
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
            if (async)
            {
                byte[] tmp = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
                try
                {
                    n = inner.ReadAsync(tmp.AsMemory(0, buffer.Length), token).AsTask().GetAwaiter().GetResult();
                    tmp.AsSpan(0, n).CopyTo(buffer);
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(tmp);
                }
            }
            else
            {
                n = inner.Read(buffer);
            }
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
            if (async)
            {
                byte[] tmp = buffer.ToArray();
                inner.WriteAsync(tmp, token).AsTask().GetAwaiter().GetResult();
            }
            else
            {
                inner.Write(buffer);
            }
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception e) { throw new CallerStreamException(e); }
        BytesWritten += buffer.Length;
    }

    public override void WriteByte(byte value) => Write(new[] { value });

    public override void Flush()
    {
        try
        {
            if (async) inner.FlushAsync(token).GetAwaiter().GetResult();
            else inner.Flush();
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception e) { throw new CallerStreamException(e); }
    }

    // Never closes the caller's stream.
    protected override void Dispose(bool disposing) => base.Dispose(disposing);
}
