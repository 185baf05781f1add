using System.Buffers;
using System.Security.Cryptography;

namespace CryptoMail.Core.Messages.Encryption;

/// <summary>Reads the plaintext of a chunked AEAD packet body: SEIPD v2 (RFC 9580 section 5.13.2) or the LibrePGP
/// OCB Encrypted Data packet (tag 20). <c>source</c> is the body after its prefix (see <see cref="SeipdV2Header.Read"/>
/// and <see cref="AeadEncryptedDataHeader.Read"/>), ending exactly where the packet ends.</summary>
/// <remarks>
/// Invariants: a chunk's plaintext is released only after its tag verified; the last chunk is released only
/// after the final tag (chunk count and total length) verified too, so end of data is reported only for a whole,
/// unmodified body. Any failure (bad tag, truncation, reordering, trailing garbage) throws
/// <see cref="IntegrityException"/>, zeroes the failing chunk's plaintext, and every later call throws again.
/// Memory: two sealed chunks plus 17 octets of look-ahead, and two chunks of plaintext, all pooled.
/// Pipelining: while the caller takes chunk i's plaintext (and the next sealed chunk is read), chunk i+1 is opened on
/// the other core (<see cref="ParallelStage"/>); chunks are still opened strictly in order, one at a time, and a
/// chunk's plaintext is handed out only after its own tag verified on that core.
/// </remarks>
internal sealed class ChunkedAeadDecryptStream : ChunkedAeadStream
{
    // Sealed data read ahead: one sealed chunk plus 17 octets. The last chunk is followed by exactly the 16-octet
    // final tag, so a chunk with at least 17 octets after it is not the last and can be released once its own
    // tag verifies; the last one (even when full) waits for the final tag.
    private byte[]? sealedBuffer;
    private byte[]? sealedInFlight; // the chunk being opened on the other core
    private byte[]? plain;
    private byte[]? plainInFlight;  // where that chunk's plaintext goes
    private readonly ParallelStage opening;
    private bool inFlight;
    private IntegrityException? inFlightFailure; // kept until the chunks before it are out
    private int sealedLength;
    private int plainStart;
    private int plainEnd;
    private bool sourceEnded;
    private bool finished;
    private IntegrityException? failure;

    public ChunkedAeadDecryptStream(Stream source, SeipdV2Header header, ReadOnlySpan<byte> sessionKey, bool leaveOpen = false)
        : this(source, header.CreateSchedule(sessionKey), leaveOpen)
    {
    }

    /// <param name="source">The sealed chunks and final tag.</param>
    /// <param name="schedule">Nonces and associated data; owned by the stream from now on.</param>
    /// <param name="leaveOpen">Whether disposing leaves <paramref name="source"/> open.</param>
    public ChunkedAeadDecryptStream(Stream source, AeadChunkSchedule schedule, bool leaveOpen = false)
        : base(source, schedule, leaveOpen)
    {
        sealedBuffer = ArrayPool<byte>.Shared.Rent(SealedCapacity);
        sealedInFlight = ArrayPool<byte>.Shared.Rent(SealedCapacity);
        plain = ArrayPool<byte>.Shared.Rent(ChunkSize);
        plainInFlight = ArrayPool<byte>.Shared.Rent(ChunkSize);
        opening = new ParallelStage(OpenInFlight);
    }

    /// <summary>Reads the prefix from <paramref name="body"/>, then decrypts the rest of it.</summary>
    public static ChunkedAeadDecryptStream Open(Stream body, ReadOnlySpan<byte> sessionKey, bool leaveOpen = false)
    {
        var header = SeipdV2Header.Read(body);
        if (sessionKey.Length != header.KeySize)
            throw new MalformedDataException($"v2 SEIPD: the session key has {sessionKey.Length} octets, cipher {header.SymmetricAlgorithm} needs {header.KeySize}.");
        return new ChunkedAeadDecryptStream(body, header, sessionKey, leaveOpen);
    }

    public override bool CanRead => !IsDisposed;
    public override bool CanWrite => false;

    /// <summary>True once the final tag verified and every plaintext octet has been read.</summary>
    public bool IsComplete => finished && plainStart == plainEnd;

    /// <summary>Plaintext octets authenticated so far.</summary>
    public long PlaintextLength => TotalPlaintext;

    private int SealedCapacity => ChunkSize + 2 * TagSize + 1;

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            ThrowIfUnusable();
            if (buffer.IsEmpty) return 0;
            if (plainStart < plainEnd) return Release(buffer);
            if (finished) return 0;
            while (!sourceEnded && sealedLength < SealedCapacity)
            {
                int n = Inner.Read(sealedBuffer.AsSpan(sealedLength, SealedCapacity - sealedLength));
                if (n == 0) sourceEnded = true;
                sealedLength += n;
            }
            Advance();
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            ThrowIfUnusable();
            if (buffer.IsEmpty) return 0;
            if (plainStart < plainEnd) return Release(buffer.Span);
            if (finished) return 0;
            while (!sourceEnded && sealedLength < SealedCapacity)
            {
                int n = await Inner.ReadAsync(sealedBuffer.AsMemory(sealedLength, SealedCapacity - sealedLength), cancellationToken).ConfigureAwait(false);
                if (n == 0) sourceEnded = true;
                sealedLength += n;
            }
            Advance();
        }
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !IsDisposed) ReturnBuffers();
        base.Dispose(disposing);
    }

    private int Release(Span<byte> buffer)
    {
        int n = Math.Min(buffer.Length, plainEnd - plainStart);
        plain.AsSpan(plainStart, n).CopyTo(buffer);
        plainStart += n;
        if (plainStart == plainEnd)
        {
            CryptographicOperations.ZeroMemory(plain.AsSpan(0, plainEnd));
            plainStart = plainEnd = 0;
        }
        return n;
    }

    /// <summary>With the look-ahead buffer full, or the source ended: opens the next chunk, or the last chunk and
    /// the final tag.</summary>
    private void Advance()
    {
        var sealedData = sealedBuffer.AsSpan(0, sealedLength);
        try
        {
            if (!sourceEnded)
            {
                // A full chunk with at least 17 octets after it: not the last chunk. The chunk opened before it is
                // collected (its plaintext goes out next), and this one starts opening on the other core; the
                // look-ahead moves to the other sealed buffer.
                int chunk = ChunkSize + TagSize;
                CollectInFlight();
                (sealedBuffer, sealedInFlight) = (sealedInFlight, sealedBuffer);
                sealedData[chunk..].CopyTo(sealedBuffer);
                sealedLength -= chunk;
                inFlight = true;
                opening.Start(sealedInFlight!, 0, chunk);
                return;
            }
            if (inFlight)
            {
                // The chunk before the last goes out first; the next call opens the last one.
                CollectInFlight();
                return;
            }
            // The source ended: what is left is [last chunk] then the final tag. The last chunk is a tag alone
            // at the least (an empty chunk); between 1 and 15 octets cannot be a chunk.
            int lastChunk = sealedLength - TagSize;
            if (lastChunk < 0 || (lastChunk > 0 && lastChunk < TagSize))
                throw new IntegrityException($"{PacketName}: the data is truncated (no room for the final authentication tag).");
            if (lastChunk > 0) OpenChunk(sealedData[..lastChunk], plain);
            OpenFinal(sealedData[lastChunk..]);
            // Only now, with the final tag verified, is the last chunk released.
            plainEnd = Math.Max(0, lastChunk - TagSize);
            sealedLength = 0;
            finished = true;
        }
        catch (IntegrityException e)
        {
            inFlight = false;
            CryptographicOperations.ZeroMemory(plain);
            CryptographicOperations.ZeroMemory(plainInFlight);
            plainStart = plainEnd = 0;
            failure = e;
            throw;
        }
    }

    /// <summary>Opens the chunk in flight (on the other core, or inline when it is small). A failure is kept, not
    /// thrown, so that it surfaces at the same point either way: when this chunk's turn comes, after the chunks
    /// before it went out.</summary>
    private void OpenInFlight(byte[] sealedChunk, int offset, int count)
    {
        try
        {
            OpenChunk(sealedChunk.AsSpan(offset, count), plainInFlight);
        }
        catch (IntegrityException e)
        {
            inFlightFailure = e;
        }
    }

    /// <summary>Waits for the chunk opening on the other core (rethrowing its failure) and makes its plaintext the
    /// one handed out next.</summary>
    private void CollectInFlight()
    {
        if (!inFlight) return;
        opening.Wait();
        inFlight = false;
        if (inFlightFailure is { } failed)
        {
            inFlightFailure = null;
            throw failed;
        }
        (plain, plainInFlight) = (plainInFlight, plain);
        plainStart = 0;
        plainEnd = ChunkSize;
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (failure is not null) throw new IntegrityException(failure.Message, failure);
    }

    private void ReturnBuffers()
    {
        // The other core may still be opening a chunk into these buffers.
        opening.Dispose();
        foreach (var buffer in new[] { plain, plainInFlight })
        {
            if (buffer is null) continue;
            CryptographicOperations.ZeroMemory(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
        foreach (var buffer in new[] { sealedBuffer, sealedInFlight })
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
        }
        plain = plainInFlight = sealedBuffer = sealedInFlight = null;
    }
}
