using System.Text;
using Org.BouncyCastle.Bcpg;
using static CryptoMail.Core.Tests.Keys.CertificateCrafter;

namespace CryptoMail.Core.Tests.Keys;

/// <summary>Crafted certificates, each with one defect, give the expected verdict and reason from
/// <see cref="Certificate.Validate"/>, at the reference time asked for.</summary>
public class ValidationTests
{
    private static readonly DateTimeOffset T0 = new(2021, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("The quarterly figures, as agreed.\n");
    private static readonly OpenPgp Pgp = new();

    private static (CertificateCrafter Crafter, CraftKey Encrypt) Healthy(CraftKey? primary = null)
    {
        var c = new CertificateCrafter(primary ?? Ed25519(T0)).UserId("Alice <alice@example.org>", T0);
        var enc = Cv25519(T0);
        c.Bind(enc, T0, EncryptFlags);
        return (c, enc);
    }

    private static ValidationReason[] Reasons(KeyValidity k) => k.Reasons.Select(r => r.Reason).ToArray();

    private static SignatureVerification VerifyData(Certificate cert, byte[] signature, OpenPgpPolicy? policy = null)
    {
        var result = Pgp.VerifyDetached(new MemoryStream(Data), new MemoryStream(signature), new VerifyOptions { Verifiers = { cert }, Policy = policy });
        return Assert.Single(result.Signatures);
    }

    [Fact]
    public void A_healthy_certificate_is_valid_with_its_bindings_and_usages()
    {
        var (c, enc) = Healthy();
        var signer = Ed25519(T0);
        c.Bind(signer, T0, SignFlag);
        var v = c.Build().Validate(OpenPgpPolicy.Default, T0.AddDays(1));

        Assert.True(v.IsValid);
        Assert.Empty(v.PrimaryKey.Reasons);
        Assert.Equal(SignatureType.PositiveCertification, v.PrimaryKey.Binding!.Type);
        var uid = Assert.Single(v.UserIds);
        Assert.True(uid.IsValid);
        Assert.True(uid.IsPrimary);
        Assert.All(v.Subkeys, k => Assert.True(k.IsValid, string.Join("; ", k.Reasons)));
        Assert.Equal(KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage, v.Subkeys[0].Key.Usage);
        Assert.Equal(OpenPgpHashAlgorithm.Sha256, v.Subkeys[0].Binding!.HashAlgorithm);
        Assert.Equal(enc.Fingerprint, Assert.Single(v.KeysFor(KeyUsage.EncryptCommunications)).Key.Fingerprint);
        Assert.Equal(new[] { signer.Fingerprint, c.Primary.Fingerprint }, v.KeysFor(KeyUsage.Sign).Select(k => k.Key.Fingerprint));
    }

    [Fact]
    public void An_expired_subkey_is_valid_before_its_expiry_and_expired_after()
    {
        var c = new CertificateCrafter(Ed25519(T0)).UserId("Alice <alice@example.org>", T0);
        var enc = Cv25519(T0);
        c.Bind(enc, T0, EncryptFlags, expires: TimeSpan.FromDays(30));
        var cert = c.Build();

        Assert.True(cert.Validate(null, T0.AddDays(29)).Subkeys[0].IsValid);
        var later = cert.Validate(null, T0.AddDays(31));
        Assert.True(later.IsValid);
        Assert.Equal(new[] { ValidationReason.Expired }, Reasons(later.Subkeys[0]));
        Assert.Equal(enc.Fingerprint, later.Subkeys[0].Reasons[0].Fingerprint);
        Assert.Empty(cert.EncryptionKeys(T0.AddDays(31)));
    }

    [Theory]
    [InlineData(2, ValidationReason.HardRevoked)]   // compromised
    [InlineData(null, ValidationReason.HardRevoked)] // no reason given
    [InlineData(3, ValidationReason.SoftRevoked)]   // retired
    public void A_revoked_subkey_is_invalid_from_its_revocation_or_always_when_hard(int? code, ValidationReason expected)
    {
        var (c, enc) = Healthy();
        c.RevokeSubkey(enc, T0.AddDays(100), code);
        var cert = c.Build();

        var before = cert.Validate(null, T0.AddDays(50)).Subkeys[0];
        var after = cert.Validate(null, T0.AddDays(150)).Subkeys[0];
        Assert.Equal(expected, Reasons(after)[0]);
        if (expected == ValidationReason.HardRevoked)
        {
            Assert.False(before.IsValid);
            Assert.Equal(ValidationReason.HardRevoked, Reasons(before)[0]);
            Assert.True(before.Key.IsHardRevoked);
        }
        else
        {
            Assert.True(before.IsValid);
            Assert.Equal(T0.AddDays(100), after.Key.RevokedSince);
        }
    }

    [Fact]
    public void A_soft_revoked_primary_keeps_earlier_signatures_good_and_refuses_later_ones()
    {
        var c = new CertificateCrafter(Ed25519(T0)).UserId("Alice <alice@example.org>", T0);
        c.RevokePrimary(T0.AddDays(100), 1); // superseded
        var cert = c.Build();

        var early = VerifyData(cert, DataSignature(c.Primary, Data, T0.AddDays(50)));
        Assert.Equal(SignatureStatus.Good, early.Status);
        Assert.Null(early.RejectionReason);

        var late = VerifyData(cert, DataSignature(c.Primary, Data, T0.AddDays(150)));
        Assert.Equal(SignatureStatus.Revoked, late.Status);
        Assert.Equal(ValidationReason.SoftRevoked, late.RejectionReason);

        Assert.True(cert.Validate(null, T0.AddDays(99)).IsValid);
        Assert.Equal(ValidationReason.SoftRevoked, Reasons(cert.Validate(null, T0.AddDays(101)).PrimaryKey)[0]);
    }

    [Fact]
    public void A_hard_revoked_primary_makes_every_signature_bad_even_those_made_before()
    {
        var c = new CertificateCrafter(Ed25519(T0)).UserId("Alice <alice@example.org>", T0);
        var enc = Cv25519(T0);
        c.Bind(enc, T0, EncryptFlags);
        c.RevokePrimary(T0.AddDays(100), 2); // compromised
        var cert = c.Build();

        var early = VerifyData(cert, DataSignature(c.Primary, Data, T0.AddDays(50)));
        Assert.Equal(SignatureStatus.Revoked, early.Status);
        Assert.Equal(ValidationReason.HardRevoked, early.RejectionReason);

        var then = cert.Validate(null, T0.AddDays(50));
        Assert.False(then.IsValid);
        Assert.Equal(ValidationReason.HardRevoked, Reasons(then.PrimaryKey)[0]);
        // The revocation reaches the subkeys too.
        Assert.Equal(ValidationReason.HardRevoked, Reasons(then.Subkeys[0])[0]);
        Assert.True(cert.PrimaryKey.IsHardRevoked);
    }

    [Fact]
    public void A_signing_subkey_without_back_signature_is_not_bound_and_its_signatures_are_refused()
    {
        var (c, _) = Healthy();
        var signer = Ed25519(T0);
        c.Bind(signer, T0, SignFlag, backSignature: false);
        var cert = c.Build();

        var v = cert.Validate(null, T0.AddDays(1));
        Assert.True(v.Subkeys[0].IsValid);
        Assert.False(v.Subkeys[1].IsValid);
        Assert.Equal(new[] { ValidationReason.MissingBackSignature }, Reasons(v.Subkeys[1]));
        Assert.DoesNotContain(v.KeysFor(KeyUsage.Sign), k => k.Key.Fingerprint == signer.Fingerprint);

        var verdict = VerifyData(cert, DataSignature(signer, Data, T0.AddDays(1)));
        Assert.Equal(SignatureStatus.KeyNotUsable, verdict.Status);
        Assert.Equal(ValidationReason.MissingBackSignature, verdict.RejectionReason);
    }

    [Fact]
    public void An_older_binding_with_back_signature_still_counts_when_a_newer_one_lacks_it()
    {
        var (c, _) = Healthy();
        var signer = Ed25519(T0);
        c.Bind(signer, T0, SignFlag).Bind(signer, T0.AddDays(10), SignFlag, backSignature: false);
        var sub = c.Build().Validate(null, T0.AddDays(20)).Subkeys[1];
        Assert.True(sub.IsValid);
        Assert.Equal(T0, sub.Binding!.CreationTime);
    }

    [Fact]
    public void A_sha1_binding_after_the_cutoff_is_refused_and_before_it_accepted_by_default_only()
    {
        var after = new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var late = new CertificateCrafter(Ed25519(after)).UserId("Alice <alice@example.org>", after, HashAlgorithmId.Sha1).Build();
        var v = late.Validate(OpenPgpPolicy.Default, after.AddDays(1));
        Assert.False(v.IsValid);
        Assert.Equal(ValidationReason.WeakHash, Reasons(v.PrimaryKey)[0]);
        Assert.Equal(ValidationReason.WeakHash, v.UserIds[0].Reasons[0].Reason);
        Assert.Empty(late.UserIds);

        var early = new CertificateCrafter(Ed25519(T0)).UserId("Alice <alice@example.org>", T0, HashAlgorithmId.Sha1).Build();
        Assert.True(early.Validate(OpenPgpPolicy.Default, after).IsValid);
        Assert.True(early.Validate(OpenPgpPolicy.Legacy, after).IsValid);
        Assert.Equal(ValidationReason.WeakHash, Reasons(early.Validate(OpenPgpPolicy.Strict, after).PrimaryKey)[0]);
    }

    [Fact]
    public void A_newer_sha1_binding_is_skipped_for_an_older_sha256_one()
    {
        var (c, enc) = Healthy();
        var after = new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);
        // The newer binding would end the subkey's life; the policy refuses it, so the older one still rules.
        c.Bind(enc, after, EncryptFlags, HashAlgorithmId.Sha1, expires: TimeSpan.FromDays(1));
        var sub = c.Build().Validate(OpenPgpPolicy.Default, after.AddDays(30)).Subkeys[0];
        Assert.True(sub.IsValid);
        Assert.Equal(OpenPgpHashAlgorithm.Sha256, sub.Binding!.HashAlgorithm);
        Assert.Null(sub.Key.ExpirationTime);
    }

    [Fact]
    public void Rsa_1024_is_a_weak_key_by_default_and_accepted_by_the_legacy_policy()
    {
        var (c, _) = Healthy(Rsa(T0, 1024));
        var cert = c.Build();
        var v = cert.Validate(OpenPgpPolicy.Default, T0.AddDays(1));
        Assert.False(v.IsValid);
        Assert.Equal(new[] { ValidationReason.WeakKey }, Reasons(v.PrimaryKey));
        // The primary key's weakness makes its subkeys unusable as well.
        Assert.Contains(ValidationReason.WeakKey, Reasons(v.Subkeys[0]));
        Assert.Empty(cert.EncryptionKeys(T0.AddDays(1)));

        Assert.True(cert.Validate(OpenPgpPolicy.Legacy, T0.AddDays(1)).IsValid);
        Assert.Single(cert.Validate(OpenPgpPolicy.Legacy, T0.AddDays(1)).KeysFor(KeyUsage.EncryptCommunications));
    }

    [Fact]
    public void A_past_reference_time_sees_the_bindings_made_by_then()
    {
        var c = new CertificateCrafter(Ed25519(T0)).UserId("Alice <alice@example.org>", T0);
        var enc = Cv25519(T0);
        // Bound with a one-year life, then extended (a new binding without expiry) two years later.
        c.Bind(enc, T0, EncryptFlags, expires: TimeSpan.FromDays(365));
        c.Bind(enc, T0.AddDays(730), EncryptFlags);
        var added = Cv25519(T0.AddDays(400));
        c.Bind(added, T0.AddDays(400), EncryptFlags);
        var cert = c.Build();

        var year1 = cert.Validate(null, T0.AddDays(100));
        Assert.True(year1.Subkeys[0].IsValid);
        Assert.Equal(ValidationReason.NotYetValid, Reasons(year1.Subkeys[1])[0]);

        var gap = cert.Validate(null, T0.AddDays(500));
        Assert.Equal(new[] { ValidationReason.Expired }, Reasons(gap.Subkeys[0]));
        Assert.True(gap.Subkeys[1].IsValid);

        var now = cert.Validate(null, T0.AddDays(800));
        Assert.True(now.Subkeys[0].IsValid);
        Assert.Equal(T0.AddDays(730), now.Subkeys[0].Binding!.CreationTime);
        Assert.Null(now.Subkeys[0].Key.ExpirationTime);
    }

    [Fact]
    public void A_subkey_cannot_outlive_its_primary_key()
    {
        var c = new CertificateCrafter(Ed25519(T0)).UserId("Alice <alice@example.org>", T0, expires: TimeSpan.FromDays(10));
        c.Bind(Cv25519(T0), T0, EncryptFlags);
        var v = c.Build().Validate(null, T0.AddDays(11));
        Assert.Equal(T0.AddDays(10), v.Subkeys[0].Key.ExpirationTime);
        Assert.Equal(ValidationReason.Expired, Reasons(v.PrimaryKey)[0]);
        Assert.Equal(ValidationReason.Expired, Reasons(v.Subkeys[0])[0]);
    }

    [Fact]
    public void A_revoked_user_id_is_listed_with_its_reason_and_left_out_of_UserIds()
    {
        var c = new CertificateCrafter(Ed25519(T0)).UserId("Alice <alice@example.org>", T0)
            .UserId("Alice <alice@old.example>", T0, primary: false).RevokeUserId("Alice <alice@old.example>", T0.AddDays(5));
        var cert = c.Build();
        var v = cert.Validate(null, T0.AddDays(6));
        Assert.Equal(ValidationReason.Revoked, v.UserIds[1].Reasons[0].Reason);
        Assert.Equal("Alice <alice@old.example>", v.UserIds[1].Reasons[0].UserId);
        Assert.True(cert.Validate(null, T0.AddDays(4)).UserIds[1].IsValid);
        Assert.Equal(new[] { "Alice <alice@example.org>" }, cert.UserIds);
    }

    [Fact]
    public void A_certificate_without_any_self_signature_has_no_binding()
    {
        var c = new CertificateCrafter(Ed25519(T0));
        c.Bind(Cv25519(T0), T0, EncryptFlags);
        var v = c.Build().Validate(null, T0.AddDays(1));
        Assert.Equal(ValidationReason.NoBindingSignature, Reasons(v.PrimaryKey)[0]);
        Assert.Contains(ValidationReason.NoBindingSignature, Reasons(v.Subkeys[0]));
    }

    [Fact]
    public void A_v6_key_is_bound_by_its_direct_key_signature()
    {
        var key = Pgp.GenerateKey("Carol <carol@example.org>", new KeyGenerationOptions { Profile = KeyProfile.V6Ed25519 });
        var v = key.Certificate.Validate();
        Assert.True(v.IsValid);
        Assert.Equal(SignatureType.DirectKey, v.PrimaryKey.Binding!.Type);
        Assert.True(v.UserIds[0].IsValid);
        Assert.Single(v.KeysFor(KeyUsage.EncryptCommunications));
    }

    [Fact]
    public void The_certificate_properties_are_the_default_view()
    {
        var key = Pgp.GenerateKey("Dave <dave@example.org>");
        var cert = key.Certificate;
        var v = cert.Validate(OpenPgpPolicy.Default, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.Equal(cert.UserIds, v.UserIds.Where(u => u.IsValid).Select(u => u.UserId));
        Assert.Equal(cert.EncryptionKeys(v.Time).Select(k => k.Fingerprint), v.KeysFor(KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage).Select(k => k.Key.Fingerprint));
        Assert.Equal(cert.SigningKeys(v.Time).Select(k => k.Fingerprint), v.KeysFor(KeyUsage.Sign).Select(k => k.Key.Fingerprint));
        Assert.Equal(cert.PrimaryKey, v.PrimaryKey.Key);
    }

    [Fact]
    public void A_SHA1_certification_by_a_third_party_counts_only_where_the_policy_accepts_its_date()
    {
        var issuerKey = Ed25519(T0);
        var issuer = new CertificateCrafter(issuerKey).UserId("Carol <carol@example.org>", T0).Build();
        var after = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Certificate Certified(HashAlgorithmId hash, DateTimeOffset when) => new CertificateCrafter(Ed25519(T0))
            .UserId("Alice <alice@example.org>", T0).CertifiedBy(issuerKey, "Alice <alice@example.org>", when, hash).Build();

        var sha1Late = Certified(HashAlgorithmId.Sha1, after);
        Assert.Single(sha1Late.Certifications);
        Assert.Empty(sha1Late.CertificationsBy(issuer));
        Assert.Single(sha1Late.CertificationsBy(issuer, policy: OpenPgpPolicy.Legacy));
        // Before the default cut-off (2023-02-01) a SHA-1 certification still counts; SHA-256 always does.
        Assert.Single(Certified(HashAlgorithmId.Sha1, T0.AddDays(1)).CertificationsBy(issuer));
        Assert.Empty(Certified(HashAlgorithmId.Sha1, T0.AddDays(1)).CertificationsBy(issuer, policy: OpenPgpPolicy.Strict));
        Assert.Single(Certified(HashAlgorithmId.Sha256, after).CertificationsBy(issuer, policy: OpenPgpPolicy.Strict));
    }
}
