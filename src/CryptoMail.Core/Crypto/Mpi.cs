using System.Buffers.Binary;

namespace CryptoMail.Core.Crypto;

/// <summary>Multiprecision integers (RFC 9580 section 3.2): a two-octet bit count, then the big-endian octets.</summary>
internal static class Mpi
{
    public static void Write(Stream s, ReadOnlySpan<byte> value)
    {
        int start = 0;
        while (start < value.Length - 1 && value[start] == 0) start++;
        value = value[start..];
        int bits = (value.Length - 1) * 8 + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)value[0]));
        s.WriteByte((byte)(bits >> 8));
        s.WriteByte((byte)bits);
        s.Write(value);
    }

    /// <summary>Reads one MPI and advances <paramref name="data"/>; empty when the data is too short.</summary>
    public static ReadOnlySpan<byte> Read(ref ReadOnlySpan<byte> data)
    {
        if (data.Length < 2) return ReadOnlySpan<byte>.Empty;
        int length = (BinaryPrimitives.ReadUInt16BigEndian(data) + 7) / 8;
        if (data.Length < 2 + length) return ReadOnlySpan<byte>.Empty;
        var value = data.Slice(2, length);
        data = data[(2 + length)..];
        return value;
    }

    /// <summary>Reads one MPI at <paramref name="pos"/> of <paramref name="b"/>.</summary>
    public static byte[] Read(byte[] b, ref int pos)
    {
        ReadOnlySpan<byte> rest = b.AsSpan(pos);
        int before = rest.Length;
        var value = Read(ref rest);
        if (value.IsEmpty) throw new MalformedDataException("A multiprecision integer is truncated.");
        pos += before - rest.Length;
        return value.ToArray();
    }
}
