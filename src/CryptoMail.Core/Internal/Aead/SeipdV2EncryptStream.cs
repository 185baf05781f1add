using System.Buffers;
using System.Security.Cryptography;

namespace CryptoMail.Core.Internal.Aead;

/// <summary>Writes a whole v2 SEIPD packet body (RFC 9580 section 5.13.2) to <c>destination</c>: the 36-octet
/// prefix, each chunk's ciphertext and tag, and on <see cref="Complete"/> (or Dispose) the last, possibly short,
/// chunk and the final tag. The packet header and length framing around the body are the caller's.</summary>
/// <remarks>
/// Memory: one chunk of plaintext and one sealed chunk, both from the shared pool and zeroed when returned.
/// A full chunk is sealed as soon as it fills; only the last chunk may be short. Empty plaintext is written as
/// one empty chunk (a lone tag) plus the final tag, since the RFC says a packet has one or more chunks.
/// Dispose completes the body, as CryptoStream does, unless <see cref="Abort"/> was called or writing to the
/// destination failed: a caller that stops on an error must call <see cref="Abort"/> first, or the output would
/// be a validly authenticated, truncated message.
/// </remarks>
internal sealed class SeipdV2EncryptStream : ChunkedAeadStream
{
    private byte[]? plain;
    private byte[]? sealedBuffer;
    private int pending;
    private bool headerWritten;
    private bool completed;
    private bool aborted;

    public SeipdV2EncryptStream(Stream destination, SeipdV2Header header, ReadOnlySpan<byte> sessionKey, bool leaveOpen = false)
        : base(destination, header.CreateSchedule(sessionKey), leaveOpen)
    {
        Header = header;
        plain = ArrayPool<byte>.Shared.Rent(ChunkSize);
        // Room for the prefix, a full sealed chunk and the final tag, so the last write is one call.
        sealedBuffer = ArrayPool<byte>.Shared.Rent(SeipdV2Header.Size + ChunkSize + 2 * TagSize);
    }

    public SeipdV2Header Header { get; }

    public override bool CanRead => false;
    public override bool CanWrite => !IsDisposed && !completed && !aborted;

    /// <summary>Plaintext octets accepted so far.</summary>
    public long PlaintextLength => TotalPlaintext + pending;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int n = Absorb(buffer);
            buffer = buffer[n..];
            if (pending == ChunkSize) Emit(SealPending(final: false));
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            int n = Absorb(buffer.Span);
            buffer = buffer[n..];
            if (pending == ChunkSize) await EmitAsync(SealPending(final: false), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Flushes the Inner. A short chunk cannot be sealed before the end, so up to one chunk of
    /// plaintext stays buffered.</summary>
    public override void Flush()
    {
        if (!IsDisposed) Inner.Flush();
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        IsDisposed ? Task.CompletedTask : Inner.FlushAsync(cancellationToken);

    /// <summary>Seals the last chunk and writes the final tag; afterwards nothing more can be written.</summary>
    public void Complete()
    {
        if (completed) return;
        ThrowIfUnusable();
        Emit(SealPending(final: true));
        completed = true;
        Inner.Flush();
    }

    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        if (completed) return;
        ThrowIfUnusable();
        await EmitAsync(SealPending(final: true), cancellationToken).ConfigureAwait(false);
        completed = true;
        await Inner.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks the body as abandoned: Dispose will not complete it, so the output stays unfinished and
    /// any reader reports it as truncated.</summary>
    public void Abort() => aborted = true;

    protected override void Dispose(bool disposing)
    {
        if (disposing && !IsDisposed)
        {
            try
            {
                if (!completed && !aborted) Complete();
            }
            finally
            {
                Release();
                base.Dispose(disposing);
            }
            return;
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            if (!IsDisposed && !completed && !aborted) await CompleteAsync().ConfigureAwait(false);
        }
        catch
        {
            aborted = true;
            throw;
        }
        finally
        {
            // Completed or aborted by now, so the synchronous Dispose only releases.
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }

    private int Absorb(ReadOnlySpan<byte> data)
    {
        ThrowIfUnusable();
        int n = Math.Min(data.Length, ChunkSize - pending);
        data[..n].CopyTo(plain.AsSpan(pending));
        pending += n;
        return n;
    }

    /// <summary>Seals the buffered plaintext into <see cref="sealedBuffer"/> (after the prefix if it is not yet
    /// written) and returns the octet count to write. With <paramref name="final"/>, also the final tag.</summary>
    private int SealPending(bool final)
    {
        var output = sealedBuffer.AsSpan();
        int length = 0;
        if (!headerWritten)
        {
            Header.WriteTo(output);
            length = SeipdV2Header.Size;
        }
        // A short chunk only ends the body; an empty one only when nothing at all was sealed.
        if (pending > 0 || (final && ChunkIndex == 0))
        {
            SealChunk(plain.AsSpan(0, pending), output[length..]);
            length += pending + TagSize;
            CryptographicOperations.ZeroMemory(plain.AsSpan(0, pending));
            pending = 0;
        }
        if (final)
        {
            SealFinal(output.Slice(length, TagSize));
            length += TagSize;
        }
        return length;
    }

    private void Emit(int length)
    {
        try
        {
            Inner.Write(sealedBuffer!, 0, length);
        }
        catch
        {
            aborted = true;
            throw;
        }
        headerWritten = true;
    }

    private async ValueTask EmitAsync(int length, CancellationToken cancellationToken)
    {
        try
        {
            await Inner.WriteAsync(sealedBuffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            aborted = true;
            throw;
        }
        headerWritten = true;
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (completed) throw new InvalidOperationException("The v2 SEIPD body is already complete.");
        if (aborted) throw new InvalidOperationException("The v2 SEIPD body was aborted.");
    }

    private void Release()
    {
        if (plain is not null)
        {
            CryptographicOperations.ZeroMemory(plain.AsSpan(0, ChunkSize));
            ArrayPool<byte>.Shared.Return(plain);
            plain = null;
        }
        if (sealedBuffer is not null)
        {
            ArrayPool<byte>.Shared.Return(sealedBuffer);
            sealedBuffer = null;
        }
    }
}
