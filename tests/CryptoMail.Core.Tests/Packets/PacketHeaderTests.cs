using CryptoMail.Core.Tests.Support;
using CsCheck;

namespace CryptoMail.Core.Tests.Packets;

/// <summary>The one packet-header reader and writer (RFC 9580 section 4.2): every length encoding round-trips,
/// old-format headers read, and the partial-length rules of section 4.2.1.4 hold for every reader of packets.</summary>
public class PacketHeaderTests
{
    private static readonly SecretKey Key = TestKeys.Get("Curve25519", "packet-header");
    private readonly OpenPgp pgp = new();

    [Fact]
    public void Definite_lengths_round_trip_through_the_writer_and_both_readers()
    {
        Gen.Select(Gen.Int[1, 63], Gen.OneOf(Gen.Int[0, 191], Gen.Int[192, 8383], Gen.Int[8384, int.MaxValue], Gen.Int[191, 192], Gen.Int[8383, 8384]))
            .Sample((tag, length) =>
            {
                var output = new MemoryStream();
                PacketWriter.WriteHeader(output, (PacketTag)tag, length);
                var header = output.ToArray();
                // One, two or five length octets (RFC 9580 section 4.2.1.1-4.2.1.3).
                Assert.Equal(length < 192 ? 2 : length < 8384 ? 3 : 6, header.Length);
                Assert.Equal(new PacketHeader((PacketTag)tag, length, PacketLengthKind.Definite, header.Length), PacketReader.ParseHeader(header));
                var (readTag, _) = PacketReader.Read(new MemoryStream(header)) ?? throw new InvalidOperationException("no packet");
                Assert.Equal((PacketTag)tag, readTag);
            });
    }

    [Theory]
    [InlineData(new byte[] { 0x88, 0x05 }, (int)PacketTag.Signature, 5, (int)PacketLengthKind.Definite, 2)]
    [InlineData(new byte[] { 0x99, 0x01, 0x0D }, (int)PacketTag.PublicKey, 269, (int)PacketLengthKind.Definite, 3)]
    [InlineData(new byte[] { 0xAE, 0x00, 0x01, 0x00, 0x00 }, (int)PacketTag.LiteralData, 65536, (int)PacketLengthKind.Definite, 5)]
    [InlineData(new byte[] { 0xA3 }, (int)PacketTag.CompressedData, 0, (int)PacketLengthKind.Indeterminate, 1)]
    [InlineData(new byte[] { 0xCB, 0xE9 }, (int)PacketTag.LiteralData, 512, (int)PacketLengthKind.Partial, 2)]
    [InlineData(new byte[] { 0xD2, 0xEA }, (int)PacketTag.SymEncryptedIntegrityProtectedData, 1024, (int)PacketLengthKind.Partial, 2)]
    public void Old_format_and_partial_headers_are_read(byte[] header, int tag, long length, int kind, int size) =>
        Assert.Equal(new PacketHeader((PacketTag)tag, length, (PacketLengthKind)kind, size), PacketReader.ParseHeader(header));

    [Theory]
    [InlineData(new byte[] { 0xC2, 0xE9 })] // a signature with partial lengths: only data packets may use them
    [InlineData(new byte[] { 0xCB, 0xE8 })] // literal data whose first partial part is 256 octets (under 512)
    [InlineData(new byte[] { 0xC0, 0x01 })] // the reserved tag 0
    [InlineData(new byte[] { 0x80, 0x01 })] // the reserved tag 0, old format
    [InlineData(new byte[] { 0x7F, 0x01 })] // bit 7 clear: not a header
    public void Headers_against_the_rules_are_malformed(byte[] header) =>
        Assert.Throws<MalformedDataException>(() => PacketReader.ParseHeader(header));

    [Fact]
    public void Every_truncated_header_is_malformed_data()
    {
        foreach (var header in new[] { new byte[] { 0xC2, 0xFF, 0, 0, 1, 0 }, new byte[] { 0xC2, 0xC5, 1 }, new byte[] { 0x8A, 0, 0, 1, 0 }, new byte[] { 0x89, 1, 0 } })
        {
            for (int n = 0; n < header.Length; n++)
            {
                Assert.Throws<MalformedDataException>(() => PacketReader.ParseHeader(header.AsSpan(0, n)));
                if (n > 0) Assert.Throws<MalformedDataException>(() => PacketReader.Read(new MemoryStream(header, 0, n)));
            }
        }
    }

    [Fact]
    public void A_signature_packet_with_partial_lengths_is_refused()
    {
        // RFC 9580 section 4.2.1.4: "Partial Body Lengths MUST NOT be used for any other packet types" than data.
        var data = "signed data"u8.ToArray();
        var signature = new MemoryStream();
        pgp.SignDetached(new MemoryStream(data), signature, new SignOptions { Signers = { Key }, Armor = false });
        var body = PacketReader.Read(new MemoryStream(signature.ToArray())) is var (_, b) ? PacketReaderBody(b) : throw new InvalidOperationException();
        Assert.True(pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(signature.ToArray()), new VerifyOptions { Verifiers = { Key.Certificate } }).IsVerified);

        var crafted = new MemoryStream();
        crafted.WriteByte(0xC2);
        crafted.WriteByte(0xE0); // a first part of one octet
        crafted.WriteByte(body[0]);
        PacketWriter.WriteLength(crafted, body.Length - 1);
        crafted.Write(body, 1, body.Length - 1);
        Assert.Throws<MalformedDataException>(() =>
            pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(crafted.ToArray()), new VerifyOptions { Verifiers = { Key.Certificate } }));
    }

    [Fact]
    public void Literal_data_whose_first_partial_part_is_under_512_octets_is_refused()
    {
        // RFC 9580 section 4.2.1.4: "The first partial length MUST be at least 512 octets long."
        var literal = new MemoryStream();
        literal.Write([(byte)'b', 0, 0, 0, 0, 0]);
        literal.Write(TestData.Random(1000));
        var body = literal.ToArray();
        Assert.True(Opens(Packet(body, firstPart: 9)), "a first part of 512 octets is allowed");
        Assert.Throws<MalformedDataException>(() => Opens(Packet(body, firstPart: 8)));

        static byte[] Packet(byte[] body, int firstPart)
        {
            var packet = new MemoryStream();
            packet.WriteByte(0xCB);
            packet.WriteByte(PacketWriter.PartialLengthOctet(firstPart));
            packet.Write(body, 0, 1 << firstPart);
            PacketWriter.WriteLength(packet, body.Length - (1 << firstPart));
            packet.Write(body, 1 << firstPart, body.Length - (1 << firstPart));
            return packet.ToArray();
        }
    }

    private bool Opens(byte[] message)
    {
        var output = new MemoryStream();
        var result = pgp.Decrypt(new MemoryStream(message), output, new DecryptOptions { AllowUnencrypted = true });
        return !result.WasEncrypted && output.Length == 1000;
    }

    private static byte[] PacketReaderBody(PacketBodyStream body) => PacketReader.ReadSmallBody(body, 1 << 20, "test");
}
