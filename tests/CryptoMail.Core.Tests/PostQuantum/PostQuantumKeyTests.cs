using CryptoMail.Core.Tests.Keys;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.PostQuantum;

/// <summary>Post-quantum keys through the library: the two RFC 9980 profiles, the upgrade of existing v4 and v6 keys with
/// a post-quantum encryption subkey, and the no-silent-downgrade rule for recipients that have one.</summary>
public class PostQuantumKeyTests
{
    private readonly OpenPgp pgp = new();

    [Theory]
    [InlineData(KeyProfile.V6MlDsa65Ed25519, KeyAlgorithm.MlDsa65Ed25519, KeyAlgorithm.MlKem768X25519)]
    [InlineData(KeyProfile.V6MlDsa87Ed448, KeyAlgorithm.MlDsa87Ed448, KeyAlgorithm.MlKem1024X448)]
    public void Profiles_make_v6_keys_of_their_algorithms_that_round_trip_through_export(KeyProfile profile, KeyAlgorithm primary, KeyAlgorithm subkey)
    {
        var key = TestKeys.Get(profile.ToString());
        Assert.Equal(6, key.Certificate.Version);
        Assert.Equal(primary, key.Certificate.PrimaryKey.Algorithm);
        Assert.Equal(subkey, Assert.Single(key.Certificate.Subkeys).Algorithm);
        Assert.True(key.Certificate.CanSign);
        Assert.True(key.Certificate.CanEncrypt);

        var again = SecretKey.Parse(key.ExportArmored());
        Assert.Equal(key.Export(), again.Export());
        var cert = Certificate.Parse(key.Certificate.ExportArmored());
        Assert.Equal(key.Fingerprint, cert.Fingerprint);
        Assert.True(Assert.Single(cert.Subkeys).IsBound);
    }

    [Fact]
    public void A_protected_post_quantum_key_unlocks_only_with_its_passphrase_and_then_decrypts()
    {
        using var key = pgp.GenerateKey("Pq <pq@example.org>", new KeyGenerationOptions { Profile = KeyProfile.V6MlDsa65Ed25519, Passphrase = "secret" });
        Assert.True(key.IsProtected);
        var parsed = SecretKey.Parse(key.Export());
        Assert.Throws<BadPassphraseException>(() => parsed.Unlock("wrong"));
        using var unlocked = parsed.Unlock("secret");

        var ct = Encrypt("protected"u8.ToArray(), new EncryptOptions { Recipients = { key.Certificate }, Signing = new SignatureSettings { Signers = { unlocked } } });
        var pt = new MemoryStream();
        var result = pgp.Decrypt(new MemoryStream(ct), pt, new DecryptOptions { Keys = { unlocked }, Verifiers = { key.Certificate } });
        Assert.Equal("protected", System.Text.Encoding.UTF8.GetString(pt.ToArray()));
        Assert.True(result.PostQuantum);
        Assert.True(Assert.Single(result.Signatures).IsGood);
    }

    [Theory]
    [InlineData(KeyProfile.Curve25519, 4, KeyAlgorithm.MlKem768X25519)]
    [InlineData(KeyProfile.V6Ed25519, 6, KeyAlgorithm.MlKem768X25519)]
    [InlineData(KeyProfile.V6Ed448, 6, KeyAlgorithm.MlKem1024X448)]
    public void An_existing_key_gains_a_post_quantum_subkey_and_mail_goes_to_it_only(KeyProfile profile, int version, KeyAlgorithm expected)
    {
        using var classical = pgp.GenerateKey("Old <old@example.org>", new KeyGenerationOptions { Profile = profile });
        using var upgraded = classical.AddPostQuantumSubkey();
        var pq = upgraded.Certificate.Subkeys[^1];
        Assert.Equal(expected, pq.Algorithm);
        Assert.Equal(version, pq.Version);
        Assert.True(pq.IsBound);
        Assert.Equal(2, upgraded.Certificate.Subkeys.Count);

        foreach (var format in new[] { EncryptionFormat.SeipdV1, EncryptionFormat.SeipdV2 })
        {
            // No silent downgrade: only the post-quantum subkey receives the session key.
            var ct = new MemoryStream();
            var enc = pgp.Encrypt(new MemoryStream("upgrade"u8.ToArray()), ct, new EncryptOptions { Recipients = { upgraded.Certificate }, EncryptionFormat = format });
            var recipient = Assert.Single(enc.Recipients);
            Assert.Equal(pq.Fingerprint, recipient.KeyFingerprint);
            Assert.True(recipient.PostQuantum);

            var pt = new MemoryStream();
            var dec = pgp.Decrypt(new MemoryStream(ct.ToArray()), pt, new DecryptOptions { Keys = { upgraded } });
            Assert.Equal("upgrade", System.Text.Encoding.UTF8.GetString(pt.ToArray()));
            Assert.Equal(pq.Fingerprint, dec.DecryptedWith);
            Assert.True(dec.PostQuantum);
            Assert.Equal(format == EncryptionFormat.SeipdV1 ? IntegrityProtection.SeipdV1 : IntegrityProtection.SeipdV2, dec.IntegrityProtection);

            // The old key alone (without the new subkey) can no longer read it.
            Assert.Throws<NoDecryptionKeyException>(() => pgp.Decrypt(new MemoryStream(ct.ToArray()), new MemoryStream(), new DecryptOptions { Keys = { classical } }));
        }
    }

    [Fact]
    public void An_upgraded_v4_key_fits_an_autocrypt_header_that_carries_its_post_quantum_subkey()
    {
        using var upgraded = pgp.GenerateKey("Ac <ac@example.org>", new KeyGenerationOptions { Profile = KeyProfile.Curve25519 }).AddPostQuantumSubkey();
        var header = AutocryptHeader.Create(upgraded.Certificate, "ac@example.org", AutocryptPreference.Mutual);
        Assert.True(header.ToHeaderValue().Length < 10 * 1024);
        Assert.Equal(KeyAlgorithm.MlKem768X25519, Assert.Single(header.Certificate.EncryptionKeys(DateTimeOffset.UtcNow)).Algorithm);
    }

    [Fact]
    public void Compatibility_adds_the_classical_subkey_and_the_message_is_then_not_post_quantum()
    {
        using var upgraded = pgp.GenerateKey("Both <both@example.org>", new KeyGenerationOptions { Profile = KeyProfile.Curve25519 }).AddPostQuantumSubkey();
        var ct = new MemoryStream();
        var enc = pgp.Encrypt(new MemoryStream("both"u8.ToArray()), ct, new EncryptOptions { Recipients = { upgraded.Certificate }, PostQuantumCompatibility = true });
        Assert.Equal(2, enc.Recipients.Count);
        Assert.Equal(1, enc.Recipients.Count(r => r.PostQuantum));

        var dec = pgp.Decrypt(new MemoryStream(ct.ToArray()), new MemoryStream(), new DecryptOptions { Keys = { upgraded } });
        Assert.False(dec.PostQuantum);

        // A classical recipient beside a post-quantum one: each gets its own kind, and the message is not post-quantum.
        var classical = TestKeys.Get("Curve25519", "carol");
        var mixed = pgp.Encrypt(new MemoryStream("mixed"u8.ToArray()), new MemoryStream(), new EncryptOptions { Recipients = { upgraded.Certificate, classical.Certificate } });
        Assert.Equal(new[] { true, false }, mixed.Recipients.Select(r => r.PostQuantum));
    }

    [Fact]
    public void Requiring_post_quantum_refuses_a_classical_recipient_with_a_typed_error()
    {
        var classical = TestKeys.Get("V6Ed25519", "dave");
        var e = Assert.Throws<KeyNotUsableException>(() => pgp.Encrypt(new MemoryStream("x"u8.ToArray()), new MemoryStream(),
            new EncryptOptions { Recipients = { classical.Certificate }, RequirePostQuantum = true }));
        Assert.Contains("post-quantum", e.Message, StringComparison.Ordinal);

        var pq = TestKeys.Get("V6MlDsa65Ed25519", "erin");
        var ok = pgp.Encrypt(new MemoryStream("x"u8.ToArray()), new MemoryStream(), new EncryptOptions { Recipients = { pq.Certificate }, RequirePostQuantum = true });
        Assert.True(Assert.Single(ok.Recipients).PostQuantum);
    }

    [Theory]
    [InlineData("V6MlDsa65Ed25519")]
    [InlineData("V6MlDsa87Ed448")]
    public void Detached_signatures_verify_and_a_changed_message_does_not(string profile)
    {
        var key = TestKeys.Get(profile, "frank");
        var data = "post-quantum signed"u8.ToArray();
        var sig = new MemoryStream();
        pgp.SignDetached(new MemoryStream(data), sig, new SignOptions { Signers = { key } });
        var good = pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(sig.ToArray()), new VerifyOptions { Verifiers = { key.Certificate } });
        Assert.True(Assert.Single(good.Signatures).IsGood);
        data[0] ^= 1;
        var bad = pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(sig.ToArray()), new VerifyOptions { Verifiers = { key.Certificate } });
        Assert.Equal(SignatureStatus.Bad, Assert.Single(bad.Signatures).Status);
    }

    [Fact]
    public void A_sha1_binding_is_refused_for_a_post_quantum_subkey_where_the_policy_still_accepts_it_for_a_classical_one()
    {
        // Before the SHA-1 cut-off the default policy accepts SHA-1 bindings; RFC 9980 section 7.2 does not, for its keys.
        var t0 = new DateTimeOffset(2021, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var pair = KeyMaterial.PostQuantum(PublicKeyAlgorithmId.MlKem768X25519);
        var pq = new CraftKey(KeyPacket.Create(4, t0, PublicKeyAlgorithmId.MlKem768X25519, pair.Public), pair.Private);
        var classical = CertificateCrafter.Cv25519(t0);
        foreach (var (hash, pqValid) in new[] { (HashAlgorithmId.Sha1, false), (HashAlgorithmId.Sha256, true) })
        {
            var cert = new CertificateCrafter(CertificateCrafter.Ed25519(t0)).UserId("Alice <alice@example.org>", t0)
                .Bind(classical, t0, CertificateCrafter.EncryptFlags, hash)
                .Bind(pq, t0, CertificateCrafter.EncryptFlags, hash).Build();
            var subkeys = cert.Validate(OpenPgpPolicy.Default, t0.AddDays(1)).Subkeys;
            Assert.True(subkeys.Single(k => k.Key.Algorithm == KeyAlgorithm.Cv25519).IsValid);
            Assert.Equal(pqValid, subkeys.Single(k => k.Key.Algorithm == KeyAlgorithm.MlKem768X25519).IsValid);
        }
    }

    private byte[] Encrypt(byte[] data, EncryptOptions options)
    {
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream(data), ct, options);
        return ct.ToArray();
    }
}
