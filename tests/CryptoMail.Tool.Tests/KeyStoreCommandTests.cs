using CryptoMail.Core;
using CryptoMail.Core.Tests.Interop;

namespace CryptoMail.Tool.Tests;

public sealed class KeyStoreCommandTests : IDisposable
{
    private readonly ToolHarness tool = new();

    public void Dispose() => tool.Dispose();

    private string Store => tool.PathOf("store");

    private string CertD => Path.Combine(Store, "pgp.cert.d");

    private static string CertDFile(string certD, string fingerprint) =>
        Path.Combine(certD, fingerprint[..2].ToLowerInvariant(), fingerprint[2..].ToLowerInvariant());

    private string Generate(string userId) =>
        tool.Run("key", "generate", $"--store={Store}", "--allow-unprotected", userId).Text.Trim();

    [Fact]
    public void Generate_stores_the_certificate_in_the_cert_d_and_the_protected_secret_key_beside_it()
    {
        var pw = tool.Write("pw", "correct horse\n");
        var run = tool.Run("key", "generate", $"--store={Store}", $"--passphrase-file={pw}", "Alice <alice@example.org>");
        Assert.Equal(0, run.ExitCode);
        var fingerprint = run.Text.Trim();
        Assert.Matches("^[0-9A-F]{40}$", fingerprint);
        Assert.Equal(fingerprint, Certificate.Parse(File.ReadAllBytes(CertDFile(CertD, fingerprint))).Fingerprint);
        var secretFile = Path.Combine(Store, "secret-keys", fingerprint.ToLowerInvariant() + ".key");
        var secret = SecretKey.Parse(File.ReadAllBytes(secretFile));
        Assert.True(secret.IsProtected);
        Assert.True(secret.TryUnlock("correct horse", out _));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(secretFile));
    }

    [Fact]
    public void An_unprotected_key_is_refused_unless_allowed()
    {
        Assert.Equal(19, tool.Run("key", "generate", $"--store={Store}", "Alice <alice@example.org>").ExitCode);
        var key = tool.Ok([], "sop", "generate-key", "Carol <carol@example.org>");
        var refused = tool.RunWithInput(key, "key", "import", $"--store={Store}");
        Assert.Equal(67, refused.ExitCode);
        Assert.Contains("--allow-unprotected", refused.Stderr);
        Assert.Empty(tool.Run("key", "list", $"--store={Store}").Text);
        Assert.Equal(0, tool.RunWithInput(key, "key", "import", $"--store={Store}", "--allow-unprotected").ExitCode);
    }

    [Fact]
    public void List_shows_secret_and_public_entries()
    {
        var fpr = Generate("Alice <alice@example.org>");
        var bob = tool.Ok([], "sop", "generate-key", "Bob <bob@example.org>");
        var bobCert = tool.Write("bob.cert", tool.Ok(bob, "sop", "extract-cert"));
        Assert.Equal(0, tool.Run("key", "import", $"--store={Store}", bobCert).ExitCode);

        var lines = tool.Run("key", "list", $"--store={Store}").Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains($"sec {fpr} Alice <alice@example.org>", lines);
        Assert.Contains($"pub {SecretKey.Parse(bob).Fingerprint} Bob <bob@example.org>", lines);
    }

    [Fact]
    public void Import_from_stdin_and_export_by_email()
    {
        var key = tool.Ok([], "sop", "generate-key", "Carol <carol@example.org>");
        Assert.Equal(0, tool.RunWithInput(key, "key", "import", $"--store={Store}", "--allow-unprotected").ExitCode);
        var cert = Certificate.Parse(tool.Ok([], "key", "export", $"--store={Store}", "CAROL@example.org"));
        Assert.Equal(SecretKey.Parse(key).Fingerprint, cert.Fingerprint);
        var secret = SecretKey.Parse(tool.Ok([], "key", "export", "--secret", $"--store={Store}", cert.Fingerprint));
        Assert.Equal(cert.Fingerprint, secret.Fingerprint);
    }

    [Fact]
    public void Store_can_come_from_the_environment()
    {
        tool.Env["CRYPTOMAIL_STORE"] = Store;
        Assert.Equal(0, tool.Run("key", "generate", "--allow-unprotected", "Dave <dave@example.org>").ExitCode);
        Assert.Single(tool.Run("key", "list").Text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(Directory.Exists(CertD));
    }

    [Fact]
    public void Without_a_store_the_cert_d_default_location_is_used()
    {
        if (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()) return;
        var data = tool.PathOf("xdg-data");
        tool.Env["HOME"] = tool.PathOf("home");
        tool.Env["XDG_DATA_HOME"] = data;
        var fpr = tool.Run("key", "generate", "--allow-unprotected", "Erin <erin@example.org>").Text.Trim();
        Assert.True(File.Exists(CertDFile(Path.Combine(data, "pgp.cert.d"), fpr)));
        Assert.True(File.Exists(Path.Combine(data, "cryptomail", "secret-keys", fpr.ToLowerInvariant() + ".key")));

        // PGP_CERT_D moves the certificates only; the secret keys stay in the data directory.
        tool.Env["PGP_CERT_D"] = tool.PathOf("shared-cert-d");
        Assert.Equal(0, tool.Run("key", "import", "--allow-unprotected", tool.Write("frank.key", tool.Ok([], "sop", "generate-key", "Frank <frank@example.org>"))).ExitCode);
        Assert.Single(new CertificateDirectory(tool.PathOf("shared-cert-d")).GetAllCertificates());
        Assert.Equal(2, Directory.GetFiles(Path.Combine(data, "cryptomail", "secret-keys")).Length);
    }

    [Fact]
    public void Export_of_an_unknown_key_is_missing_input()
    {
        tool.Run("key", "list", $"--store={Store}");
        Assert.Equal(61, tool.Run("key", "export", $"--store={Store}", "nobody@example.org").ExitCode);
        Assert.Equal(61, tool.Run("key", "export", $"--store={Store}", "not a key id").ExitCode);
    }

    [Fact]
    public void Revoke_stores_and_prints_the_revoked_certificate_and_lookup_then_finds_nothing_usable()
    {
        var fpr = Generate("Alice <alice@example.org>");
        var found = Certificate.Parse(tool.Ok([], "key", "lookup", $"--store={Store}", "ALICE@example.org"));
        Assert.Equal(fpr, found.Fingerprint);

        var run = tool.Run("key", "revoke", $"--store={Store}", "--reason=retired", "alice@example.org");
        Assert.Equal(0, run.ExitCode);
        Assert.True(Certificate.Parse(run.Stdout).IsRevoked);
        Assert.True(Certificate.Parse(File.ReadAllBytes(CertDFile(CertD, fpr))).IsRevoked);
        Assert.Equal(61, tool.Run("key", "lookup", $"--store={Store}", "alice@example.org").ExitCode);
        Assert.Equal(41, tool.Run("key", "lookup", $"--store={Store}", "not-an-address").ExitCode);
    }

    [Fact]
    public void Importing_an_older_copy_keeps_the_revocation()
    {
        var fpr = Generate("Alice <alice@example.org>");
        var old = tool.Write("old.asc", tool.Ok([], "key", "export", $"--store={Store}", fpr));
        tool.Ok([], "key", "revoke", $"--store={Store}", fpr);
        Assert.Equal(0, tool.Run("key", "import", $"--store={Store}", old).ExitCode);
        Assert.True(Certificate.Parse(File.ReadAllBytes(CertDFile(CertD, fpr))).IsRevoked);
    }

    [GnuPGFact]
    public void List_and_lookup_read_a_gnupg_home()
    {
        using var gpg = new GnuPG();
        var fpr = gpg.GenerateKey("Gina <gina@example.org>", "ed25519", "gpg passphrase");
        var lines = tool.Run("key", "list", $"--gnupg-home={gpg.Home}").Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"pub {fpr} Gina <gina@example.org>", Assert.Single(lines));
        var found = Certificate.Parse(tool.Ok([], "key", "lookup", $"--gnupg-home={gpg.Home}", "GINA@example.org"));
        Assert.Equal(fpr, found.Fingerprint);
        Assert.Equal(61, tool.Run("key", "lookup", $"--gnupg-home={gpg.Home}", "nobody@example.org").ExitCode);
    }

    [GnuPGFact]
    public void List_with_a_policy_marks_the_certificates_it_rejects_with_the_reasons()
    {
        using var gpg = new GnuPG();
        gpg.Run(null, "--passphrase", "", "--quick-gen-key", "Old <old@example.org>", "rsa1024", "cert,sign", "never").EnsureSuccess("generate");
        var fpr = gpg.Fingerprints("--list-keys", "=Old <old@example.org>")[0];
        var plain = tool.Run("key", "list", $"--gnupg-home={gpg.Home}").Text.Trim();
        Assert.Equal($"pub {fpr} Old <old@example.org>", plain);
        Assert.Equal($"pub {fpr} Old <old@example.org> invalid: WeakKey", tool.Run("key", "list", $"--gnupg-home={gpg.Home}", "--policy=default").Text.Trim());
        Assert.Equal(plain, tool.Run("key", "list", $"--gnupg-home={gpg.Home}", "--policy", "legacy").Text.Trim());
        Assert.NotEqual(0, tool.Run("key", "list", $"--gnupg-home={gpg.Home}", "--policy", "lax").ExitCode);
    }
}
