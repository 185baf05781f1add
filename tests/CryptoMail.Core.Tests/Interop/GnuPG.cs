using System.Diagnostics;
using System.Text;

namespace CryptoMail.Core.Tests.Interop;

/// <summary>What one gpg call did.</summary>
/// <param name="Arguments">The arguments it was given (for failure messages).</param>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="Stdout">Everything it wrote to standard output, as bytes.</param>
/// <param name="Stderr">Everything it wrote to standard error.</param>
/// <param name="Status">Its machine-readable status lines (<c>[GNUPG:] ...</c>, from <c>--status-file</c>).</param>
internal sealed record GpgResult(IReadOnlyList<string> Arguments, int ExitCode, byte[] Stdout, string Stderr, string Status)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    public bool HasStatus(string keyword, params string[] fields) =>
        Status.Split('\n').Any(line => line.StartsWith("[GNUPG:] " + keyword + (fields.Length == 0 ? "" : " " + string.Join(' ', fields)), StringComparison.Ordinal));

    /// <summary>The fields of each <c>VALIDSIG</c> line: [0] signing key fingerprint, [7] hash algorithm,
    /// [8] signature class (00 binary, 01 text), [9] primary key fingerprint.</summary>
    public IReadOnlyList<string[]> ValidSignatures =>
        Status.Split('\n').Where(l => l.StartsWith("[GNUPG:] VALIDSIG ", StringComparison.Ordinal))
            .Select(l => l["[GNUPG:] VALIDSIG ".Length..].Trim().Split(' ')).ToList();

    public GpgResult EnsureSuccess()
    {
        if (ExitCode != 0) throw new InvalidOperationException($"gpg {string.Join(' ', Arguments)} exited {ExitCode}:\n{Stderr}\n{Status}");
        return this;
    }
}

/// <summary>A GnuPG instance with its own throw-away home directory, driven non-interactively
/// (<c>--batch --pinentry-mode loopback --yes</c>). Every call runs under a timeout; disposing stops the agent
/// and deletes the home.</summary>
internal sealed class GnuPG : IDisposable
{
    private static readonly Lazy<string?> executable = new(() => FindOnPath("gpg"));
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);
    private int calls;

    public GnuPG()
    {
        if (Executable is null)
        {
            throw new InvalidOperationException("gpg was not found on PATH. Install GnuPG (Debian: apt-get install gnupg); " +
                "interop tests may skip only outside CI (CI is not \"true\").");
        }
        // Short path: the agent's socket lives in the home and Unix socket paths are limited to ~107 bytes.
        Home = Directory.CreateTempSubdirectory("cmgpg").FullName;
        Work = Directory.CreateDirectory(Path.Combine(Home, "work")).FullName;
        // No passphrase caching, so every call proves the passphrase it was given.
        File.WriteAllText(Path.Combine(Home, "gpg-agent.conf"), "default-cache-ttl 0\nmax-cache-ttl 0\nallow-loopback-pinentry\n");
    }

    /// <summary>The gpg executable found on PATH, or null.</summary>
    public static string? Executable => executable.Value;

    /// <summary>Why GnuPG tests cannot run here, or null when they can or must (in CI a missing gpg is a failure).</summary>
    public static string? SkipReason =>
        Executable is not null || IsCi ? null : "gpg is not installed (apt-get install gnupg); outside CI (CI is not \"true\") the GnuPG interop tests skip";

    /// <summary>Whether this is a CI run, where interop tests must never skip.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The GNUPGHOME of this instance.</summary>
    public string Home { get; }

    /// <summary>A folder for input and output files.</summary>
    public string Work { get; }

    /// <summary>Runs gpg with the standard non-interactive options and the given arguments.</summary>
    public GpgResult Run(params string[] args) => Run(null, args);

    /// <summary>Runs gpg feeding <paramref name="stdin"/> to its standard input.</summary>
    public GpgResult Run(byte[]? stdin, params string[] args)
    {
        var statusFile = Path.Combine(Home, $"status-{Interlocked.Increment(ref calls)}.txt");
        var all = new List<string>
        {
            "--homedir", Home, "--batch", "--no-tty", "--yes", "--pinentry-mode", "loopback",
            "--trust-model", "always", "--no-auto-key-retrieve", "--no-auto-key-locate", "--no-permission-warning",
            "--status-file", statusFile,
        };
        all.AddRange(args);
        var (code, stdout, stderr) = Execute(Executable!, all, stdin, DefaultTimeout);
        var status = File.Exists(statusFile) ? File.ReadAllText(statusFile) : string.Empty;
        return new GpgResult(args, code, stdout, stderr, status);
    }

    /// <summary>Writes <paramref name="content"/> to a file in <see cref="Work"/> and returns its path.</summary>
    public string WriteFile(string name, byte[] content)
    {
        var path = Path.Combine(Work, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Writes UTF-8 text to a file in <see cref="Work"/> and returns its path.</summary>
    public string WriteFile(string name, string content) => WriteFile(name, Encoding.UTF8.GetBytes(content));

    /// <summary>A path in <see cref="Work"/> for gpg to write to (any old file there is removed).</summary>
    public string OutputPath(string name)
    {
        var path = Path.Combine(Work, name);
        File.Delete(path);
        return path;
    }

    /// <summary>Generates a key: <c>ed25519</c> (with a cv25519 encryption subkey) or <c>rsa3072</c> (with an
    /// rsa3072 encryption subkey), protected by <paramref name="passphrase"/> when it is not empty.</summary>
    /// <returns>The primary key's fingerprint.</returns>
    public string GenerateKey(string userId, string algorithm, string passphrase)
    {
        var (primary, sub) = algorithm switch
        {
            "ed25519" => ("ed25519", "cv25519"),
            "rsa3072" => ("rsa3072", "rsa3072"),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "ed25519 or rsa3072"),
        };
        Run("--passphrase", passphrase, "--quick-gen-key", userId, primary, "cert,sign", "never").EnsureSuccess();
        var fingerprint = Fingerprint("=" + userId);
        Run("--passphrase", passphrase, "--quick-add-key", fingerprint, sub, "encr", "never").EnsureSuccess();
        return fingerprint;
    }

    /// <summary>The primary fingerprint of the one key <paramref name="selector"/> names.</summary>
    public string Fingerprint(string selector)
    {
        var listing = Run("--with-colons", "--list-keys", selector).EnsureSuccess().StdoutText;
        var fprs = listing.Split('\n').Where(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Select(l => l.Split(':')[9]).ToList();
        return fprs.Count > 0 ? fprs[0] : throw new InvalidOperationException($"gpg lists no key for {selector}:\n{listing}");
    }

    /// <summary>Every fingerprint (primary and subkeys) gpg holds secret material for.</summary>
    public IReadOnlyList<string> SecretFingerprints()
    {
        var listing = Run("--with-colons", "--list-secret-keys").EnsureSuccess().StdoutText;
        return listing.Split('\n').Where(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Select(l => l.Split(':')[9]).ToList();
    }

    /// <summary>The armored certificate of <paramref name="fingerprint"/>.</summary>
    public string ExportCertificate(string fingerprint) =>
        Run("--armor", "--export", fingerprint).EnsureSuccess().StdoutText;

    /// <summary>The armored secret key of <paramref name="fingerprint"/>, protected as gpg holds it.</summary>
    public string ExportSecretKey(string fingerprint, string passphrase) =>
        Run("--passphrase", passphrase, "--armor", "--export-secret-keys", fingerprint).EnsureSuccess().StdoutText;

    /// <summary>Imports keys or certificates.</summary>
    public GpgResult Import(string armored) =>
        Run(Encoding.UTF8.GetBytes(armored), "--import").EnsureSuccess();

    public void Dispose()
    {
        try
        {
            var gpgconf = FindOnPath("gpgconf");
            if (gpgconf is not null)
            {
                Execute(gpgconf, new[] { "--kill", "all" }, null, TimeSpan.FromSeconds(30), ("GNUPGHOME", Home));
            }
        }
        catch (InvalidOperationException)
        {
            // A stuck gpgconf must not fail the test that already ran; the home is removed below anyway.
        }
        try
        {
            Directory.Delete(Home, recursive: true);
        }
        catch (IOException)
        {
            // The agent may still be removing its sockets.
        }
    }

    private static (int Code, byte[] Stdout, string Stderr) Execute(string file, IEnumerable<string> args, byte[]? stdin, TimeSpan timeout, params (string Name, string Value)[] env)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Stable, untranslated messages.
        psi.Environment["LC_ALL"] = "C";
        psi.Environment["LANGUAGE"] = "C";
        foreach (var (name, value) in env) psi.Environment[name] = value;

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        using var stdout = new MemoryStream();
        var readOut = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var readErr = process.StandardError.ReadToEndAsync();
        try
        {
            if (stdin is not null) process.StandardInput.BaseStream.Write(stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // gpg may exit before reading all its input; its exit code tells what happened.
        }
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', psi.ArgumentList)} did not finish within {timeout.TotalSeconds} s");
        }
        process.WaitForExit();
        readOut.GetAwaiter().GetResult();
        return (process.ExitCode, stdout.ToArray(), readErr.GetAwaiter().GetResult());
    }

    private static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}

/// <summary>A fact that needs GnuPG: skipped (with the reason) when gpg is missing outside CI; in CI it runs and
/// fails when gpg is missing.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
internal sealed class GpgFactAttribute : FactAttribute
{
    public GpgFactAttribute()
    {
        if (GnuPG.SkipReason is { } reason) Skip = reason;
    }
}

/// <summary>A theory that needs GnuPG; see <see cref="GpgFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
internal sealed class GpgTheoryAttribute : TheoryAttribute
{
    public GpgTheoryAttribute()
    {
        if (GnuPG.SkipReason is { } reason) Skip = reason;
    }
}
