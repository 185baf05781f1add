using CryptoMail.Core;

namespace CryptoMail.Tool.Tests;

public sealed class KeySubcommandTests : IDisposable
{
    private readonly ToolHarness tool = new();

    public void Dispose() => tool.Dispose();

    [Fact]
    public void Generate_key_writes_an_armored_unprotected_tsk()
    {
        var run = tool.Run("sop", "generate-key", "Alice <alice@example.org>");
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----", run.Text);
        var key = SecretKey.Parse(run.Stdout);
        Assert.False(key.IsProtected);
        Assert.Equal(new[] { "Alice <alice@example.org>" }, key.UserIds);
        Assert.True(key.Certificate.CanEncrypt);
        Assert.True(key.Certificate.CanSign);
    }

    [Theory]
    [InlineData("rfc9580", KeyAlgorithm.Ed25519)]
    [InlineData("rfc9580-ed448", KeyAlgorithm.Ed448)]
    [InlineData("post-quantum", KeyAlgorithm.MlDsa65Ed25519)]
    [InlineData("post-quantum-high", KeyAlgorithm.MlDsa87Ed448)]
    public void Generate_key_profile_rfc9580_makes_a_v6_key_that_encrypts_signs_and_verifies(string profile, KeyAlgorithm algorithm)
    {
        var key = tool.Ok([], "sop", "generate-key", "--profile=" + profile, "Vera <vera@example.org>");
        var parsed = SecretKey.Parse(key);
        Assert.Equal(6, parsed.Certificate.Version);
        Assert.Equal(algorithm, parsed.Certificate.PrimaryKey.Algorithm);
        var keyPath = tool.Write(profile + ".key", key);
        var cert = tool.Ok(key, "sop", "extract-cert");
        Assert.Equal(6, Certificate.Parse(cert).Version);
        var certPath = tool.Write(profile + ".cert", cert);

        var plain = "v6 through the tool\n"u8.ToArray();
        var ct = tool.Ok(plain, "sop", "encrypt", "--sign-with", keyPath, certPath);
        var verifications = tool.PathOf(profile + ".verifications");
        var decrypted = tool.Ok(ct, "sop", "decrypt", "--verifications-out", verifications, "--verify-with", certPath, keyPath);
        Assert.Equal(plain, decrypted);
        Assert.Contains(parsed.Fingerprint, File.ReadAllText(verifications), StringComparison.Ordinal);

        var sig = tool.Ok(plain, "sop", "sign", keyPath);
        var verified = tool.Ok(plain, "sop", "verify", tool.Write(profile + ".sig", sig), certPath);
        Assert.Contains(parsed.Fingerprint, System.Text.Encoding.UTF8.GetString(verified), StringComparison.Ordinal);
        var other = tool.Write(profile + ".other", "other data\n"u8.ToArray());
        Assert.NotEqual(0, tool.RunWithInput(File.ReadAllBytes(other), "sop", "verify", tool.PathOf(profile + ".sig"), certPath).ExitCode);
    }

    [Fact]
    public void Generate_key_binds_every_user_id_in_order()
    {
        var key = SecretKey.Parse(tool.Ok([], "sop", "generate-key", "Alice <alice@example.org>", "Alice <alice@work.example>"));
        Assert.Equal(new[] { "Alice <alice@example.org>", "Alice <alice@work.example>" }, key.UserIds);
    }

    [Fact]
    public void Generate_key_no_armor_is_binary()
    {
        var bytes = tool.Ok([], "sop", "generate-key", "--no-armor", "A <a@example.org>");
        Assert.True((bytes[0] & 0x80) != 0);
        Assert.Equal(5, (bytes[0] & 0x40) != 0 ? bytes[0] & 0x3f : (bytes[0] >> 2) & 0x0f);
    }

    [Fact]
    public void Generate_key_with_key_password_protects_it_and_trims_the_newline()
    {
        var pw = tool.Write("pw", "hunter2\n");
        var key = SecretKey.Parse(tool.Ok([], "sop", "generate-key", $"--with-key-password={pw}", "A <a@example.org>"));
        Assert.True(key.IsProtected);
        Assert.True(key.TryUnlock("hunter2", out _));
    }

    [Fact]
    public void Generate_key_signing_only_has_no_encryption_key()
    {
        var key = SecretKey.Parse(tool.Ok([], "sop", "generate-key", "--signing-only", "A <a@example.org>"));
        Assert.False(key.Certificate.CanEncrypt);
        Assert.True(key.Certificate.CanSign);
    }

    [Fact]
    public void Generate_key_rfc4880_profile_makes_rsa()
    {
        var key = SecretKey.Parse(tool.Ok([], "sop", "generate-key", "--profile=rfc4880", "A <a@example.org>"));
        Assert.Equal(KeyAlgorithm.Rsa, key.Certificate.PrimaryKey.Algorithm);
    }

    [Fact]
    public void Generate_key_without_user_id_is_reported_unsupported()
    {
        var run = tool.Run("sop", "generate-key");
        Assert.Equal(37, run.ExitCode);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void Extract_cert_gives_the_same_primary_fingerprint()
    {
        var keyBytes = tool.Ok([], "sop", "generate-key", "A <a@example.org>");
        var run = tool.RunWithInput(keyBytes, "sop", "extract-cert");
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", run.Text);
        Assert.Equal(SecretKey.Parse(keyBytes).Fingerprint, Certificate.Parse(run.Stdout).Fingerprint);
    }

    [Fact]
    public void Extract_cert_no_armor_is_binary_public_key()
    {
        var keyBytes = tool.Ok([], "sop", "generate-key", "A <a@example.org>");
        var cert = tool.Ok(keyBytes, "sop", "extract-cert", "--no-armor");
        Assert.False(OpenPgpArmor.IsArmored(cert));
        Assert.Equal(SecretKey.Parse(keyBytes).Fingerprint, Certificate.Parse(cert).Fingerprint);
    }

    [Fact]
    public void Extract_cert_of_a_certificate_is_bad_data()
    {
        var (_, cert) = tool.NewKey("a", "A <a@example.org>");
        Assert.Equal(41, tool.RunWithInput(File.ReadAllBytes(cert), "sop", "extract-cert").ExitCode);
    }

    [Fact]
    public void Extract_cert_of_garbage_is_bad_data()
    {
        Assert.Equal(41, tool.RunWithInput("this is not a key", "sop", "extract-cert").ExitCode);
    }

    [Fact]
    public void Change_key_password_adds_and_removes_protection()
    {
        var plain = tool.Ok([], "sop", "generate-key", "A <a@example.org>");
        var pw = tool.Write("pw", "s3cret");
        var locked = tool.Ok(plain, "sop", "change-key-password", $"--new-key-password={pw}");
        Assert.True(SecretKey.Parse(locked).IsProtected);
        var unlocked = tool.Ok(locked, "sop", "change-key-password", $"--old-key-password={pw}");
        var key = SecretKey.Parse(unlocked);
        Assert.False(key.IsProtected);
        Assert.Equal(SecretKey.Parse(plain).Fingerprint, key.Fingerprint);
    }

    [Fact]
    public void Change_key_password_accepts_an_old_password_file_with_a_trailing_newline()
    {
        var pw = tool.Write("pw", "s3cret");
        var pwNewline = tool.Write("pw-nl", "s3cret\n");
        var locked = tool.Ok([], "sop", "generate-key", $"--with-key-password={pw}", "A <a@example.org>");
        Assert.Equal(0, tool.RunWithInput(locked, "sop", "change-key-password", $"--old-key-password={pwNewline}").ExitCode);
    }

    [Fact]
    public void Change_key_password_with_a_wrong_or_no_old_password_is_key_is_protected()
    {
        var pw = tool.Write("pw", "s3cret");
        var wrong = tool.Write("wrong", "nope");
        var locked = tool.Ok([], "sop", "generate-key", $"--with-key-password={pw}", "A <a@example.org>");
        Assert.Equal(67, tool.RunWithInput(locked, "sop", "change-key-password", $"--old-key-password={wrong}").ExitCode);
        var run = tool.RunWithInput(locked, "sop", "change-key-password");
        Assert.Equal(67, run.ExitCode);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void Revoke_key_writes_a_revoked_certificate_and_needs_the_password_of_a_locked_key()
    {
        var key = tool.Ok([], "sop", "generate-key", "Rev <rev@example.org>");
        var revoked = Certificate.Parse(tool.Ok(key, "sop", "revoke-key"));
        Assert.True(revoked.IsRevoked);
        Assert.Equal(SecretKey.Parse(key).Fingerprint, revoked.Fingerprint);

        var pw = tool.Write("pw", "secret");
        var locked = tool.Ok([], "sop", "generate-key", $"--with-key-password={pw}", "Loc <loc@example.org>");
        Assert.Equal(67, tool.RunWithInput(locked, "sop", "revoke-key").ExitCode);
        Assert.True(Certificate.Parse(tool.Ok(locked, "sop", "revoke-key", $"--with-key-password={pw}")).IsRevoked);
    }

    [Fact]
    public void Merge_certs_applies_updates_to_the_matching_certificates_only()
    {
        var key = tool.Ok([], "sop", "generate-key", "Mer <mer@example.org>");
        var cert = tool.Ok(key, "sop", "extract-cert");
        var revoked = tool.Write("revoked", tool.Ok(key, "sop", "revoke-key"));
        var other = tool.Ok(tool.Ok([], "sop", "generate-key", "Oth <oth@example.org>"), "sop", "extract-cert");

        var merged = Certificate.ParseAll(tool.Ok(cert.Concat(other).ToArray(), "sop", "merge-certs", revoked));
        Assert.Equal(2, merged.Count);
        Assert.True(merged[0].IsRevoked);
        Assert.False(merged[1].IsRevoked);
    }
}
