using System.Text;
using Microsoft.Win32.SafeHandles;

namespace CryptoMail.Tool;

/// <summary>The process surroundings of one run: standard streams, environment, and the rules for indirect
/// inputs and outputs (file names and the SOP special designators <c>@ENV:</c> and <c>@FD:</c>).</summary>
internal sealed class ToolContext
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public ToolContext(Stream stdin, Stream stdout, Stream stderr, IDictionary<string, string> env, bool stderrIsTerminal)
    {
        Stdin = stdin;
        Stdout = stdout;
        Env = env;
        StderrIsTerminal = stderrIsTerminal;
        Error = new StreamWriter(stderr, new UTF8Encoding(false), 1024, leaveOpen: true) { AutoFlush = true, NewLine = "\n" };
        Out = new StreamWriter(stdout, new UTF8Encoding(false), 4096, leaveOpen: true) { AutoFlush = false, NewLine = "\n" };
    }

    public Stream Stdin { get; }

    public Stream Stdout { get; }

    /// <summary>Text view of stdout (help, listings). Flush it before writing binary data to <see cref="Stdout"/>.</summary>
    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public IDictionary<string, string> Env { get; }

    public bool StderrIsTerminal { get; }

    /// <summary>The library instance every command of this run uses, made on first use: a run that touches no key or
    /// message (<c>sop version</c>, <c>--help</c>, a parse error) never pays for the library's default policy and
    /// limits, which an <see cref="OpenPgp"/> resolves when it is made.</summary>
    public OpenPgp Pgp => pgp ??= new OpenPgp();

    private OpenPgp? pgp;

    public void Flush()
    {
        Out.Flush();
        Error.Flush();
        Stdout.Flush();
    }

    /// <summary>Opens an indirect input: a file name, <c>@ENV:NAME</c> or <c>@FD:N</c>.</summary>
    public Stream OpenInput(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.StartsWith('@'))
        {
            if (File.Exists(name))
            {
                throw new ToolException(SopExit.AmbiguousInput, $"'{name}' is both an existing file and a special designator; rename the file.");
            }
            if (name.StartsWith("@ENV:", StringComparison.Ordinal))
            {
                var variable = name[5..];
                if (!Env.TryGetValue(variable, out var value))
                {
                    throw new ToolException(SopExit.MissingInput, $"Environment variable '{variable}' is not set.");
                }
                return new MemoryStream(Encoding.UTF8.GetBytes(value), writable: false);
            }
            if (name.StartsWith("@FD:", StringComparison.Ordinal))
            {
                return OpenDescriptor(name, FileAccess.Read);
            }
            throw new ToolException(SopExit.UnsupportedSpecialPrefix, $"Unsupported special designator in '{name}' (only @ENV: and @FD: are known).");
        }
        try
        {
            return new FileStream(name, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ToolException(SopExit.MissingInput, $"Input '{name}' does not exist.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ToolException(SopExit.MissingInput, $"Cannot read '{name}': {e.Message}", e);
        }
    }

    /// <summary>Every secret key in the given indirect inputs.</summary>
    public List<CryptoMail.Core.SecretKey> LoadSecretKeys(IEnumerable<string> names)
    {
        var keys = new List<CryptoMail.Core.SecretKey>();
        foreach (var name in names)
        {
            using var input = OpenInput(name);
            keys.AddRange(CryptoMail.Core.SecretKey.LoadAll(input));
        }
        return keys;
    }

    /// <summary>Every certificate in the given indirect inputs.</summary>
    public List<CryptoMail.Core.Certificate> LoadCertificates(IEnumerable<string> names)
    {
        var certs = new List<CryptoMail.Core.Certificate>();
        var revocations = new List<(string Name, byte[] Data)>();
        foreach (var name in names)
        {
            var data = ReadInput(name);
            try
            {
                certs.AddRange(CryptoMail.Core.Certificate.ParseAll(data));
            }
            catch (CryptoMail.Core.MalformedDataException)
            {
                // Not certificates: perhaps a revocation certificate (a lone key-revocation signature).
                revocations.Add((name, data));
            }
        }
        foreach (var (name, data) in revocations)
        {
            int index = certs.FindIndex(c => c.TryApplyRevocation(data, out _));
            if (index < 0) throw new ToolException(SopExit.BadData, $"{name}: neither certificates nor a revocation of one of the given certificates.");
            certs[index].TryApplyRevocation(data, out var revoked);
            certs[index] = revoked!;
        }
        return certs;
    }

    /// <summary>Reads a whole (small) indirect input.</summary>
    public byte[] ReadInput(string name)
    {
        using var input = OpenInput(name);
        using var ms = new MemoryStream();
        input.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>Reads a password from an indirect input as UTF-8; non-UTF-8 bytes give PASSWORD_NOT_HUMAN_READABLE.</summary>
    public string ReadPassword(string name)
    {
        var bytes = ReadInput(name);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new ToolException(SopExit.PasswordNotHumanReadable, $"The password in '{name}' is not valid UTF-8.", e);
        }
    }

    /// <summary>Fails with OUTPUT_EXISTS (or UNSUPPORTED_SPECIAL_PREFIX) before any work is done, so a
    /// command never half-runs and then refuses to write.</summary>
    public void CheckOutput(string? name)
    {
        if (name is null) return;
        if (name.StartsWith('@'))
        {
            if (name.StartsWith("@FD:", StringComparison.Ordinal)) return;
            if (name.StartsWith("@ENV:", StringComparison.Ordinal))
            {
                throw new ToolException(SopExit.UnsupportedSpecialPrefix, $"'{name}': @ENV: cannot be used for an output.");
            }
            throw new ToolException(SopExit.UnsupportedSpecialPrefix, $"Unsupported special designator in '{name}'.");
        }
        if (File.Exists(name) || Directory.Exists(name))
        {
            throw new ToolException(SopExit.OutputExists, $"Output '{name}' already exists.");
        }
    }

    /// <summary>Creates an indirect output: a new file (never overwritten) or <c>@FD:N</c>.</summary>
    public Stream CreateOutput(string name)
    {
        CheckOutput(name);
        if (name.StartsWith("@FD:", StringComparison.Ordinal)) return OpenDescriptor(name, FileAccess.Write);
        try
        {
            return new FileStream(name, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        }
        catch (IOException e) when (File.Exists(name))
        {
            throw new ToolException(SopExit.OutputExists, $"Output '{name}' already exists.", e);
        }
    }

    /// <summary>Writes a whole (small) indirect output.</summary>
    public void WriteOutput(string name, ReadOnlySpan<byte> content)
    {
        using var output = CreateOutput(name);
        output.Write(content);
    }

    private static FileStream OpenDescriptor(string name, FileAccess access)
    {
        if (!int.TryParse(name.AsSpan(4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var fd) || fd < 0)
        {
            throw new ToolException(SopExit.UnsupportedSpecialPrefix, $"'{name}' does not name a file descriptor number.");
        }
        try
        {
            var handle = new SafeFileHandle((IntPtr)fd, ownsHandle: false);
            return new FileStream(handle, access, 1);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            throw new ToolException(access == FileAccess.Read ? SopExit.MissingInput : SopExit.GenericError, $"Cannot use file descriptor {fd}: {e.Message}", e);
        }
    }
}
