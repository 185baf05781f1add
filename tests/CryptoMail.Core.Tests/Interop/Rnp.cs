using System.Text;

namespace CryptoMail.Core.Tests.Interop;

/// <summary>Runs RNP (<c>rnp</c> and <c>rnpkeys</c> on PATH, Debian package <c>rnp</c>) in a throw-away home
/// directory. RNP writes the LibrePGP OCB Encrypted Data packet (tag 20) when asked with <c>--aead</c>.</summary>
/// <remarks>Tests use <see cref="RnpFactAttribute"/>: skipped without rnp on a developer machine, never when
/// <c>CI=true</c> (the constructor then fails, so CI cannot pass without the peer).</remarks>
internal sealed class Rnp : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static readonly Lazy<string?> LazyRnp = new(() => GnuPG.FindOnPath("rnp"));
    private static readonly Lazy<string?> LazyRnpKeys = new(() => GnuPG.FindOnPath("rnpkeys"));

    public Rnp()
    {
        if (LazyRnp.Value is null || LazyRnpKeys.Value is null)
            throw new InvalidOperationException("rnp/rnpkeys were not found on PATH" + (GnuPG.IsCi ? " and CI=true: install the rnp package in the CI setup." : "."));
        Home = Directory.CreateTempSubdirectory("cmrnp-").FullName;
    }

    /// <summary>Why rnp tests are skipped here, or null when they must run.</summary>
    public static string? SkipReason => (LazyRnp.Value is not null && LazyRnpKeys.Value is not null) || GnuPG.IsCi
        ? null
        : "rnp is not installed (apt-get install rnp); these tests skip only outside CI, and always run when CI=true.";

    /// <summary>The temporary home (keyrings and scratch files).</summary>
    public string Home { get; }

    /// <summary>Writes a scratch file and returns its path.</summary>
    public string WriteFile(string name, byte[] content)
    {
        var path = Path.Combine(Home, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>A path for rnp to write to.</summary>
    public string OutputPath(string name)
    {
        var path = Path.Combine(Home, name);
        File.Delete(path);
        return path;
    }

    /// <summary>Imports an armored certificate or secret key into the home's keyrings.</summary>
    public void Import(string armored)
    {
        var path = WriteFile($"import-{Guid.NewGuid():N}.asc", Encoding.ASCII.GetBytes(armored));
        RnpKeys("--import", path).EnsureSuccess("rnpkeys --import");
    }

    /// <summary>Runs <c>rnp --homedir HOME --notty ...</c>.</summary>
    public PeerResult Run(params string[] args) => Exec(LazyRnp.Value!, ["--homedir", Home, "--notty", .. args]);

    private PeerResult RnpKeys(params string[] args) => Exec(LazyRnpKeys.Value!, ["--homedir", Home, "--notty", .. args]);

    private static PeerResult Exec(string executable, string[] args)
    {
        var (code, stdout, stderr) = PeerProcess.Exec(executable, null, args, new Dictionary<string, string>(), Timeout);
        return new PeerResult(Path.GetFileName(executable) + " " + string.Join(' ', args), code, stdout, stderr);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>What a peer's run produced.</summary>
internal sealed record PeerResult(string Command, int ExitCode, byte[] Stdout, string Stderr)
{
    /// <summary>Throws with the peer's messages unless it exited with 0.</summary>
    public PeerResult EnsureSuccess(string? what = null) => ExitCode == 0 ? this : throw new InvalidOperationException(
        $"{what ?? Command} failed with exit code {ExitCode}:\n{Stderr}");
}

/// <summary>A fact that needs rnp: skipped when it is missing on a developer machine, never when CI=true.</summary>
internal sealed class RnpFactAttribute : FactAttribute
{
    public RnpFactAttribute()
    {
        if (Rnp.SkipReason is { } reason) Skip = reason;
    }
}

/// <summary>A theory that needs rnp; see <see cref="RnpFactAttribute"/>.</summary>
internal sealed class RnpTheoryAttribute : TheoryAttribute
{
    public RnpTheoryAttribute()
    {
        if (Rnp.SkipReason is { } reason) Skip = reason;
    }
}
