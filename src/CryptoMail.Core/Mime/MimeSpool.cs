using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace CryptoMail.Core.Internal;

/// <summary>A seekable, append-only scratch stream for MIME that must be parsed or written again: small contents stay
/// in memory; past <see cref="MemoryLimit"/> everything moves to a temporary file. A <em>secret</em> spool (plaintext)
/// encrypts the file with AES-256-CTR under a random key that exists only in this object, so no plaintext reaches the
/// disk; a non-secret spool (ciphertext, armored) stores the bytes as they are.</summary>
/// <remarks>
/// MimeKit parses a seekable stream with <c>persistent: true</c> by keeping every part's content as an offset range
/// into it, so a message parsed from a spool costs its headers in memory, not its attachments; the spool then lives
/// as long as that message (its file is already unlinked on Unix, and deleted when the handle closes elsewhere).
/// Writes always append; reads may go anywhere (random access is what CTR mode allows). Not thread-safe.
/// </remarks>
internal sealed class MimeSpool : Stream
{
    /// <summary>Bytes kept in memory before the spool moves to a file.</summary>
    public const int MemoryLimit = 4 << 20;

    private const int FileBufferSize = 1 << 16;
    private const int BatchBlocks = FileBufferSize / 16;

    private readonly bool secret;
    private readonly int memoryLimit;
    private byte[] memory;
    private long length;
    private long position;

    // File mode: the bytes [0, fileLength) are in the file; [fileLength, length) wait in `pending`.
    private FileStream? file;
    private SafeFileHandle? handle;
    private byte[]? pending;
    private int pendingCount;
    private long fileLength;
    private Aes? cipher;
    private ICryptoTransform? ecb;
    private byte[]? nonce;
    // Read cache: the file bytes [windowStart, windowStart + windowLength), decrypted. MimeKit reads a few KiB at a
    // time; one system call and one batch of keystream per 64 KiB instead.
    private byte[]? window;
    private long windowStart;
    private int windowLength;
    private byte[]? counters;
    private byte[]? keystream;

    /// <summary>A new, empty spool.</summary>
    /// <param name="secret">Whether the content is plaintext, to be encrypted when it goes to disk.</param>
    /// <param name="memoryLimit">How much stays in memory (tests pass small values).</param>
    public MimeSpool(bool secret, int memoryLimit = MemoryLimit)
    {
        this.secret = secret;
        this.memoryLimit = Math.Max(0, memoryLimit);
        memory = Array.Empty<byte>();
    }

    /// <summary>Whether the content has moved to a temporary file.</summary>
    public bool Spilled => file is not null;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => true;
    public override long Length => length;

    public override long Position
    {
        get => position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            position = value;
        }
    }

    /// <summary>Rewinds and returns this spool, ready to be read.</summary>
    public MimeSpool Rewound()
    {
        position = 0;
        return this;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            SeekOrigin.End => length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        Position = target;
        return position;
    }

    public override void SetLength(long value) => throw new NotSupportedException("A spool only grows by appending.");

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(memory is null, this);
        if (position >= length || buffer.Length == 0) return 0;
        int n = (int)Math.Min(buffer.Length, length - position);
        buffer = buffer[..n];
        if (file is null)
        {
            memory.AsSpan((int)position, n).CopyTo(buffer);
        }
        else if (position >= fileLength)
        {
            pending.AsSpan((int)(position - fileLength), n).CopyTo(buffer);
        }
        else
        {
            if (position < windowStart || position >= windowStart + windowLength) LoadWindow(position);
            n = (int)Math.Min(n, windowStart + windowLength - position);
            window.AsSpan((int)(position - windowStart), n).CopyTo(buffer);
        }
        position += n;
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(buffer, offset, count));
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    public override void Write(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(memory is null, this);
        if (position != length) throw new NotSupportedException("A spool only grows by appending.");
        if (file is null && length + data.Length > memoryLimit) MoveToFile();
        if (file is null)
        {
            if (length + data.Length > memory.Length)
            {
                var larger = new byte[(int)Math.Min(memoryLimit, Math.Max(length + data.Length, Math.Max(4096, memory.Length * 2L)))];
                memory.AsSpan(0, (int)length).CopyTo(larger);
                CryptographicOperations.ZeroMemory(memory);
                memory = larger;
            }
            data.CopyTo(memory.AsSpan((int)length));
        }
        else
        {
            var left = data;
            while (left.Length > 0)
            {
                int n = Math.Min(left.Length, FileBufferSize - pendingCount);
                left[..n].CopyTo(pending.AsSpan(pendingCount));
                pendingCount += n;
                left = left[n..];
                if (pendingCount == FileBufferSize) FlushPending();
            }
        }
        length += data.Length;
        position = length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override void Dispose(bool disposing)
    {
        if (disposing && memory is not null)
        {
            CryptographicOperations.ZeroMemory(memory);
            if (pending is not null) CryptographicOperations.ZeroMemory(pending);
            if (keystream is not null) CryptographicOperations.ZeroMemory(keystream);
            if (window is not null) CryptographicOperations.ZeroMemory(window);
            ecb?.Dispose();
            cipher?.Dispose();
            file?.Dispose();
            memory = null!;
            pending = null;
            file = null;
            handle = null;
        }
        base.Dispose(disposing);
    }

    private void MoveToFile()
    {
        var path = Path.Combine(Path.GetTempPath(), "cryptomail-mime-" + Guid.NewGuid().ToString("N") + ".tmp");
        var fileOptions = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose,
            BufferSize = 0,
        };
        if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        file = new FileStream(path, fileOptions);
        handle = file.SafeFileHandle;
        if (!OperatingSystem.IsWindows())
        {
            // Unlinked at once: nothing stays behind even if the process dies; the open handle keeps the data.
            try { File.Delete(path); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        if (secret)
        {
            cipher = Aes.Create();
            cipher.Key = RandomNumberGenerator.GetBytes(32);
            nonce = RandomNumberGenerator.GetBytes(8);
            cipher.Mode = CipherMode.ECB;
            cipher.Padding = PaddingMode.None;
            // One native context for the spool's life (Aes.EncryptEcb sets one up per call).
            ecb = cipher.CreateEncryptor();
            counters = new byte[FileBufferSize];
            keystream = new byte[FileBufferSize];
        }
        pending = new byte[FileBufferSize];
        window = new byte[FileBufferSize];
        // What was in memory goes first, through the same path as every later write.
        var held = memory.AsSpan(0, (int)length);
        while (held.Length > 0)
        {
            int n = Math.Min(held.Length, FileBufferSize);
            held[..n].CopyTo(pending);
            pendingCount = n;
            FlushPending();
            held = held[n..];
        }
        CryptographicOperations.ZeroMemory(memory);
        memory = Array.Empty<byte>();
    }

    private void FlushPending()
    {
        var data = pending.AsSpan(0, pendingCount);
        if (secret) Ctr(data, fileLength);
        RandomAccess.Write(handle!, data, fileLength);
        fileLength += pendingCount;
        CryptographicOperations.ZeroMemory(data);
        pendingCount = 0;
    }

    /// <summary>Reads (and decrypts) the aligned 64 KiB of the file around <paramref name="offset"/> into the window.</summary>
    private void LoadWindow(long offset)
    {
        windowStart = offset - offset % FileBufferSize;
        int want = (int)Math.Min(FileBufferSize, fileLength - windowStart);
        int got = 0;
        while (got < want)
        {
            int r = RandomAccess.Read(handle!, window.AsSpan(got, want - got), windowStart + got);
            if (r <= 0) throw new IOException("The temporary spool file is shorter than what was written to it.");
            got += r;
        }
        if (secret) Ctr(window.AsSpan(0, want), windowStart);
        windowLength = want;
    }

    /// <summary>XORs the AES-CTR keystream for file offset <paramref name="offset"/> onwards into <paramref name="data"/>.
    /// Counter block i is the 8-byte nonce followed by i, big-endian.</summary>
    private void Ctr(Span<byte> data, long offset)
    {
        while (data.Length > 0)
        {
            long firstBlock = offset / 16;
            int skip = (int)(offset % 16);
            int blocks = Math.Min(BatchBlocks, (skip + data.Length + 15) / 16);
            for (int i = 0; i < blocks; i++)
            {
                var counter = counters.AsSpan(i * 16, 16);
                nonce.CopyTo(counter);
                BinaryPrimitives.WriteInt64BigEndian(counter[8..], firstBlock + i);
            }
            ecb!.TransformBlock(counters!, 0, blocks * 16, keystream!, 0);
            int n = Math.Min(data.Length, blocks * 16 - skip);
            Bytes.Xor(data[..n], keystream.AsSpan(skip, n));
            data = data[n..];
            offset += n;
        }
    }
}
