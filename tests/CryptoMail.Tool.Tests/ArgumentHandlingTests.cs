namespace CryptoMail.Tool.Tests;

public sealed class ArgumentHandlingTests : IDisposable
{
    private readonly ToolHarness tool = new();

    public void Dispose() => tool.Dispose();

    [Fact]
    public void Unknown_sop_subcommand_is_unsupported_subcommand()
    {
        Assert.Equal(69, tool.Run("sop", "frobnicate").ExitCode);
    }

    [Fact]
    public void Sop_without_a_subcommand_is_unsupported_subcommand()
    {
        Assert.Equal(69, tool.Run("sop").ExitCode);
    }

    [Theory]
    [InlineData("update-key")]
    public void Subcommands_the_library_cannot_serve_yet_exit_69_whatever_their_arguments(string subcommand)
    {
        var run = tool.Run("sop", subcommand, "--some-option=x", "file");
        Assert.Equal(69, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Contains("not supported", run.Stderr);
    }

    [Fact]
    public void Unknown_option_is_unsupported_option()
    {
        Assert.Equal(37, tool.Run("sop", "version", "--frobnicate").ExitCode);
    }

    [Fact]
    public void Unknown_option_in_equals_form_among_arguments_is_unsupported_option()
    {
        // System.CommandLine would hand "--bogus=1" to the USERID arguments; SOP wants 37.
        var run = tool.Run("sop", "generate-key", "Alice <alice@example.org>", "--bogus=1");
        Assert.Equal(37, run.ExitCode);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void Double_dash_lets_an_argument_start_with_a_dash()
    {
        var run = tool.Run("sop", "generate-key", "--", "-dash <dash@example.org>");
        Assert.Equal(0, run.ExitCode);
        var key = CryptoMail.Core.SecretKey.Parse(run.Stdout);
        Assert.Equal(new[] { "-dash <dash@example.org>" }, key.UserIds);
    }

    [Fact]
    public void Options_take_values_in_the_equals_form()
    {
        var run = tool.Run("sop", "generate-key", "--profile=default", "--no-armor", "A <a@example.org>");
        Assert.Equal(0, run.ExitCode);
        Assert.False(CryptoMail.Core.OpenPgpArmor.IsArmored(run.Stdout));
    }

    [Fact]
    public void A_flag_does_not_swallow_the_following_argument()
    {
        var run = tool.Run("sop", "generate-key", "--no-armor", "A <a@example.org>");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("A <a@example.org>", CryptoMail.Core.SecretKey.Parse(run.Stdout).UserIds[0]);
    }

    [Fact]
    public void Option_without_its_value_is_missing_arg()
    {
        Assert.Equal(19, tool.Run("sop", "generate-key", "A", "--with-key-password").ExitCode);
    }

    [Fact]
    public void Help_exits_zero_and_mentions_the_cert_d_store()
    {
        var run = tool.Run("key", "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("cert-d directory store", run.Text);
    }

    [Fact]
    public void Nothing_is_written_to_stderr_on_success_when_stderr_is_not_a_terminal()
    {
        var run = tool.Run("sop", "generate-key", "A <a@example.org>");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public void Progress_bar_exists_only_for_a_terminal()
    {
        using var err = new MemoryStream();
        var notTerminal = new ToolContext(Stream.Null, Stream.Null, err, new Dictionary<string, string>(), stderrIsTerminal: false);
        Assert.Null(ProgressBar.For(notTerminal, "x", new MemoryStream(new byte[10])));
        var terminal = new ToolContext(Stream.Null, Stream.Null, err, new Dictionary<string, string>(), stderrIsTerminal: true);
        using var bar = ProgressBar.For(terminal, "x", new MemoryStream(new byte[10]));
        Assert.NotNull(bar);
    }
}
