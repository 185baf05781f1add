using System.Security.Cryptography;
using System.Text;

namespace CryptoMail.Core.Tests.Aead;

/// <summary>RFC 9580 Appendix A.8-A.11: the sample v2 SEIPD packets decrypt to the literal data "Hello, world!"
/// followed by a padding packet; the key derivation matches the printed intermediate values.</summary>
public class SeipdV2VectorTests
{
    // The literal data packet of every sample: tag 11, length 19, format 'b', empty file name, date 0, "Hello, world!".
    private const string LiteralPacket = "CB1362000000000048656C6C6F2C20776F726C6421";

    public record Sample(string Section, string Packet, string SessionKey, string MessageKey, string Iv, string Padding);

    private static readonly Dictionary<string, Sample> Samples = new[]
    {
        // RFC 9580 A.8.2 (decrypted session key), A.8.3 (v2 SEIPD packet), A.8.4 (message key, IV, padding packet).
        new Sample("A.8", """
            d2 69 02 07 02 06 61 64 16 53 5b e0 b0 71 6d 60 e0 52 a5 6c 4c 40 7f 9e b3 6b 0e fa fe 9a d0 a0
            df 9b 03 3c 69 a2 1b a9 eb d2 c0 ec 95 bf 56 9d 25 c9 99 ee 4a 3d e1 70 58 f4 0d fa 8b 4c 68 2b
            e3 fb bb d7 b2 7e b0 f5 9b b5 00 5f 80 c7 c6 f4 03 88 c3 0a d4 06 ab 05 13 dc d6 f9 fd 73 76 56
            28 6e 11 77 d0 0f 88 8a db 31 c4
            """,
            "dd708f6fa1ed65114d68d2343e7c2f1d", "4512f7149d863341527c6567d5bffc42", "5faf3250212ff9",
            "d50ec5a293072991628147d72c8f86b7"),
        // RFC 9580 A.9.2 (decrypted session key), A.9.3 (v2 SEIPD packet, EAX), A.9.4.
        new Sample("A.9", """
            d2 69 02 07 01 06 9f f9 0e 3b 32 19 64 f3 a4 29 13 c8 dc c6 61 93 25 01 52 27 ef b7 ea ea a4 9f
            04 c2 e6 74 17 5d 4a 3d 22 6e d6 af cb 9c a9 ac 12 2c 14 70 e1 1c 63 d4 c0 ab 24 1c 6a 93 8a d4
            8b f9 9a 5a 99 b9 0b ba 83 25 de 61 04 75 40 25 8a b7 95 9a 95 ad 05 1d da 96 eb 15 43 1d fe f5
            f5 e2 25 5c a7 82 61 54 6e 33 9a
            """,
            "3881bafe985412459b86c36f98cb9a5e", "b50422ac1c26be9ddd831d5bbb36b64f", "78b833f2e94a60c0",
            "d50eae5bf0cd6705500355816cb0c8ff"),
        // RFC 9580 A.10.2, A.10.3 (v2 SEIPD packet, OCB), A.10.4.
        new Sample("A.10", """
            d2 69 02 07 02 06 20 a6 61 f7 31 fc 9a 30 32 b5 62 33 26 02 7e 3a 5d 8d b5 74 8e be ff 0b 0c 59
            10 d0 9e cd d6 41 ff 9f d3 85 62 75 80 35 bc 49 75 4c e1 bf 3f ff a7 da d0 a3 b8 10 4f 51 33 cf
            42 a4 10 0a 83 ee f4 ca 1b 48 01 a8 84 6b f4 2b cd a7 c8 ce 9d 65 e2 12 f3 01 cb cd 98 fd ca de
            69 4a 87 7a d4 24 73 23 f6 e8 57
            """,
            "28e79ab82397d3c63de24ac217d7b791", "71662a11ee5b4e08144e6de883a00999", "ebde12bb570dcf",
            "d50eae6aa1649b56aa835b2613902bd2"),
        // RFC 9580 A.11.2, A.11.3 (v2 SEIPD packet, GCM), A.11.4.
        new Sample("A.11", """
            d2 69 02 07 03 06 fc b9 44 90 bc b9 8b bd c9 d1 06 c6 09 02 66 94 0f 72 e8 9e dc 21 b5 59 6b 15
            76 b1 01 ed 0f 9f fc 6f c6 d6 5b bf d2 4d cd 07 90 96 6e 6d 1e 85 a3 00 53 78 4c b1 d8 b6 a0 69
            9e f1 21 55 a7 b2 ad 62 58 53 1b 57 65 1f d7 77 79 12 fa 95 e3 5d 9b 40 21 6f 69 a4 c2 48 db 28
            ff 43 31 f1 63 29 07 39 9e 6f f9
            """,
            "1936fc8568980274bb900d8319360c77", "ea1438803cb8a47740ce9b54c338778d", "4d2bdc2b",
            "d50e1ce2269a9eddef81032172b7ed7c"),
    }.ToDictionary(s => s.Section);

    public static TheoryData<string> Sections => new() { "A.8", "A.9", "A.10", "A.11" };

    [Theory]
    [MemberData(nameof(Sections))]
    public void Rfc9580_sample_packet_decrypts_to_hello_world_and_padding(string section)
    {
        var sample = Samples[section];
        byte[] packet = Hex(sample.Packet);
        Assert.Equal(0xD2, packet[0]);
        Assert.Equal(packet.Length - 2, packet[1]);

        byte[] plaintext = Decrypt(packet.AsSpan(2).ToArray(), Hex(sample.SessionKey));

        Assert.Equal(LiteralPacket + Convert.ToHexString(Hex(sample.Padding)), Convert.ToHexString(plaintext));
        Assert.Equal("Hello, world!", Encoding.ASCII.GetString(plaintext, 8, 13));
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void Rfc9580_sample_message_key_and_iv_match_the_printed_HKDF_output(string section)
    {
        var sample = Samples[section];
        var header = SeipdV2Header.Parse(Hex(sample.Packet).AsSpan(2));
        var messageKey = new byte[header.KeySize];
        var iv = new byte[AeadSuite.NonceSize(header.Aead) - 8];
        header.DeriveMessageKey(Hex(sample.SessionKey), messageKey, iv);
        Assert.Equal(sample.MessageKey.ToUpperInvariant(), Convert.ToHexString(messageKey));
        Assert.Equal(sample.Iv.ToUpperInvariant(), Convert.ToHexString(iv));
        Assert.Equal(6, header.ChunkSizeOctet);
        Assert.Equal(4096, header.ChunkSize);
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void Rfc9580_sample_packet_with_any_byte_changed_releases_nothing(string section)
    {
        var sample = Samples[section];
        byte[] body = Hex(sample.Packet).AsSpan(2).ToArray();
        for (int i = 0; i < body.Length; i++)
        {
            var (released, error) = SeipdV2StreamTests.DecryptAll(AeadCipherTests.Flip(body, i), Hex(sample.SessionKey));
            Assert.True(error is IntegrityException or MalformedDataException, $"byte {i}: {error?.GetType().Name}");
            Assert.Empty(released);
        }
    }

    // RFC 9580 A.9-A.11 as files (aead_eax.msg, aead_ocb.msg, aead_gcm.msg): a v6 SKESK (iterated and salted
    // S2K, password "password") then the v2 SEIPD. The session key comes out of the SKESK through the same AEAD
    // ciphers, and must equal the one printed in A.9.2 / A.10.2 / A.11.2.
    [VectorTheory]
    [InlineData("aead_eax.msg", "A.9", "154967e590aa1f923e1c0ac64c88f23d", "2fce331f39dd955cc41e95d870c72139")]
    [InlineData("aead_ocb.msg", "A.10", "e80de243a362d93b9dc607ede96a7356", "38a9b345b5680bb61bb65d73eec7ecd9")]
    [InlineData("aead_gcm.msg", "A.11", "250281715bba7828ef71ef64c4784753", "7a6f9ab7f99f7ef8dbef841c650800f5")]
    public void Rfc9580_vector_file_decrypts_through_its_v6_SKESK(string file, string section, string s2kKey, string kek)
    {
        var packets = Packets(Dearmor(SharedVectors.Read(file)));
        Assert.Equal([3, 18], packets.Select(p => p.Tag));
        var skesk = packets[0].Body;
        Assert.Equal(6, skesk[0]);
        byte cipher = skesk[2];
        var aead = (AeadAlgorithm)skesk[3];
        int s2kLength = skesk[4];
        var s2k = skesk.AsSpan(5, s2kLength);
        Assert.Equal([3, 8], s2k[..2].ToArray());    // iterated and salted, SHA2-256
        int nonceSize = AeadSuite.NonceSize(aead);
        var nonce = skesk.AsSpan(5 + s2kLength, nonceSize);
        var encryptedKey = skesk.AsSpan(5 + s2kLength + nonceSize, skesk.Length - (5 + s2kLength + nonceSize) - 16);
        var tag = skesk.AsSpan(skesk.Length - 16);

        byte[] derived = IteratedSaltedSha256("password"u8, s2k.Slice(2, 8), s2k[10], AeadSuite.KeySize(cipher));
        Assert.Equal(Hex(s2kKey), derived);
        // RFC 9580 section 5.3.2: KEK = HKDF-SHA256(S2K key, no salt, info = 0xC3, 6, cipher, AEAD); same octets as AD.
        byte[] info = [0xC3, 6, cipher, (byte)aead];
        byte[] keyEncryptionKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, derived, derived.Length, [], info);
        Assert.Equal(Hex(kek), keyEncryptionKey);
        var sessionKey = new byte[encryptedKey.Length];
        using (var c = AeadCiphers.Create(cipher, aead, keyEncryptionKey))
        {
            c.Decrypt(nonce, encryptedKey, tag, info, sessionKey);
        }
        Assert.Equal(Samples[section].SessionKey.ToUpperInvariant(), Convert.ToHexString(sessionKey));

        byte[] plaintext = Decrypt(packets[1].Body, sessionKey);
        Assert.Equal(LiteralPacket + Convert.ToHexString(Hex(Samples[section].Padding)), Convert.ToHexString(plaintext));
    }

    // RFC 9580 A.8.5 as a file: v6 PKESK (X25519) then the v2 SEIPD; the session key is the one A.8.2 prints.
    [VectorTheory]
    [InlineData("A8_x25519_ocb.asc")]
    public void Rfc9580_A8_file_decrypts_with_the_printed_session_key(string file)
    {
        var packets = Packets(Dearmor(SharedVectors.Read(file)));
        Assert.Equal([1, 18], packets.Select(p => p.Tag));
        byte[] plaintext = Decrypt(packets[1].Body, Hex(Samples["A.8"].SessionKey));
        Assert.StartsWith(LiteralPacket, Convert.ToHexString(plaintext), StringComparison.Ordinal);
    }

    private static byte[] Decrypt(byte[] body, byte[] sessionKey)
    {
        var (released, error) = SeipdV2StreamTests.DecryptAll(body, sessionKey);
        Assert.Null(error);
        return released;
    }

    private static byte[] Hex(string text) => Convert.FromHexString(string.Concat(text.Where(Uri.IsHexDigit)));

    private static byte[] Dearmor(byte[] armored)
    {
        var output = new MemoryStream();
        ArmorCodec.Dearmor(new MemoryStream(armored), output);
        return output.ToArray();
    }

    /// <summary>OpenPGP-format packets with 1-, 2- or 5-octet lengths (all the samples use).</summary>
    private static List<(int Tag, byte[] Body)> Packets(byte[] data)
    {
        var result = new List<(int, byte[])>();
        for (int i = 0; i < data.Length;)
        {
            Assert.True((data[i] & 0xC0) == 0xC0, "OpenPGP packet format expected");
            int tag = data[i++] & 0x3F;
            int first = data[i++];
            int length;
            if (first < 192) length = first;
            else if (first < 224) length = ((first - 192) << 8) + data[i++] + 192;
            else if (first == 255)
            {
                length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(i, 4));
                i += 4;
            }
            else throw new InvalidDataException("partial lengths are not expected in the samples");
            result.Add((tag, data.AsSpan(i, length).ToArray()));
            i += length;
        }
        return result;
    }

    /// <summary>RFC 9580 section 3.7.1.3: SHA2-256 over salt || password repeated to the decoded count.</summary>
    private static byte[] IteratedSaltedSha256(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, byte codedCount, int keySize)
    {
        long count = (16L + (codedCount & 15)) << ((codedCount >> 4) + 6);
        byte[] unit = [.. salt, .. password];
        count = Math.Max(count, unit.Length);
        byte[] block = new byte[unit.Length * 4096];
        for (int k = 0; k < 4096; k++) unit.CopyTo(block, k * unit.Length);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (; count >= block.Length; count -= block.Length) hash.AppendData(block);
        hash.AppendData(block, 0, (int)count);
        return hash.GetHashAndReset()[..keySize];
    }
}
