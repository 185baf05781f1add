namespace CryptoMail.Tool.Tests;

public sealed class SpecialDesignatorTests : IDisposable
{
    private readonly ToolHarness tool = new();

    public void Dispose() => tool.Dispose();

    private byte[] ProtectedKey(string password)
    {
        tool.Env["NEWPW"] = password;
        return tool.Ok([], "sop", "generate-key", "--with-key-password=@ENV:NEWPW", "A <a@example.org>");
    }

    [Fact]
    public void Env_designator_reads_a_password_from_the_environment()
    {
        var locked = ProtectedKey("correct horse");
        tool.Env["OLD"] = "correct horse";
        var run = tool.RunWithInput(locked, "sop", "change-key-password", "--old-key-password=@ENV:OLD");
        Assert.Equal(0, run.ExitCode);
        Assert.False(CryptoMail.Core.SecretKey.Parse(run.Stdout).IsProtected);
    }

    [Fact]
    public void Unset_environment_variable_is_missing_input()
    {
        Assert.Equal(61, tool.Run("sop", "generate-key", "--with-key-password=@ENV:NOT_SET_ANYWHERE", "A").ExitCode);
    }

    [Fact]
    public void Unknown_designator_is_unsupported_special_prefix()
    {
        Assert.Equal(71, tool.Run("sop", "generate-key", "--with-key-password=@HTTP:example", "A").ExitCode);
    }

    [Fact]
    public void Missing_input_file_is_missing_input()
    {
        Assert.Equal(61, tool.Run("sop", "sign", tool.PathOf("no-such-key")).ExitCode);
    }

    [Fact]
    public void A_file_named_like_a_designator_is_ambiguous()
    {
        var previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(tool.Dir);
        try
        {
            File.WriteAllText("@ENV:PW", "x");
            tool.Env["PW"] = "x";
            Assert.Equal(73, tool.Run("sop", "generate-key", "--with-key-password=@ENV:PW", "A").ExitCode);
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
    }

    [Fact]
    public void Existing_output_file_is_output_exists_and_left_alone()
    {
        var (key, _) = tool.NewKey("alice", "Alice <alice@example.org>");
        var existing = tool.Write("micalg", "keep me");
        var run = tool.RunWithInput("data", "sop", "sign", $"--micalg-out={existing}", key);
        Assert.Equal(59, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Equal("keep me", File.ReadAllText(existing));
    }

    [Fact]
    public void Env_designator_cannot_be_an_output()
    {
        var (key, _) = tool.NewKey("alice", "Alice <alice@example.org>");
        Assert.Equal(71, tool.RunWithInput("data", "sop", "sign", "--micalg-out=@ENV:X", key).ExitCode);
    }

    [Fact]
    public void Non_utf8_password_is_not_human_readable()
    {
        var pw = tool.Write("pw", new byte[] { 0x66, 0xff, 0xfe });
        Assert.Equal(31, tool.Run("sop", "generate-key", $"--with-key-password={pw}", "A").ExitCode);
    }
}
