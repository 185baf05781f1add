using System.Buffers;

namespace CryptoMail.Core.Internal.Packets;

/// <summary>Writes a packet of unknown length as new-format partial body chunks (RFC 9580 section 4.2.1.4):
/// full chunks of 2^18 octets while data flows, a definite-length final part on dispose. Each part leaves in one
/// write, its length octet in front of the data in the same buffer (256 KiB parts: a quarter of the system calls
/// 64 KiB parts made on an unbuffered output, with only the part's touched pages ever mapped).</summary>
internal sealed class PartialPacketStream : WriteOnlyStage
{
    private const int ChunkPower = 18;
    private const int ChunkSize = 1 << ChunkPower;
    private readonly Stream output;
    private readonly byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize + 1); // [partial length octet][data]
    private int count;
    private bool done;

    public PartialPacketStream(Stream output, int tag)
    {
        this.output = output;
        output.WriteByte((byte)(0xC0 | tag));
    }

    public override void Flush() => output.Flush();

    public override void Write(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            if (count == ChunkSize)
            {
                // A buffered full chunk is only written once more data follows, so the last part is never empty-partial.
                buffer[0] = 0xE0 | ChunkPower;
                output.Write(buffer, 0, ChunkSize + 1);
                count = 0;
            }
            int n = Math.Min(ChunkSize - count, data.Length);
            data[..n].CopyTo(buffer.AsSpan(1 + count));
            count += n;
            data = data[n..];
        }
    }

    /// <summary>Writes the final, definite-length part.</summary>
    public void Finish()
    {
        if (done) return;
        done = true;
        KeyRings.WriteLength(output, count);
        output.Write(buffer, 1, count);
        ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Finish();
        base.Dispose(disposing);
    }
}
