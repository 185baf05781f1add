using System.Buffers;
using System.Buffers.Binary;

namespace CryptoMail.Core.Packets;

/// <summary>The one writer of OpenPGP packet framing: new-format headers (RFC 9580 section 4.2.1) with definite
/// lengths; <see cref="PartialPacketStream"/> writes partial ones.</summary>
internal static class PacketWriter
{
    /// <summary>The most octets a header takes.</summary>
    public const int MaxHeaderSize = PacketReader.MaxHeaderSize;

    /// <summary>The first octet of a new-format header for <paramref name="tag"/> (also hashed as associated data by
    /// SEIPD v2, OCB Encrypted Data, SKESK v6 and AEAD-protected secret keys).</summary>
    public static byte HeaderOctet(PacketTag tag) => (byte)(0xC0 | (int)tag);

    /// <summary>The octet announcing a partial body part of 2^<paramref name="power"/> octets.</summary>
    public static byte PartialLengthOctet(int power) => (byte)(0xE0 | power);

    /// <summary>Writes a new-format definite body length (one, two or five octets) into <paramref name="destination"/>
    /// (at least 5 octets); returns the octets written. Signature subpacket lengths use the same encoding.</summary>
    public static int EncodeLength(Span<byte> destination, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length < 192)
        {
            destination[0] = (byte)length;
            return 1;
        }
        if (length < 8384)
        {
            destination[0] = (byte)(((length - 192) >> 8) + 192);
            destination[1] = (byte)(length - 192);
            return 2;
        }
        destination[0] = 0xFF;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
        return 5;
    }

    /// <summary>Writes a new-format definite body length.</summary>
    public static void WriteLength(Stream output, int length)
    {
        Span<byte> octets = stackalloc byte[5];
        output.Write(octets[..EncodeLength(octets, length)]);
    }

    /// <summary>Writes a new-format header with a definite body length.</summary>
    public static void WriteHeader(Stream output, PacketTag tag, int length)
    {
        Span<byte> header = stackalloc byte[MaxHeaderSize];
        header[0] = HeaderOctet(tag);
        output.Write(header[..(1 + EncodeLength(header[1..], length))]);
    }

    /// <summary>Writes a whole packet with a new-format header.</summary>
    public static void WritePacket(Stream output, PacketTag tag, ReadOnlySpan<byte> body)
    {
        WriteHeader(output, tag, body.Length);
        output.Write(body);
    }
}

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

    public PartialPacketStream(Stream output, PacketTag tag)
    {
        this.output = output;
        output.WriteByte(PacketWriter.HeaderOctet(tag));
    }

    public override void Flush() => output.Flush();

    public override void Write(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            if (count == ChunkSize)
            {
                // A buffered full chunk is only written once more data follows, so the last part is never empty-partial.
                buffer[0] = PacketWriter.PartialLengthOctet(ChunkPower);
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
        PacketWriter.WriteLength(output, count);
        output.Write(buffer, 1, count);
        ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Finish();
        base.Dispose(disposing);
    }
}
