using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Keys;

/// <summary>Each lifecycle operation on every key profile: the result, exported and parsed again, shows the
/// expected state.</summary>
public class LifecycleTests
{
    private readonly OpenPgp pgp = new();

    private static Certificate Reparsed(SecretKey key) => Certificate.Parse(key.Certificate.ExportArmored());

    private static SecretKey ReparsedSecret(SecretKey key) => SecretKey.Parse(key.ExportArmored());

    private byte[] EncryptTo(Certificate recipient, string text)
    {
        var output = new MemoryStream();
        pgp.Encrypt(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)), output, new EncryptOptions { Recipients = { recipient } });
        return output.ToArray();
    }

    private string DecryptWith(SecretKey key, byte[] message)
    {
        var output = new MemoryStream();
        pgp.Decrypt(new MemoryStream(message), output, new DecryptOptions { Keys = { key }, KeyPassphrases = { TestKeys.Passphrase } });
        return System.Text.Encoding.UTF8.GetString(output.ToArray());
    }

    [Theory]
    [MemberData(nameof(TestKeys.Profiles), MemberType = typeof(TestKeys))]
    public void An_added_user_id_is_bound_keeps_the_preferences_and_can_become_primary(string profile)
    {
        var key = TestKeys.Unlocked(profile, "uidadd");
        var added = key.AddUserId("Second <second@example.org>");
        var cert = Reparsed(added);
        Assert.Equal(new[] { "Uidadd <uidadd@example.org>", "Second <second@example.org>" }, cert.UserIds);
        Assert.Equal(key.Certificate.SupportsSeipdV2, cert.SupportsSeipdV2);
        Assert.True(cert.CanEncrypt);

        var primary = added.AddUserId("Third <third@example.org>", primary: true);
        Assert.Equal("Third <third@example.org>", Reparsed(primary).UserIds[0]);
        // Merged into the older copy (whose packet order the merge keeps), the new primary user ID still comes first.
        Assert.Equal("Third <third@example.org>", cert.Merge(primary.Certificate).UserIds[0]);
        Assert.Throws<ArgumentException>(() => primary.AddUserId("Third <third@example.org>"));
        // The secret survives the edit and round trip.
        Assert.Equal("hi", DecryptWith(ReparsedSecret(primary), EncryptTo(cert, "hi")));
    }

    [Theory]
    [MemberData(nameof(TestKeys.Profiles), MemberType = typeof(TestKeys))]
    public void A_revoked_user_id_is_no_longer_listed_and_the_last_one_cannot_be_revoked(string profile)
    {
        var key = TestKeys.Unlocked(profile, "uidrev").AddUserId("Gone <gone@example.org>");
        var revoked = key.RevokeUserId("Gone <gone@example.org>", RevocationReason.UserIdNoLongerValid, "left the company");
        var cert = Reparsed(revoked);
        Assert.Equal(new[] { "Uidrev <uidrev@example.org>" }, cert.UserIds);
        Assert.DoesNotContain("gone@example.org", cert.EmailAddresses);
        Assert.Throws<ArgumentException>(() => key.RevokeUserId("Nobody <n@example.org>"));
        Assert.Throws<ArgumentException>(() => key.RevokeUserId("Gone <gone@example.org>", RevocationReason.Compromised));
        if (cert.Version == 4) Assert.Throws<ArgumentException>(() => revoked.RevokeUserId("Uidrev <uidrev@example.org>"));

        // Adding it again binds it with a self-signature newer than the revocation.
        Assert.Contains("Gone <gone@example.org>", Reparsed(revoked.AddUserId("Gone <gone@example.org>")).UserIds);
    }

    [Theory]
    [MemberData(nameof(TestKeys.Profiles), MemberType = typeof(TestKeys))]
    public void An_added_signing_subkey_is_back_signed_and_signs(string profile)
    {
        var key = TestKeys.Unlocked(profile, "subsign");
        var expires = DateTimeOffset.UtcNow.AddDays(30);
        var added = key.AddSubkey(KeyUsage.Sign, expires, TestKeys.Passphrase);
        var cert = Reparsed(added);
        Assert.Equal(key.Certificate.Subkeys.Count + 1, cert.Subkeys.Count);
        var sub = cert.Subkeys[^1];
        Assert.Equal(KeyUsage.Sign, sub.Usage);
        Assert.Equal(key.Certificate.Version, sub.Version);
        Assert.Equal(expires.ToUnixTimeSeconds(), sub.ExpirationTime!.Value.ToUnixTimeSeconds());
        Assert.Contains(cert.SigningKeys(DateTimeOffset.UtcNow), k => k.Fingerprint == sub.Fingerprint);
        if (cert.PrimaryKey.Algorithm == KeyAlgorithm.Rsa) Assert.Equal(KeyAlgorithm.Rsa, sub.Algorithm);

        var signature = new MemoryStream();
        var secret = ReparsedSecret(added);
        pgp.SignDetached(new MemoryStream("data"u8.ToArray()), signature, new SignOptions { Signers = { secret }, SignerPassphrases = { TestKeys.Passphrase } });
        var result = pgp.VerifyDetached(new MemoryStream("data"u8.ToArray()), new MemoryStream(signature.ToArray()), new VerifyOptions { Verifiers = { cert } });
        Assert.Contains(result.Signatures, s => s.Status == SignatureStatus.Good);

        Assert.Throws<ArgumentException>(() => key.AddSubkey(KeyUsage.Sign | KeyUsage.EncryptCommunications));
        Assert.Throws<ArgumentException>(() => key.AddSubkey(KeyUsage.Certify));
    }

    [Theory]
    [MemberData(nameof(TestKeys.Profiles), MemberType = typeof(TestKeys))]
    public void Rotating_the_encryption_subkey_switches_senders_and_old_mail_still_decrypts(string profile)
    {
        var key = TestKeys.Unlocked(profile, "rotate");
        var oldMail = EncryptTo(key.Certificate, "old mail");
        var oldSub = key.Certificate.EncryptionKeys(DateTimeOffset.UtcNow).Single();

        var rotated = ReparsedSecret(key.RotateEncryptionSubkey(passphrase: TestKeys.Passphrase));
        var cert = rotated.Certificate;
        var now = DateTimeOffset.UtcNow;
        var current = Assert.Single(cert.EncryptionKeys(now));
        Assert.NotEqual(oldSub.Fingerprint, current.Fingerprint);
        var old = cert.Subkeys.Single(k => k.Fingerprint == oldSub.Fingerprint);
        Assert.True(old.IsRevoked);
        Assert.False(old.IsHardRevoked);

        Assert.Equal("new mail", DecryptWith(rotated, EncryptTo(cert, "new mail")));
        Assert.Equal("old mail", DecryptWith(rotated, oldMail));
    }

    [Theory]
    [MemberData(nameof(TestKeys.Profiles), MemberType = typeof(TestKeys))]
    public void A_revoked_subkey_is_not_used(string profile)
    {
        var key = TestKeys.Unlocked(profile, "subrev");
        var sub = key.Certificate.Subkeys[0];
        var cert = Reparsed(key.RevokeSubkey(sub.KeyId, RevocationReason.Compromised, "stolen"));
        var info = cert.Subkeys.Single(k => k.Fingerprint == sub.Fingerprint);
        Assert.True(info.IsHardRevoked);
        Assert.False(cert.CanEncrypt);
        Assert.Throws<ArgumentException>(() => key.RevokeSubkey("0000000000000000"));
    }

    [Theory]
    [MemberData(nameof(TestKeys.Profiles), MemberType = typeof(TestKeys))]
    public void Expiration_can_be_set_extended_and_removed_for_the_key_and_a_subkey(string profile)
    {
        var key = TestKeys.Unlocked(profile, "expire");
        var inAYear = DateTimeOffset.UtcNow.AddDays(365);
        var expiring = key.WithExpiration(inAYear);
        var cert = Reparsed(expiring);
        Assert.Equal(inAYear.ToUnixTimeSeconds(), cert.ExpirationTime!.Value.ToUnixTimeSeconds());
        Assert.Equal(key.Certificate.UserIds, cert.UserIds);
        Assert.Equal(key.Certificate.SupportsSeipdV2, cert.SupportsSeipdV2);
        Assert.Equal(key.Certificate.PrimaryKey.Usage, cert.PrimaryKey.Usage);
        Assert.True(cert.CanEncrypt);

        var forever = Reparsed(expiring.WithExpiration(null));
        Assert.Null(forever.ExpirationTime);

        var sub = key.Certificate.Subkeys[0];
        var inAMonth = DateTimeOffset.UtcNow.AddDays(30);
        var subCert = Reparsed(key.WithSubkeyExpiration(sub.Fingerprint, inAMonth));
        var info = subCert.Subkeys.Single(k => k.Fingerprint == sub.Fingerprint);
        Assert.Equal(inAMonth.ToUnixTimeSeconds(), info.ExpirationTime!.Value.ToUnixTimeSeconds());
        Assert.Equal(sub.Usage, info.Usage);
        Assert.Empty(subCert.EncryptionKeys(inAMonth.AddDays(1)));

        Assert.Throws<ArgumentOutOfRangeException>(() => key.WithExpiration(key.Certificate.CreationTime.AddSeconds(-1)));
    }

    [Theory]
    [MemberData(nameof(TestKeys.Profiles), MemberType = typeof(TestKeys))]
    public void A_revocation_certificate_applies_to_its_certificate_only(string profile)
    {
        var key = TestKeys.Unlocked(profile, "revcert");
        var armored = key.CreateRevocationCertificate(RevocationReason.Compromised, "key lost");
        Assert.Contains("BEGIN PGP PUBLIC KEY BLOCK", armored, StringComparison.Ordinal);
        Assert.False(key.Certificate.IsRevoked);
        Assert.True(key.Certificate.TryApplyRevocation(System.Text.Encoding.ASCII.GetBytes(armored), out var revoked));
        Assert.True(Certificate.Parse(revoked.ExportArmored()).IsRevoked);

        var other = TestKeys.Get(profile, "bystander").Certificate;
        Assert.False(other.TryApplyRevocation(System.Text.Encoding.ASCII.GetBytes(armored), out _));
    }

    [Theory]
    [MemberData(nameof(TestKeys.Profiles), MemberType = typeof(TestKeys))]
    public void A_third_party_certification_is_listed_and_verifies_only_against_its_issuer(string profile)
    {
        var alice = TestKeys.Unlocked(profile, "certifier");
        var bob = TestKeys.Get(profile, "certified").Certificate;
        var expires = DateTimeOffset.UtcNow.AddDays(10);
        var certified = Certificate.Parse(alice.Certify(bob, bob.UserIds[0], CertificationLevel.Positive, expires).ExportArmored());

        var c = Assert.Single(certified.Certifications);
        Assert.Equal(bob.UserIds[0], c.UserId);
        Assert.Equal(alice.Fingerprint, c.IssuerFingerprint);
        Assert.Equal(alice.KeyId, c.IssuerKeyId);
        Assert.Equal(CertificationLevel.Positive, c.Level);
        Assert.Equal(expires.ToUnixTimeSeconds(), c.ExpirationTime!.Value.ToUnixTimeSeconds());
        Assert.True(certified.VerifyCertification(c, alice.Certificate));
        Assert.False(certified.VerifyCertification(c, alice.Certificate, expires.AddDays(1)));
        Assert.False(certified.VerifyCertification(c, TestKeys.Get(profile, "bystander").Certificate));
        Assert.Single(certified.CertificationsBy(alice.Certificate));
        Assert.Empty(certified.CertificationsBy(bob));
        // The certification does not change what the certificate itself binds.
        Assert.Equal(bob.UserIds, certified.UserIds);
        Assert.Empty(bob.Certifications);
        Assert.Throws<ArgumentException>(() => alice.Certify(bob, "Not <there@example.org>"));
    }

    [Theory]
    [MemberData(nameof(TestKeys.Profiles), MemberType = typeof(TestKeys))]
    public void Merging_secret_keys_and_public_updates_keeps_secrets_and_adds_no_duplicates(string profile)
    {
        var key = TestKeys.Unlocked(profile, "merge");
        var updated = key.AddUserId("Merged <merged@example.org>").AddSubkey(KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage, passphrase: TestKeys.Passphrase);

        var fromSecret = key.Merge(ReparsedSecret(updated));
        var fromPublic = ReparsedSecret(key).Merge(Reparsed(updated));
        foreach (var merged in new[] { fromSecret, fromPublic })
        {
            Assert.Equal(updated.UserIds, merged.UserIds);
            Assert.Equal(updated.Certificate.Subkeys.Count, merged.Certificate.Subkeys.Count);
            Assert.Equal(merged.Export().Length, merged.Merge(merged.Certificate).Export().Length);
        }
        // The public update brings a subkey without its secret; the original secrets stay usable.
        var toOld = EncryptTo(key.Certificate, "to the old subkey");
        Assert.Equal("to the old subkey", DecryptWith(ReparsedSecret(fromPublic), toOld));
        // The secret copy brings the new subkey's secret too.
        var toNew = EncryptTo(updated.Certificate, "to every subkey");
        Assert.Equal("to every subkey", DecryptWith(ReparsedSecret(fromSecret), toNew));
        Assert.Throws<ArgumentException>(() => key.Merge(TestKeys.Get(profile, "bystander")));
    }

    [Theory]
    [MemberData(nameof(TestKeys.Profiles), MemberType = typeof(TestKeys))]
    public void A_minimal_certificate_keeps_one_user_id_the_newest_self_signatures_and_live_subkeys(string profile)
    {
        var key = TestKeys.Unlocked(profile, "minimal")
            .AddUserId("Work <work@example.org>")
            .WithExpiration(DateTimeOffset.UtcNow.AddDays(400))
            .RotateEncryptionSubkey(passphrase: TestKeys.Passphrase);
        var certifier = TestKeys.Unlocked(profile, "certifier");
        var full = certifier.Certify(key.Certificate, "Work <work@example.org>");

        var minimal = Certificate.Parse(full.Minimize("Work <work@example.org>").Export());
        Assert.Equal(new[] { "Work <work@example.org>" }, minimal.UserIds);
        Assert.Empty(minimal.Certifications);
        var live = Assert.Single(minimal.Subkeys);
        Assert.Equal(full.EncryptionKeys(DateTimeOffset.UtcNow).Single().Fingerprint, live.Fingerprint);
        Assert.Equal(full.ExpirationTime, minimal.ExpirationTime);
        Assert.True(minimal.Export().Length < full.Export().Length / 2);

        // Default: the primary user ID.
        Assert.Equal(new[] { full.UserIds[0] }, full.Minimize().UserIds);
        Assert.Throws<ArgumentException>(() => full.Minimize("Stranger <s@example.org>"));
    }

    [Fact]
    public void Lifecycle_operations_on_a_locked_key_ask_for_it_to_be_unlocked()
    {
        var locked = TestKeys.Get("Curve25519+passphrase", "locked");
        Assert.Throws<KeyNotUsableException>(() => locked.AddUserId("X <x@example.org>"));
        Assert.Throws<KeyNotUsableException>(() => locked.AddSubkey(KeyUsage.Sign));
        Assert.Throws<KeyNotUsableException>(() => locked.WithExpiration(null));
        Assert.Throws<KeyNotUsableException>(() => locked.CreateRevocationCertificate());
        Assert.Throws<KeyNotUsableException>(() => locked.Certify(TestKeys.Get("Curve25519", "bystander").Certificate, "Bystander <bystander@example.org>"));

        // Unlocked, the edit keeps the protection, and the new subkey is protected with the same passphrase.
        var edited = locked.Unlock(TestKeys.Passphrase).AddSubkey(KeyUsage.EncryptCommunications, passphrase: TestKeys.Passphrase);
        var reread = ReparsedSecret(edited);
        Assert.True(reread.IsProtected);
        Assert.Throws<BadPassphraseException>(() => reread.Unlock("wrong"));
        Assert.True(reread.TryUnlock(TestKeys.Passphrase, out _));
    }
}
