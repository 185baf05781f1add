using CryptoMail.Core.Tests.Interop;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Keys;

/// <summary>GnuPG accepts what each lifecycle operation produces: <c>gpg --import</c> into a fresh home, then list,
/// check signatures or encrypt. v4 keys only: GnuPG 2.2 cannot read v6 keys.</summary>
public class GnuPGLifecycleTests
{
    private readonly OpenPgp pgp = new();

    /// <summary>The <c>--with-colons</c> records of a key (<c>pub</c>, <c>sub</c>, <c>uid</c>, <c>fpr</c>, <c>sig</c>...).</summary>
    private static List<string[]> Colons(GnuPG gpg, params string[] args) =>
        gpg.Run(null, new[] { "--with-colons", "--fixed-list-mode" }.Concat(args).ToArray()).EnsureSuccess().Stdout
            .Split('\n').Where(l => l.Length > 0).Select(l => l.Split(':')).ToList();

    [GnuPGTheory]
    [InlineData("Curve25519")]
    [InlineData("Rsa3072")]
    public void Gpg_lists_the_revoked_user_id_as_revoked_and_the_added_one_as_valid(string profile)
    {
        var key = TestKeys.Unlocked(profile, "gpguid")
            .AddUserId("Added <added@example.org>")
            .AddUserId("Revoked <revoked@example.org>")
            .RevokeUserId("Revoked <revoked@example.org>");
        using var gpg = new GnuPG();
        gpg.Import(key.Certificate.ExportArmored());
        var uids = Colons(gpg, "--list-keys", key.Fingerprint).Where(r => r[0] == "uid").ToDictionary(r => r[9], r => r[1]);
        Assert.Equal("r", uids["Revoked <revoked@example.org>"]);
        Assert.NotEqual("r", uids["Added <added@example.org>"]);
        Assert.NotEqual("r", uids["Gpguid <gpguid@example.org>"]);
    }

    [GnuPGFact]
    public void Gpg_sees_the_new_subkeys_their_expiry_and_the_key_expiry()
    {
        var subExpiry = DateTimeOffset.UtcNow.AddDays(20);
        var keyExpiry = DateTimeOffset.UtcNow.AddDays(200);
        var key = TestKeys.Unlocked("Curve25519", "gpgsub")
            .AddSubkey(KeyUsage.Sign, subExpiry, TestKeys.Passphrase)
            .WithExpiration(keyExpiry);
        var signing = key.Certificate.Subkeys[^1];
        using var gpg = new GnuPG();
        gpg.Import(key.Certificate.ExportArmored());
        var records = Colons(gpg, "--list-keys", key.Fingerprint);
        var pub = records.Single(r => r[0] == "pub");
        Assert.Equal(keyExpiry.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), pub[6]);
        int i = records.FindIndex(r => r[0] == "fpr" && r[9] == signing.Fingerprint);
        var sub = records[i - 1];
        Assert.Equal("sub", sub[0]);
        Assert.Equal("s", sub[11]);
        Assert.Equal(subExpiry.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), sub[6]);
        Assert.NotEqual("r", sub[1]);
        Assert.NotEqual("e", sub[1]);

        // gpg verifies a signature our new subkey made (so it accepted the back-signature).
        var data = gpg.WriteFile("data.txt", "signed by the new subkey");
        var signature = new MemoryStream();
        pgp.SignDetached(new MemoryStream(File.ReadAllBytes(data)), signature, new SignOptions { Signers = { key } });
        var sigPath = gpg.WriteFile("data.sig", signature.ToArray());
        var verdict = gpg.VerifyDetached(sigPath, data);
        Assert.True(verdict.GoodSignature, verdict.Stderr + verdict.Status);
        Assert.Contains(verdict.ValidSignatures, v => v[0] == signing.Fingerprint);
    }

    [GnuPGFact]
    public void Gpg_encrypts_to_the_rotated_subkey_and_we_decrypt()
    {
        var key = TestKeys.Unlocked("Curve25519", "gpgrotate");
        var old = key.Certificate.EncryptionKeys(DateTimeOffset.UtcNow).Single();
        var rotated = key.RotateEncryptionSubkey(passphrase: TestKeys.Passphrase);
        var fresh = rotated.Certificate.EncryptionKeys(DateTimeOffset.UtcNow).Single();
        using var gpg = new GnuPG();
        gpg.Import(rotated.Certificate.ExportArmored());
        var records = Colons(gpg, "--list-keys", key.Fingerprint);
        int oldAt = records.FindIndex(r => r[0] == "fpr" && r[9] == old.Fingerprint);
        Assert.Equal("r", records[oldAt - 1][1]);

        var plain = gpg.WriteFile("plain.txt", "to the rotated key");
        var cipher = gpg.OutputPath("plain.gpg");
        gpg.Run(null, "--recipient", key.Fingerprint, "--output", cipher, "--encrypt", plain).EnsureSuccess();
        // gpg chose the new subkey: the one public-key encrypted session key packet names it.
        var packets = gpg.Run(null, "--list-packets", cipher).Stdout;
        Assert.Contains("keyid " + fresh.KeyId, packets, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("keyid " + old.KeyId, packets, StringComparison.OrdinalIgnoreCase);
        var output = new MemoryStream();
        var result = pgp.Decrypt(new MemoryStream(File.ReadAllBytes(cipher)), output, new DecryptOptions { Keys = { rotated } });
        Assert.Equal("to the rotated key", System.Text.Encoding.UTF8.GetString(output.ToArray()));
        Assert.NotNull(result);
    }

    [GnuPGTheory]
    [InlineData("Curve25519")]
    [InlineData("Rsa3072")]
    public void Gpg_checks_our_third_party_certification_as_good(string profile)
    {
        var alice = TestKeys.Unlocked(profile, "gpgcertifier");
        var bob = TestKeys.Get(profile, "gpgcertified").Certificate;
        var certified = alice.Certify(bob, bob.UserIds[0]);
        using var gpg = new GnuPG();
        gpg.Import(alice.Certificate.ExportArmored());
        gpg.Import(certified.ExportArmored());
        var records = Colons(gpg, "--check-sigs", bob.Fingerprint);
        // sig records: field 2 is the check result ('!' good), field 5 the issuer key ID.
        var bySig = records.Where(r => r[0] == "sig" && string.Equals(r[4], alice.KeyId, StringComparison.OrdinalIgnoreCase)).ToList();
        var record = Assert.Single(bySig);
        Assert.Equal("!", record[1]);
        Assert.Equal("10x", record[10]);
    }

    [GnuPGFact]
    public void Gpg_imports_our_revocation_certificate_and_reports_the_key_revoked()
    {
        var key = TestKeys.Unlocked("Curve25519", "gpgrevcert");
        var revocation = key.CreateRevocationCertificate(RevocationReason.Compromised, "laptop stolen");
        using var gpg = new GnuPG();
        gpg.Import(key.Certificate.ExportArmored());
        Assert.NotEqual("r", Colons(gpg, "--list-keys", key.Fingerprint).Single(r => r[0] == "pub")[1]);
        // GnuPG 2.2 under --trust-model always has no trustdb, yet opens it to take in a revocation: use its default model here.
        gpg.Run(System.Text.Encoding.ASCII.GetBytes(revocation), "--trust-model", "pgp", "--import").EnsureSuccess("import revocation");
        Assert.Equal("r", Colons(gpg, "--list-keys", key.Fingerprint).Single(r => r[0] == "pub")[1]);
    }

    [GnuPGFact]
    public void Gpg_reads_a_minimal_certificate_and_a_merged_secret_key()
    {
        var key = TestKeys.Unlocked("Curve25519", "gpgmerge").AddUserId("Other <other@example.org>").RotateEncryptionSubkey();
        var minimal = key.Certificate.Minimize("Other <other@example.org>");
        using var gpg = new GnuPG();
        gpg.Import(minimal.Export());
        var records = Colons(gpg, "--list-keys", key.Fingerprint);
        Assert.Equal(new[] { "Other <other@example.org>" }, records.Where(r => r[0] == "uid").Select(r => r[9]));
        Assert.Single(records, r => r[0] == "sub");

        // A secret key merged from an old copy and a public update imports and decrypts in gpg.
        var merged = TestKeys.Get("Curve25519", "gpgmerge").Merge(key.Certificate);
        gpg.Import(merged.ExportArmored());
        var fresh = key.Certificate.EncryptionKeys(DateTimeOffset.UtcNow).Single();
        // The public update carries no secret for the new subkey; the old one's secret is still there.
        var secrets = Colons(gpg, "--list-secret-keys", key.Fingerprint);
        Assert.Contains(secrets, r => r[0] == "fpr" && r[9] == fresh.Fingerprint);
    }

    [GnuPGFact]
    public void Export_leaves_out_the_trust_packets_and_local_signatures_of_a_gpg_backup_export()
    {
        using var gpg = new GnuPG();
        var signer = gpg.GenerateKey("Signer <signer@example.org>", "ed25519", "pw");
        var target = gpg.GenerateKey("Target <target@example.org>", "ed25519", "pw");
        gpg.Run(null, "--passphrase", "pw", "--local-user", signer, "--quick-lsign-key", target).EnsureSuccess("lsign");
        // A backup export carries GnuPG's trust packets (tag 12) and the non-exportable local signature.
        var backup = gpg.Run(null, "--export-options", "backup", "--export", target).EnsureSuccess().StdoutBytes;
        var before = gpg.Run(null, "--list-packets", gpg.WriteFile("backup.pgp", backup)).Stdout;
        Assert.Contains(":trust packet:", before, StringComparison.Ordinal);
        Assert.Contains("(not exportable)", before, StringComparison.Ordinal);

        var cert = Certificate.Parse(backup);
        Assert.Equal(new[] { "Target <target@example.org>" }, cert.UserIds);
        var after = gpg.Run(null, "--list-packets", gpg.WriteFile("ours.pgp", cert.Export())).Stdout;
        Assert.DoesNotContain(":trust packet:", after, StringComparison.Ordinal);
        Assert.DoesNotContain("(not exportable)", after, StringComparison.Ordinal);
        Assert.Contains(":user ID packet:", after, StringComparison.Ordinal);
        Assert.Equal(cert.Subkeys.Count, Certificate.Parse(cert.Export()).Subkeys.Count);
    }
}
