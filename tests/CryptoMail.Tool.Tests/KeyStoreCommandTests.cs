using CryptoMail.Core;

namespace CryptoMail.Tool.Tests;

public sealed class KeyStoreCommandTests : IDisposable
{
    private readonly ToolHarness tool = new();

    public void Dispose() => tool.Dispose();

    private string Store => tool.PathOf("store");

    [Fact]
    public void Generate_stores_armored_files_named_by_fingerprint_and_prints_it()
    {
        var run = tool.Run("key", "generate", $"--store={Store}", "Alice <alice@example.org>");
        Assert.Equal(0, run.ExitCode);
        var fingerprint = run.Text.Trim();
        Assert.Matches("^[0-9A-F]{40}$", fingerprint);
        Assert.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", File.ReadAllText(Path.Combine(Store, fingerprint + ".asc")));
        Assert.StartsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----", File.ReadAllText(Path.Combine(Store, fingerprint + ".key.asc")));
    }

    [Fact]
    public void List_shows_secret_and_public_entries()
    {
        var fpr = tool.Run("key", "generate", $"--store={Store}", "Alice <alice@example.org>").Text.Trim();
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
        Assert.Equal(0, tool.RunWithInput(key, "key", "import", $"--store={Store}").ExitCode);
        var cert = Certificate.Parse(tool.Ok([], "key", "export", $"--store={Store}", "carol@example.org"));
        Assert.Equal(SecretKey.Parse(key).Fingerprint, cert.Fingerprint);
        var secret = SecretKey.Parse(tool.Ok([], "key", "export", "--secret", $"--store={Store}", cert.Fingerprint));
        Assert.Equal(cert.Fingerprint, secret.Fingerprint);
    }

    [Fact]
    public void Store_can_come_from_the_environment()
    {
        tool.Env["CRYPTOMAIL_STORE"] = Store;
        Assert.Equal(0, tool.Run("key", "generate", "Dave <dave@example.org>").ExitCode);
        Assert.Single(tool.Run("key", "list").Text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Without_a_store_it_is_missing_arg()
    {
        Assert.Equal(19, tool.Run("key", "list").ExitCode);
    }

    [Fact]
    public void Export_of_an_unknown_key_is_missing_input()
    {
        tool.Run("key", "list", $"--store={Store}");
        Assert.Equal(61, tool.Run("key", "export", $"--store={Store}", "nobody@example.org").ExitCode);
    }
}
