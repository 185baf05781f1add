using CryptoMail.Core.Tests.Support;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;

namespace CryptoMail.Core.Tests.Messages;

/// <summary>Errors before integrity is established are no oracle: every way a modified ciphertext can fail (quick check,
/// malformed inner packets, garbage after decryption, decompression, MDC, truncation, AEAD tags) gives the same
/// exception with the same message, and no message carries decrypted octets (RFC 9580 section 13.4 on the quick-check
/// oracle; section 5.13.1 for the MDC, 5.13.2 for SEIPD v2).</summary>
public class DecryptionOracleTests
{
    private readonly OpenPgp pgp = new();
    private static readonly SecretKey Bob = TestKeys.Get("Curve25519", "bob");

    private byte[] Encrypt(byte[] plaintext, Certificate recipient, EncryptionFormat format, Compression compression = Compression.None)
    {
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream(plaintext), ct, new EncryptOptions { Recipients = { recipient }, EncryptionFormat = format, Compression = compression });
        return ct.ToArray();
    }

    private Exception Failure(byte[] message, SecretKey key)
    {
        var output = new MemoryStream();
        var e = Record.Exception(() => pgp.Decrypt(new MemoryStream(message), output, new DecryptOptions { Keys = { key } }));
        Assert.NotNull(e);
        Assert.Equal(0, output.Length);
        return e;
    }

    private static void AllAlike(List<(string What, Exception Error)> failures)
    {
        var first = failures[0];
        Assert.IsType<IntegrityException>(first.Error);
        foreach (var (what, error) in failures)
        {
            Assert.True(error.GetType() == first.Error.GetType() && error.Message == first.Error.Message,
                $"{what}: {error.GetType().Name} \"{error.Message}\" differs from {first.What}: {first.Error.GetType().Name} \"{first.Error.Message}\"");
            Assert.Null(error.InnerException);
        }
    }

    /// <summary>Offset of the body of the first packet with <paramref name="tag"/> (new or old packet format).</summary>
    internal static int BodyOffset(byte[] message, int tag)
    {
        int pos = 0;
        while (pos < message.Length)
        {
            byte head = message[pos];
            int t, headerLength;
            long length;
            if ((head & 0x40) != 0)
            {
                t = head & 0x3F;
                int first = message[pos + 1];
                if (first < 192) { headerLength = 2; length = first; }
                else if (first < 224) { headerLength = 3; length = ((first - 192) << 8) + message[pos + 2] + 192; }
                else if (first == 255) { headerLength = 6; length = (message[pos + 2] << 24) | (message[pos + 3] << 16) | (message[pos + 4] << 8) | message[pos + 5]; }
                else { headerLength = 2; length = 1L << (first & 0x1F); }
            }
            else
            {
                t = (head >> 2) & 0x0F;
                int lt = head & 3;
                headerLength = 1 + (lt == 0 ? 1 : lt == 1 ? 2 : 4);
                length = 0;
                for (int i = 1; i < headerLength; i++) length = (length << 8) | message[pos + i];
            }
            if (t == tag) return pos + headerLength;
            pos += headerLength + (int)length;
        }
        throw new InvalidOperationException($"no packet with tag {tag}");
    }

    private static byte[] Flip(byte[] message, int index)
    {
        var copy = (byte[])message.Clone();
        copy[index] ^= 0x20;
        return copy;
    }

    [Fact]
    public void Seipd_v1_quick_check_mdc_inner_packets_and_truncation_fail_alike()
    {
        var message = Encrypt(TestData.Random(5000), Bob.Certificate, EncryptionFormat.SeipdV1);
        var compressed = Encrypt(TestData.Random(50_000), Bob.Certificate, EncryptionFormat.SeipdV1, Compression.Zlib);
        int body = BodyOffset(message, 18);
        // Body: version 1, 16 octets of prefix, then the two quick-check octets, then the first packet's tag octet.
        var failures = new List<(string, Exception)>
        {
            ("quick check", Failure(Flip(message, body + 1 + 16), Bob)),
            ("second quick-check octet", Failure(Flip(message, body + 1 + 17), Bob)),
            ("inner packet tag", Failure(Flip(message, body + 1 + 18), Bob)),
            ("literal format octet", Failure(Flip(message, body + 1 + 18 + 2), Bob)),
            ("middle", Failure(Flip(message, body + 2500), Bob)),
            ("MDC", Failure(Flip(message, message.Length - 1), Bob)),
            ("MDC header", Failure(Flip(message, message.Length - 22), Bob)),
            ("truncated", Failure(message[..^5], Bob)),
            ("compressed stream", Failure(Flip(compressed, compressed.Length / 2), Bob)),
            ("compression algorithm", Failure(Flip(compressed, BodyOffset(compressed, 18) + 1 + 18 + 1), Bob)),
        };
        AllAlike(failures);
    }

    [Fact]
    public void Seipd_v2_chunk_tag_final_tag_and_truncation_fail_alike()
    {
        var message = Encrypt(TestData.Random(5000), Bob.Certificate, EncryptionFormat.SeipdV2);
        var failures = new List<(string, Exception)>
        {
            ("chunk", Failure(Flip(message, message.Length - 2500), Bob)),
            ("chunk tag", Failure(Flip(message, message.Length - 20), Bob)),
            ("final tag", Failure(Flip(message, message.Length - 1), Bob)),
            ("truncated", Failure(message[..^5], Bob)),
            ("truncated to the final tag", Failure(message[..^16], Bob)),
        };
        AllAlike(failures);
    }

    [Fact]
    public void An_authentic_message_with_a_bad_inner_packet_names_the_problem_without_its_octets()
    {
        // The sender (who has the session key) writes a literal data packet with format octet 'z': the MDC verifies,
        // so the error may be specific, but it still must not echo decrypted octets.
        var gen = new Org.BouncyCastle.Bcpg.OpenPgp.PgpEncryptedDataGenerator(Org.BouncyCastle.Bcpg.SymmetricKeyAlgorithmTag.Aes256, withIntegrityPacket: true);
        gen.AddMethodUtf8("pw".ToCharArray(), Org.BouncyCastle.Bcpg.HashAlgorithmTag.Sha256);
        var ct = new MemoryStream();
        using (var enc = gen.Open(ct, new byte[4096]))
        {
            enc.Write([0xCB, 0x07, (byte)'z', 0, 0, 0, 0, 0, (byte)'Q']);
        }
        var output = new MemoryStream();
        var e = Assert.Throws<MalformedDataException>(() => pgp.Decrypt(new MemoryStream(ct.ToArray()), output, new DecryptOptions { Passwords = { "pw" } }));
        Assert.DoesNotContain("7A", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("122", e.Message);
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public void A_wrong_password_is_still_no_key_because_nothing_else_says_the_key_is_right()
    {
        // RFC 9580 section 13.4: the quick check alone picks among keys that nothing else vouches for (passwords and
        // caller-given session keys); a key that fails it is dropped, so a wrong password stays "no key".
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream("x"u8.ToArray()), ct, new EncryptOptions { Passwords = { "right" }, EncryptionFormat = EncryptionFormat.SeipdV1 });
        Assert.Throws<NoDecryptionKeyException>(() => pgp.Decrypt(new MemoryStream(ct.ToArray()), new MemoryStream(), new DecryptOptions { Passwords = { "wrong" } }));
        var output = new MemoryStream();
        pgp.Decrypt(new MemoryStream(ct.ToArray()), output, new DecryptOptions { Passwords = { "wrong", "right" } });
        Assert.Equal("x"u8.ToArray(), output.ToArray());
    }

    // ---- RSA PKCS#1 v1.5 (class 6): implicit rejection ----

    private static readonly SecretKey RsaBob = TestKeys.Get("Rsa3072", "bob");

    /// <summary>The message encrypted to <see cref="RsaBob"/> with its PKESK replaced by one whose RSA plaintext is
    /// <paramref name="encoded"/> (the PKCS#1 v1.5 block, as long as the modulus).</summary>
    private byte[] WithCraftedPkesk(byte[] message, Func<int, byte[]> encoded)
    {
        Assert.Equal(0xC1, message[0]); // our writer: a new-format PKESK first
        int pkeskBody = BodyOffset(message, 1);
        int pkeskLength = message[1] < 192 ? message[1] : ((message[1] - 192) << 8) + message[2] + 192;
        var keyId = message.AsSpan(pkeskBody + 1, 8).ToArray();
        long id = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(keyId);
        var ring = new Org.BouncyCastle.Bcpg.OpenPgp.PgpPublicKeyRing(RsaBob.Certificate.Export());
        var rsa = (RsaKeyParameters)ring.GetPublicKey(id).GetKey();
        int k = (rsa.Modulus.BitLength + 7) / 8;
        var em = encoded(k);
        Assert.Equal(k, em.Length);
        var engine = new RsaEngine();
        engine.Init(true, rsa);
        var c = new BigInteger(1, engine.ProcessBlock(em, 0, em.Length));
        var magnitude = c.ToByteArrayUnsigned();
        var pkesk = new List<byte> { 3 };
        pkesk.AddRange(keyId);
        pkesk.Add(1);
        pkesk.Add((byte)(c.BitLength >> 8));
        pkesk.Add((byte)c.BitLength);
        pkesk.AddRange(magnitude);
        int len = pkesk.Count;
        var header = len < 192 ? new byte[] { 0xC1, (byte)len } : [0xC1, (byte)(((len - 192) >> 8) + 192), (byte)((len - 192) & 0xFF)];
        return [.. header, .. pkesk, .. message.AsSpan(pkeskBody + pkeskLength).ToArray()];
    }

    /// <summary>00 02, nonzero padding, 00, then <paramref name="payload"/>.</summary>
    private static byte[] Pkcs1(int k, byte[] payload, byte blockType = 2)
    {
        var em = new byte[k];
        em[1] = blockType;
        var rng = new Random(5);
        for (int i = 2; i < k - payload.Length - 1; i++) em[i] = (byte)rng.Next(1, 256);
        payload.CopyTo(em, k - payload.Length);
        return em;
    }

    private static byte[] SessionKeyPayload(int algorithm, byte[] key, bool goodChecksum)
    {
        int sum = key.Sum(b => b) & 0xFFFF;
        if (!goodChecksum) sum ^= 0x0101;
        return [(byte)algorithm, .. key, (byte)(sum >> 8), (byte)sum];
    }

    [Fact]
    public void Rsa_bad_padding_and_bad_checksum_fail_exactly_like_a_wrong_key()
    {
        // RFC 9580 section 13.5 (Bleichenbacher-style oracles on PKCS#1 v1.5): whatever the RSA plaintext looks
        // like, a PKESK for our key yields a session key (the real one, or one derived from the ciphertext and the
        // private key), which then fails as any wrong key does.
        var message = Encrypt(TestData.Random(3000), RsaBob.Certificate, EncryptionFormat.SeipdV1);
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var failures = new List<(string, Exception)>
        {
            ("block type 1", Failure(WithCraftedPkesk(message, k => Pkcs1(k, SessionKeyPayload(9, key, true), blockType: 1)), RsaBob)),
            ("no zero separator", Failure(WithCraftedPkesk(message, k => { var em = Pkcs1(k, SessionKeyPayload(9, key, true)); em[k - 36] = 0x55; return em; }), RsaBob)),
            ("short padding", Failure(WithCraftedPkesk(message, k => { var em = Pkcs1(k, SessionKeyPayload(9, key, true)); em[5] = 0; return em; }), RsaBob)),
            ("bad checksum", Failure(WithCraftedPkesk(message, k => Pkcs1(k, SessionKeyPayload(9, key, false))), RsaBob)),
            ("unknown cipher", Failure(WithCraftedPkesk(message, k => Pkcs1(k, SessionKeyPayload(0x63, key, true))), RsaBob)),
            ("cipher of another key size", Failure(WithCraftedPkesk(message, k => Pkcs1(k, SessionKeyPayload(7, key, true))), RsaBob)),
            ("well-formed wrong key", Failure(WithCraftedPkesk(message, k => Pkcs1(k, SessionKeyPayload(9, key, true))), RsaBob)),
            ("modified data", Failure(Flip(message, message.Length - 1), RsaBob)),
        };
        AllAlike(failures);
    }

    /// <summary>The SEIPD v2 message encrypted to <see cref="RsaBob"/> with its v6 PKESK's RSA value replaced by the
    /// encryption of <paramref name="encoded"/>.</summary>
    private byte[] WithCraftedV6Pkesk(byte[] message, Func<int, byte[]> encoded)
    {
        Assert.Equal(0xC1, message[0]);
        int body = BodyOffset(message, 1);
        int pkeskLength = message[1] < 192 ? message[1] : ((message[1] - 192) << 8) + message[2] + 192;
        Assert.Equal(6, message[body]);
        int size = message[body + 1];
        var head = message.AsSpan(body, 2 + size + 1).ToArray(); // version, size, key version and fingerprint, algorithm
        var fingerprint = message.AsSpan(body + 3, size - 1).ToArray();
        var ring = new Org.BouncyCastle.Bcpg.OpenPgp.PgpPublicKeyRing(RsaBob.Certificate.Export());
        var key = ring.GetPublicKeys().Cast<Org.BouncyCastle.Bcpg.OpenPgp.PgpPublicKey>().Single(k => k.GetFingerprint().AsSpan().SequenceEqual(fingerprint));
        var rsa = (RsaKeyParameters)key.GetKey();
        int k = (rsa.Modulus.BitLength + 7) / 8;
        var engine = new RsaEngine();
        engine.Init(true, rsa);
        var c = new BigInteger(1, engine.ProcessBlock(encoded(k), 0, k));
        byte[] pkesk = [.. head, (byte)(c.BitLength >> 8), (byte)c.BitLength, .. c.ToByteArrayUnsigned()];
        int len = pkesk.Length;
        byte[] header = len < 192 ? [0xC1, (byte)len] : [0xC1, (byte)(((len - 192) >> 8) + 192), (byte)((len - 192) & 0xFF)];
        return [.. header, .. pkesk, .. message.AsSpan(body + pkeskLength).ToArray()];
    }

    [Fact]
    public void Rsa_v6_pkesk_bad_padding_and_bad_checksum_fail_like_modified_seipd_v2_data()
    {
        // RFC 9580 sections 5.1.2 and 13.5: a v6 PKESK has no cipher octet; the key size comes from the SEIPD v2 packet.
        var message = Encrypt(TestData.Random(3000), RsaBob.Certificate, EncryptionFormat.SeipdV2);
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        byte[] V6Payload(bool goodChecksum) => SessionKeyPayload(0, key, goodChecksum)[1..];
        var failures = new List<(string, Exception)>
        {
            ("block type 1", Failure(WithCraftedV6Pkesk(message, k => Pkcs1(k, V6Payload(true), blockType: 1)), RsaBob)),
            ("bad checksum", Failure(WithCraftedV6Pkesk(message, k => Pkcs1(k, V6Payload(false))), RsaBob)),
            ("key of another size", Failure(WithCraftedV6Pkesk(message, k => Pkcs1(k, V6Payload(true)[8..])), RsaBob)),
            ("well-formed wrong key", Failure(WithCraftedV6Pkesk(message, k => Pkcs1(k, V6Payload(true))), RsaBob)),
            ("modified data", Failure(Flip(message, message.Length - 1), RsaBob)),
        };
        AllAlike(failures);
    }

    [Fact]
    public void Rsa_implicit_rejection_does_not_hide_the_real_key()
    {
        // A crafted PKESK first, the real one after it, for the same key: the quick check picks the real key.
        var message = Encrypt(TestData.Random(3000), RsaBob.Certificate, EncryptionFormat.SeipdV1);
        var crafted = WithCraftedPkesk(message, k => Pkcs1(k, [1, 2, 3], blockType: 1));
        var output = new MemoryStream();
        pgp.Decrypt(new MemoryStream(Combine(crafted, message)), output, new DecryptOptions { Keys = { RsaBob } });
        Assert.Equal(TestData.Random(3000), output.ToArray());
    }

    /// <summary>The crafted message's PKESK, then the whole original message (its real PKESK and data).</summary>
    private static byte[] Combine(byte[] crafted, byte[] original)
    {
        bool twoOctets = crafted[1] >= 192;
        int length = twoOctets ? ((crafted[1] - 192) << 8) + crafted[2] + 192 : crafted[1];
        return [.. crafted.AsSpan(0, (twoOctets ? 3 : 2) + length).ToArray(), .. original];
    }
}
