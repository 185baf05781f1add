using System.Buffers;
using System.Security.Cryptography;

namespace CryptoMail.Core.IO;

/// <summary>Holds plaintext back until it is authenticated. Up to a threshold it stays in pooled memory; beyond it,
/// it goes to an <see cref="EncryptedSpool"/> (a temporary file under a fresh random key that exists only in that
/// object), so no plaintext touches the disk. Disposing zeroes the memory and deletes the file, in every case.</summary>
internal sealed class HoldBackBuffer : IDisposable
{
    // Held plaintext lives until the end of the message, so it is not short-lived garbage: chunks of 128 KiB and up
    // go to the large-object heap, where the collector does not copy them from generation to generation as it did
    // with 64 KiB chunks (that copying made holding back cost more than decrypting). Chunks start small and double up
    // to 1 MiB: a short message should not touch a fresh megabyte (on a virtual machine a first touch costs about
    // 14 us per 4 KiB page, 3.7 ms per MiB). The spool goes through 64 KiB pieces.
    private const int FirstChunkSize = 64 * 1024;
    private const int MemoryChunkSize = 1 << 20;
    private readonly long memoryLimit;
    private readonly List<byte[]> chunks = new();
    private int lastChunkUsed;
    private long memoryBytes;
    private EncryptedSpool? spool;

    public HoldBackBuffer(long memoryLimit) => this.memoryLimit = Math.Max(0, memoryLimit);

    public long Length => memoryBytes + (spool?.Length ?? 0);

    public bool Spilled => spool is not null;

    /// <summary>The spool, once the data outgrew memory (for tests that look at what reached the disk).</summary>
    internal EncryptedSpool? Spool => spool;

    public void Write(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0 && spool is null)
        {
            if (memoryBytes >= memoryLimit)
            {
                spool = new EncryptedSpool(encrypt: true);
                break;
            }
            if (chunks.Count == 0 || lastChunkUsed == chunks[^1].Length)
            {
                int size = chunks.Count == 0 ? FirstChunkSize : Math.Min(MemoryChunkSize, 2 * chunks[^1].Length);
                chunks.Add(ArrayPool<byte>.Shared.Rent(size));
                lastChunkUsed = 0;
            }
            int n = (int)Math.Min(Math.Min(chunks[^1].Length - lastChunkUsed, data.Length), memoryLimit - memoryBytes);
            data[..n].CopyTo(chunks[^1].AsSpan(lastChunkUsed));
            lastChunkUsed += n;
            memoryBytes += n;
            data = data[n..];
        }
        if (data.Length > 0) spool!.Append(data);
    }

    /// <summary>Writes everything held (or its first <paramref name="limit"/> bytes) to <paramref name="output"/>, in order.</summary>
    public void CopyTo(Stream output, CancellationToken token, long limit = long.MaxValue) =>
        AsyncMode.Complete(CopyToAsync(output, async: false, token, limit));

    /// <summary>Writes everything held (or its first <paramref name="limit"/> bytes) to <paramref name="output"/>, in
    /// order, with its asynchronous method in async mode.</summary>
    public async ValueTask CopyToAsync(Stream output, bool async, CancellationToken token, long limit = long.MaxValue)
    {
        long left = Math.Min(memoryBytes, limit);
        long spoolLeft = Math.Max(0, Math.Min(spool?.Length ?? 0, limit - memoryBytes));
        foreach (var chunk in chunks)
        {
            token.ThrowIfCancellationRequested();
            if (left <= 0) break;
            int n = (int)Math.Min(chunk.Length, left);
            if (async) await output.WriteAsync(chunk.AsMemory(0, n), token).ConfigureAwait(false);
            else output.Write(chunk, 0, n);
            left -= n;
        }
        if (spool is null || spoolLeft == 0) return;
        var buffer = ArrayPool<byte>.Shared.Rent(EncryptedSpool.PieceSize);
        try
        {
            long offset = 0;
            int r;
            while (offset < spoolLeft && (r = spool.ReadAt(offset, buffer.AsSpan(0, (int)Math.Min(EncryptedSpool.PieceSize, spoolLeft - offset)))) > 0)
            {
                token.ThrowIfCancellationRequested();
                if (async) await output.WriteAsync(buffer.AsMemory(0, r), token).ConfigureAwait(false);
                else output.Write(buffer, 0, r);
                offset += r;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Copies held octets from <paramref name="position"/> into <paramref name="destination"/>; returns how many.</summary>
    private int ReadAt(long position, Span<byte> destination)
    {
        if (position < memoryBytes)
        {
            // Every chunk but the last is full; the chunks hold memoryBytes octets in all.
            long before = 0;
            foreach (var chunk in chunks)
            {
                long holds = Math.Min(chunk.Length, memoryBytes - before);
                if (position < before + holds)
                {
                    int from = (int)(position - before);
                    int n = (int)Math.Min(destination.Length, holds - from);
                    chunk.AsSpan(from, n).CopyTo(destination);
                    return n;
                }
                before += holds;
            }
            return 0;
        }
        return spool is null ? 0 : spool.ReadAt(position - memoryBytes, destination);
    }

    /// <summary>A seekable read-only view of what is held (the staged input of an asynchronous read operation).</summary>
    public Stream OpenRead() => new HeldReader(this);

    /// <summary>A write-only stream that appends to this buffer (the staged output of an asynchronous operation).</summary>
    public Stream OpenWrite() => new HeldWriter(this);

    private sealed class HeldReader(HoldBackBuffer held) : Stream
    {
        private long position;
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => held.Length;
        public override long Position
        {
            get => position;
            set => position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty || position >= held.Length) return 0;
            int n = held.ReadAt(position, buffer);
            position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            _ => held.Length + offset,
        };
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class HeldWriter(HoldBackBuffer held) : WriteOnlyStage
    {
        public override void Write(ReadOnlySpan<byte> buffer) => held.Write(buffer);
    }

    public void Dispose()
    {
        foreach (var chunk in chunks)
        {
            CryptographicOperations.ZeroMemory(chunk);
            ArrayPool<byte>.Shared.Return(chunk);
        }
        chunks.Clear();
        memoryBytes = 0;
        spool?.Dispose();
        spool = null;
    }
}
