using System.Text;
using CryptoMail.Core.Tests.Mime.Attacks;
using CryptoMail.Core.Tests.Support;
using Org.BouncyCastle.Bcpg;
using static CryptoMail.Core.Tests.Keys.CertificateCrafter;

namespace CryptoMail.Core.Tests.Keys;

/// <summary>The policy object and where it decides: presets, data-signature hashes, ciphers for reading and writing,
/// integrity, and recipient selection with reasons.</summary>
public class PolicyTests
{
    private static readonly DateTimeOffset T0 = new(2021, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("Pay the invoice.\n");
    private static readonly OpenPgp Pgp = new();

    [Fact]
    public void The_presets_differ_where_documented()
    {
        Assert.False(OpenPgpPolicy.Default.AcceptsDataSignatureHash(OpenPgpHashAlgorithm.Sha1, T0));
        Assert.True(OpenPgpPolicy.Default.AcceptsCertificationHash(OpenPgpHashAlgorithm.Sha1, OpenPgpPolicy.Sha1CertificationCutoff.AddSeconds(-1)));
        Assert.False(OpenPgpPolicy.Default.AcceptsCertificationHash(OpenPgpHashAlgorithm.Sha1, OpenPgpPolicy.Sha1CertificationCutoff));
        Assert.False(OpenPgpPolicy.Default.AcceptsCertificationHash(OpenPgpHashAlgorithm.Md5, new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.False(OpenPgpPolicy.Strict.AcceptsCertificationHash(OpenPgpHashAlgorithm.Sha1, new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.True(OpenPgpPolicy.Legacy.AcceptsCertificationHash(OpenPgpHashAlgorithm.Sha1, DateTimeOffset.UtcNow));
        Assert.True(OpenPgpPolicy.Legacy.AcceptsDataSignatureHash(OpenPgpHashAlgorithm.Sha1, new DateTimeOffset(2012, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.False(OpenPgpPolicy.Legacy.AcceptsDataSignatureHash(OpenPgpHashAlgorithm.Sha1, T0));

        Assert.Equal(ValidationReason.WeakKey, OpenPgpPolicy.Default.CheckKey(KeyAlgorithm.Rsa, 1024));
        Assert.Null(OpenPgpPolicy.Default.CheckKey(KeyAlgorithm.Rsa, 2048));
        Assert.Null(OpenPgpPolicy.Legacy.CheckKey(KeyAlgorithm.Rsa, 1024));
        Assert.Equal(ValidationReason.WeakKey, OpenPgpPolicy.Strict.CheckKey(KeyAlgorithm.Rsa, 2048));
        Assert.Equal(ValidationReason.RejectedAlgorithm, OpenPgpPolicy.Strict.CheckKey(KeyAlgorithm.Dsa, 3072));
        Assert.Null(OpenPgpPolicy.Default.CheckKey(KeyAlgorithm.Dsa, 3072));
        Assert.Null(OpenPgpPolicy.Default.CheckKey(KeyAlgorithm.Ed25519, 256));

        Assert.Contains(SymmetricCipher.Cast5, OpenPgpPolicy.Default.ReadCiphers);
        Assert.Contains(SymmetricCipher.Cast5, OpenPgpPolicy.Default.WeakCiphers);
        Assert.DoesNotContain(SymmetricCipher.Aes256, OpenPgpPolicy.Default.WeakCiphers);
        Assert.Contains(SymmetricCipher.Cast5, OpenPgpPolicy.Legacy.ReadCiphers);
        Assert.DoesNotContain(SymmetricCipher.Cast5, OpenPgpPolicy.Strict.ReadCiphers);
        Assert.DoesNotContain(SymmetricCipher.Cast5, OpenPgpPolicy.Default.WriteCiphers);
        Assert.Equal(OpenPgpPolicy.Default.WriteCiphers, OpenPgpPolicy.Legacy.WriteCiphers);
        Assert.DoesNotContain(SymmetricCipher.Twofish, OpenPgpPolicy.Strict.ReadCiphers);
    }

    [Fact]
    public void A_policy_is_immutable_and_copies_what_it_is_given()
    {
        var hashes = new Dictionary<OpenPgpHashAlgorithm, DateTimeOffset> { [OpenPgpHashAlgorithm.Sha512] = DateTimeOffset.MaxValue };
        var mine = OpenPgpPolicy.Default with { DataSignatureHashes = hashes, MinimumRsaBits = 4096 };
        hashes[OpenPgpHashAlgorithm.Sha1] = DateTimeOffset.MaxValue;

        Assert.False(mine.AcceptsDataSignatureHash(OpenPgpHashAlgorithm.Sha1, T0));
        Assert.False(mine.AcceptsDataSignatureHash(OpenPgpHashAlgorithm.Sha256, T0));
        Assert.Equal(ValidationReason.WeakKey, mine.CheckKey(KeyAlgorithm.Rsa, 3072));
        Assert.Equal(2048, OpenPgpPolicy.Default.MinimumRsaBits);
        Assert.True(OpenPgpPolicy.Default.AcceptsDataSignatureHash(OpenPgpHashAlgorithm.Sha256, T0));
        Assert.Throws<ArgumentOutOfRangeException>(() => OpenPgpPolicy.Default with { MinimumRsaBits = 0 });
    }

    [Fact]
    public void A_sha1_data_signature_is_weak_by_default_and_accepted_by_legacy_only_when_old()
    {
        var old = new DateTimeOffset(2011, 5, 1, 0, 0, 0, TimeSpan.Zero);
        var c = new CertificateCrafter(Ed25519(old)).UserId("Alice <alice@example.org>", old);
        var cert = c.Build();
        var recent = DataSignature(c.Primary, Data, T0, HashAlgorithmId.Sha1);
        var ancient = DataSignature(c.Primary, Data, old.AddDays(30), HashAlgorithmId.Sha1);

        var weak = Verify(cert, recent, null);
        Assert.Equal(SignatureStatus.WeakAlgorithm, weak.Status);
        Assert.Equal(ValidationReason.WeakHash, weak.RejectionReason);
        Assert.Equal(ValidationReason.WeakHash, Verify(cert, ancient, null).RejectionReason);
        Assert.Equal(ValidationReason.WeakHash, Verify(cert, recent, OpenPgpPolicy.Legacy).RejectionReason);
        Assert.True(Verify(cert, ancient, OpenPgpPolicy.Legacy).IsGood);
        Assert.True(Verify(cert, DataSignature(c.Primary, Data, T0), null).IsGood);
    }

    [Fact]
    public void A_signature_by_an_expired_key_is_expired_and_one_older_than_the_key_is_not_yet_valid()
    {
        var c = new CertificateCrafter(Ed25519(T0)).UserId("Alice <alice@example.org>", T0, expires: TimeSpan.FromDays(10));
        var cert = c.Build();
        Assert.True(Verify(cert, DataSignature(c.Primary, Data, T0.AddDays(5)), null).IsGood);
        var expired = Verify(cert, DataSignature(c.Primary, Data, T0.AddDays(20)), null);
        Assert.Equal(SignatureStatus.Expired, expired.Status);
        Assert.Equal(ValidationReason.Expired, expired.RejectionReason);
        var early = Verify(cert, DataSignature(c.Primary, Data, T0.AddDays(-5)), null);
        Assert.Equal(SignatureStatus.KeyNotUsable, early.Status);
        Assert.Equal(ValidationReason.NotYetValid, early.RejectionReason);
    }

    [Fact]
    public void A_message_without_integrity_protection_is_refused_under_every_policy()
    {
        var bob = TestKeys.Get("Curve25519", "bob");
        var sed = Encoding.ASCII.GetBytes(AttackCraft.EncryptSed(Data, bob.Certificate));
        foreach (var policy in new[] { OpenPgpPolicy.Default, OpenPgpPolicy.Legacy, OpenPgpPolicy.Strict })
        {
            var output = new MemoryStream();
            Assert.Throws<IntegrityException>(() => Pgp.Decrypt(new MemoryStream(sed), output, new DecryptOptions { Keys = { bob }, Policy = policy }));
            Assert.Equal(0, output.Length);
        }
    }

    [Theory]
    [InlineData(SymmetricKeyAlgorithmTag.Cast5, SymmetricCipher.Cast5)]
    [InlineData(SymmetricKeyAlgorithmTag.TripleDes, SymmetricCipher.TripleDes)]
    public void Old_ciphers_are_read_and_flagged_by_default_and_refused_by_strict(SymmetricKeyAlgorithmTag tag, SymmetricCipher cipher)
    {
        var bob = TestKeys.Get("Curve25519", "bob");
        var ct = LegacyCipherMessage(bob.Certificate, tag);

        var output = new MemoryStream();
        var refused = Assert.Throws<PolicyViolationException>(() => Pgp.Decrypt(new MemoryStream(ct), output, new DecryptOptions { Keys = { bob }, Policy = OpenPgpPolicy.Strict }));
        Assert.Equal(ValidationReason.RejectedAlgorithm, refused.Reason);
        Assert.Equal(0, output.Length);

        foreach (var policy in new[] { OpenPgpPolicy.Default, OpenPgpPolicy.Legacy })
        {
            output.SetLength(0);
            var result = Pgp.Decrypt(new MemoryStream(ct), output, new DecryptOptions { Keys = { bob }, Policy = policy });
            Assert.Equal(Data, output.ToArray());
            Assert.Equal(cipher, result.Cipher);
            Assert.True(result.WeakCipher);
        }
    }

    [Fact]
    public void Writing_refuses_ciphers_and_hashes_the_policy_does_not_allow()
    {
        var alice = TestKeys.Get("Curve25519", "alice");
        var bob = TestKeys.Get("Curve25519", "bob");
        var e = Assert.Throws<PolicyViolationException>(() => Pgp.Encrypt(new MemoryStream(Data), new MemoryStream(),
            new EncryptOptions { Recipients = { bob.Certificate }, Cipher = SymmetricCipher.Cast5, Policy = OpenPgpPolicy.Legacy }));
        Assert.Equal(ValidationReason.RejectedAlgorithm, e.Reason);

        var s = Assert.Throws<PolicyViolationException>(() => Pgp.SignDetached(new MemoryStream(Data), new MemoryStream(),
            new SignOptions { Signers = { alice }, Hash = OpenPgpHashAlgorithm.Sha1 }));
        Assert.Equal(ValidationReason.WeakHash, s.Reason);

        var only512 = OpenPgpPolicy.Default with { DataSignatureHashes = new Dictionary<OpenPgpHashAlgorithm, DateTimeOffset> { [OpenPgpHashAlgorithm.Sha512] = DateTimeOffset.MaxValue } };
        Assert.Throws<PolicyViolationException>(() => Pgp.SignDetached(new MemoryStream(Data), new MemoryStream(),
            new SignOptions { Signers = { alice }, Policy = only512 }));
        var sig = new MemoryStream();
        Pgp.SignDetached(new MemoryStream(Data), sig, new SignOptions { Signers = { alice }, Hash = OpenPgpHashAlgorithm.Sha512, Policy = only512 });
        Assert.True(Pgp.VerifyDetached(new MemoryStream(Data), new MemoryStream(sig.ToArray()), new VerifyOptions { Verifiers = { alice.Certificate }, Policy = only512 }).IsVerified);
    }

    [Fact]
    public void Encryption_names_every_recipient_without_a_usable_key_with_its_reasons()
    {
        var good = TestKeys.Get("Curve25519", "bob").Certificate;
        var (expiredCrafter, _) = WithSubkey(expires: TimeSpan.FromDays(1));
        var expired = expiredCrafter.Build();
        var weak = Healthy(Rsa(T0, 1024)).Build();
        var (revokedCrafter, revokedSub) = WithSubkey();
        var revoked = revokedCrafter.RevokeSubkey(revokedSub, T0.AddDays(1), 2).Build();

        var options = new EncryptOptions { Recipients = { good, expired, weak, revoked } };
        var e = Assert.Throws<KeyNotUsableException>(() => Pgp.Encrypt(new MemoryStream(Data), new MemoryStream(), options));
        Assert.Equal(new[] { expired, weak, revoked }, e.UnusableCertificates.Select(u => u.Certificate));
        Assert.Contains(ValidationReason.Expired, e.UnusableCertificates[0].Reasons.Select(r => r.Reason));
        Assert.Contains(ValidationReason.WeakKey, e.UnusableCertificates[1].Reasons.Select(r => r.Reason));
        Assert.Contains(ValidationReason.HardRevoked, e.UnusableCertificates[2].Reasons.Select(r => r.Reason));
        Assert.Contains(weak.Fingerprint, e.Message, StringComparison.Ordinal);

        // Under the legacy policy the RSA-1024 recipient is usable; the others still are not.
        var legacy = new EncryptOptions { Recipients = { good, weak, expired }, Policy = OpenPgpPolicy.Legacy };
        var again = Assert.Throws<KeyNotUsableException>(() => Pgp.Encrypt(new MemoryStream(Data), new MemoryStream(), legacy));
        Assert.Equal(expired, Assert.Single(again.UnusableCertificates).Certificate);
    }

    [Fact]
    public void A_certificate_with_no_encryption_subkey_says_so()
    {
        var signOnly = new CertificateCrafter(Ed25519(T0)).UserId("Alice <alice@example.org>", T0).Build();
        var e = Assert.Throws<KeyNotUsableException>(() => Pgp.Encrypt(new MemoryStream(Data), new MemoryStream(),
            new EncryptOptions { Recipients = { signOnly } }));
        Assert.Equal(ValidationReason.NoUsableKey, Assert.Single(Assert.Single(e.UnusableCertificates).Reasons).Reason);
    }

    [Fact]
    public void Every_alive_encryption_subkey_is_used_for_transport_and_storage_alike()
    {
        var c = new CertificateCrafter(Ed25519(T0)).UserId("Alice <alice@example.org>", T0);
        var transport = Cv25519(T0);
        var storage = Cv25519(T0);
        var gone = Cv25519(T0);
        c.Bind(transport, T0, 0x04).Bind(storage, T0, 0x08).Bind(gone, T0, EncryptFlags).RevokeSubkey(gone, T0.AddDays(1), 3);
        var result = Pgp.Encrypt(new MemoryStream(Data), new MemoryStream(), new EncryptOptions { Recipients = { c.Build() } });
        Assert.Equal(new[] { transport.Fingerprint, storage.Fingerprint }, result.Recipients.Select(r => r.KeyFingerprint));
    }

    [Fact]
    public void A_rejected_algorithm_makes_the_key_invalid_with_that_reason()
    {
        var cert = Healthy(Ed25519(T0)).Build();
        var noEd = OpenPgpPolicy.Default with { RejectedKeyAlgorithms = new HashSet<KeyAlgorithm> { KeyAlgorithm.Ed25519 } };
        var v = cert.Validate(noEd, T0.AddDays(1));
        Assert.Equal(ValidationReason.RejectedAlgorithm, v.PrimaryKey.Reasons[0].Reason);
        Assert.True(cert.Validate(null, T0.AddDays(1)).IsValid);
    }

    private static CertificateCrafter Healthy(CraftKey primary)
    {
        var c = new CertificateCrafter(primary).UserId("Alice <alice@example.org>", T0);
        c.Bind(Cv25519(T0), T0, EncryptFlags);
        return c;
    }

    private static (CertificateCrafter, CraftKey) WithSubkey(TimeSpan? expires = null)
    {
        var c = new CertificateCrafter(Ed25519(T0)).UserId("Alice <alice@example.org>", T0);
        var sub = Cv25519(T0);
        c.Bind(sub, T0, EncryptFlags, expires: expires);
        return (c, sub);
    }

    private static SignatureVerification Verify(Certificate cert, byte[] signature, OpenPgpPolicy? policy) =>
        Assert.Single(Pgp.VerifyDetached(new MemoryStream(Data), new MemoryStream(signature),
            new VerifyOptions { Verifiers = { cert }, Policy = policy }).Signatures);

    /// <summary>A SEIPD v1 message in an old cipher, as BouncyCastle (and GnuPG 1.x) writes it.</summary>
    private static byte[] LegacyCipherMessage(Certificate recipient, SymmetricKeyAlgorithmTag cipher)
    {
        var pub = new Org.BouncyCastle.Bcpg.OpenPgp.PgpPublicKeyRing(recipient.Export()).GetPublicKeys()
            .Cast<Org.BouncyCastle.Bcpg.OpenPgp.PgpPublicKey>().First(k => k.IsEncryptionKey && !k.IsMasterKey);
        var gen = new Org.BouncyCastle.Bcpg.OpenPgp.PgpEncryptedDataGenerator(cipher, withIntegrityPacket: true);
        gen.AddMethod(pub);
        var ct = new MemoryStream();
        using (var enc = gen.Open(ct, new byte[4096]))
        {
            var lit = new Org.BouncyCastle.Bcpg.OpenPgp.PgpLiteralDataGenerator();
            using var l = lit.Open(enc, 'b', "", DateTime.UtcNow, new byte[4096]);
            l.Write(Data);
        }
        return ct.ToArray();
    }
}
