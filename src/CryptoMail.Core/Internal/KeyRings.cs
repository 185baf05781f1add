using CryptoMail.Core.Internal.Packets;

namespace CryptoMail.Core.Internal;

/// <summary>One key ring read from input: a certificate, with the secret key when the input held one.</summary>
internal sealed record ReadRing(Certificate Certificate, SecretKey? Secret);

/// <summary>Reads key rings (public and secret, v4 and v6, armored and binary, several per input) into our model,
/// and writes packet framing.</summary>
internal static class KeyRings
{
    public static List<ReadRing> Read(byte[] data, string what) => Guard.Run(() =>
        KeyRing.ReadAll(data, what).Select(r =>
        {
            if (!r.HasSecret) return new ReadRing(new Certificate(r), null);
            var secret = new SecretKey(r);
            return new ReadRing(secret.Certificate, secret);
        }).ToList(), what);

    /// <summary>The total length (header and body) of the first packet, which must have a definite length.</summary>
    public static int FirstPacketLength(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2 || (data[0] & 0x80) == 0) throw new MalformedDataException("Not an OpenPGP packet.");
        if ((data[0] & 0x40) != 0)
        {
            int l0 = data[1];
            if (l0 < 192) return 2 + l0;
            if (l0 < 224) return 3 + ((l0 - 192) << 8) + data[2] + 192;
            if (l0 == 255) return 6 + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data.Slice(2, 4));
            throw new MalformedDataException("Partial body lengths are not allowed in key packets.");
        }
        return (data[0] & 3) switch
        {
            0 => 2 + data[1],
            1 => 3 + System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(data.Slice(1, 2)),
            2 => 5 + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data.Slice(1, 4)),
            _ => throw new MalformedDataException("Indeterminate lengths are not allowed in key packets."),
        };
    }

    /// <summary>Writes a packet with a new-format header (RFC 9580 section 4.2.1).</summary>
    public static void WritePacket(Stream output, int tag, ReadOnlySpan<byte> body)
    {
        output.WriteByte((byte)(0xC0 | tag));
        WriteLength(output, body.Length);
        output.Write(body);
    }

    /// <summary>Writes a new-format definite body length (one, two or five octets).</summary>
    public static void WriteLength(Stream output, int n)
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
}
