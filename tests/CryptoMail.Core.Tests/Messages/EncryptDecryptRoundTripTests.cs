using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Messages;

public class EncryptDecryptRoundTripTests
{
    private readonly OpenPgp pgp = new();

    public static TheoryData<string> Profiles => TestKeys.Profiles;

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Encrypts_to_a_certificate_and_decrypts_with_its_key_binary_and_armored(string profile)
    {
        var bob = TestKeys.Get(profile, "bob");
        foreach (bool armor in new[] { false, true })
        {
            var plaintext = TestData.Random(10_000);
            var ct = new MemoryStream();
            var enc = pgp.Encrypt(new MemoryStream(plaintext), ct, new EncryptOptions { Recipients = { bob.Certificate }, Armor = armor });

            Assert.Equal(armor, OpenPgpArmor.IsArmored(ct.ToArray()));
            Assert.Equal(bob.Certificate.Fingerprint, Assert.Single(enc.Recipients).CertificateFingerprint);
            Assert.Equal(plaintext.Length, enc.PlaintextLength);

            var pt = new MemoryStream();
            var dec = pgp.Decrypt(new MemoryStream(ct.ToArray()), pt, new DecryptOptions { Keys = { bob }, KeyPassphrases = { TestKeys.Passphrase } });

            Assert.Equal(plaintext, pt.ToArray());
            Assert.True(dec.WasEncrypted);
            Assert.True(dec.IntegrityProtected);
            Assert.Equal(SymmetricCipher.Aes256, dec.Cipher);
            Assert.Equal(bob.Certificate.Subkeys[0].Fingerprint, dec.DecryptedWith);
            Assert.Empty(dec.Signatures);
            Assert.False(dec.ReleasedUnverified);
        }
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Signs_and_encrypts_in_one_pass_and_verifies_on_decryption(string profile)
    {
        var alice = TestKeys.Get(profile, "alice");
        var bob = TestKeys.Unlocked("Curve25519", "bob");
        var plaintext = TestData.Random(3 * 1024 * 1024 + 17);
        var ct = new MemoryStream();
        var enc = pgp.Encrypt(new MemoryStream(plaintext), ct, new EncryptOptions
        {
            Recipients = { bob.Certificate },
            Signing = new SignatureSettings { Signers = { alice }, SignerPassphrases = { TestKeys.Passphrase } },
        });
        Assert.Equal(alice.Fingerprint, Assert.Single(enc.Signatures).SignerFingerprint);

        var pt = new MemoryStream();
        var dec = pgp.Decrypt(new MemoryStream(ct.ToArray()), pt, new DecryptOptions { Keys = { bob }, Verifiers = { alice.Certificate } });

        Assert.Equal(plaintext, pt.ToArray());
        var sig = Assert.Single(dec.Signatures);
        Assert.Equal(SignatureStatus.Good, sig.Status);
        Assert.Equal(alice.Fingerprint, sig.SignerFingerprint);
        // Ed448 signs with SHA-512 whatever was asked: RFC 9580 section 5.2.3.4 requires a 512-bit hash for it.
        Assert.Equal(profile == "V6Ed448" ? OpenPgpHashAlgorithm.Sha512 : OpenPgpHashAlgorithm.Sha256, sig.HashAlgorithm);
        Assert.True(dec.IsVerified);
    }

    [Fact]
    public async Task Async_forms_round_trip_with_several_recipients_and_a_password()
    {
        var alice = TestKeys.Get("Curve25519", "alice");
        var bob = TestKeys.Get("Rsa3072", "bob");
        var plaintext = TestData.Random(200_000);
        var ct = new MemoryStream();
        var enc = await pgp.EncryptAsync(new MemoryStream(plaintext), ct, new EncryptOptions
        {
            Recipients = { alice.Certificate, bob.Certificate },
            Passwords = { "sesame" },
            Armor = true,
        });
        Assert.Equal(2, enc.Recipients.Count);

        foreach (var options in new[]
        {
            new DecryptOptions { Keys = { alice } },
            new DecryptOptions { Keys = { bob } },
            new DecryptOptions { Passwords = { "wrong", "sesame" } },
        })
        {
            var pt = new MemoryStream();
            var dec = await pgp.DecryptAsync(new MemoryStream(ct.ToArray()), pt, options);
            Assert.Equal(plaintext, pt.ToArray());
            Assert.Equal(options.Passwords.Count > 0, dec.DecryptedWithPassword);
        }
    }

    [Fact]
    public void Signature_by_an_unknown_key_is_reported_not_thrown()
    {
        var alice = TestKeys.Get("Curve25519", "alice");
        var bob = TestKeys.Get("Curve25519", "bob");
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream("hello"u8.ToArray()), ct, new EncryptOptions { Recipients = { bob.Certificate }, Signing = new SignatureSettings { Signers = { alice } } });

        var dec = pgp.Decrypt(new MemoryStream(ct.ToArray()), new MemoryStream(), new DecryptOptions { Keys = { bob } });

        Assert.Equal(SignatureStatus.UnknownKey, Assert.Single(dec.Signatures).Status);
        Assert.False(dec.IsVerified);
        Assert.Throws<SignatureRequiredException>(() =>
            pgp.Decrypt(new MemoryStream(ct.ToArray()), new MemoryStream(), new DecryptOptions { Keys = { bob }, RequireValidSignature = true }));
    }

    [Theory]
    [InlineData(Compression.Zip)]
    [InlineData(Compression.Zlib)]
    [InlineData(Compression.BZip2)]
    public void Compressed_messages_decrypt(Compression compression)
    {
        var bob = TestKeys.Get("Curve25519", "bob");
        var plaintext = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("compressible text line\n", 5000)));
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream(plaintext), ct, new EncryptOptions { Recipients = { bob.Certificate }, Compression = compression });
        Assert.True(ct.Length < plaintext.Length / 4);

        var pt = new MemoryStream();
        var dec = pgp.Decrypt(new MemoryStream(ct.ToArray()), pt, new DecryptOptions { Keys = { bob } });
        Assert.Equal(plaintext, pt.ToArray());
        Assert.Equal(compression, dec.Compression);
    }

    [Fact]
    public void Decompression_beyond_the_limit_is_a_typed_error_and_releases_nothing()
    {
        var bob = TestKeys.Get("Curve25519", "bob");
        var bomb = new byte[8 << 20]; // zeros compress ~1000:1
        var ct = new MemoryStream();
        // SEIPD v1: nothing is released before the end (SEIPD v2 releases authenticated chunks as they verify).
        pgp.Encrypt(new MemoryStream(bomb), ct, new EncryptOptions { Recipients = { bob.Certificate }, Compression = Compression.Zlib, EncryptionFormat = EncryptionFormat.SeipdV1 });

        var pt = new MemoryStream();
        Assert.Throws<LimitExceededException>(() => pgp.Decrypt(new MemoryStream(ct.ToArray()), pt,
            new DecryptOptions { Keys = { bob }, Limits = new ReadLimits { MaxDecompressedBytes = 1 << 20 } }));
        Assert.Equal(0, pt.Length);
    }

    [Fact]
    public void Text_format_with_a_text_signature_verifies()
    {
        var alice = TestKeys.Get("Curve25519", "alice");
        var bob = TestKeys.Get("Curve25519", "bob");
        var text = "line one\nline two\r\nline three"u8.ToArray();
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream(text), ct, new EncryptOptions
        {
            Recipients = { bob.Certificate }, Format = LiteralFormat.Utf8,
            Signing = new SignatureSettings { Signers = { alice }, Mode = SignatureMode.Text },
        });
        var pt = new MemoryStream();
        var dec = pgp.Decrypt(new MemoryStream(ct.ToArray()), pt, new DecryptOptions { Keys = { bob }, Verifiers = { alice.Certificate } });
        Assert.Equal(text, pt.ToArray());
        Assert.Equal(LiteralFormat.Utf8, dec.Format);
        var sig = Assert.Single(dec.Signatures);
        Assert.Equal(SignatureStatus.Good, sig.Status);
        Assert.Equal(SignatureMode.Text, sig.Mode);
    }
}
