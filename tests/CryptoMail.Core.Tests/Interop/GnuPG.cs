using System.Diagnostics;
using System.Text;

namespace CryptoMail.Core.Tests.Interop;

/// <summary>Runs the real GnuPG (<c>gpg</c> on PATH) in a throw-away home directory, for interop tests.</summary>
/// <remarks>
/// Each instance owns a fresh temporary GNUPGHOME (mode 700); disposing it stops the gpg-agent started there
/// (<c>gpgconf --kill gpg-agent</c>) and deletes the directory. Every call runs non-interactively
/// (<c>--batch --pinentry-mode loopback --no-tty --quiet</c>) with a timeout.
/// Tests use <see cref="GnuPGFactAttribute"/>: without gpg they are skipped on a developer machine, but when the
/// environment says <c>CI=true</c> they run, and the constructor fails, so CI never passes without the peer.
/// Self-contained on purpose, so it can be reconciled with other interop helpers.
/// </remarks>
internal sealed class GnuPG : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly Lazy<string?> LazyExecutable = new(() => FindOnPath("gpg"));

    /// <summary>Creates an empty GnuPG home.</summary>
    /// <exception cref="InvalidOperationException">gpg is not installed.</exception>
    public GnuPG()
    {
        Executable = LazyExecutable.Value ?? throw new InvalidOperationException(
            "gpg was not found on PATH" + (IsCi ? " and CI=true: interop tests must run in CI; install gnupg in the CI setup." : "."));
        var home = Directory.CreateTempSubdirectory("cryptomail-gnupg-");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(home.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Home = home.FullName;
    }

    /// <summary>Whether the environment is CI (<c>CI=true</c>), where interop tests must not skip.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether gpg is on PATH.</summary>
    public static bool IsInstalled => LazyExecutable.Value is not null;

    /// <summary>Why interop tests are skipped here, or null when they must run.</summary>
    public static string? SkipReason => IsInstalled || IsCi ? null : "gpg is not installed (these tests always run in CI).";

    /// <summary>The gpg executable.</summary>
    public string Executable { get; }

    /// <summary>The temporary GNUPGHOME.</summary>
    public string Home { get; }

    /// <summary>A path for a scratch file inside the home directory.</summary>
    public string PathOf(string fileName) => Path.Combine(Home, fileName);

    /// <summary>Imports keys or certificates (armored or binary).</summary>
    public GpgResult Import(byte[] keys) => Run(keys, "--import").EnsureSuccess("import");

    /// <summary>Imports an armored certificate or key.</summary>
    public GpgResult Import(string armored) => Import(Encoding.ASCII.GetBytes(armored));

    /// <summary>Checks a detached signature over a file; the status lines tell the verdict.</summary>
    public GpgResult VerifyDetached(string signaturePath, string dataPath) => Run(null, "--status-fd", "1", "--verify", signaturePath, dataPath);

    /// <summary>Runs gpg with the given arguments after the common non-interactive ones.</summary>
    /// <param name="stdin">Standard input, or null for none.</param>
    /// <param name="args">The arguments.</param>
    public GpgResult Run(byte[]? stdin, params string[] args)
    {
        var common = new[] { "--homedir", Home, "--batch", "--no-tty", "--pinentry-mode", "loopback", "--quiet", "--no-auto-key-locate" };
        return Exec(Executable, stdin, common.Concat(args));
    }

    /// <summary>Stops the agent of this home and deletes it.</summary>
    public void Dispose()
    {
        try
        {
            var gpgconf = FindOnPath("gpgconf");
            if (gpgconf is not null) Exec(gpgconf, null, new[] { "--homedir", Home, "--kill", "gpg-agent" });
        }
        catch (InvalidOperationException)
        {
            // Best effort: a leftover agent exits by itself once its socket directory is gone.
        }
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

    private GpgResult Exec(string executable, byte[]? stdin, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["GNUPGHOME"] = Home;
        start.Environment["LC_ALL"] = "C";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) process.StandardInput.BaseStream.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(executable)} {string.Join(' ', args)} did not finish within {Timeout}.");
        }
        process.WaitForExit();
        return new GpgResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var candidate in new[] { name, name + ".exe" })
            {
                var full = Path.Combine(dir, candidate);
                if (File.Exists(full)) return full;
            }
        }
        return null;
    }
}

/// <summary>What a gpg run produced.</summary>
/// <param name="ExitCode">The exit code.</param>
/// <param name="Stdout">Standard output (status lines when <c>--status-fd 1</c> was given).</param>
/// <param name="Stderr">Standard error (human-readable messages).</param>
internal sealed record GpgResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Whether a <c>[GNUPG:] GOODSIG</c> status line was printed.</summary>
    public bool GoodSignature => Stdout.Contains("[GNUPG:] GOODSIG ", StringComparison.Ordinal);

    /// <summary>Throws with gpg's output unless it exited with 0.</summary>
    public GpgResult EnsureSuccess(string what) =>
        ExitCode == 0 ? this : throw new InvalidOperationException($"gpg {what} failed with exit code {ExitCode}:\n{Stderr}\n{Stdout}");
}

/// <summary>A fact that needs gpg: skipped when gpg is missing on a developer machine, never skipped when CI=true.</summary>
internal sealed class GnuPGFactAttribute : FactAttribute
{
    /// <summary>Sets the skip reason from the environment.</summary>
    public GnuPGFactAttribute()
    {
        if (GnuPG.SkipReason is { } reason) Skip = reason;
    }
}
