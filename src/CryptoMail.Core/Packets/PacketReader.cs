using System.Buffers.Binary;

namespace CryptoMail.Core.Packets;

/// <summary>The one reader of OpenPGP packet framing (RFC 9580 section 4.2): old and new headers, definite, partial and
/// (old format) indeterminate lengths, every length checked against the octets at hand. Bodies are exposed as streams
/// so large packets stream.</summary>
internal static class PacketReader
{
    /// <summary>The smallest first partial body length (RFC 9580 section 4.2.1.4).</summary>
    public const int MinFirstPartialLength = 512;

    /// <summary>The most octets a header takes (new format, five-octet length).</summary>
    public const int MaxHeaderSize = 6;

    /// <summary>The size of the header that starts with <paramref name="first"/> and (new format) the first length
    /// octet <paramref name="lengthOctet"/>.</summary>
    private static int HeaderSize(byte first, byte lengthOctet)
    {
        if ((first & 0x40) == 0) return (first & 3) switch { 0 => 2, 1 => 3, 2 => 5, _ => 1 };
        return lengthOctet switch { < 192 => 2, < 224 => 3, 255 => 6, _ => 2 };
    }

    /// <summary>Parses the packet header at the start of <paramref name="data"/>, enforcing RFC 9580's rules: no
    /// reserved tag 0, partial lengths only on data packets and a first partial part of at least 512 octets.</summary>
    public static PacketHeader ParseHeader(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0) throw new MalformedDataException("The data is truncated inside a packet header.");
        var tag = PacketTags.TagOf(data[0]);
        if (tag == PacketTag.Reserved) throw new MalformedDataException("A packet has the reserved tag 0.");
        bool newFormat = (data[0] & 0x40) != 0;
        if (newFormat && data.Length < 2) throw new MalformedDataException("The data is truncated inside a packet header.");
        int size = HeaderSize(data[0], newFormat ? data[1] : (byte)0);
        if (data.Length < size) throw new MalformedDataException("The data is truncated inside a packet header.");
        if (!newFormat)
        {
            return (data[0] & 3) switch
            {
                0 => new PacketHeader(tag, data[1], PacketLengthKind.Definite, size),
                1 => new PacketHeader(tag, BinaryPrimitives.ReadUInt16BigEndian(data[1..]), PacketLengthKind.Definite, size),
                2 => new PacketHeader(tag, BinaryPrimitives.ReadUInt32BigEndian(data[1..]), PacketLengthKind.Definite, size),
                _ => new PacketHeader(tag, 0, PacketLengthKind.Indeterminate, size),
            };
        }
        var (length, partial) = DecodeNewLength(data[1..size]);
        if (partial)
        {
            if (!PacketTags.IsData(tag)) throw new MalformedDataException("A packet that is not a data packet has a partial body length.");
            if (length < MinFirstPartialLength) throw new MalformedDataException("A packet's first partial body length is under 512 octets.");
        }
        return new PacketHeader(tag, length, partial ? PacketLengthKind.Partial : PacketLengthKind.Definite, size);
    }

    /// <summary>Decodes a new-format length from exactly its octets (RFC 9580 section 4.2.1): (length, isPartial).</summary>
    private static (long Length, bool Partial) DecodeNewLength(ReadOnlySpan<byte> octets)
    {
        int l0 = octets[0];
        return l0 switch
        {
            < 192 => (l0, false),
            < 224 => (((l0 - 192) << 8) + octets[1] + 192, false),
            255 => (BinaryPrimitives.ReadUInt32BigEndian(octets[1..]), false),
            _ => (1L << (l0 & 0x1F), true),
        };
    }

    /// <summary>Reads the next packet header; null at a clean end of input.</summary>
    public static (PacketTag Tag, PacketBodyStream Body)? Read(Stream input)
    {
        int first = input.ReadByte();
        if (first < 0) return null;
        Span<byte> header = stackalloc byte[MaxHeaderSize];
        header[0] = (byte)first;
        _ = PacketTags.TagOf(header[0]); // not a header: refused before any further octet is read
        int have = 1;
        if ((first & 0x40) != 0) header[have++] = (byte)ReadByteOrThrow(input);
        int size = HeaderSize(header[0], header[1]);
        if (size > have) ReadExactly(input, header[have..size]);
        var h = ParseHeader(header[..size]);
        return (h.Tag, new PacketBodyStream(input, h.Length, h.LengthKind == PacketLengthKind.Partial, h.LengthKind == PacketLengthKind.Indeterminate));
    }

    /// <summary>Reads a new-format length that follows a partial part: (length, isPartial).</summary>
    public static (long Length, bool Partial) ReadNewLength(Stream input)
    {
        Span<byte> octets = stackalloc byte[5];
        octets[0] = (byte)ReadByteOrThrow(input);
        int size = HeaderSize(0xC0, octets[0]) - 1;
        if (size > 1) ReadExactly(input, octets[1..size]);
        return DecodeNewLength(octets[..size]);
    }

    private static long ReadUInt32(Stream input)
    {
        Span<byte> b = stackalloc byte[4];
        ReadExactly(input, b);
        return BinaryPrimitives.ReadUInt32BigEndian(b);
    }

    public static int ReadByteOrThrow(Stream input)
    {
        int b = input.ReadByte();
        if (b < 0) throw new MalformedDataException("The data is truncated inside a packet header.");
        return b;
    }

    public static void ReadExactly(Stream input, Span<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            int n = input.Read(buffer);
            if (n == 0) throw new MalformedDataException("The data is truncated.");
            buffer = buffer[n..];
        }
    }

    /// <summary>Reads a whole (small) packet body with a size cap.</summary>
    public static byte[] ReadSmallBody(PacketBodyStream body, int max, string what)
    {
        using var ms = new MemoryStream();
        var buffer = new byte[4096];
        int n;
        while ((n = body.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (ms.Length + n > max) throw new LimitExceededException($"The {what} packet is larger than {max} bytes.");
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }
}

/// <summary>One packet body; handles partial body length chunks transparently.</summary>
internal sealed class PacketBodyStream : ReadOnlyStage
{
    private readonly Stream input;
    private long remaining;
    private bool partial;
    private readonly bool indeterminate;

    public PacketBodyStream(Stream input, long length, bool partial, bool indeterminate)
    {
        this.input = input;
        remaining = length;
        this.partial = partial;
        this.indeterminate = indeterminate;
    }


    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length == 0) return 0;
        if (indeterminate) return input.Read(buffer);
        while (remaining == 0)
        {
            if (!partial) return 0;
            (remaining, partial) = PacketReader.ReadNewLength(input);
        }
        int want = (int)Math.Min(buffer.Length, remaining);
        int n = input.Read(buffer[..want]);
        if (n == 0) throw new MalformedDataException("The data is truncated inside a packet.");
        remaining -= n;
        return n;
    }


    /// <summary>Reads and discards the rest of the body.</summary>
    public void Skip()
    {
        var buffer = new byte[4096];
        while (Read(buffer, 0, buffer.Length) > 0) { }
    }
}
