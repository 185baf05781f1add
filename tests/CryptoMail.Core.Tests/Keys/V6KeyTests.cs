using System.Text;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Keys;

/// <summary>v6 keys (RFC 9580) made by us: generation, export and import, encryption (PKESK v6 to X25519/X448,
/// SEIPD v2), v6 signatures, protection with Argon2, revocation, and v6 keys beside v4 keys.</summary>
public class V6KeyTests
{
    private readonly OpenPgp pgp = new();

    public static TheoryData<string> V6Profiles => new() { "V6Ed25519", "V6Ed448" };

    [Theory]
    [MemberData(nameof(V6Profiles))]
    public void Generated_v6_key_has_v6_fingerprints_and_round_trips(string profile)
    {
        var key = TestKeys.Get(profile);
        var cert = key.Certificate;
        Assert.Equal(6, cert.Version);
        Assert.Equal(64, cert.Fingerprint.Length);
        // RFC 9580 section 5.5.4.3: the v6 key ID is the leftmost 8 octets of the fingerprint.
        Assert.Equal(cert.Fingerprint[..16], cert.KeyId);
        Assert.Equal(profile == "V6Ed25519" ? KeyAlgorithm.Ed25519 : KeyAlgorithm.Ed448, cert.PrimaryKey.Algorithm);
        var sub = Assert.Single(cert.Subkeys);
        Assert.Equal(profile == "V6Ed25519" ? KeyAlgorithm.X25519 : KeyAlgorithm.X448, sub.Algorithm);
        Assert.Equal(sub.Fingerprint[..16], sub.KeyId);
        Assert.Equal(new[] { "Alice <alice@example.org>" }, cert.UserIds);
        Assert.True(cert.SupportsSeipdV2);
        Assert.True(cert.CanSign && cert.CanEncrypt);

        var reparsed = SecretKey.Parse(key.ExportArmored());
        Assert.Equal(key.Export(), reparsed.Export());
        var publicOnly = Certificate.Parse(cert.ExportArmored());
        Assert.Equal(cert.Export(), publicOnly.Export());
        Assert.DoesNotContain("\n=", cert.ExportArmored(), StringComparison.Ordinal);
        Assert.Contains("\n=", TestKeys.Get("Curve25519").Certificate.ExportArmored(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(V6Profiles))]
    public void Encrypt_and_sign_to_a_v6_key_uses_seipd_v2_and_verifies(string profile)
    {
        var alice = TestKeys.Get(profile, "alice");
        var bob = TestKeys.Get(profile, "bob");
        var data = TestData.Random(100_000);
        var ct = new MemoryStream();
        var enc = pgp.Encrypt(new MemoryStream(data), ct, new EncryptOptions { Recipients = { Certificate.Parse(bob.Certificate.Export()) }, Signing = new SignatureSettings { Signers = { alice } } });
        Assert.Equal(IntegrityProtection.SeipdV2, enc.IntegrityProtection);

        var output = new MemoryStream();
        var result = pgp.Decrypt(new MemoryStream(ct.ToArray()), output, new DecryptOptions { Keys = { bob }, Verifiers = { alice.Certificate } });
        Assert.Equal(data, output.ToArray());
        Assert.Equal(bob.Certificate.Subkeys[0].Fingerprint, result.DecryptedWith);
        var sig = Assert.Single(result.Signatures);
        Assert.True(sig.IsGood, sig.Reason);
        Assert.Equal(alice.Fingerprint, sig.SigningKeyFingerprint);
        Assert.Throws<NoDecryptionKeyException>(() => pgp.Decrypt(new MemoryStream(ct.ToArray()), new MemoryStream(), new DecryptOptions { Keys = { alice } }));
    }

    [Fact]
    public void A_v6_recipient_can_also_be_reached_with_seipd_v1_through_a_v3_pkesk()
    {
        var bob = TestKeys.Get("V6Ed25519", "bob");
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream("hello"u8.ToArray()), ct, new EncryptOptions { Recipients = { bob.Certificate }, EncryptionFormat = EncryptionFormat.SeipdV1 });
        var output = new MemoryStream();
        var result = pgp.Decrypt(new MemoryStream(ct.ToArray()), output, new DecryptOptions { Keys = { bob } });
        Assert.Equal(IntegrityProtection.SeipdV1, result.IntegrityProtection);
        Assert.Equal("hello", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Theory]
    [MemberData(nameof(V6Profiles))]
    public void Detached_and_cleartext_v6_signatures_verify_and_a_changed_signature_fails(string profile)
    {
        var alice = TestKeys.Get(profile);
        var data = Encoding.UTF8.GetBytes("Dear Bob,\nthe v6 key works.\n");
        var sig = new MemoryStream();
        pgp.SignDetached(new MemoryStream(data), sig, new SignOptions { Signers = { alice }, Armor = false });
        var good = pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(sig.ToArray()), new VerifyOptions { Verifiers = { alice.Certificate } });
        Assert.True(Assert.Single(good.Signatures).IsGood);

        // Flip one bit in the salt, in the hashed area, and in the signature itself: each is a bad signature.
        var bytes = sig.ToArray();
        foreach (int at in new[] { bytes.Length - 10, 12, bytes.Length - 70 })
        {
            var copy = (byte[])bytes.Clone();
            copy[at] ^= 0x01;
            var r = Record.Exception(() =>
            {
                var v = pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(copy), new VerifyOptions { Verifiers = { alice.Certificate } });
                Assert.False(v.IsVerified);
                Assert.NotEmpty(v.Signatures);
            });
            Assert.True(r is null or MalformedDataException, $"offset {at}: {r}");
        }

        var text = new MemoryStream();
        pgp.SignCleartext(new MemoryStream(data), text, new SignOptions { Signers = { alice } });
        var clear = pgp.VerifyInline(new MemoryStream(text.ToArray()), new MemoryStream(), new VerifyOptions { Verifiers = { alice.Certificate } });
        Assert.True(Assert.Single(clear.Signatures).IsGood);
    }

    [Fact]
    public void Protected_v6_key_uses_argon2_and_aead_and_unlocks_only_with_its_passphrase()
    {
        var key = TestKeys.Get("V6Ed25519+passphrase", "carol");
        Assert.True(key.IsProtected);
        foreach (var sk in key.Ring.Secrets)
        {
            Assert.Equal(253, sk.Usage);
            Assert.Equal(S2kType.Argon2, sk.S2k!.Type);
        }
        Assert.Throws<BadPassphraseException>(() => key.Unlock("wrong"));
        var reparsed = SecretKey.Parse(key.Export());
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream("secret"u8.ToArray()), ct, new EncryptOptions { Recipients = { key.Certificate } });
        var output = new MemoryStream();
        pgp.Decrypt(new MemoryStream(ct.ToArray()), output, new DecryptOptions { Keys = { reparsed }, KeyPassphrases = { "wrong", TestKeys.Passphrase } });
        Assert.Equal("secret", Encoding.UTF8.GetString(output.ToArray()));
        Assert.Throws<KeyNotUsableException>(() => pgp.Decrypt(new MemoryStream(ct.ToArray()), new MemoryStream(), new DecryptOptions { Keys = { reparsed } }));

        // A new passphrase re-protects it the same way; no passphrase leaves it unprotected.
        var clear = key.Unlock(TestKeys.Passphrase).ChangePassphrase(null);
        Assert.False(clear.IsProtected);
        Assert.All(clear.Ring.Secrets, sk => Assert.Equal(0, sk.Usage));
        var plain = new MemoryStream();
        pgp.Decrypt(new MemoryStream(ct.ToArray()), plain, new DecryptOptions { Keys = { SecretKey.Parse(clear.Export()) } });
        Assert.Equal("secret", Encoding.UTF8.GetString(plain.ToArray()));
    }

    [Fact]
    public void V4_and_v6_certificates_share_one_keyring_and_one_message()
    {
        var v4 = TestKeys.Get("Curve25519", "dave");
        var v6 = TestKeys.Get("V6Ed25519", "erin");
        var ring = Certificate.ParseAll(v4.Certificate.Export().Concat(v6.Certificate.Export()).ToArray());
        Assert.Equal(new[] { 4, 6 }, ring.Select(c => c.Version));

        var ct = new MemoryStream();
        var enc = pgp.Encrypt(new MemoryStream("to both"u8.ToArray()), ct, new EncryptOptions { Recipients = { ring[0], ring[1] }, Signing = new SignatureSettings { Signers = { v4, v6 } } });
        Assert.Equal(2, enc.Recipients.Count);
        foreach (var key in new[] { v4, v6 })
        {
            var output = new MemoryStream();
            var result = pgp.Decrypt(new MemoryStream(ct.ToArray()), output, new DecryptOptions { Keys = { key }, Verifiers = { ring[0], ring[1] } });
            Assert.Equal("to both", Encoding.UTF8.GetString(output.ToArray()));
            Assert.Equal(2, result.Signatures.Count);
            Assert.All(result.Signatures, s => Assert.True(s.IsGood, s.Reason));
        }
    }

    [Fact]
    public void Revoking_a_v6_key_and_merging_the_revocation()
    {
        var key = new OpenPgp().GenerateKey("Frank <frank@example.org>", new KeyGenerationOptions { Profile = KeyProfile.V6Ed25519 });
        var revoked = key.Revoke(RevocationReason.Compromised, "lost");
        Assert.True(revoked.IsRevoked);
        Assert.False(key.Certificate.IsRevoked);
        var merged = key.Certificate.Merge(Certificate.Parse(revoked.Export()));
        Assert.True(merged.IsRevoked);
        Assert.Equal(merged.Export(), merged.Merge(revoked).Export());
    }
}
