using CryptoMail.Core.Tests.Support;
using CsCheck;

namespace CryptoMail.Core.Tests.Packets;

/// <summary>Properties of packet framing (RFC 9580 section 4.2): every header the writer makes reads back as the same
/// tag and body, for old and new formats and every length encoding (one, two and five octets, partial lengths); every
/// proper prefix of a packet is refused as malformed data; and the decompression limit holds wherever it is set.</summary>
public sealed class PacketFramingPropertyTests
{
    // ---- the framing API under test, in one place so these properties follow it when it changes ----

    private static byte[] WriteDefinite(int tag, byte[] body)
    {
        using var ms = new MemoryStream();
        PacketWriter.WritePacket(ms, (PacketTag)(tag), body);
        return ms.ToArray();
    }

    private static byte[] WritePartial(int tag, byte[] body, int[] writes)
    {
        using var ms = new MemoryStream();
        using (var packet = new PartialPacketStream(ms, (PacketTag)tag))
        {
            int pos = 0;
            foreach (int w in writes)
            {
                int n = Math.Min(w, body.Length - pos);
                packet.Write(body, pos, n);
                pos += n;
            }
            packet.Write(body, pos, body.Length - pos);
        }
        return ms.ToArray();
    }

    /// <summary>Reads every packet of <paramref name="encoded"/>: (tag, body) in order.</summary>
    private static List<(int Tag, byte[] Body)> ReadAll(byte[] encoded)
    {
        var input = new MemoryStream(encoded);
        var packets = new List<(int, byte[])>();
        while (PacketReader.Read(input) is { } packet)
        {
            using var body = new MemoryStream();
            packet.Body.CopyTo(body);
            packets.Add(((int)packet.Tag, body.ToArray()));
        }
        return packets;
    }

    // ---- encoders written from the RFC text, for the forms the library does not write ----

    /// <summary>An old-format header (RFC 9580 section 4.2.2): length type 0, 1 or 2 (one, two, four octets).</summary>
    private static byte[] OldFormatHeader(int tag, int lengthType, long length) => lengthType switch
    {
        0 => [(byte)(0x80 | tag << 2), (byte)length],
        1 => [(byte)(0x80 | tag << 2 | 1), (byte)(length >> 8), (byte)length],
        _ => [(byte)(0x80 | tag << 2 | 2), (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length],
    };

    /// <summary>A new-format packet cut into partial parts of 2^k octets (RFC 9580 section 4.2.1.4) and a final
    /// definite part, as another implementation may write it.</summary>
    private static byte[] NewFormatWithParts(int tag, byte[] body, int[] powers)
    {
        using var ms = new MemoryStream();
        ms.WriteByte((byte)(0xC0 | tag));
        int pos = 0;
        foreach (int power in powers)
        {
            // RFC 9580 section 4.2.1.4: the first partial length is at least 512 octets.
            int k = pos == 0 ? Math.Max(power, 9) : power;
            if (body.Length - pos <= 1 << k) break;
            ms.WriteByte((byte)(0xE0 | k));
            ms.Write(body, pos, 1 << k);
            pos += 1 << k;
        }
        PacketWriter.WriteLength(ms, body.Length - pos);
        ms.Write(body, pos, body.Length - pos);
        return ms.ToArray();
    }

    /// <summary>Lengths around each encoding boundary (191/192, 8383/8384) and anywhere up to 70,000.</summary>
    private static readonly Gen<int> Lengths = Gen.OneOf(
        Gen.Int[0, 200], Gen.Int[8_370, 8_400], Gen.Int[0, 70_000]);

    /// <summary>Tag 0 is reserved and refused (RFC 9580 section 5); only data packets may have partial lengths
    /// (compressed, SED, literal, SEIPD, OCB encrypted data: RFC 9580 section 4.2.1.4).</summary>
    private static readonly Gen<int> DataTags = Gen.Int[0, 4].Select(i => new[] { 8, 9, 11, 18, 20 }[i]);

    private static readonly Gen<byte[]> Bodies = Lengths.SelectMany(n => Gen.Byte.Array[n]);

    [Fact]
    public void New_format_definite_lengths_round_trip_with_the_shortest_encoding()
    {
        Gen.Select(Gen.Int[1, 63], Bodies).Sample((tag, body) =>
        {
            var encoded = WriteDefinite(tag, body);
            int lengthOctets = body.Length < 192 ? 1 : body.Length < 8384 ? 2 : 5;
            Assert.Equal(1 + lengthOctets + body.Length, encoded.Length);
            var (readTag, readBody) = Assert.Single(ReadAll(encoded));
            Assert.Equal(tag, readTag);
            Assert.Equal(body, readBody);
        }, iter: 300);
    }

    [Fact]
    public void Old_format_headers_of_every_length_type_read_back()
    {
        Gen.Select(Gen.Int[1, 15], Bodies, Gen.Int[0, 2]).Sample((tag, body, type) =>
        {
            // The smallest length type that holds the length, or any larger one (a writer may choose it).
            int lengthType = Math.Max(type, body.Length <= 0xFF ? 0 : body.Length <= 0xFFFF ? 1 : 2);
            byte[] encoded = [.. OldFormatHeader(tag, lengthType, body.Length), .. body];
            var (readTag, readBody) = Assert.Single(ReadAll(encoded));
            Assert.Equal(tag, readTag);
            Assert.Equal(body, readBody);
        }, iter: 300);
    }

    [Fact]
    public void Partial_lengths_of_any_power_reassemble_the_body()
    {
        Gen.Select(DataTags, Bodies, Gen.Int[0, 12].Array[0, 40]).Sample((tag, body, powers) =>
        {
            var (readTag, readBody) = Assert.Single(ReadAll(NewFormatWithParts(tag, body, powers)));
            Assert.Equal(tag, readTag);
            Assert.Equal(body, readBody);
        }, iter: 300);
    }

    [Fact]
    public void The_partial_packet_writer_round_trips_across_its_part_size_for_any_write_pattern()
    {
        // 2^18-octet parts: bodies up to three parts, written in arbitrary pieces.
        Gen.Select(Gen.Int[0, 3 * (1 << 18) + 100], Gen.Int[1, 100_000].Array[0, 8], DataTags).Sample((length, writes, tag) =>
        {
            var body = TestData.Random(length, length);
            var encoded = WritePartial(tag, body, writes);
            var (readTag, readBody) = Assert.Single(ReadAll(encoded));
            Assert.Equal(tag, readTag);
            Assert.Equal(body, readBody);
        }, iter: 25);
    }

    [Fact]
    public void Consecutive_packets_of_mixed_formats_keep_their_boundaries()
    {
        Gen.Select(Bodies, Bodies, Gen.Int[0, 2]).Sample((first, second, type) =>
        {
            int lengthType = Math.Max(type, first.Length <= 0xFF ? 0 : first.Length <= 0xFFFF ? 1 : 2);
            byte[] encoded = [.. OldFormatHeader(11, lengthType, first.Length), .. first, .. WriteDefinite(8, second), .. WritePartial(18, second, [7])];
            var packets = ReadAll(encoded);
            Assert.Equal([11, 8, 18], packets.Select(p => p.Tag));
            Assert.Equal(first, packets[0].Body);
            Assert.Equal(second, packets[1].Body);
            Assert.Equal(second, packets[2].Body);
        }, iter: 100);
    }

    [Fact]
    public void Every_proper_prefix_of_a_packet_is_malformed_data()
    {
        Gen.Select(Gen.Int[1, 63], Gen.OneOf(Gen.Int[1, 200], Gen.Int[8_380, 8_390], Gen.Int[9_000, 20_000]), Gen.Bool, Gen.Double[0, 1])
            .Sample((tag, length, partial, cut) =>
        {
            var body = TestData.Random(length, tag);
            var encoded = partial ? NewFormatWithParts(tag, body, [9, 4, 0]) : WriteDefinite(tag, body);
            int prefix = Math.Clamp((int)(cut * encoded.Length), 1, encoded.Length - 1);
            Assert.Throws<MalformedDataException>(() => ReadAll(encoded[..prefix]));
        }, iter: 300);
    }

    [Fact]
    public void The_decompression_limit_refuses_more_and_allows_well_under_it()
    {
        // ReadLimits.MaxDecompressedBytes: plaintext past the limit is refused; plaintext with room to spare for the
        // packet headers inside the compressed data (which the limit may count too) is read whole.
        var pgp = new OpenPgp();
        Gen.Select(Gen.Int[0, 120_000], Gen.Int[1_000, 100_000], Gen.Bool).Sample((length, limit, zip) =>
        {
            var plaintext = Compressible(TestData.Random(length, limit));
            using var message = new MemoryStream();
            var encrypt = new EncryptOptions { Compression = zip ? Compression.Zip : Compression.Zlib, EncryptionFormat = EncryptionFormat.SeipdV1 };
            encrypt.Passwords.Add("limits");
            pgp.Encrypt(new MemoryStream(plaintext), message, encrypt);
            var decrypt = new DecryptOptions { Limits = new ReadLimits { MaxDecompressedBytes = limit } };
            decrypt.Passwords.Add("limits");
            message.Position = 0;
            using var output = new MemoryStream();
            if (length > limit)
            {
                Assert.Throws<LimitExceededException>(() => pgp.Decrypt(message, output, decrypt));
            }
            else if (length <= limit - 64)
            {
                pgp.Decrypt(message, output, decrypt);
                Assert.Equal(plaintext, output.ToArray());
            }
        }, iter: 40);
    }

    /// <summary>Makes the pseudo-random bytes compress (runs of one value), so compressed data is much shorter.</summary>
    private static byte[] Compressible(byte[] data)
    {
        for (int i = 0; i < data.Length; i++) data[i] = (byte)(data[i & ~63] & 7);
        return data;
    }
}
