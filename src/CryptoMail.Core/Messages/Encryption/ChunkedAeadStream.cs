namespace CryptoMail.Core.Messages.Encryption;

/// <summary>What the chunked AEAD writer and reader share: sealing and opening chunk <c>i</c> and the final tag
/// under the nonce and associated data an <see cref="AeadChunkSchedule"/> gives (SEIPD v2, or the LibrePGP OCB
/// Encrypted Data packet for reading). Forward-only, never seekable.</summary>
internal abstract class ChunkedAeadStream : Stream
{
    protected const int TagSize = AeadSuite.TagSize;

    private readonly AeadChunkSchedule schedule;
    private readonly bool leaveOpen;

    protected ChunkedAeadStream(Stream inner, AeadChunkSchedule schedule, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(schedule);
        Inner = inner;
        this.schedule = schedule;
        this.leaveOpen = leaveOpen;
    }

    /// <summary>The stream of sealed data: read from by the reader, written to by the writer.</summary>
    protected Stream Inner { get; }

    protected int ChunkSize => schedule.ChunkSize;

    /// <summary>The packet's name for error messages.</summary>
    protected string PacketName => schedule.Name;

    /// <summary>Index of the next chunk to seal or open; after the last chunk it is the final tag's index.</summary>
    protected long ChunkIndex { get; private set; }

    /// <summary>Plaintext octets sealed or opened so far.</summary>
    protected long TotalPlaintext { get; private set; }

    protected bool IsDisposed { get; private set; }

    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Encrypts the next chunk (tag after the ciphertext in <paramref name="output"/>) and advances.</summary>
    protected void SealChunk(ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        schedule.Cipher.Encrypt(schedule.Nonce(ChunkIndex), plaintext, schedule.ChunkAssociatedData(ChunkIndex),
            output[..plaintext.Length], output.Slice(plaintext.Length, TagSize));
        ChunkIndex++;
        TotalPlaintext += plaintext.Length;
    }

    /// <summary>Writes the final tag: the empty string sealed under the next index, with the total plaintext
    /// length in the associated data.</summary>
    protected void SealFinal(Span<byte> tag) =>
        schedule.Cipher.Encrypt(schedule.Nonce(ChunkIndex), ReadOnlySpan<byte>.Empty,
            schedule.FinalAssociatedData(ChunkIndex, TotalPlaintext), Span<byte>.Empty, tag);

    /// <summary>Decrypts the next chunk (ciphertext then tag) into <paramref name="plaintext"/>; on a bad tag the
    /// plaintext is zeroed and <see cref="IntegrityException"/> is thrown.</summary>
    protected void OpenChunk(ReadOnlySpan<byte> sealedChunk, Span<byte> plaintext)
    {
        int length = sealedChunk.Length - TagSize;
        try
        {
            schedule.Cipher.Decrypt(schedule.Nonce(ChunkIndex), sealedChunk[..length], sealedChunk[length..],
                schedule.ChunkAssociatedData(ChunkIndex), plaintext[..length]);
        }
        catch (AeadTagMismatchException e)
        {
            throw new IntegrityException(
                $"{PacketName}: chunk {ChunkIndex} failed authentication (the data was modified, reordered or truncated, or the key is wrong).", e);
        }
        ChunkIndex++;
        TotalPlaintext += length;
    }

    /// <summary>Checks the final tag against the chunk count and total length seen.</summary>
    protected void OpenFinal(ReadOnlySpan<byte> tag)
    {
        try
        {
            schedule.Cipher.Decrypt(schedule.Nonce(ChunkIndex), ReadOnlySpan<byte>.Empty, tag,
                schedule.FinalAssociatedData(ChunkIndex, TotalPlaintext), Span<byte>.Empty);
        }
        catch (AeadTagMismatchException e)
        {
            throw new IntegrityException(
                $"{PacketName}: the final authentication tag does not match after {ChunkIndex} chunks and {TotalPlaintext} octets (the data was truncated or modified).", e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !IsDisposed)
        {
            IsDisposed = true;
            schedule.Dispose();
            if (!leaveOpen) Inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
