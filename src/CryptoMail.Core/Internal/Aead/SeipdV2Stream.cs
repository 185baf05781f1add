using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CryptoMail.Core.Internal.Aead;

/// <summary>What the v2 SEIPD writer and reader share: the keyed cipher, the IV, and the nonce and associated
/// data of the current chunk (RFC 9580 section 5.13.2). Forward-only, never seekable.</summary>
internal abstract class SeipdV2Stream : Stream
{
    protected const int TagSize = AeadSuite.TagSize;

    private readonly IAeadCipher cipher;
    private readonly byte[] iv;
    private readonly byte[] nonce;
    // Header octets, then (for the final tag only) the total plaintext length as 8 big-endian octets.
    private readonly byte[] associatedData = new byte[SeipdV2Header.AssociatedDataSize + 8];

    private readonly bool leaveOpen;

    protected SeipdV2Stream(Stream inner, SeipdV2Header header, ReadOnlySpan<byte> sessionKey, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(header);
        Inner = inner;
        this.leaveOpen = leaveOpen;
        Header = header;
        int nonceSize = AeadSuite.NonceSize(header.Aead);
        iv = new byte[nonceSize - 8];
        nonce = new byte[nonceSize];
        cipher = header.DeriveCipher(sessionKey, iv);
        header.WriteAssociatedData(associatedData);
    }

    public SeipdV2Header Header { get; }

    /// <summary>The stream of sealed data: read from by the reader, written to by the writer.</summary>
    protected Stream Inner { get; }

    protected int ChunkSize => Header.ChunkSize;

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
        Nonce(ChunkIndex);
        cipher.Encrypt(nonce, plaintext, ChunkAssociatedData, output[..plaintext.Length], output.Slice(plaintext.Length, TagSize));
        ChunkIndex++;
        TotalPlaintext += plaintext.Length;
    }

    /// <summary>Writes the final tag: the empty string sealed under the next index, with the total plaintext
    /// length appended to the associated data.</summary>
    protected void SealFinal(Span<byte> tag)
    {
        Nonce(ChunkIndex);
        cipher.Encrypt(nonce, ReadOnlySpan<byte>.Empty, FinalAssociatedData(), Span<byte>.Empty, tag);
    }

    /// <summary>Decrypts the next chunk (ciphertext then tag) into <paramref name="plaintext"/>; on a bad tag the
    /// plaintext is zeroed and <see cref="IntegrityException"/> is thrown.</summary>
    protected void OpenChunk(ReadOnlySpan<byte> sealedChunk, Span<byte> plaintext)
    {
        int length = sealedChunk.Length - TagSize;
        Nonce(ChunkIndex);
        try
        {
            cipher.Decrypt(nonce, sealedChunk[..length], sealedChunk[length..], ChunkAssociatedData, plaintext[..length]);
        }
        catch (AeadTagMismatchException e)
        {
            throw new IntegrityException(
                $"v2 SEIPD: chunk {ChunkIndex} failed authentication (the data was modified, reordered or truncated, or the key is wrong).", e);
        }
        ChunkIndex++;
        TotalPlaintext += length;
    }

    /// <summary>Checks the final tag against the chunk count and total length seen.</summary>
    protected void OpenFinal(ReadOnlySpan<byte> tag)
    {
        Nonce(ChunkIndex);
        try
        {
            cipher.Decrypt(nonce, ReadOnlySpan<byte>.Empty, tag, FinalAssociatedData(), Span<byte>.Empty);
        }
        catch (AeadTagMismatchException e)
        {
            throw new IntegrityException(
                $"v2 SEIPD: the final authentication tag does not match after {ChunkIndex} chunks and {TotalPlaintext} octets (the data was truncated or modified).", e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !IsDisposed)
        {
            IsDisposed = true;
            cipher.Dispose();
            CryptographicOperations.ZeroMemory(iv);
            CryptographicOperations.ZeroMemory(nonce);
            if (!leaveOpen) Inner.Dispose();
        }
        base.Dispose(disposing);
    }

    private ReadOnlySpan<byte> ChunkAssociatedData => associatedData.AsSpan(0, SeipdV2Header.AssociatedDataSize);

    private ReadOnlySpan<byte> FinalAssociatedData()
    {
        BinaryPrimitives.WriteInt64BigEndian(associatedData.AsSpan(SeipdV2Header.AssociatedDataSize), TotalPlaintext);
        return associatedData;
    }

    private void Nonce(long index) => SeipdV2Header.WriteNonce(iv, index, nonce);
}
