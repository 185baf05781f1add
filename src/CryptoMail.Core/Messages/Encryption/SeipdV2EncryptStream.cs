using System.Buffers;
using System.Security.Cryptography;

namespace CryptoMail.Core.Messages.Encryption;

/// <summary>Writes a whole v2 SEIPD packet body (RFC 9580 section 5.13.2) to <c>destination</c>: the 36-octet
/// prefix, each chunk's ciphertext and tag, and on <see cref="Complete"/> (or Dispose) the last, possibly short,
/// chunk and the final tag. The packet header and length framing around the body are the caller's.</summary>
/// <remarks>
/// Memory: two chunks of plaintext and two sealed chunks, from the shared pool, plaintext zeroed when returned.
/// Pipelining: a full chunk is sealed on the other core (<see cref="ParallelStage"/>) while the caller fills the next
/// one; it is written out when the next chunk fills or the body completes, so chunks still go out in order.
/// A full chunk is sealed as soon as it fills; only the last chunk may be short. Empty plaintext is written as
/// one empty chunk (a lone tag) plus the final tag, since the RFC says a packet has one or more chunks.
/// Dispose completes the body, as CryptoStream does, unless <see cref="Abort"/> was called or writing to the
/// destination failed: a caller that stops on an error must call <see cref="Abort"/> first, or the output would
/// be a validly authenticated, truncated message.
/// Synchronous only: the message writer runs its stages in memory and reaches the caller's stream through
/// <see cref="CallerSink"/>, so this stage has no asynchronous members of its own.
/// </remarks>
internal sealed class SeipdV2EncryptStream : ChunkedAeadStream
{
    private byte[]? plain;
    private byte[]? sealedBuffer;
    private byte[]? plainInFlight;  // the full chunk being sealed on the other core
    private byte[]? sealedInFlight; // and its sealed form
    private readonly ParallelStage sealing;
    private bool inFlight;
    private bool inFlightHeader;
    private int inFlightLength;
    private int pending;
    private long accepted;
    private bool headerSealed;
    private bool completed;
    private bool aborted;

    public SeipdV2EncryptStream(Stream destination, SeipdV2Header header, ReadOnlySpan<byte> sessionKey, bool leaveOpen = false)
        : base(destination, header.CreateSchedule(sessionKey), leaveOpen)
    {
        Header = header;
        plain = ArrayPool<byte>.Shared.Rent(ChunkSize);
        plainInFlight = ArrayPool<byte>.Shared.Rent(ChunkSize);
        // Room for the prefix, a full sealed chunk and the final tag, so the last write is one call.
        sealedBuffer = ArrayPool<byte>.Shared.Rent(SeipdV2Header.Size + ChunkSize + 2 * TagSize);
        sealedInFlight = ArrayPool<byte>.Shared.Rent(SeipdV2Header.Size + ChunkSize + 2 * TagSize);
        sealing = new ParallelStage((chunk, _, count) => inFlightLength = Seal(chunk, count, sealedInFlight!, inFlightHeader, final: false));
    }

    public SeipdV2Header Header { get; }

    public override bool CanRead => false;
    public override bool CanWrite => !IsDisposed && !completed && !aborted;

    /// <summary>Plaintext octets accepted so far.</summary>
    public long PlaintextLength => accepted;

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
            if (pending == ChunkSize)
            {
                if (inFlight) EmitInFlight();
                StartSeal();
            }
        }
    }

    /// <summary>Writes out the chunk sealing on the other core, and flushes the Inner. A short chunk cannot be
    /// sealed before the end, so up to one chunk of plaintext stays buffered.</summary>
    public override void Flush()
    {
        if (IsDisposed) return;
        if (!aborted) EmitInFlight();
        Inner.Flush();
    }

    /// <summary>Seals the last chunk and writes the final tag; afterwards nothing more can be written.</summary>
    public void Complete()
    {
        if (completed) return;
        ThrowIfUnusable();
        EmitInFlight();
        Emit(sealedBuffer!, SealPending());
        completed = true;
        Inner.Flush();
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

    private int Absorb(ReadOnlySpan<byte> data)
    {
        ThrowIfUnusable();
        int n = Math.Min(data.Length, ChunkSize - pending);
        data[..n].CopyTo(plain.AsSpan(pending));
        pending += n;
        accepted += n;
        return n;
    }

    /// <summary>Hands the full chunk to the other core and gives the caller the other plaintext buffer.</summary>
    private void StartSeal()
    {
        (plain, plainInFlight) = (plainInFlight, plain);
        inFlightHeader = !headerSealed;
        headerSealed = true;
        int count = pending;
        pending = 0;
        inFlight = true;
        sealing.Start(plainInFlight!, 0, count);
    }

    /// <summary>Waits for the chunk sealing on the other core and writes it out.</summary>
    private void EmitInFlight()
    {
        if (!inFlight) return;
        sealing.Wait();
        inFlight = false;
        Emit(sealedInFlight!, inFlightLength);
    }

    /// <summary>Seals the last, possibly short, chunk and the final tag into <see cref="sealedBuffer"/>.</summary>
    private int SealPending()
    {
        bool header = !headerSealed;
        headerSealed = true;
        int count = pending;
        pending = 0;
        return Seal(plain!, count, sealedBuffer!, header, final: true);
    }

    /// <summary>Seals <paramref name="count"/> octets of <paramref name="source"/> as the next chunk into
    /// <paramref name="output"/> (after the prefix when <paramref name="header"/>), zeroes them, and returns the octet
    /// count to write. With <paramref name="final"/>, also the final tag; an empty chunk only when nothing at all was
    /// sealed before.</summary>
    private int Seal(byte[] source, int count, byte[] output, bool header, bool final)
    {
        int length = 0;
        if (header)
        {
            Header.WriteTo(output);
            length = SeipdV2Header.Size;
        }
        if (count > 0 || (final && ChunkIndex == 0))
        {
            SealChunk(source.AsSpan(0, count), output.AsSpan(length));
            length += count + TagSize;
            CryptographicOperations.ZeroMemory(source.AsSpan(0, count));
        }
        if (final)
        {
            SealFinal(output.AsSpan(length, TagSize));
            length += TagSize;
        }
        return length;
    }

    private void Emit(byte[] sealedData, int length)
    {
        try
        {
            Inner.Write(sealedData, 0, length);
        }
        catch
        {
            aborted = true;
            throw;
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (completed) throw new InvalidOperationException("The v2 SEIPD body is already complete.");
        if (aborted) throw new InvalidOperationException("The v2 SEIPD body was aborted.");
    }

    private void Release()
    {
        // The other core may still be sealing a chunk from these buffers.
        sealing.Dispose();
        foreach (var buffer in new[] { plain, plainInFlight })
        {
            if (buffer is null) continue;
            CryptographicOperations.ZeroMemory(buffer.AsSpan(0, ChunkSize));
            ArrayPool<byte>.Shared.Return(buffer);
        }
        foreach (var buffer in new[] { sealedBuffer, sealedInFlight })
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
        plain = plainInFlight = sealedBuffer = sealedInFlight = null;
    }
}
