using System.Buffers.Binary;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Fuzz;

/// <summary>What fuzzing found, each rebuilt here as a crafted input through the public API (the raw fuzzer inputs
/// are kept under tests/CryptoMail.Fuzz/crashes/ and replayed by FuzzReplayTests). Each one escaped as
/// CryptoMailInternalException (a runtime exception or an internal one past the public boundary) before its fix.</summary>
public class FuzzFindingsTests
{
    /// <summary>The packets of a binary OpenPGP stream (new-format headers, as this library writes them):
    /// (tag, offset of the body, body length).</summary>
    private static List<(int Tag, int Body, int Length)> Packets(byte[] data)
    {
        var list = new List<(int, int, int)>();
        int pos = 0;
        while (pos < data.Length)
        {
            Assert.Equal(0xC0, data[pos] & 0xC0);   // new format (RFC 9580 section 4.2.1)
            int tag = data[pos] & 0x3F;
            int first = data[pos + 1];
            int len, head;
            if (first < 192) { len = first; head = 2; }
            else if (first < 224) { len = ((first - 192) << 8) + data[pos + 2] + 192; head = 3; }
            else { Assert.Equal(255, first); len = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(pos + 2)); head = 6; }
            list.Add((tag, pos + head, len));
            pos += head + len;
        }
        return list;
    }

    private static byte[] NewFormatPacket(int tag, byte[] body)
    {
        var header = new List<byte> { (byte)(0xC0 | tag), 255 };
        var len = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, body.Length);
        header.AddRange(len);
        return [.. header, .. body];
    }

    [Fact]
    public void A_subkey_of_an_unknown_packet_version_is_malformed_data_not_an_internal_error()
    {
        // RFC 9580 section 5.5.2: key packet versions 4 and 6 (3 is obsolete); 70 is none of them.
        var cert = TestKeys.Get("Curve25519").Certificate.Export();
        var subkey = Packets(cert).First(p => p.Tag == 14);
        cert[subkey.Body] = 70;
        var e = Assert.ThrowsAny<CryptoMailException>(() => Certificate.ParseAll(cert));
        Assert.IsType<MalformedDataException>(e);
        Assert.Contains("version 70", e.Message);
    }

    [Fact]
    public void A_signature_subpacket_length_near_two_to_the_31_is_malformed_data_not_an_internal_error()
    {
        // RFC 9580 section 5.2.3.7: a five-octet subpacket length (255, then four octets). 0x7FFFFFFF plus the
        // header's five octets overflowed the bounds check, and the type octet was read past the area.
        byte[] hashed = [255, 0x7F, 0xFF, 0xFF, 0xFF];
        byte[] body = [4, 0x00, 22, 8, 0, (byte)hashed.Length, .. hashed, 0, 0, 0xAB, 0xCD, 0, 1, 1, 0, 1, 1];
        var signature = NewFormatPacket(2, body);
        var result = new OpenPgp().VerifyDetached(new MemoryStream("data"u8.ToArray()), new MemoryStream(signature),
            new VerifyOptions { Verifiers = { TestKeys.Get("Curve25519").Certificate } });
        var verdict = Assert.Single(result.Signatures);
        Assert.False(result.IsVerified);
        Assert.NotEqual(SignatureStatus.Good, verdict.Status);
        Assert.Contains("truncated", verdict.Reason);
    }

    [Theory]
    [InlineData(1)]   // ZIP: raw deflate (RFC 1951)
    [InlineData(2)]   // ZLIB (RFC 1950)
    public void Corrupt_compressed_data_is_malformed_data_not_an_internal_error(int algorithm)
    {
        // RFC 9580 section 5.6: a Compressed Data packet is one algorithm octet and the compressed stream. 0x07 starts
        // a final deflate block of the reserved type 3 (RFC 1951 section 3.2.3), which System.IO.Compression refuses
        // with InvalidDataException; behind a zlib header (0x78 0x9C) for algorithm 2.
        byte[] deflate = [0x07, 0x00, 0x00, 0x00];
        byte[] body = algorithm == 1 ? [1, .. deflate] : [2, 0x78, 0x9C, .. deflate];
        var message = NewFormatPacket(8, body);
        var e = Assert.ThrowsAny<CryptoMailException>(() => new OpenPgp().Decrypt(new MemoryStream(message), new MemoryStream(),
            new DecryptOptions { AllowUnencrypted = true }));
        Assert.IsType<MalformedDataException>(e);
    }

    [Fact]
    public void A_v6_one_pass_signature_of_four_octets_is_malformed_data_not_an_internal_error()
    {
        // RFC 9580 section 5.4: a v6 one-pass signature has a salt length octet after the four fixed octets; this
        // one ends before it (found by the cleartext target: the salt length was read past the body).
        byte[] message = [0xC4, 4, 6, 0, 8, 22];
        var e = Assert.ThrowsAny<CryptoMailException>(() => new OpenPgp().VerifyInline(new MemoryStream(message), new MemoryStream(),
            new VerifyOptions { Verifiers = { TestKeys.Get("Curve25519").Certificate } }));
        Assert.IsType<MalformedDataException>(e);
    }
}
