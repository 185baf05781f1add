using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace CryptoMail.Core.Tests.Legacy;

/// <summary>v3 (PGP 2.6 / 5.x) RSA certificates: the key packet written by hand from a BouncyCastle RSA key pair
/// (RFC 4880 section 5.5.2: version 3, creation time, validity days, algorithm, n, e) and its user ID self-signed by
/// BouncyCastle's v3 signature generator (section 5.2.4: the key framed as 0x99 + length, the user ID without prefix).
/// They are read, identified by MD5(n || e) and the low 64 bits of n (section 12.2), verify signatures under the
/// legacy policy, are refused with a reason by default, and are never encrypted to (RFC 9580 section 5.5.2.1).</summary>
public sealed class V3KeyTests
{
    private const string UserId = "Phil's old key <pgp26@example.org>";
    private const int ValidityDays = 3650;
    // BouncyCastle dates its v3 signatures now, so the key is dated a few years back, not to 1997: its self-signature
    // must fall within its validity period.
    private static readonly DateTimeOffset Created = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly Lazy<RsaPrivateCrtKeyParameters> Rsa = new(() =>
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), new SecureRandom(), 1024, 80));
        return (RsaPrivateCrtKeyParameters)generator.GenerateKeyPair().Private;
    });

    private readonly OpenPgp pgp = new();

    private static byte[] Unsigned(BigInteger value) => value.ToByteArrayUnsigned();

    private static void WriteMpi(Stream s, byte[] value)
    {
        s.WriteByte((byte)(value.Length * 8 - LeadingZeroBits(value[0]) >> 8));
        s.WriteByte((byte)(value.Length * 8 - LeadingZeroBits(value[0])));
        s.Write(value);
    }

    private static int LeadingZeroBits(byte b) => System.Numerics.BitOperations.LeadingZeroCount((uint)b) - 24;

    /// <summary>The v3 public key packet body.</summary>
    private static byte[] KeyBody(int algorithm = 1, byte[]? modulus = null, ushort days = ValidityDays)
    {
        using var ms = new MemoryStream();
        ms.WriteByte(3);
        var four = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(four, (uint)Created.ToUnixTimeSeconds());
        ms.Write(four);
        ms.WriteByte((byte)(days >> 8));
        ms.WriteByte((byte)days);
        ms.WriteByte((byte)algorithm);
        WriteMpi(ms, modulus ?? Unsigned(Rsa.Value.Modulus));
        WriteMpi(ms, Unsigned(Rsa.Value.PublicExponent));
        return ms.ToArray();
    }

    /// <summary>An old-format packet (what PGP 2.6 wrote) with a two-octet length.</summary>
    private static byte[] Packet(int tag, byte[] body) =>
        [(byte)(0x80 | (tag << 2) | 1), (byte)(body.Length >> 8), (byte)body.Length, .. body];

    private static long KeyId => BinaryPrimitives.ReadInt64BigEndian(Unsigned(Rsa.Value.Modulus).AsSpan()[^8..]);

    private static PgpPrivateKey PrivateKey => new(KeyId, null, Rsa.Value);

    /// <summary>A v3 positive certification of the user ID; <paramref name="v4Framing"/> hashes the user ID with the
    /// 0xB4 prefix that only v4 certifications use.</summary>
    private static byte[] SelfSignature(byte[] keyBody, bool v4Framing = false)
    {
        var generator = new PgpV3SignatureGenerator(PublicKeyAlgorithmTag.RsaGeneral, HashAlgorithmTag.Sha256);
        generator.InitSign(PgpSignature.PositiveCertification, PrivateKey);
        generator.Update([0x99, (byte)(keyBody.Length >> 8), (byte)keyBody.Length]);
        generator.Update(keyBody);
        var uid = Encoding.UTF8.GetBytes(UserId);
        if (v4Framing)
        {
            var head = new byte[5];
            head[0] = 0xB4;
            BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(1), (uint)uid.Length);
            generator.Update(head);
        }
        generator.Update(uid);
        return generator.Generate().GetEncoded();
    }

    private static byte[] CertificateBytes(byte[] keyBody, bool v4Framing = false) =>
        [.. Packet(6, keyBody), .. Packet(13, Encoding.UTF8.GetBytes(UserId)), .. SelfSignature(keyBody, v4Framing)];

    private static byte[] DataSignature(byte[] data)
    {
        var generator = new PgpV3SignatureGenerator(PublicKeyAlgorithmTag.RsaGeneral, HashAlgorithmTag.Sha256);
        generator.InitSign(PgpSignature.BinaryDocument, PrivateKey);
        generator.Update(data);
        return generator.Generate().GetEncoded();
    }

    private SignatureVerification Verify(byte[] data, byte[] signature, Certificate certificate, OpenPgpPolicy policy)
    {
        var result = pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(signature), new VerifyOptions { Verifiers = { certificate }, Policy = policy });
        return Assert.Single(result.Signatures);
    }

    [Fact]
    public void A_v3_key_is_identified_by_MD5_of_n_and_e_and_the_low_64_bits_of_n()
    {
        var certificate = Certificate.Parse(CertificateBytes(KeyBody()));

        var n = Unsigned(Rsa.Value.Modulus);
        var e = Unsigned(Rsa.Value.PublicExponent);
#pragma warning disable CA5351 // the v3 fingerprint is MD5 by definition (RFC 4880 section 12.2)
        var expected = MD5.HashData([.. n, .. e]);
#pragma warning restore CA5351
        Assert.Equal(3, certificate.Version);
        Assert.Equal(Convert.ToHexString(expected), certificate.Fingerprint, ignoreCase: true);
        Assert.Equal(32, certificate.Fingerprint.Length);
        Assert.Equal(Convert.ToHexString(n[^8..]), certificate.KeyId, ignoreCase: true);
        Assert.Equal(KeyAlgorithm.Rsa, certificate.PrimaryKey.Algorithm);
        Assert.Equal(1024, certificate.PrimaryKey.BitStrength);
        Assert.Equal(Created, certificate.PrimaryKey.CreationTime);
        Assert.Equal(Created.AddDays(ValidityDays), certificate.PrimaryKey.ExpirationTime);
    }

    [Fact]
    public void A_v3_key_without_a_validity_period_does_not_expire_and_one_past_it_has_expired()
    {
        var forever = Certificate.Parse(CertificateBytes(KeyBody(days: 0)));
        Assert.Null(forever.PrimaryKey.ExpirationTime);

        var certificate = Certificate.Parse(CertificateBytes(KeyBody()));
        var late = certificate.Validate(OpenPgpPolicy.Legacy, Created.AddDays(ValidityDays + 1));
        Assert.Contains(late.PrimaryKey.Reasons, r => r.Reason == ValidationReason.Expired);
        Assert.True(certificate.Validate(OpenPgpPolicy.Legacy, Now).PrimaryKey.IsValid);
    }

    [Fact]
    public void The_v3_self_signature_binds_the_user_ID_under_legacy_and_the_v4_user_ID_framing_does_not()
    {
        var certificate = Certificate.Parse(CertificateBytes(KeyBody()));
        var legacy = certificate.Validate(OpenPgpPolicy.Legacy, Now);
        Assert.True(legacy.PrimaryKey.IsValid, string.Join("; ", legacy.PrimaryKey.Reasons.Select(r => r.Message)));
        Assert.Equal(UserId, Assert.Single(legacy.UserIds, u => u.IsValid).UserId);
        // RSA (1) without key flags: it certifies and signs; encryption is withheld from every v3 key.
        Assert.True(legacy.PrimaryKey.IsUsableFor(KeyUsage.Sign));
        Assert.Equal(KeyUsage.None, legacy.PrimaryKey.Key.Usage & (KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage));

        // The same signature computed over the user ID with the v4 prefix does not verify: the v3 rule is applied.
        var wrong = Certificate.Parse(CertificateBytes(KeyBody(), v4Framing: true)).Validate(OpenPgpPolicy.Legacy, Now);
        Assert.False(wrong.PrimaryKey.IsValid);
        Assert.DoesNotContain(wrong.UserIds, u => u.IsValid);
    }

    [Fact]
    public void A_v3_signature_by_a_v3_key_is_good_under_legacy_refused_by_default_with_the_reason_and_bad_when_tampered()
    {
        var certificate = Certificate.Parse(CertificateBytes(KeyBody(days: 0)));
        var data = Encoding.UTF8.GetBytes("signed with PGP 2.6.2\n");
        var signature = DataSignature(data);

        var legacy = Verify(data, signature, certificate, OpenPgpPolicy.Legacy);
        Assert.Equal(SignatureStatus.Good, legacy.Status);
        Assert.Equal(certificate.Fingerprint, legacy.SignerFingerprint, ignoreCase: true);
        Assert.Equal(OpenPgpHashAlgorithm.Sha256, legacy.HashAlgorithm);

        // RSA-1024 is below the default minimum: refused with the reason, not "unknown key" and not "bad".
        var byDefault = Verify(data, signature, certificate, OpenPgpPolicy.Default);
        Assert.Equal(SignatureStatus.WeakAlgorithm, byDefault.Status);
        Assert.Equal(ValidationReason.WeakKey, byDefault.RejectionReason);
        Assert.False(string.IsNullOrEmpty(byDefault.Reason));

        var tampered = (byte[])data.Clone();
        tampered[0] ^= 1;
        Assert.Equal(SignatureStatus.Bad, Verify(tampered, signature, certificate, OpenPgpPolicy.Legacy).Status);
    }

    [Fact]
    public void Nothing_is_encrypted_to_a_v3_key()
    {
        var certificate = Certificate.Parse(CertificateBytes(KeyBody(days: 0)));
        var e = Assert.Throws<KeyNotUsableException>(() => pgp.Encrypt(new MemoryStream(Encoding.UTF8.GetBytes("hello")), new MemoryStream(),
            new EncryptOptions { Recipients = { certificate }, Policy = OpenPgpPolicy.Legacy }));
        var unusable = Assert.Single(e.UnusableCertificates);
        Assert.Equal(certificate.Fingerprint, unusable.Certificate.Fingerprint);
        Assert.NotEmpty(unusable.Reasons);
    }

    [Fact]
    public void Malformed_v3_key_packets_give_typed_errors()
    {
        var body = KeyBody();
        // Truncated anywhere: in the header, in n, in e.
        foreach (int length in new[] { 6, 7, 9, 40, body.Length - 1 })
            Assert.Throws<MalformedDataException>(() => Certificate.Parse(Packet(6, body[..length])));

        // DSA (17) in a v3 key: v3 keys are RSA only, and the error says which algorithm.
        var dsa = (byte[])body.Clone();
        dsa[7] = 17;
        var unsupported = Assert.Throws<MalformedDataException>(() => Certificate.Parse(Packet(6, dsa)));
        Assert.Contains("17", unsupported.Message, StringComparison.Ordinal);

        // A modulus above the 16,384-bit limit is refused before any arithmetic.
        var huge = new byte[16384 / 8 + 1];
        huge[0] = 1;
        huge[^1] = 1;
        Assert.Throws<LimitExceededException>(() => Certificate.Parse(Packet(6, KeyBody(modulus: huge))));

        // A modulus too short to hold the 64-bit key ID.
        Assert.Throws<MalformedDataException>(() => Certificate.Parse(Packet(6, KeyBody(modulus: [0xC5, 1, 2, 3]))));
    }
}
