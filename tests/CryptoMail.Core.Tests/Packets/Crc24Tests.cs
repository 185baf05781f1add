using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Packets;

/// <summary>The armor checksum (RFC 9580 section 6.1.1), computed eight octets at a time, against the catalogued
/// check value and a plain bit-by-bit implementation of the polynomial.</summary>
public sealed class Crc24Tests
{
    [Fact]
    public void The_check_value_of_123456789_is_the_catalogued_one()
    {
        // CRC-24/OPENPGP: init 0xB704CE, poly 0x864CFB, check value of "123456789" 0x21CF02.
        Assert.Equal(0x21CF02u, Crc24.Update(Crc24.Init, "123456789"u8));
    }

    [Fact]
    public void Any_length_and_any_split_gives_the_bit_by_bit_result()
    {
        var random = new Random(24);
        foreach (int length in new[] { 0, 1, 7, 8, 9, 15, 16, 17, 48, 1000, 65_537 })
        {
            var data = TestData.Random(length, length);
            uint expected = BitByBit(data);
            Assert.Equal(expected, Crc24.Update(Crc24.Init, data));
            uint split = Crc24.Init;
            for (int i = 0; i < length;)
            {
                int n = Math.Min(length - i, random.Next(1, 30));
                split = Crc24.Update(split, data.AsSpan(i, n));
                i += n;
            }
            Assert.Equal(expected, split);
        }
    }

    [Fact]
    public void Armor_written_in_pieces_of_any_size_equals_armor_written_at_once_and_decodes_back()
    {
        var data = TestData.Random(200_003, 6);
        var whole = new MemoryStream();
        using (var armor = new ArmorStream(whole, ArmorKind.Message)) armor.Write(data);
        var random = new Random(6);
        var pieces = new MemoryStream();
        using (var armor = new ArmorStream(pieces, ArmorKind.Message))
        {
            for (int i = 0; i < data.Length;)
            {
                int n = Math.Min(data.Length - i, random.Next(2) == 0 ? random.Next(1, 50) : random.Next(1, 70_000));
                armor.Write(data.AsSpan(i, n));
                i += n;
            }
        }
        Assert.Equal(whole.ToArray(), pieces.ToArray());
        var decoded = new MemoryStream();
        OpenPgpArmor.Dearmor(new MemoryStream(pieces.ToArray()), decoded);
        Assert.Equal(data, decoded.ToArray());
    }

    private static uint BitByBit(ReadOnlySpan<byte> data)
    {
        uint crc = 0xB704CE;
        foreach (var octet in data)
        {
            crc ^= (uint)octet << 16;
            for (int i = 0; i < 8; i++)
            {
                crc <<= 1;
                if ((crc & 0x1000000) != 0) crc ^= 0x1864CFB;
            }
        }
        return crc & 0xFFFFFF;
    }
}
