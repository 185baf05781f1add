using CryptoMail.Core.Tests.Aead;

namespace CryptoMail.Core.Tests.Packets;

/// <summary>S2K usage 253 (RFC 9580 section 5.5.3): the locked key of Appendix A.5 opens to the material of the
/// unlocked key of Appendix A.4, a wrong passphrase or a key moved under another public key is a bad-passphrase
/// error, and sealing round-trips.</summary>
public class SecretKeyAeadTests
{
    private const string A5Passphrase = "correct horse battery staple";

    [VectorTheory]
    [InlineData(5)]
    [InlineData(7)]
    public void Appendix_A5_locked_key_opens_to_the_material_of_A4(int tag)
    {
        var locked = KeyPacket("A5_v6_locked_tsk.asc", tag);
        var clear = KeyPacket("A4_v6_tsk.asc", tag);
        // v6 key: version, time (4), algorithm, material length (4), public material (32 for Ed25519 and X25519).
        const int publicLength = 1 + 4 + 1 + 4 + 32;
        var publicBody = locked[..publicLength];
        Assert.Equal(publicBody, clear[..publicLength]);
        Assert.Equal(253, locked[publicLength]);
        Assert.Equal(0, clear[publicLength]);
        // usage, field count, cipher, AEAD, S2K length, S2K, IV, then sealed material.
        int pos = publicLength + 2;
        byte cipher = locked[pos++];
        var aead = (AeadAlgorithm)locked[pos++];
        int s2kLength = locked[pos++];
        int s2kEnd = pos + s2kLength;
        var s2k = S2kSpec.Parse(locked, ref pos);
        Assert.Equal(s2kEnd, pos);
        Assert.Equal(S2kType.Argon2, s2k.Type);
        var iv = locked[pos..(pos + AeadSuite.NonceSize(aead))];
        var sealedMaterial = locked[(pos + iv.Length)..];

        var material = SecretKeyAead.Decrypt(System.Text.Encoding.UTF8.GetBytes(A5Passphrase), s2k, (byte)tag, 6, cipher, aead, iv, publicBody, sealedMaterial, 2L << 30);
        Assert.Equal(clear[(publicLength + 1)..], material);

        // The same material sealed again opens again; under another packet tag (so another HKDF info and associated
        // data) it does not.
        var spec = S2kSpec.NewIterated(0x10);
        var resealed = SecretKeyAead.Encrypt("other"u8, spec, (byte)tag, 6, cipher, aead, iv, publicBody, material);
        Assert.Equal(material, SecretKeyAead.Decrypt("other"u8, spec, (byte)tag, 6, cipher, aead, iv, publicBody, resealed, long.MaxValue));
        byte otherTag = (byte)(tag == 5 ? 7 : 5);
        Assert.Throws<BadPassphraseException>(() => SecretKeyAead.Decrypt("other"u8, spec, otherTag, 6, cipher, aead, iv, publicBody, resealed, long.MaxValue));
    }

    [Fact]
    public void Sealed_material_is_bound_to_passphrase_public_key_and_packet_tag()
    {
        var s2k = S2kSpec.NewIterated(0x10);
        var iv = new byte[15];
        var publicBody = Enumerable.Range(0, 42).Select(i => (byte)i).ToArray();
        var material = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
        var sealedMaterial = SecretKeyAead.Encrypt("pw"u8, s2k, 5, 6, 9, AeadAlgorithm.Ocb, iv, publicBody, material);
        Assert.Equal(material, SecretKeyAead.Decrypt("pw"u8, s2k, 5, 6, 9, AeadAlgorithm.Ocb, iv, publicBody, sealedMaterial, long.MaxValue));

        Assert.Throws<BadPassphraseException>(() => SecretKeyAead.Decrypt("pX"u8, s2k, 5, 6, 9, AeadAlgorithm.Ocb, iv, publicBody, sealedMaterial, long.MaxValue));
        var otherPublic = (byte[])publicBody.Clone();
        otherPublic[^1] ^= 1;
        Assert.Throws<BadPassphraseException>(() => SecretKeyAead.Decrypt("pw"u8, s2k, 5, 6, 9, AeadAlgorithm.Ocb, iv, otherPublic, sealedMaterial, long.MaxValue));
        Assert.Throws<BadPassphraseException>(() => SecretKeyAead.Decrypt("pw"u8, s2k, 7, 6, 9, AeadAlgorithm.Ocb, iv, publicBody, sealedMaterial, long.MaxValue));
        Assert.Throws<MalformedDataException>(() => SecretKeyAead.Decrypt("pw"u8, s2k, 5, 6, 9, AeadAlgorithm.Ocb, iv, publicBody, sealedMaterial.AsSpan(0, 10), long.MaxValue));
    }

    /// <summary>The body of the first packet with <paramref name="tag"/> in an armored vector.</summary>
    private static byte[] KeyPacket(string file, int tag)
    {
        var binary = new MemoryStream();
        OpenPgpArmor.Dearmor(new MemoryStream(SharedVectors.Read(file)), binary);
        var b = binary.ToArray();
        int pos = 0;
        while (pos < b.Length)
        {
            int packetTag = b[pos] & 0x3F;
            int first = b[pos + 1];
            int headerLength = first < 192 ? 2 : first < 224 ? 3 : 6;
            int length = first < 192 ? first
                : first < 224 ? ((first - 192) << 8) + b[pos + 2] + 192
                : System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(pos + 2, 4));
            if (packetTag == tag) return b[(pos + headerLength)..(pos + headerLength + length)];
            pos += headerLength + length;
        }
        throw new InvalidOperationException($"No packet with tag {tag} in {file}.");
    }
}
