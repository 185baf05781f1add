using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace CryptoMail.Core.IO;

/// <summary>The library's one temporary file for data that does not fit in memory: append-only, readable at any
/// offset, and (when <see cref="Encrypted"/>) encrypted with AES-256-CTR under a random key and nonce that exist only
/// in this object, so plaintext never reaches the disk. Both the plaintext hold-back buffer and the MIME spool are
/// built on it.</summary>
/// <remarks>
/// Writes gather in a 64 KiB buffer and reach the file one 64 KiB piece (one system call, one batch of keystream) at
/// a time; reads go through a 64 KiB window of decrypted file bytes, since MimeKit reads a few KiB at a time. Counter
/// block i is the 8-octet nonce followed by i, big-endian, so any offset can be decrypted on its own. The file is
/// created readable by its owner only, unlinked at once on Unix (nothing stays behind even if the process dies; the
/// open handle keeps the data) and deleted on close elsewhere. Disposing zeroes every buffer. Not thread-safe.
/// </remarks>
internal sealed class EncryptedSpool : IDisposable
{
    /// <summary>The size of a piece written to or read from the file.</summary>
    public const int PieceSize = 1 << 16;
    private const int PieceBlocks = PieceSize / 16;

    private readonly FileStream file;
    private readonly SafeFileHandle handle;
    private readonly Aes? cipher;
    private readonly ICryptoTransform? ecb;
    private readonly byte[]? nonce;
    private readonly byte[]? counters;
    private readonly byte[]? keystream;
    // The bytes [fileLength, Length) wait here for a full piece.
    private readonly byte[] pending = new byte[PieceSize];
    private int pendingCount;
    private long fileLength;
    // Read cache: the file bytes [windowStart, windowStart + windowLength), decrypted.
    private readonly byte[] window = new byte[PieceSize];
    private long windowStart;
    private int windowLength;
    private bool disposed;

    /// <summary>Creates the temporary file.</summary>
    /// <param name="encrypt">Whether the content is secret (plaintext), to be encrypted on its way to the disk.</param>
    public EncryptedSpool(bool encrypt)
    {
        var path = Path.Combine(Path.GetTempPath(), "cryptomail-" + Guid.NewGuid().ToString("N") + ".tmp");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        file = new FileStream(path, options);
        handle = file.SafeFileHandle;
        if (!OperatingSystem.IsWindows())
        {
            try { File.Delete(path); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        if (!encrypt) return;
        cipher = Aes.Create();
        cipher.Key = RandomNumberGenerator.GetBytes(32);
        cipher.Mode = CipherMode.ECB;
        cipher.Padding = PaddingMode.None;
        // One native context for the spool's life (Aes.EncryptEcb sets one up per call).
        ecb = cipher.CreateEncryptor();
        nonce = RandomNumberGenerator.GetBytes(8);
        counters = new byte[PieceSize];
        keystream = new byte[PieceSize];
    }

    /// <summary>Whether the file holds ciphertext.</summary>
    public bool Encrypted => ecb is not null;

    /// <summary>The bytes appended so far.</summary>
    public long Length => fileLength + pendingCount;

    /// <summary>Appends <paramref name="data"/>.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        while (data.Length > 0)
        {
            int n = Math.Min(data.Length, PieceSize - pendingCount);
            data[..n].CopyTo(pending.AsSpan(pendingCount));
            pendingCount += n;
            data = data[n..];
            if (pendingCount == PieceSize) WritePending();
        }
    }

    /// <summary>Copies the content from <paramref name="offset"/> into <paramref name="destination"/>: as much as one
    /// piece holds, 0 at or past the end.</summary>
    public int ReadAt(long offset, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset >= Length || destination.Length == 0) return 0;
        int n;
        if (offset >= fileLength)
        {
            n = (int)Math.Min(destination.Length, Length - offset);
            pending.AsSpan((int)(offset - fileLength), n).CopyTo(destination);
            return n;
        }
        if (offset < windowStart || offset >= windowStart + windowLength) LoadWindow(offset);
        n = (int)Math.Min(destination.Length, windowStart + windowLength - offset);
        window.AsSpan((int)(offset - windowStart), n).CopyTo(destination);
        return n;
    }

    /// <summary>What the disk holds from <paramref name="offset"/> (pending bytes written first): ciphertext when
    /// <see cref="Encrypted"/>. For tests that check no plaintext reaches the disk.</summary>
    internal int ReadStored(long offset, Span<byte> destination)
    {
        if (pendingCount > 0) WritePending();
        return RandomAccess.Read(handle, destination, offset);
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        CryptographicOperations.ZeroMemory(pending);
        CryptographicOperations.ZeroMemory(window);
        if (keystream is not null) CryptographicOperations.ZeroMemory(keystream);
        ecb?.Dispose();
        cipher?.Dispose();
        file.Dispose();
    }

    private void WritePending()
    {
        var data = pending.AsSpan(0, pendingCount);
        if (Encrypted) Ctr(data, fileLength);
        RandomAccess.Write(handle, data, fileLength);
        fileLength += pendingCount;
        CryptographicOperations.ZeroMemory(data);
        pendingCount = 0;
    }

    /// <summary>Reads (and decrypts) the aligned piece of the file around <paramref name="offset"/> into the window.</summary>
    private void LoadWindow(long offset)
    {
        windowStart = offset - offset % PieceSize;
        int want = (int)Math.Min(PieceSize, fileLength - windowStart);
        int got = 0;
        while (got < want)
        {
            int r = RandomAccess.Read(handle, window.AsSpan(got, want - got), windowStart + got);
            if (r <= 0) throw new IOException("The temporary spool file is shorter than what was written to it.");
            got += r;
        }
        if (Encrypted) Ctr(window.AsSpan(0, want), windowStart);
        windowLength = want;
    }

    /// <summary>XORs the AES-CTR keystream for file offset <paramref name="offset"/> onwards into <paramref name="data"/>.</summary>
    private void Ctr(Span<byte> data, long offset)
    {
        while (data.Length > 0)
        {
            long firstBlock = offset / 16;
            int skip = (int)(offset % 16);
            int blocks = Math.Min(PieceBlocks, (skip + data.Length + 15) / 16);
            for (int i = 0; i < blocks; i++)
            {
                var counter = counters!.AsSpan(i * 16, 16);
                nonce!.CopyTo(counter);
                BinaryPrimitives.WriteInt64BigEndian(counter[8..], firstBlock + i);
            }
            ecb!.TransformBlock(counters!, 0, blocks * 16, keystream!, 0);
            int n = Math.Min(data.Length, blocks * 16 - skip);
            Bytes.Xor(data[..n], keystream!.AsSpan(skip, n));
            CryptographicOperations.ZeroMemory(keystream.AsSpan(0, blocks * 16));
            data = data[n..];
            offset += n;
        }
    }
}
