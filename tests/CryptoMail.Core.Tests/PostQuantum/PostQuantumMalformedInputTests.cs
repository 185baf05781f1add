using CryptoMail.Core.Crypto.PostQuantum;
using CryptoMail.Core.Tests.Aead;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.PostQuantum;

/// <summary>Malformed post-quantum input gives typed errors (or a plain "bad signature" / "no key"), never a runtime or
/// BouncyCastle exception: key material of the wrong length, algorithms in a key version RFC 9980 forbids, ML-KEM
/// ciphertexts of the wrong size, and composite signatures with one half wrong.</summary>
public class PostQuantumMalformedInputTests
{
    private readonly OpenPgp pgp = new();

    public static TheoryData<int> AllAlgorithms => new() { 30, 31, 32, 33, 34, 35, 36 };

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public void Public_key_material_of_the_wrong_length_is_malformed(int algorithm)
    {
        var a = (PublicKeyAlgorithmId)algorithm;
        int n = PqAlgorithms.PublicLength(a);
        var material = new byte[n + 1];
        // One octet short: the v6 packet's own length field agrees, the algorithm's fixed size does not.
        Assert.Throws<MalformedDataException>(() => KeyPacket.Create(6, DateTimeOffset.UnixEpoch, a, material.AsSpan(0, n - 1)));
        // One octet too many.
        Assert.Throws<MalformedDataException>(() => KeyPacket.Create(6, DateTimeOffset.UnixEpoch, a, material));
        Assert.Throws<MalformedDataException>(() => KeyMaterial.Public(a, material));
        Assert.Throws<MalformedDataException>(() => KeyMaterial.Public(a, material.AsSpan(0, n - 1)));
    }

    [Theory]
    [MemberData(nameof(AllAlgorithms))]
    public void Secret_key_material_of_the_wrong_length_is_malformed_and_of_another_key_does_not_match(int algorithm)
    {
        var a = (PublicKeyAlgorithmId)algorithm;
        var one = KeyMaterial.PostQuantum(a);
        var other = KeyMaterial.PostQuantum(a);
        var pub = KeyMaterial.Public(a, one.Public);
        Assert.NotNull(KeyMaterial.Private(a, pub, one.Secret));
        Assert.Throws<MalformedDataException>(() => KeyMaterial.Private(a, pub, one.Secret.AsSpan(0, one.Secret.Length - 1)));
        Assert.Throws<MalformedDataException>(() => KeyMaterial.Private(a, pub, one.Secret.Concat(new byte[1]).ToArray()));
        // Another key's secret: both halves are checked against the public key (the key-overwriting defence).
        Assert.Null(KeyMaterial.Private(a, pub, other.Secret));
        if (PqAlgorithms.EccKeyLength(a) > 0)
        {
            // Only the elliptic-curve half swapped in.
            var mixed = other.Secret.Take(PqAlgorithms.EccKeyLength(a)).Concat(one.Secret.Skip(PqAlgorithms.EccKeyLength(a))).ToArray();
            Assert.Null(KeyMaterial.Private(a, pub, mixed));
        }
    }

    [Theory]
    [InlineData(30)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(36)]
    public void Algorithms_defined_for_v6_keys_only_are_refused_in_v4_keys(int algorithm)
    {
        var a = (PublicKeyAlgorithmId)algorithm;
        var material = KeyMaterial.PostQuantum(a).Public;
        Assert.Throws<UnsupportedPacketException>(() => KeyPacket.Create(4, DateTimeOffset.UnixEpoch, a, material));
        // ML-KEM-768+X25519 is the one RFC 9980 algorithm a v4 key may carry.
        Assert.Equal(4, KeyPacket.Create(4, DateTimeOffset.UnixEpoch, PublicKeyAlgorithmId.MlKem768X25519,
            KeyMaterial.PostQuantum(PublicKeyAlgorithmId.MlKem768X25519).Public).Version);
    }

    /// <summary>FIPS 203 section 7.2 (encapsulation key check): every 12-bit coefficient decoded from the ML-KEM key's
    /// t vector must be below q = 3329. The ECC part comes first in the material, then t (k * 384 octets, two
    /// coefficients in three octets, little-endian), then rho.</summary>
    [Theory]
    [InlineData(35, 3)]
    [InlineData(36, 4)]
    public void An_ml_kem_public_key_with_a_coefficient_not_below_q_is_malformed(int algorithm, int k)
    {
        var a = (PublicKeyAlgorithmId)algorithm;
        var good = KeyMaterial.PostQuantum(a).Public;
        int t = PqAlgorithms.EccKeyLength(a);
        int tEnd = t + k * 384;

        // The first coefficient (octet 0 and the low half of octet 1) at q, at q - 1 and at the 12-bit maximum.
        Assert.Throws<MalformedDataException>(() => KeyMaterial.Public(a, WithCoefficient(good, t, first: true, 3329)));
        Assert.Throws<MalformedDataException>(() => KeyMaterial.Public(a, WithCoefficient(good, t, first: true, 4095)));
        Assert.NotNull(KeyMaterial.Public(a, WithCoefficient(good, t, first: true, 3328)));
        // The last coefficient of t (the high half of octet tEnd - 2 and octet tEnd - 1), just before rho.
        Assert.Throws<MalformedDataException>(() => KeyMaterial.Public(a, WithCoefficient(good, tEnd - 3, first: false, 3329)));
        Assert.NotNull(KeyMaterial.Public(a, WithCoefficient(good, tEnd - 3, first: false, 3328)));
        // rho is 32 random octets, not coefficients: any value is fine there.
        var rho = (byte[])good.Clone();
        rho.AsSpan(tEnd).Fill(0xFF);
        Assert.NotNull(KeyMaterial.Public(a, rho));
    }

    /// <summary>A copy of <paramref name="material"/> with one coefficient of the three-octet group at
    /// <paramref name="at"/> set to <paramref name="value"/>.</summary>
    private static byte[] WithCoefficient(byte[] material, int at, bool first, int value)
    {
        var copy = (byte[])material.Clone();
        if (first)
        {
            copy[at] = (byte)value;
            copy[at + 1] = (byte)((copy[at + 1] & 0xF0) | (value >> 8));
        }
        else
        {
            copy[at + 1] = (byte)((copy[at + 1] & 0x0F) | ((value & 0x0F) << 4));
            copy[at + 2] = (byte)(value >> 4);
        }
        return copy;
    }

    [Theory]
    [InlineData(35, 3)]
    [InlineData(35, 6)]
    [InlineData(36, 6)]
    public void Pkesk_fields_of_the_wrong_size_are_malformed_and_wrong_ciphertexts_do_not_open(int algorithm, int version)
    {
        var a = (PublicKeyAlgorithmId)algorithm;
        var pair = KeyMaterial.PostQuantum(a);
        var pub = KeyMaterial.Public(a, pair.Public);
        using var sessionKey = new SessionKeyMaterial((int)SymmetricAlgorithmId.Aes256, new byte[32]);
        var fields = CompositeKem.Encrypt(pub, sessionKey, version);
        var opened = CompositeKem.Decrypt(fields, pair.Private, a, version);
        Assert.NotNull(opened);
        Assert.Equal(sessionKey.Key, opened.Key);
        Assert.Equal(version == 3 ? 9 : 0, opened.Algorithm);

        int e = PqAlgorithms.EccKeyLength(a), c = PqAlgorithms.MlKemCiphertextLength(a);
        // An ML-KEM ciphertext one octet short (the length octet then points past the end).
        var shortCt = fields.Take(e + c - 1).Concat(fields.Skip(e + c)).ToArray();
        Assert.Throws<MalformedDataException>(() => CompositeKem.Decrypt(shortCt, pair.Private, a, version));
        // Truncated anywhere, or one octet appended.
        foreach (int cut in new[] { 0, e, e + c, fields.Length - 1 })
            Assert.Throws<MalformedDataException>(() => CompositeKem.Decrypt(fields.AsSpan(0, cut), pair.Private, a, version));
        Assert.Throws<MalformedDataException>(() => CompositeKem.Decrypt(fields.Concat(new byte[1]).ToArray(), pair.Private, a, version));

        // Right sizes, wrong contents: either ciphertext changed gives another key-encryption key, so the wrap does not open.
        foreach (int at in new[] { 3, e + 5, fields.Length - 3 })
        {
            var changed = (byte[])fields.Clone();
            changed[at] ^= 0x40;
            Assert.Null(CompositeKem.Decrypt(changed, pair.Private, a, version));
        }
        // Another key of the same algorithm does not open it.
        Assert.Null(CompositeKem.Decrypt(fields, KeyMaterial.PostQuantum(a).Private, a, version));
    }

    [Fact]
    public void A_v3_pkesk_to_a_composite_key_refuses_a_cipher_other_than_AES()
    {
        var a = PublicKeyAlgorithmId.MlKem768X25519;
        var pub = KeyMaterial.Public(a, KeyMaterial.PostQuantum(a).Public);
        using var camellia = new SessionKeyMaterial((int)SymmetricAlgorithmId.Camellia256, new byte[32]);
        Assert.Throws<UnusableKeyException>(() => CompositeKem.Encrypt(pub, camellia, 3));
    }

    [Fact]
    public void A_message_whose_ml_kem_ciphertext_was_shortened_is_a_no_key_error()
    {
        var key = TestKeys.Get("V6MlDsa65Ed25519", "grace");
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream("short"u8.ToArray()), ct, new EncryptOptions { Recipients = { key.Certificate } });
        var packets = Rfc9980VectorTests.Packets(ct.ToArray()).ToList();
        Assert.Equal(1, packets[0].Tag);
        var body = packets[0].Body;
        // v6 PKESK: version, size, key version, 32-octet fingerprint, algorithm; then 32 octets of X25519 ciphertext.
        int fieldsStart = 2 + body[1] + 1;
        var shortened = body.Take(fieldsStart + 32 + 100).Concat(body.Skip(fieldsStart + 32 + 101)).ToArray();
        var rebuilt = new MemoryStream();
        PacketWriter.WritePacket(rebuilt, PacketTag.PublicKeyEncryptedSessionKey, shortened);
        foreach (var (tag, rest) in packets.Skip(1)) PacketWriter.WritePacket(rebuilt, (PacketTag)tag, rest);

        var e = Record.Exception(() => pgp.Decrypt(new MemoryStream(rebuilt.ToArray()), new MemoryStream(), new DecryptOptions { Keys = { key } }));
        Assert.IsType<NoDecryptionKeyException>(e);
    }

    [Theory]
    [InlineData("v6-mldsa-65", 64 + 3309, 64)]
    [InlineData("v6-mldsa-87", 114 + 4627, 114)]
    public void A_composite_signature_with_either_half_wrong_is_bad(string set, int signatureLength, int edDsaLength)
    {
        var cert = Rfc9980Vectors.Certificate(set);
        var binary = new MemoryStream();
        OpenPgpArmor.Dearmor(new MemoryStream(Rfc9980Vectors.Read(set + "-sample-signature.asc")), binary);
        var signature = binary.ToArray();
        int start = signature.Length - signatureLength;
        foreach (int at in new[] { start + 5, start + edDsaLength - 1, start + edDsaLength + 7, signature.Length - 20 })
        {
            var changed = (byte[])signature.Clone();
            changed[at] ^= 0x01;
            var result = pgp.VerifyDetached(new MemoryStream(Rfc9980Vectors.Testing), new MemoryStream(changed), new VerifyOptions { Verifiers = { cert } });
            Assert.Equal(SignatureStatus.Bad, Assert.Single(result.Signatures).Status);
        }
    }

    [Theory]
    [InlineData(30)]
    [InlineData(31)]
    [InlineData(33)]
    public void Signature_fields_are_checked_half_by_half_and_by_length_and_hash_size(int algorithm)
    {
        var a = (PublicKeyAlgorithmId)algorithm;
        var pair = KeyMaterial.PostQuantum(a);
        var pub = KeyMaterial.Public(a, pair.Public);
        var digest = System.Security.Cryptography.SHA256.HashData("data"u8);
        var sig = SignatureAlgorithms.Sign(a, pair.Private, HashAlgorithmId.Sha256, digest);
        Assert.Equal(PqAlgorithms.SignatureLength(a), sig.Length);
        Assert.True(SignatureAlgorithms.Verify(a, pub, HashAlgorithmId.Sha256, digest, sig));

        int ed = PqAlgorithms.IsCompositeSignature(a) ? PqAlgorithms.EdDsaSignatureLength(a) : 0;
        foreach (int at in ed > 0 ? new[] { 0, ed + 1 } : new[] { 0, sig.Length - 1 })
        {
            var changed = (byte[])sig.Clone();
            changed[at] ^= 0x80;
            Assert.False(SignatureAlgorithms.Verify(a, pub, HashAlgorithmId.Sha256, digest, changed));
        }
        Assert.False(SignatureAlgorithms.Verify(a, pub, HashAlgorithmId.Sha256, digest, sig.AsSpan(0, sig.Length - 1)));
        Assert.False(SignatureAlgorithms.Verify(a, pub, HashAlgorithmId.Sha256, digest, sig.Concat(new byte[1]).ToArray()));
        // RFC 9980: a digest under 256 bits is refused, even when the signature over it is valid.
        var shortDigest = digest[..20];
        Assert.Throws<UnusableKeyException>(() => SignatureAlgorithms.Sign(a, pair.Private, HashAlgorithmId.Sha1, shortDigest));
        // Another key of the same algorithm does not verify it.
        Assert.False(SignatureAlgorithms.Verify(a, KeyMaterial.Public(a, KeyMaterial.PostQuantum(a).Public), HashAlgorithmId.Sha256, digest, sig));
    }
}
