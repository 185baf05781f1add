using System.Diagnostics;
using System.Text;

namespace CryptoMail.Core.Tests.Interop;

/// <summary>Runs the real GnuPG (<c>gpg</c> on PATH) in a throw-away home directory, for interop tests.</summary>
/// <remarks>
/// Each instance owns a fresh temporary GNUPGHOME (mode 700) with passphrase caching off, so every call proves the
/// passphrase it was given; disposing it stops the agents started there (<c>gpgconf --kill all</c>) and deletes the
/// directory. Every call runs non-interactively (<c>--batch --pinentry-mode loopback --no-tty --yes --quiet</c>,
/// trust model <c>always</c>, no key look-ups on the network) with a timeout, and collects gpg's status lines.
/// Tests use <see cref="GnuPGFactAttribute"/> or <see cref="GnuPGTheoryAttribute"/>: without gpg they are skipped
/// on a developer machine, but when the environment says <c>CI=true</c> they run, and the constructor fails, so CI
/// never passes without the peer.
/// </remarks>
internal sealed class GnuPG : IDisposable
{
    // RSA 3072 key generation can take a while on a busy 2-core machine.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static readonly Lazy<string?> LazyExecutable = new(() => FindOnPath("gpg"));
    private int calls;

    /// <summary>Creates an empty GnuPG home.</summary>
    /// <exception cref="InvalidOperationException">gpg is not installed.</exception>
    public GnuPG()
    {
        Executable = LazyExecutable.Value ?? throw new InvalidOperationException(
            "gpg was not found on PATH" + (IsCi ? " and CI=true: interop tests must run in CI; install gnupg in the CI setup." : "."));
        // A short path: the agent's socket lives in the home, and Unix socket paths are limited to ~107 bytes.
        var home = Directory.CreateTempSubdirectory("cmgpg-");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(home.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Home = home.FullName;
        File.WriteAllText(PathOf("gpg-agent.conf"), "default-cache-ttl 0\nmax-cache-ttl 0\nallow-loopback-pinentry\n");
    }

    /// <summary>Whether the environment is CI (<c>CI=true</c>), where interop tests must not skip.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether gpg is on PATH.</summary>
    public static bool IsInstalled => LazyExecutable.Value is not null;

    /// <summary>Why interop tests are skipped here, or null when they must run.</summary>
    public static string? SkipReason => IsInstalled || IsCi
        ? null
        : "gpg is not installed (apt-get install gnupg); these tests skip only outside CI, and always run when CI=true.";

    /// <summary>The gpg executable.</summary>
    public string Executable { get; }

    /// <summary>The temporary GNUPGHOME.</summary>
    public string Home { get; }

    /// <summary>A path for a scratch file inside the home directory.</summary>
    public string PathOf(string fileName) => Path.Combine(Home, fileName);

    /// <summary>Writes a scratch file and returns its path.</summary>
    public string WriteFile(string fileName, byte[] content)
    {
        File.WriteAllBytes(PathOf(fileName), content);
        return PathOf(fileName);
    }

    /// <summary>Writes a UTF-8 scratch file and returns its path.</summary>
    public string WriteFile(string fileName, string content) => WriteFile(fileName, Encoding.UTF8.GetBytes(content));

    /// <summary>A path for gpg to write to; an old file of that name is removed first.</summary>
    public string OutputPath(string fileName)
    {
        File.Delete(PathOf(fileName));
        return PathOf(fileName);
    }

    /// <summary>Imports keys or certificates (armored or binary).</summary>
    public GpgResult Import(byte[] keys) => Run(keys, "--import").EnsureSuccess("import");

    /// <summary>Imports an armored certificate or key.</summary>
    public GpgResult Import(string armored) => Import(Encoding.ASCII.GetBytes(armored));

    /// <summary>Checks a detached signature over a file; the status lines (also on standard output) tell the verdict.</summary>
    public GpgResult VerifyDetached(string signaturePath, string dataPath) => Run(null, "--status-fd", "1", "--verify", signaturePath, dataPath);

    /// <summary>Generates a key: <c>ed25519</c> (with a cv25519 encryption subkey) or <c>rsa3072</c> (with an
    /// rsa3072 encryption subkey), protected by <paramref name="passphrase"/> unless it is empty.</summary>
    /// <returns>The primary key's fingerprint.</returns>
    public string GenerateKey(string userId, string algorithm, string passphrase)
    {
        var (primary, sub) = algorithm switch
        {
            "ed25519" => ("ed25519", "cv25519"),
            "rsa3072" => ("rsa3072", "rsa3072"),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "ed25519 or rsa3072"),
        };
        Run(null, "--passphrase", passphrase, "--quick-gen-key", userId, primary, "cert,sign", "never").EnsureSuccess("generate");
        var fingerprint = Fingerprints("--list-keys", "=" + userId)[0];
        Run(null, "--passphrase", passphrase, "--quick-add-key", fingerprint, sub, "encr", "never").EnsureSuccess("add subkey");
        return fingerprint;
    }

    /// <summary>The fingerprints (primary keys and subkeys, in order) of a <c>--with-colons</c> listing.</summary>
    /// <param name="listing">The listing command and its selectors, e.g. <c>--list-secret-keys</c>.</param>
    public IReadOnlyList<string> Fingerprints(params string[] listing)
    {
        var output = Run(null, new[] { "--with-colons" }.Concat(listing).ToArray()).EnsureSuccess("list").Stdout;
        var fprs = output.Split('\n').Where(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Select(l => l.Split(':')[9]).ToList();
        return fprs.Count > 0 ? fprs : throw new InvalidOperationException($"gpg {string.Join(' ', listing)} lists no key:\n{output}");
    }

    /// <summary>gpg's <c>--armor --export</c> of a key.</summary>
    public string ExportCertificate(string fingerprint) => Run(null, "--armor", "--export", fingerprint).EnsureSuccess("export").Stdout;

    /// <summary>gpg's <c>--armor --export-secret-keys</c> of a key, protected as gpg holds it.</summary>
    public string ExportSecretKey(string fingerprint, string passphrase) =>
        Run(null, "--passphrase", passphrase, "--armor", "--export-secret-keys", fingerprint).EnsureSuccess("export secret key").Stdout;

    /// <summary>Runs gpg with the given arguments after the common non-interactive ones.</summary>
    /// <param name="stdin">Standard input, or null for none.</param>
    /// <param name="args">The arguments.</param>
    public GpgResult Run(byte[]? stdin, params string[] args)
    {
        var common = new List<string>
        {
            "--homedir", Home, "--batch", "--no-tty", "--yes", "--pinentry-mode", "loopback", "--quiet",
            "--trust-model", "always", "--no-auto-key-locate", "--no-auto-key-retrieve", "--no-permission-warning",
        };
        // Status lines go to a file, unless the caller routed them elsewhere itself.
        string? statusFile = args.Contains("--status-fd") ? null : PathOf($"status-{Interlocked.Increment(ref calls)}.txt");
        if (statusFile is not null) common.AddRange(new[] { "--status-file", statusFile });
        var (code, stdout, stderr) = Exec(Executable, stdin, common.Concat(args));
        var status = statusFile is not null && File.Exists(statusFile) ? File.ReadAllText(statusFile) : Encoding.UTF8.GetString(stdout);
        return new GpgResult(args, code, stdout, stderr, status);
    }

    /// <summary>Stops the agents of this home and deletes it.</summary>
    public void Dispose()
    {
        try
        {
            var gpgconf = FindOnPath("gpgconf");
            if (gpgconf is not null) Exec(gpgconf, null, new[] { "--homedir", Home, "--kill", "all" });
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

    private (int Code, byte[] Stdout, string Stderr) Exec(string executable, byte[]? stdin, IEnumerable<string> args) =>
        PeerProcess.Exec(executable, stdin, args, new Dictionary<string, string> { ["GNUPGHOME"] = Home }, Timeout);

    /// <summary>The full path of an executable on PATH, or null.</summary>
    internal static string? FindOnPath(string name)
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
/// <param name="Arguments">The arguments given (after the common ones), for failure messages.</param>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StdoutBytes">Standard output, as bytes.</param>
/// <param name="Stderr">Standard error (human-readable messages).</param>
/// <param name="Status">The machine-readable status lines (<c>[GNUPG:] ...</c>).</param>
internal sealed record GpgResult(IReadOnlyList<string> Arguments, int ExitCode, byte[] StdoutBytes, string Stderr, string Status)
{
    /// <summary>Standard output as UTF-8 text (status lines when <c>--status-fd 1</c> was given).</summary>
    public string Stdout => Encoding.UTF8.GetString(StdoutBytes);

    /// <summary>Whether a <c>[GNUPG:] GOODSIG</c> status line was printed.</summary>
    public bool GoodSignature => HasStatus("GOODSIG");

    /// <summary>Whether a status line with this keyword was printed.</summary>
    public bool HasStatus(string keyword) =>
        Status.Split('\n').Any(l => l.StartsWith("[GNUPG:] " + keyword + " ", StringComparison.Ordinal) || l.TrimEnd() == "[GNUPG:] " + keyword);

    /// <summary>The fields of each <c>VALIDSIG</c> line: [0] signing key fingerprint, [7] hash algorithm,
    /// [8] signature class (00 binary, 01 text), [9] primary key fingerprint.</summary>
    public IReadOnlyList<string[]> ValidSignatures =>
        Status.Split('\n').Where(l => l.StartsWith("[GNUPG:] VALIDSIG ", StringComparison.Ordinal))
            .Select(l => l["[GNUPG:] VALIDSIG ".Length..].Trim().Split(' ')).ToList();

    /// <summary>Throws with gpg's output unless it exited with 0.</summary>
    public GpgResult EnsureSuccess(string? what = null) => ExitCode == 0 ? this : throw new InvalidOperationException(
        $"gpg {what ?? string.Join(' ', Arguments)} failed with exit code {ExitCode}:\n{Stderr}\n{Status}");
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

/// <summary>A theory that needs gpg; see <see cref="GnuPGFactAttribute"/>.</summary>
internal sealed class GnuPGTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets the skip reason from the environment.</summary>
    public GnuPGTheoryAttribute()
    {
        if (GnuPG.SkipReason is { } reason) Skip = reason;
    }
}
