using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CryptoMail.Core.Messages.Reading;

/// <summary>Lets a message that can only be authenticated at its end (SEIPD v1: the MDC follows the data) be
/// released without holding its plaintext: when the input can be read again, the first pass authenticates and
/// records a MAC of every segment of the plaintext; the second pass decrypts again and releases each segment only
/// after it matches what the first pass authenticated.</summary>
/// <remarks>The check makes the second pass safe against an input that changes between the passes (a file another
/// process writes): nothing is released that the first pass did not authenticate. The MAC is GMAC under a random key
/// that never leaves this object, with the segment's index as the nonce; its tags are never shown to anyone, so an
/// attacker who changes the input cannot forge one (a forgery succeeds with probability about segment length/2^128).
/// GMAC runs at many GB/s on hardware with carry-less multiplication, where a hash of the plaintext would cost about
/// as much as the decryption itself. Holding the plaintext instead costs fresh memory or a round trip through a spool
/// file, which on virtual machines is the slowest part of decrypting a large message.</remarks>
internal sealed class SecondPass : IDisposable
{
    private const int SegmentSize = 1 << 18; // 256 KiB: 16 bytes of tag per segment (64 KiB of tags for 4 GiB)
    private const int TagSize = 16;
    private readonly AesGcm gmac;
    private readonly byte[] segment;
    private byte[] tags = new byte[TagSize * 16];
    private long recorded; // segments recorded in the first pass
    private long replayed; // segments checked and released in the second pass
    private int used;
    private bool sealedFirstPass;
    private Action<ReadOnlySpan<byte>>? release;

    public SecondPass()
    {
        Span<byte> key = stackalloc byte[32];
        RandomNumberGenerator.Fill(key);
        gmac = new AesGcm(key, TagSize);
        CryptographicOperations.ZeroMemory(key);
        segment = ArrayPool<byte>.Shared.Rent(SegmentSize);
    }

    /// <summary>Whether the platform has AES-GCM (the MAC); otherwise callers hold the plaintext back instead.</summary>
    public static bool IsSupported => AesGcm.IsSupported;

    /// <summary>First pass: takes plaintext, keeps only a tag per segment.</summary>
    public void Record(ReadOnlySpan<byte> data)
    {
        if (sealedFirstPass) throw new InvalidOperationException("The first pass is over.");
        Gather(data, replay: false);
    }

    /// <summary>Ends the first pass (the last, possibly short or empty, segment gets its tag) and starts the second:
    /// checked plaintext goes to <paramref name="sink"/>.</summary>
    public void BeginReplay(Action<ReadOnlySpan<byte>> sink)
    {
        if (!sealedFirstPass)
        {
            RecordSegment();
            sealedFirstPass = true;
        }
        release = sink;
        replayed = 0;
        used = 0;
    }

    /// <summary>Second pass: takes plaintext again, releases each segment once it matches the first pass.</summary>
    public void Replay(ReadOnlySpan<byte> data)
    {
        if (release is null) throw new InvalidOperationException("The second pass has not begun.");
        Gather(data, replay: true);
    }

    /// <summary>Ends the second pass: the last segment is checked and released, and the number of segments must
    /// match the first pass.</summary>
    public void EndReplay()
    {
        if (release is null) throw new InvalidOperationException("The second pass has not begun.");
        ReleaseSegment();
        if (replayed != recorded) throw Changed();
        release = null;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(segment);
        ArrayPool<byte>.Shared.Return(segment);
        gmac.Dispose();
    }

    /// <summary>Fills the segment; each full one is recorded (first pass) or checked and released (second).</summary>
    private void Gather(ReadOnlySpan<byte> data, bool replay)
    {
        while (data.Length > 0)
        {
            int n = Math.Min(SegmentSize - used, data.Length);
            data[..n].CopyTo(segment.AsSpan(used));
            used += n;
            data = data[n..];
            if (used < SegmentSize) continue;
            if (replay) ReleaseSegment();
            else RecordSegment();
        }
    }

    private void RecordSegment()
    {
        long needed = (recorded + 1) * TagSize;
        if (needed > tags.Length) Array.Resize(ref tags, (int)Math.Min(int.MaxValue, Math.Max(needed, 2L * tags.Length)));
        Tag(recorded, segment.AsSpan(0, used), tags.AsSpan((int)(recorded * TagSize), TagSize));
        recorded++;
        used = 0;
    }

    private void ReleaseSegment()
    {
        if (replayed >= recorded) throw Changed();
        Span<byte> tag = stackalloc byte[TagSize];
        Tag(replayed, segment.AsSpan(0, used), tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, tags.AsSpan((int)(replayed * TagSize), TagSize))) throw Changed();
        replayed++;
        release!(segment.AsSpan(0, used));
        used = 0;
    }

    private void Tag(long index, ReadOnlySpan<byte> data, Span<byte> tag)
    {
        Span<byte> nonce = stackalloc byte[12];
        nonce.Clear();
        BinaryPrimitives.WriteInt64BigEndian(nonce[4..], index);
        gmac.Encrypt(nonce, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, tag, data);
    }

    private static IntegrityException Changed() =>
        new("The input changed between the pass that authenticated it and the pass that released it; nothing unauthenticated was released.");
}
