using System.Buffers;
using System.Security.Cryptography;

namespace CryptoMail.Core.Internal;

/// <summary>Holds plaintext back until it is authenticated. Up to a threshold it stays in pooled memory; beyond it,
/// it is spooled to a temporary file encrypted with AES-256-CTR under a fresh random key that exists only in this
/// object, so no plaintext touches the disk. Disposing zeroes the memory and deletes the file, in every case.</summary>
internal sealed class HoldBackBuffer : IDisposable
{
    // Held plaintext lives until the end of the message, so it is not short-lived garbage: chunks of 128 KiB and up
    // go to the large-object heap, where the collector does not copy them from generation to generation as it did
    // with 64 KiB chunks (that copying made holding back cost more than decrypting). Chunks start small and double up
    // to 1 MiB: a short message should not touch a fresh megabyte (on a virtual machine a first touch costs about
    // 14 us per 4 KiB page, 3.7 ms per MiB). The spool goes through 64 KiB buffers.
    private const int FirstChunkSize = 64 * 1024;
    private const int MemoryChunkSize = 1 << 20;
    private const int ChunkSize = 64 * 1024;
    private readonly long memoryLimit;
    private readonly List<byte[]> chunks = new();
    private int lastChunkUsed;
    private long memoryBytes;
    private FileStream? spool;
    private string? spoolPath;
    private Aes? spoolCipher;
    private ICryptoTransform? spoolEcb;
    private byte[]? counterBlocks; // nonce || block index, the nonce halves filled once
    private byte[]? keystream;
    private byte[]? spoolBuffer;
    private long spoolBytes;

    public HoldBackBuffer(long memoryLimit) => this.memoryLimit = Math.Max(0, memoryLimit);

    public long Length => memoryBytes + spoolBytes;

    public bool Spilled => spool is not null;

    public void Write(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0 && spool is null)
        {
            if (memoryBytes >= memoryLimit)
            {
                OpenSpool();
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
        if (data.Length > 0) SpoolWrite(data);
    }

    /// <summary>Writes everything held (or its first <paramref name="limit"/> bytes) to <paramref name="output"/>, in order.</summary>
    public void CopyTo(Stream output, CancellationToken token, long limit = long.MaxValue)
    {
        long left = Math.Min(memoryBytes, limit);
        long spoolLeft = Math.Max(0, Math.Min(spoolBytes, limit - memoryBytes));
        foreach (var chunk in chunks)
        {
            token.ThrowIfCancellationRequested();
            if (left <= 0) break;
            int n = (int)Math.Min(chunk.Length, left);
            output.Write(chunk, 0, n);
            left -= n;
        }
        if (spool is null || spoolLeft == 0) return;
        spool.Flush();
        spool.Position = 0;
        var buffer = spoolBuffer!;
        try
        {
            long offset = 0;
            int r;
            while (offset < spoolLeft && (r = spool.Read(buffer, 0, (int)Math.Min(ChunkSize, spoolLeft - offset))) > 0)
            {
                token.ThrowIfCancellationRequested();
                Ctr(buffer.AsSpan(0, r), offset);
                output.Write(buffer, 0, r);
                offset += r;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
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
        spoolEcb?.Dispose();
        spoolEcb = null;
        spoolCipher?.Dispose();
        spoolCipher = null;
        foreach (var buffer in new[] { keystream, spoolBuffer, counterBlocks })
        {
            if (buffer is null) continue;
            CryptographicOperations.ZeroMemory(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
        keystream = spoolBuffer = counterBlocks = null;
        if (spool is not null)
        {
            spool.Dispose();
            spool = null;
        }
        if (spoolPath is not null)
        {
            try { File.Delete(spoolPath); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            spoolPath = null;
        }
    }

    private void OpenSpool()
    {
        spoolPath = Path.Combine(Path.GetTempPath(), "cryptomail-" + Guid.NewGuid().ToString("N") + ".tmp");
        spool = new FileStream(spoolPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
            FileOptions.DeleteOnClose);
        if (!OperatingSystem.IsWindows())
        {
            try { File.SetUnixFileMode(spoolPath, UnixFileMode.UserRead | UnixFileMode.UserWrite); }
            catch (IOException) { }
        }
        spoolCipher = Aes.Create();
        spoolCipher.Key = RandomNumberGenerator.GetBytes(32);
        spoolEcb = Packets.BlockDecryptor.Ecb(spoolCipher);
        // Buffers for the whole life of the spool: a spool chunk may start inside a block, so one block more.
        int ctrBytes = ChunkSize + 16;
        counterBlocks = ArrayPool<byte>.Shared.Rent(ctrBytes);
        keystream = ArrayPool<byte>.Shared.Rent(ctrBytes);
        spoolBuffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        Span<byte> nonce = stackalloc byte[8];
        RandomNumberGenerator.Fill(nonce);
        for (int i = 0; i + 16 <= ctrBytes; i += 16) nonce.CopyTo(counterBlocks.AsSpan(i));
    }

    private void SpoolWrite(ReadOnlySpan<byte> data)
    {
        var buffer = spoolBuffer!;
        try
        {
            while (data.Length > 0)
            {
                int n = Math.Min(ChunkSize, data.Length);
                data[..n].CopyTo(buffer);
                Ctr(buffer.AsSpan(0, n), spoolBytes);
                spool!.Write(buffer, 0, n);
                spoolBytes += n;
                data = data[n..];
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>XORs AES-CTR keystream into <paramref name="data"/> starting at byte <paramref name="offset"/> of the spool.</summary>
    private void Ctr(Span<byte> data, long offset)
    {
        // Counter blocks: 8-byte random nonce || 8-byte block index. Keystream made in batches with ECB; only the
        // index halves change from call to call (data is at most one spool chunk).
        long block = offset / 16;
        int skip = (int)(offset % 16);
        int bytes = (skip + data.Length + 15) / 16 * 16;
        var counters = counterBlocks!.AsSpan(0, bytes);
        for (int i = 0; i < bytes; i += 16)
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counters[(i + 8)..], block + i / 16);
        spoolEcb!.TransformBlock(counterBlocks!, 0, bytes, keystream!, 0);
        var stream = keystream.AsSpan(0, bytes);
        Bytes.Xor(data, stream.Slice(skip, data.Length));
        CryptographicOperations.ZeroMemory(stream);
    }
}
