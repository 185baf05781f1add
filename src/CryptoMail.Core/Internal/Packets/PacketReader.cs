using System.Buffers.Binary;

namespace CryptoMail.Core.Internal.Packets;

/// <summary>Reads OpenPGP packet framing (RFC 9580 section 4.2): old and new headers, definite, partial and
/// (old format) indeterminate lengths. Bodies are exposed as streams so large packets stream.</summary>
internal static class PacketReader
{
    /// <summary>Reads the next packet header; null at a clean end of input.</summary>
    public static (int Tag, PacketBodyStream Body)? Next(Stream input)
    {
        int first = input.ReadByte();
        if (first < 0) return null;
        if ((first & 0x80) == 0) throw new MalformedDataException("Invalid packet header octet (the high bit is clear).");
        if ((first & 0x40) != 0)
        {
            int tag = first & 0x3F;
            var (len, partial) = ReadNewLength(input);
            return (tag, new PacketBodyStream(input, len, partial, indeterminate: false));
        }
        else
        {
            int tag = (first >> 2) & 0x0F;
            int type = first & 3;
            long len = type switch
            {
                0 => ReadByteOrThrow(input),
                1 => (ReadByteOrThrow(input) << 8) | ReadByteOrThrow(input),
                2 => ReadUInt32(input),
                _ => -1,
            };
            return (tag, new PacketBodyStream(input, Math.Max(0, len), partial: false, indeterminate: type == 3));
        }
    }

    /// <summary>Reads a new-format length: (length, isPartial).</summary>
    public static (long Length, bool Partial) ReadNewLength(Stream input)
    {
        int l0 = ReadByteOrThrow(input);
        if (l0 < 192) return (l0, false);
        if (l0 < 224) return (((l0 - 192) << 8) + ReadByteOrThrow(input) + 192, false);
        if (l0 == 255) return (ReadUInt32(input), false);
        return (1L << (l0 & 0x1F), true);
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
