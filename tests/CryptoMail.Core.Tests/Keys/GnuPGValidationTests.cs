using CryptoMail.Core.Tests.Interop;

namespace CryptoMail.Core.Tests.Keys;

/// <summary>Certificates that GnuPG itself crafts (a faked clock, SHA-1 certifications, RSA-1024, short-lived subkeys,
/// revoked user IDs) get the verdicts and reasons our validation promises.</summary>
public class GnuPGValidationTests
{
    private const string NoPassphrase = "";

    private static Certificate Make(GnuPG gpg, string userId, params string[] args)
    {
        gpg.Run(null, new[] { "--passphrase", NoPassphrase }.Concat(args).ToArray()).EnsureSuccess("craft");
        return Certificate.Parse(gpg.ExportCertificate(gpg.Fingerprints("--list-keys", "=" + userId)[0]));
    }

    [GnuPGFact]
    public void A_sha1_self_signature_made_after_the_cutoff_is_refused_and_one_made_before_is_accepted_by_default()
    {
        using var gpg = new GnuPG();
        var late = Make(gpg, "Late <late@example.org>", "--faked-system-time", "20240301T000000!", "--cert-digest-algo", "SHA1",
            "--quick-gen-key", "Late <late@example.org>", "ed25519", "cert,sign", "never");
        var early = Make(gpg, "Early <early@example.org>", "--faked-system-time", "20220301T000000!", "--cert-digest-algo", "SHA1",
            "--quick-gen-key", "Early <early@example.org>", "ed25519", "cert,sign", "never");
        var when = new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);

        var refused = late.Validate(OpenPgpPolicy.Default, when);
        Assert.False(refused.IsValid);
        Assert.Equal(ValidationReason.WeakHash, refused.PrimaryKey.Reasons[0].Reason);
        Assert.Equal(ValidationReason.WeakHash, refused.UserIds[0].Reasons[0].Reason);
        Assert.True(late.Validate(OpenPgpPolicy.Legacy, when).IsValid);

        var accepted = early.Validate(OpenPgpPolicy.Default, when);
        Assert.True(accepted.IsValid);
        Assert.Equal(OpenPgpHashAlgorithm.Sha1, accepted.PrimaryKey.Binding!.HashAlgorithm);
        Assert.Equal(ValidationReason.WeakHash, early.Validate(OpenPgpPolicy.Strict, when).PrimaryKey.Reasons[0].Reason);
    }

    [GnuPGFact]
    public void Gpg_rsa1024_is_a_weak_key_by_default_and_valid_under_legacy()
    {
        using var gpg = new GnuPG();
        var cert = Make(gpg, "Old <old@example.org>", "--quick-gen-key", "Old <old@example.org>", "rsa1024", "cert,sign", "never");
        var v = cert.Validate(OpenPgpPolicy.Default);
        Assert.Equal(1024, v.PrimaryKey.Key.BitStrength);
        Assert.Equal(new[] { ValidationReason.WeakKey }, v.PrimaryKey.Reasons.Select(r => r.Reason));
        Assert.Empty(v.KeysFor(KeyUsage.Sign));
        Assert.True(cert.Validate(OpenPgpPolicy.Legacy).IsValid);
        Assert.Single(cert.Validate(OpenPgpPolicy.Legacy).KeysFor(KeyUsage.Sign));
    }

    [GnuPGFact]
    public void A_gpg_subkey_that_expired_is_refused_for_encryption_with_the_reason()
    {
        using var gpg = new GnuPG();
        const string uid = "Short <short@example.org>";
        gpg.Run(null, "--passphrase", NoPassphrase, "--faked-system-time", "20220101T000000!", "--quick-gen-key", uid, "ed25519", "cert,sign", "never")
            .EnsureSuccess("generate");
        var fpr = gpg.Fingerprints("--list-keys", "=" + uid)[0];
        gpg.Run(null, "--passphrase", NoPassphrase, "--faked-system-time", "20220101T000000!", "--quick-add-key", fpr, "cv25519", "encr", "2d")
            .EnsureSuccess("add subkey");
        var cert = Certificate.Parse(gpg.ExportCertificate(fpr));

        var start = new DateTimeOffset(2022, 1, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.True(cert.Validate(null, start).Subkeys[0].IsValid);
        var later = cert.Validate(null, start.AddDays(3));
        Assert.Equal(ValidationReason.Expired, later.Subkeys[0].Reasons[0].Reason);
        var e = Assert.Throws<KeyNotUsableException>(() => new OpenPgp().Encrypt(new MemoryStream(new byte[] { 1 }), new MemoryStream(),
            new EncryptOptions { Recipients = { cert }, Time = start.AddDays(3) }));
        Assert.Equal(ValidationReason.Expired, Assert.Single(e.UnusableCertificates).Reasons[0].Reason);
    }

    [GnuPGFact]
    public void A_user_id_revoked_with_quick_revuid_is_listed_as_revoked()
    {
        using var gpg = new GnuPG();
        const string uid = "Rita <rita@example.org>";
        const string old = "Rita <rita@old.example>";
        // A faked clock dates each step a day apart, so the revocation is plainly newer than the certification.
        gpg.Run(null, "--passphrase", NoPassphrase, "--faked-system-time", "20220101T000000!", "--quick-gen-key", uid, "ed25519", "cert,sign", "never")
            .EnsureSuccess("generate");
        var fpr = gpg.Fingerprints("--list-keys", "=" + uid)[0];
        gpg.Run(null, "--passphrase", NoPassphrase, "--faked-system-time", "20220102T000000!", "--quick-add-uid", fpr, old).EnsureSuccess("add uid");
        gpg.Run(null, "--passphrase", NoPassphrase, "--faked-system-time", "20220103T000000!", "--quick-revuid", fpr, old).EnsureSuccess("revoke uid");
        var cert = Certificate.Parse(gpg.ExportCertificate(fpr));

        var v = cert.Validate();
        var revoked = Assert.Single(v.UserIds, u => u.UserId == old);
        Assert.True(cert.Validate(null, new DateTimeOffset(2022, 1, 2, 12, 0, 0, TimeSpan.Zero)).UserIds.Single(u => u.UserId == old).IsValid);
        Assert.Equal(ValidationReason.Revoked, revoked.Reasons[0].Reason);
        Assert.Equal(new[] { uid }, cert.UserIds);
    }
}
