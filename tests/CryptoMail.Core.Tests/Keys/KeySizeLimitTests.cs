using PacketTag = CryptoMail.Core.Types.PacketTag;
using System.Buffers.Binary;
using System.Text;
using Org.BouncyCastle.Bcpg;

namespace CryptoMail.Core.Tests.Keys;

/// <summary>Public keys too large to compute with (issue #13, class 9) are refused where every certificate source reads
/// key packets, before any modular arithmetic: RFC 9580 section 5.5.5.1 (RSA), 5.5.5.2 (DSA) and 5.5.5.3 (ElGamal)
/// define the material as MPIs (section 3.2) of any length, so the bound is ours. Nothing here may reach a signature
/// check: the crafted self-signature would cost minutes with a 40,000-bit exponent, so a test that hangs means the
/// bound is gone.</summary>
public sealed class KeySizeLimitTests : IDisposable
{
    private static readonly DateTimeOffset Created = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string root = Directory.CreateTempSubdirectory("cmkeysize-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void A_32k_bit_rsa_modulus_with_a_40k_bit_exponent_is_refused_by_certificate_parsing()
    {
        var (cert, _) = OversizedRsaCertificate();

        var e = Assert.Throws<LimitExceededException>(() => Certificate.Parse(cert));
        Assert.Contains("RSA modulus of 32768 bits", e.Message, StringComparison.Ordinal);
        var armored = ArmorWriter.ToArmoredString(cert, ArmorKind.PublicKey, writeCrc: true);
        Assert.Throws<LimitExceededException>(() => Certificate.Parse(armored));
        Assert.Throws<LimitExceededException>(() => SecretKey.ParseAll(cert));
    }

    [Fact]
    public void An_autocrypt_header_carrying_an_oversized_key_does_not_parse()
    {
        // Autocrypt Level 1 caps a header at 10 KiB, so this key is smaller than the one above, still past both bounds.
        var (cert, _) = OversizedRsaCertificate(modulusBits: 16400, exponentBits: 24000, signatureBits: 16000);
        string value = "addr=mallory@example.org; keydata=" + Convert.ToBase64String(cert);
        Assert.True(value.Length < 10 * 1024);

        Assert.False(AutocryptHeader.TryParse(value, out _));
        Assert.Throws<LimitExceededException>(() => Certificate.Parse(cert));
    }

    [Fact]
    public void A_cert_d_entry_holding_the_oversized_key_is_unreadable_and_skipped_by_scans()
    {
        var (cert, fingerprint) = OversizedRsaCertificate();
        var store = new CertificateDirectory(Path.Combine(root, "pgp.cert.d"));
        var path = store.GetPath(fingerprint);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, cert);

        var e = Assert.Throws<MalformedDataException>(() => store.GetCertificate(fingerprint));
        Assert.IsType<LimitExceededException>(e.InnerException);
        Assert.Empty(store.GetAllCertificates());
    }

    [Fact]
    public void A_gnupg_key_ring_skips_the_oversized_key_and_keeps_the_others()
    {
        var (cert, _) = OversizedRsaCertificate();
        var good = new OpenPgp().GenerateKey("Alice <alice@example.org>").Certificate;
        var home = Path.Combine(root, "gnupg");
        Directory.CreateDirectory(home);
        File.WriteAllBytes(Path.Combine(home, "pubring.gpg"), cert.Concat(good.Export()).ToArray());

        var all = new GnuPGHome(home).GetAllCertificates();

        Assert.Equal(good.Fingerprint, Assert.Single(all).Fingerprint);
    }

    [Theory]
    [InlineData(16384, 17, true)]
    [InlineData(16385, 17, false)]
    [InlineData(2048, 256, true)]
    [InlineData(2048, 257, false)]
    public void Rsa_bounds_are_16384_modulus_bits_and_256_exponent_bits(int modulusBits, int exponentBits, bool accepted)
    {
        var material = Material(Number(modulusBits), Number(exponentBits));
        var body = KeyBody(PublicKeyAlgorithmTag.RsaGeneral, material);

        if (accepted) Assert.Equal(PublicKeyAlgorithmTag.RsaGeneral, KeyPacket.Parse(body, out _).Algorithm);
        else Assert.Throws<LimitExceededException>(() => KeyPacket.Parse(body, out _));
    }

    [Theory]
    [InlineData(3072, 256, true)]
    [InlineData(3072, 160, true)]
    [InlineData(3072, 1024, false)]
    [InlineData(3072, 100, false)]
    [InlineData(16448, 256, false)]
    public void Dsa_q_must_be_160_224_or_256_bits_and_p_at_most_16384(int pBits, int qBits, bool accepted)
    {
        var material = Material(Number(pBits), Number(qBits), Number(pBits - 8), Number(pBits - 8));
        var body = KeyBody(PublicKeyAlgorithmTag.Dsa, material);

        if (accepted) Assert.Equal(PublicKeyAlgorithmTag.Dsa, KeyPacket.Parse(body, out _).Algorithm);
        else Assert.Throws<LimitExceededException>(() => KeyPacket.Parse(body, out _));
    }

    [Fact]
    public void An_elgamal_public_value_larger_than_its_prime_or_an_oversized_prime_is_refused()
    {
        Assert.Throws<LimitExceededException>(() =>
            KeyPacket.Parse(KeyBody(PublicKeyAlgorithmTag.ElGamalEncrypt, Material(Number(2048), Number(8), Number(40000))), out _));
        Assert.Throws<LimitExceededException>(() =>
            KeyPacket.Parse(KeyBody(PublicKeyAlgorithmTag.ElGamalEncrypt, Material(Number(20000), Number(8), Number(19000))), out _));
        Assert.NotNull(KeyPacket.Parse(KeyBody(PublicKeyAlgorithmTag.ElGamalEncrypt, Material(Number(4096), Number(8), Number(4000))), out _));
    }

    /// <summary>A v4 certificate whose RSA primary key has (by default) a 32,768-bit modulus and a 40,000-bit exponent, with a user ID
    /// and a positive self-certification naming the key as issuer, so a reader that accepted the key would go on to
    /// check the signature (s^e mod n with these sizes: minutes of work).</summary>
    private static (byte[] Certificate, string Fingerprint) OversizedRsaCertificate(int modulusBits = 32768, int exponentBits = 40000,
        int signatureBits = 32760)
    {
        var keyBody = KeyBody(PublicKeyAlgorithmTag.RsaGeneral, Material(Number(modulusBits), Number(exponentBits)));
        var fingerprint = KeyPacket.ComputeFingerprint(4, keyBody);
        var uid = Encoding.UTF8.GetBytes("Mallory <mallory@example.org>");
        var issuerFpr = new byte[21];
        issuerFpr[0] = 4;
        fingerprint.CopyTo(issuerFpr, 1);
        var hashed = Subpacket.EncodeArea(new[]
        {
            Subpacket.Time(SubpacketType.CreationTime, Created),
            new Subpacket(SubpacketType.KeyFlags, false, new byte[] { 0x0F }),
            new Subpacket(SubpacketType.IssuerFingerprint, false, issuerFpr),
        });
        using var sig = new MemoryStream();
        sig.Write(new byte[] { 4, 0x13, (byte)PublicKeyAlgorithmTag.RsaGeneral, (byte)HashAlgorithmTag.Sha256, (byte)(hashed.Length >> 8), (byte)hashed.Length });
        sig.Write(hashed);
        sig.Write(new byte[] { 0, 0, 0x12, 0x34 }); // no unhashed subpackets; the left 16 bits of the digest
        Mpi.Write(sig, Number(signatureBits));

        using var ms = new MemoryStream();
        PacketWriter.WritePacket(ms, (PacketTag)(6), keyBody);
        PacketWriter.WritePacket(ms, (PacketTag)(13), uid);
        PacketWriter.WritePacket(ms, (PacketTag)(2), sig.ToArray());
        return (ms.ToArray(), Hex.Of(fingerprint));
    }

    private static byte[] KeyBody(PublicKeyAlgorithmTag algorithm, byte[] material)
    {
        var body = new byte[6 + material.Length];
        body[0] = 4;
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)Created.ToUnixTimeSeconds());
        body[5] = (byte)algorithm;
        material.CopyTo(body, 6);
        return body;
    }

    private static byte[] Material(params byte[][] numbers)
    {
        using var ms = new MemoryStream();
        foreach (var n in numbers) Mpi.Write(ms, n);
        return ms.ToArray();
    }

    /// <summary>An odd number of exactly <paramref name="bits"/> bits (top bit set), pseudo-random in between.</summary>
    private static byte[] Number(int bits)
    {
        var bytes = new byte[(bits + 7) / 8];
        new Random(bits).NextBytes(bytes);
        int top = (bits - 1) % 8;
        bytes[0] = (byte)((bytes[0] & ((1 << top) - 1)) | (1 << top));
        bytes[^1] |= 1;
        return bytes;
    }
}
