using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Messages;

public class SeipdV2RoundTripTests
{
    private readonly OpenPgp pgp = new();

    [Theory]
    [InlineData(AeadMode.Ocb, "Curve25519")]
    [InlineData(AeadMode.Gcm, "Rsa3072")]
    [InlineData(AeadMode.Eax, "Curve25519")]
    public void Forced_seipd_v2_round_trips_with_keys_passwords_and_signatures(AeadMode mode, string profile)
    {
        var alice = TestKeys.Get("Curve25519", "alice");
        var bob = TestKeys.Get(profile, "bob");
        var plaintext = TestData.Random(3 * 64 * 1024 + 5);
        var ct = new MemoryStream();
        var enc = pgp.Encrypt(new MemoryStream(plaintext), ct, new EncryptOptions
        {
            Recipients = { bob.Certificate },
            Passwords = { "sesame" },
            EncryptionFormat = EncryptionFormat.SeipdV2,
            Aead = mode,
            AeadChunkSize = 64 * 1024,
            Signing = new SignatureSettings { Signers = { alice } },
        });
        Assert.Equal(IntegrityProtection.SeipdV2, enc.IntegrityProtection);
        Assert.Equal(mode, enc.Aead);

        foreach (var options in new[] { new DecryptOptions { Keys = { bob } }, new DecryptOptions { Passwords = { "sesame" } } })
        {
            options.Verifiers.Add(alice.Certificate);
            var pt = new MemoryStream();
            var dec = pgp.Decrypt(new MemoryStream(ct.ToArray()), pt, options);
            Assert.Equal(plaintext, pt.ToArray());
            Assert.Equal(enc.IntegrityProtection, dec.IntegrityProtection);
            Assert.Equal(enc.Aead, dec.Aead);
            Assert.True(dec.IsVerified);
        }
    }

    [Fact]
    public void Auto_uses_seipd_v2_only_when_every_recipient_announces_it()
    {
        var bob = TestKeys.Get("Curve25519", "bob");
        Assert.True(bob.Certificate.SupportsSeipdV2);
        var both = pgp.Encrypt(new MemoryStream("x"u8.ToArray()), new MemoryStream(), new EncryptOptions { Recipients = { bob.Certificate } });
        Assert.Equal(IntegrityProtection.SeipdV2, both.IntegrityProtection);
        Assert.Equal(AeadMode.Ocb, both.Aead);

        // A certificate made without the SEIPD v2 feature (as GnuPG and older implementations make them).
        var legacy = LegacyCertificate();
        Assert.False(legacy.SupportsSeipdV2);
        var mixed = pgp.Encrypt(new MemoryStream("x"u8.ToArray()), new MemoryStream(), new EncryptOptions { Recipients = { bob.Certificate, legacy } });
        Assert.Equal(IntegrityProtection.SeipdV1, mixed.IntegrityProtection);
        var passwordOnly = pgp.Encrypt(new MemoryStream("x"u8.ToArray()), new MemoryStream(), new EncryptOptions { Passwords = { "p" } });
        Assert.Equal(IntegrityProtection.SeipdV1, passwordOnly.IntegrityProtection);
        Assert.Null(passwordOnly.Aead);
    }

    private static Certificate LegacyCertificate()
    {
        var random = new Org.BouncyCastle.Security.SecureRandom();
        var rsa = new Org.BouncyCastle.Crypto.Generators.RsaKeyPairGenerator();
        rsa.Init(new Org.BouncyCastle.Crypto.KeyGenerationParameters(random, 2048));
        var now = DateTime.UtcNow;
        var primary = new Org.BouncyCastle.Bcpg.OpenPgp.PgpKeyPair(Org.BouncyCastle.Bcpg.PublicKeyAlgorithmTag.RsaGeneral, rsa.GenerateKeyPair(), now);
        var gen = new Org.BouncyCastle.Bcpg.OpenPgp.PgpKeyRingGenerator(Org.BouncyCastle.Bcpg.OpenPgp.PgpSignature.PositiveCertification, primary,
            "Legacy <legacy@example.org>", Org.BouncyCastle.Bcpg.SymmetricKeyAlgorithmTag.Null, Org.BouncyCastle.Bcpg.HashAlgorithmTag.Sha256,
            true, null, false, null, null, random);
        return Certificate.Parse(gen.GeneratePublicKeyRing().GetEncoded());
    }

    [Fact]
    public void A_modified_chunk_releases_only_the_verified_chunks_before_it_and_raises()
    {
        var bob = TestKeys.Get("Curve25519", "bob");
        var plaintext = TestData.Random(4 * 1024);
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream(plaintext), ct, new EncryptOptions
        {
            Recipients = { bob.Certificate }, EncryptionFormat = EncryptionFormat.SeipdV2, AeadChunkSize = 1024,
        });
        var bytes = ct.ToArray();
        bytes[bytes.Length - 600] ^= 0x40; // inside the last data chunk
        var output = new MemoryStream();
        Assert.Throws<IntegrityException>(() => pgp.Decrypt(new MemoryStream(bytes), output, new DecryptOptions { Keys = { bob } }));
        Assert.True(output.Length < plaintext.Length);
        Assert.True(plaintext.AsSpan(0, (int)output.Length).SequenceEqual(output.ToArray()), "released bytes must be authentic");

        var strict = new MemoryStream();
        Assert.Throws<IntegrityException>(() => pgp.Decrypt(new MemoryStream(bytes), strict, new DecryptOptions { Keys = { bob }, RequireValidSignature = true }));
        Assert.Equal(0, strict.Length);
    }

    [Theory]
    [InlineData(32)]
    [InlineData(100_000)]
    [InlineData(8 << 20)]
    public void Invalid_chunk_sizes_are_argument_errors(int size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => pgp.Encrypt(new MemoryStream("x"u8.ToArray()), new MemoryStream(),
            new EncryptOptions { Passwords = { "p" }, EncryptionFormat = EncryptionFormat.SeipdV2, AeadChunkSize = size }));
}
