using System.Security.Cryptography;

namespace CryptoMail.Core.Mime;

/// <summary>A seekable, append-only scratch stream for MIME that must be parsed or written again: small contents stay
/// in memory; past <see cref="MemoryLimit"/> everything moves to an <see cref="EncryptedSpool"/> file. A <em>secret</em>
/// spool (plaintext) encrypts the file with AES-256-CTR under a random key that exists only in that object, so no
/// plaintext reaches the disk; a non-secret spool (ciphertext, armored) stores the bytes as they are.</summary>
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

    private readonly bool secret;
    private readonly int memoryLimit;
    private byte[] memory;
    private long length;
    private long position;
    private bool disposed;
    // File mode: everything is in the file (random access is what CTR mode allows).
    private EncryptedSpool? file;

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

    /// <summary>The temporary file, once the content moved there (for tests that look at what reached the disk).</summary>
    internal EncryptedSpool? Spool => file;

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
        ObjectDisposedException.ThrowIf(disposed, this);
        if (position >= length || buffer.Length == 0) return 0;
        int n;
        if (file is null)
        {
            n = (int)Math.Min(buffer.Length, length - position);
            memory.AsSpan((int)position, n).CopyTo(buffer);
        }
        else
        {
            n = file.ReadAt(position, buffer);
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
        ObjectDisposedException.ThrowIf(disposed, this);
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
            file.Append(data);
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
        if (disposing && !disposed)
        {
            disposed = true;
            CryptographicOperations.ZeroMemory(memory);
            memory = Array.Empty<byte>();
            file?.Dispose();
            file = null;
        }
        base.Dispose(disposing);
    }

    /// <summary>What was in memory goes to the file first, through the same path as every later write.</summary>
    private void MoveToFile()
    {
        file = new EncryptedSpool(encrypt: secret);
        file.Append(memory.AsSpan(0, (int)length));
        CryptographicOperations.ZeroMemory(memory);
        memory = Array.Empty<byte>();
    }
}
