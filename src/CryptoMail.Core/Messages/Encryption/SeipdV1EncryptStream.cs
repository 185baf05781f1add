using System.Buffers;
using System.Security.Cryptography;

namespace CryptoMail.Core.Messages.Encryption;

/// <summary>Encrypts into a SEIPD v1 packet (RFC 9580 section 5.13.1): version octet, CFB over a random prefix
/// (with its quick-check repeat), the data and the MDC packet, the SHA-1 of all of it. CFB encryption is serial by
/// nature, so its speed is one AES block's latency: on x86 with the AES instructions <see cref="HardwareAesCfb"/>
/// runs it with the round keys in registers; elsewhere the platform's CFB over whole chunks. The rest goes to the
/// second core while this one encrypts chunk i: chunk i-1's ciphertext out (two cipher buffers take turns, so the
/// output's system calls overlap encryption), then the MDC's SHA-1 of chunk i (both cores only read it).</summary>
internal sealed class SeipdV1EncryptStream : WriteOnlyStage
{
    private const int ChunkSize = 1 << 18;
    private readonly PartialPacketStream packet;
    private readonly HardwareAesCfb? engine; // the x86 AES-instruction path, when available
    private readonly Aes? aes; // the platform fallback
    private readonly ICryptoTransform? cfb; // one native context for the whole message: no allocation per chunk
    private readonly IncrementalHash sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    private readonly ParallelStage hashing;
    private readonly byte[] iv = new byte[16];
    private readonly byte[] pending = ArrayPool<byte>.Shared.Rent(ChunkSize + 64);
    private readonly byte[][] cipherBufs = [ArrayPool<byte>.Shared.Rent(ChunkSize + 64), ArrayPool<byte>.Shared.Rent(ChunkSize + 64)];
    private int current; // the cipher buffer the next chunk is encrypted into
    private int unwritten; // octets of ciphertext in the other buffer still to be written (by the second core)
    private int pendingCount;
    private int hashedCount; // octets at the start of `pending` already hashed
    private bool finished;

    /// <param name="output">Receives the packet.</param>
    /// <param name="key">An AES session key.</param>
    /// <param name="useHardwareEngine">False forces the platform's CFB even where the AES instructions exist (tests
    /// keep both paths covered with it).</param>
    public SeipdV1EncryptStream(Stream output, SessionKeyMaterial key, bool useHardwareEngine = true)
    {
        if (key.Algorithm is < 7 or > 9) throw new ArgumentException("Only AES session keys are written.", nameof(key));
        if (useHardwareEngine && HardwareAesCfb.IsSupported)
        {
            engine = new HardwareAesCfb(key.Key);
        }
        else
        {
            aes = Aes.Create();
            aes.Key = key.Key;
            aes.Mode = CipherMode.CFB;
            aes.FeedbackSize = 128;
            aes.Padding = PaddingMode.None;
            cfb = aes.CreateEncryptor(aes.Key, new byte[16]);
        }
        hashing = new ParallelStage(WriteThenHash);
        packet = new PartialPacketStream(output, PacketTag.SymEncryptedIntegrityProtectedData);
        packet.WriteByte(1);
        var prefix = new byte[18];
        Randomness.Secure.NextBytes(prefix.AsSpan(0, 16));
        prefix[16] = prefix[14];
        prefix[17] = prefix[15];
        Append(prefix);
    }

    public override void Flush()
    {
        WriteUnwritten();
        packet.Flush();
    }

    public override void Write(ReadOnlySpan<byte> data) => Append(data);

    private void Append(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            int n = Math.Min(ChunkSize - pendingCount, data.Length);
            data[..n].CopyTo(pending.AsSpan(pendingCount));
            pendingCount += n;
            data = data[n..];
            if (pendingCount == ChunkSize) EncryptPending(final: false);
        }
    }

    /// <summary>Encrypts the buffered plaintext: whole blocks in one native CFB call; at the end, the partial last block.</summary>
    private void EncryptPending(bool final)
    {
        int full = final ? pendingCount : pendingCount / 16 * 16;
        int whole = full / 16 * 16;
        // Plaintext not hashed yet: hashed on the other core, after it wrote the previous chunk's ciphertext, while
        // this one encrypts (at the end, Finish has hashed everything before the MDC itself, and the last ciphertext
        // goes out from here, in order).
        if (final) WriteUnwritten();
        else hashing.Start(pending, hashedCount, pendingCount - hashedCount);
        var cipherBuf = cipherBufs[current];
        if (engine is not null)
        {
            // The engine carries the register itself and ends the stream with the partial last block.
            engine.Encrypt(pending.AsSpan(0, full), cipherBuf);
        }
        else
        {
            EncryptWithPlatform(cipherBuf, full, whole);
        }
        hashing.Wait();
        if (final)
        {
            packet.Write(cipherBuf, 0, full);
        }
        else
        {
            // The stage runs only for a non-empty chunk: what it did not write goes out now, before this chunk.
            WriteUnwritten();
            unwritten = full;
            current ^= 1;
        }
        int left = pendingCount - full;
        if (left > 0) Array.Copy(pending, full, pending, 0, left);
        pendingCount = left;
        hashedCount = final ? 0 : left;
    }

    /// <summary>The second core's share of a chunk: the previous chunk's ciphertext out, then this chunk's SHA-1.</summary>
    private void WriteThenHash(byte[] data, int offset, int count)
    {
        WriteUnwritten();
        sha1.AppendData(data, offset, count);
    }

    private void WriteUnwritten()
    {
        if (unwritten == 0) return;
        int n = unwritten;
        unwritten = 0;
        packet.Write(cipherBufs[current ^ 1], 0, n);
    }

    private void EncryptWithPlatform(byte[] cipherBuf, int full, int whole)
    {
        if (whole > 0)
        {
            // The transform carries the CFB register from chunk to chunk; iv tracks it for the partial last block.
            cfb!.TransformBlock(pending, 0, whole, cipherBuf, 0);
            cipherBuf.AsSpan(whole - 16, 16).CopyTo(iv);
        }
        int rest = full - whole;
        if (rest > 0)
        {
            Span<byte> ks = stackalloc byte[16];
            aes!.EncryptEcb(iv, ks, PaddingMode.None);
            for (int i = 0; i < rest; i++) cipherBuf[whole + i] = (byte)(pending[whole + i] ^ ks[i]);
        }
    }

    /// <summary>Appends the MDC packet, encrypts the rest and closes the packet.</summary>
    public void Finish()
    {
        if (finished) return;
        finished = true;
        Span<byte> header = stackalloc byte[] { 0xD3, 0x14 };
        hashing.Wait();
        sha1.AppendData(pending, hashedCount, pendingCount - hashedCount);
        sha1.AppendData(header);
        var mdc = sha1.GetHashAndReset();
        header.CopyTo(pending.AsSpan(pendingCount));
        pendingCount += 2;
        mdc.CopyTo(pending, pendingCount);
        pendingCount += mdc.Length;
        EncryptPending(final: true);
        packet.Finish();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Finish();
            hashing.Dispose();
            engine?.Dispose();
            cfb?.Dispose();
            aes?.Dispose();
            sha1.Dispose();
            CryptographicOperations.ZeroMemory(pending);
            ArrayPool<byte>.Shared.Return(pending);
            foreach (var buffer in cipherBufs) ArrayPool<byte>.Shared.Return(buffer);
        }
        base.Dispose(disposing);
    }
}
