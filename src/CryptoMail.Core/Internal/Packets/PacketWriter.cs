using System.Buffers;

namespace CryptoMail.Core.Internal.Packets;

/// <summary>Writes a packet of unknown length as new-format partial body chunks (RFC 9580 section 4.2.1.4):
/// full chunks of 2^16 octets while data flows, a definite-length final part on dispose.</summary>
internal sealed class PartialPacketStream : Stream
{
    private const int ChunkPower = 16;
    private const int ChunkSize = 1 << ChunkPower;
    private readonly Stream output;
    private readonly byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
    private int count;
    private bool done;

    public PartialPacketStream(Stream output, int tag)
    {
        this.output = output;
        output.WriteByte((byte)(0xC0 | tag));
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => output.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void WriteByte(byte value) => Write(new[] { value });

    public override void Write(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            if (count == ChunkSize)
            {
                // A buffered full chunk is only written once more data follows, so the last part is never empty-partial.
                output.WriteByte(0xE0 | ChunkPower);
                output.Write(buffer, 0, ChunkSize);
                count = 0;
            }
            int n = Math.Min(ChunkSize - count, data.Length);
            data[..n].CopyTo(buffer.AsSpan(count));
            count += n;
            data = data[n..];
        }
    }

    /// <summary>Writes the final, definite-length part.</summary>
    public void Finish()
    {
        if (done) return;
        done = true;
        WriteLength(count);
        output.Write(buffer, 0, count);
        ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
    }

    private void WriteLength(int n)
    {
        if (n < 192)
        {
            output.WriteByte((byte)n);
        }
        else if (n < 8384)
        {
            output.WriteByte((byte)(((n - 192) >> 8) + 192));
            output.WriteByte((byte)(n - 192));
        }
        else
        {
            output.WriteByte(0xFF);
            output.WriteByte((byte)(n >> 24));
            output.WriteByte((byte)(n >> 16));
            output.WriteByte((byte)(n >> 8));
            output.WriteByte((byte)n);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Finish();
        base.Dispose(disposing);
    }
}
