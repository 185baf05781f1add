namespace CryptoMail.Tool.Tests;

public sealed class VersionAndProfileTests : IDisposable
{
    private readonly ToolHarness tool = new();

    public void Dispose() => tool.Dispose();

    [Fact]
    public void Version_is_one_line_with_name_and_version()
    {
        var run = tool.Run("sop", "version");
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^cryptomail \d+\.\d+\.\d+\S*\n$", run.Text);
    }

    [Fact]
    public void Backend_names_the_library_and_bouncycastle()
    {
        var text = tool.Run("sop", "version", "--backend").Text;
        Assert.StartsWith("CryptoMail.Core ", text);
        Assert.Contains("BouncyCastle.Cryptography 2.", text);
    }

    [Fact]
    public void Extended_starts_with_the_plain_version_line()
    {
        var plain = tool.Run("sop", "version").Text;
        var extended = tool.Run("sop", "version", "--extended").Text;
        Assert.StartsWith(plain, extended);
        Assert.True(extended.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 2);
    }

    [Fact]
    public void Sop_spec_names_the_draft_marked_incomplete()
    {
        var lines = tool.Run("sop", "version", "--sop-spec").Text.Split('\n');
        Assert.Equal("~draft-dkg-openpgp-stateless-cli-16", lines[0]);
    }

    [Fact]
    public void Version_options_exclude_each_other()
    {
        Assert.Equal(83, tool.Run("sop", "version", "--backend", "--sop-spec").ExitCode);
    }

    [Fact]
    public void Generate_key_profiles_list_default_first_and_rfc9580()
    {
        var run = tool.Run("sop", "list-profiles", "generate-key");
        Assert.Equal(0, run.ExitCode);
        var names = run.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')[0]).ToArray();
        Assert.Equal(new[] { "default", "rfc4880", "rfc9580", "rfc9580-ed448", "post-quantum", "post-quantum-high" }, names);
    }

    [Fact]
    public void Encrypt_profiles_are_default_rfc4880_and_rfc9580()
    {
        var run = tool.Run("sop", "list-profiles", "encrypt");
        Assert.Equal(0, run.ExitCode);
        var names = run.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')[0]).ToArray();
        Assert.Equal(new[] { "default", "rfc4880", "rfc9580" }, names);
    }

    [Fact]
    public void List_profiles_of_a_subcommand_without_profiles_is_unsupported_profile()
    {
        Assert.Equal(89, tool.Run("sop", "list-profiles", "sign").ExitCode);
    }

    [Fact]
    public void List_profiles_of_an_unknown_subcommand_is_unsupported_subcommand()
    {
        Assert.Equal(69, tool.Run("sop", "list-profiles", "frobnicate").ExitCode);
    }

    [Fact]
    public void List_profiles_without_a_subcommand_is_missing_arg()
    {
        Assert.Equal(19, tool.Run("sop", "list-profiles").ExitCode);
    }

    [Fact]
    public void Unknown_profile_is_unsupported_profile()
    {
        Assert.Equal(89, tool.Run("sop", "generate-key", "--profile=rfc9999", "A <a@example.org>").ExitCode);
        Assert.Equal(89, tool.Run("sop", "encrypt", "--profile=nonesuch", "--with-password=@ENV:PW").ExitCode);
    }
}
