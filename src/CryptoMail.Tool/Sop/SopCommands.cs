using System.CommandLine;
using System.Globalization;
using System.Reflection;
using CryptoMail.Core;

namespace CryptoMail.Tool;

/// <summary><c>cryptomail sop</c>: the Stateless OpenPGP CLI (draft-dkg-openpgp-stateless-cli, revision 16
/// semantics) over CryptoMail.Core.</summary>
internal sealed partial class SopCommands
{
    public const string SpecRevision = "draft-dkg-openpgp-stateless-cli-16";

    private readonly ToolContext context;

    public SopCommands(ToolContext context) => this.context = context;

    /// <summary>Which library error means what, per kind of operation.</summary>
    private enum Operation
    {
        Keys,
        Sign,
        Verify,
        Encrypt,
        Decrypt,
        Armor,
    }

    public Command Build()
    {
        var sop = new Command("sop", "Stateless OpenPGP CLI (" + SpecRevision + "). Data on stdin/stdout; keys, certificates, "
            + "passwords and outputs are files, @ENV:NAME (inputs only) or @FD:N.");
        sop.Subcommands.Add(VersionCommand());
        sop.Subcommands.Add(ListProfilesCommand());
        sop.Subcommands.Add(GenerateKeyCommand());
        sop.Subcommands.Add(ChangeKeyPasswordCommand());
        sop.Subcommands.Add(ExtractCertCommand());
        sop.Subcommands.Add(SignCommand());
        sop.Subcommands.Add(VerifyCommand());
        sop.Subcommands.Add(EncryptCommand());
        sop.Subcommands.Add(DecryptCommand());
        sop.Subcommands.Add(ArmorCommand());
        sop.Subcommands.Add(DearmorCommand());
        sop.Subcommands.Add(InlineSignCommand());
        sop.Subcommands.Add(InlineVerifyCommand());
        sop.Subcommands.Add(InlineDetachCommand());
        sop.Subcommands.Add(RevokeKeyCommand());
        sop.Subcommands.Add(MergeCertsCommand());
        sop.Subcommands.Add(CertifyUserIdCommand());
        sop.Subcommands.Add(ValidateUserIdCommand());
        foreach (var (name, needs) in Unsupported)
        {
            sop.Subcommands.Add(UnsupportedCommand(name, needs));
        }
        return sop;
    }

    /// <summary>Subcommands this build cannot offer, with the library feature each one waits for.</summary>
    internal static readonly (string Name, string Needs)[] Unsupported =
    [
        ("update-key", "refreshing self-signatures and merging updates"),
    ];

    private Command UnsupportedCommand(string name, string needs)
    {
        var command = new Command(name, $"Not supported yet: CryptoMail.Core lacks {needs}.") { TreatUnmatchedTokensAsErrors = false };
        command.SetAction(_ =>
        {
            context.Error.WriteLine($"cryptomail: sop {name} is not supported yet (CryptoMail.Core lacks {needs}).");
            return SopExit.UnsupportedSubcommand;
        });
        return command;
    }

    private void SetAction(Command command, Operation operation, Func<ParseResult, int> body) =>
        command.SetAction(parse => CommandRunner.Execute(context, () => body(parse), e => MapError(operation, e)));

    private static int MapError(Operation operation, CryptoMailException e) => (operation, e) switch
    {
        (_, MalformedDataException) => SopExit.BadData,
        (_, LimitExceededException) => SopExit.BadData,
        (_, BadPassphraseException) => SopExit.KeyIsProtected,
        (Operation.Decrypt, NoDecryptionKeyException or IntegrityException or PolicyViolationException) => SopExit.CannotDecrypt,
        (Operation.Decrypt, KeyNotUsableException) => SopExit.KeyIsProtected,
        (Operation.Keys, KeyNotUsableException) => SopExit.KeyIsProtected,
        (Operation.Sign, KeyNotUsableException or PolicyViolationException) => SopExit.KeyCannotSign,
        (Operation.Encrypt, KeyNotUsableException or PolicyViolationException) => SopExit.CertCannotEncrypt,
        (Operation.Verify, SignatureRequiredException or PolicyViolationException) => SopExit.NoSignature,
        (_, IntegrityException) => SopExit.BadData,
        _ => SopExit.GenericError,
    };

    private Command VersionCommand()
    {
        var backend = Opt.Flag("--backend", "Name and version of the OpenPGP library.");
        var extended = Opt.Flag("--extended", "Several lines of version detail.");
        var sopSpec = Opt.Flag("--sop-spec", "The SOP specification revision implemented.");
        var command = new Command("version", "Version information.") { Options = { backend, extended, sopSpec } };
        SetAction(command, Operation.Keys, parse =>
        {
            bool b = parse.GetValue(backend), x = parse.GetValue(extended), s = parse.GetValue(sopSpec);
            if ((b ? 1 : 0) + (x ? 1 : 0) + (s ? 1 : 0) > 1)
            {
                throw new ToolException(SopExit.IncompatibleOptions, "--backend, --extended and --sop-spec exclude each other.");
            }
            var o = context.Out;
            if (b)
            {
                o.WriteLine(BackendLine());
            }
            else if (s)
            {
                o.WriteLine("~" + SpecRevision);
                o.WriteLine("Not implemented: " + string.Join(", ", Unsupported.Select(u => u.Name)) + ".");
            }
            else
            {
                o.WriteLine($"cryptomail {VersionOf(typeof(SopCommands).Assembly)}");
                if (x)
                {
                    o.WriteLine(BackendLine());
                    o.WriteLine($"MimeKit {VersionOf(typeof(MimeKit.MimeMessage).Assembly)}");
                    o.WriteLine($"System.CommandLine {VersionOf(typeof(Command).Assembly)}");
                    o.WriteLine($".NET {Environment.Version}");
                    o.WriteLine("SOP spec: ~" + SpecRevision);
                }
            }
            return SopExit.Ok;
        });
        return command;
    }

    private static string BackendLine()
    {
        var core = typeof(OpenPgp).Assembly;
        // Loaded by name rather than found through core's reference list: a native AOT build keeps no such list,
        // but it resolves the assemblies compiled into it by name like the JIT runtime does.
        string bc = "unknown";
        try
        {
            bc = VersionOf(Assembly.Load(new AssemblyName("BouncyCastle.Cryptography")));
        }
        catch (IOException)
        {
        }
        return $"CryptoMail.Core {VersionOf(core)} (BouncyCastle.Cryptography {bc})";
    }

    private static string VersionOf(Assembly assembly)
    {
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(informational)) return assembly.GetName().Version?.ToString() ?? "unknown";
        int plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus > 0 ? informational[..plus] : informational;
    }

    /// <summary>Profiles per subcommand; the first is the default.</summary>
    internal static readonly IReadOnlyDictionary<string, (string Name, string Description)[]> Profiles = new Dictionary<string, (string, string)[]>
    {
        ["generate-key"] =
        [
            ("default", "v4 key, Ed25519 signing primary with a Curve25519 encryption subkey"),
            ("rfc4880", "v4 key, RSA 3072 primary and RSA 3072 encryption subkey, for old implementations"),
            ("rfc9580", "v6 key, Ed25519 signing primary with an X25519 encryption subkey (RFC 9580)"),
            ("rfc9580-ed448", "v6 key, Ed448 signing primary with an X448 encryption subkey (RFC 9580)"),
            ("post-quantum", "v6 key, ML-DSA-65+Ed25519 signing primary with an ML-KEM-768+X25519 encryption subkey (RFC 9980)"),
            ("post-quantum-high", "v6 key, ML-DSA-87+Ed448 signing primary with an ML-KEM-1024+X448 encryption subkey (RFC 9980)"),
        ],
        ["encrypt"] =
        [
            ("default", "SEIPDv2 (AEAD, OCB) when every recipient announces support for it, else SEIPDv1"),
            ("rfc4880", "SEIPDv1 (MDC) with AES-256, readable by every OpenPGP implementation"),
            ("rfc9580", "SEIPDv2 (AEAD, OCB) with AES-256, for RFC 9580 implementations"),
        ],
    };

    private static readonly string[] KnownSubcommands =
    [
        "version", "list-profiles", "generate-key", "change-key-password", "revoke-key", "extract-cert", "update-key",
        "merge-certs", "certify-userid", "validate-userid", "sign", "verify", "encrypt", "decrypt", "armor", "dearmor",
        "inline-detach", "inline-verify", "inline-sign",
    ];

    private Command ListProfilesCommand()
    {
        var subcommand = new Argument<string>("SUBCOMMAND") { Description = "The subcommand whose profiles to list.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("list-profiles", "Lists the profiles of a subcommand, the default first.") { Arguments = { subcommand } };
        SetAction(command, Operation.Keys, parse =>
        {
            var name = parse.GetValue(subcommand) ?? throw new ToolException(SopExit.MissingArg, "list-profiles needs a subcommand name.");
            if (Profiles.TryGetValue(name, out var profiles))
            {
                foreach (var (n, d) in profiles) context.Out.WriteLine($"{n}: {d}");
                return SopExit.Ok;
            }
            if (KnownSubcommands.Contains(name, StringComparer.Ordinal))
            {
                throw new ToolException(SopExit.UnsupportedProfile, $"'{name}' has no profiles.");
            }
            throw new ToolException(SopExit.UnsupportedSubcommand, $"Unknown subcommand '{name}'.");
        });
        return command;
    }

    /// <summary>Checks a --profile value; null and "default" mean the first profile.</summary>
    private static string ResolveProfile(string subcommand, string? requested)
    {
        var profiles = Profiles[subcommand];
        if (requested is null || requested == "default") return profiles[0].Name;
        if (profiles.Any(p => p.Name == requested)) return requested;
        throw new ToolException(SopExit.UnsupportedProfile, $"{subcommand} has no profile '{requested}' (see list-profiles {subcommand}).");
    }

    // ---- shared helpers -------------------------------------------------------------------------------------

    private List<SecretKey> LoadSecretKeys(IEnumerable<string> names) => context.LoadSecretKeys(names);

    private List<Certificate> LoadCertificates(IEnumerable<string> names) => context.LoadCertificates(names);

    /// <summary>Passwords to try when consuming: each with trailing whitespace removed (a password file usually
    /// ends in a newline) and as given. The trimmed form goes first: CryptoMail.Core currently gets only one
    /// attempt at a password-encrypted message, so the likelier form must lead.</summary>
    private List<string> ConsumedPasswords(IEnumerable<string> names)
    {
        var result = new List<string>();
        foreach (var name in names)
        {
            var password = context.ReadPassword(name);
            var trimmed = password.TrimEnd();
            if (trimmed.Length > 0 && !result.Contains(trimmed)) result.Add(trimmed);
            if (!result.Contains(password)) result.Add(password);
        }
        return result;
    }

    /// <summary>A password for new material: UTF-8, trailing whitespace (the newline of a password file) removed.</summary>
    private string NewPassword(string name)
    {
        var password = context.ReadPassword(name).TrimEnd();
        if (password.Length == 0) throw new ToolException(SopExit.PasswordNotHumanReadable, $"The password in '{name}' is empty.");
        return password;
    }

    /// <summary>Unlocks a protected key with one of the passwords, or fails with KEY_IS_PROTECTED.</summary>
    private static SecretKey Unlock(SecretKey key, List<string> passwords)
    {
        if (key.IsUnlocked) return key;
        foreach (var password in passwords)
        {
            if (key.TryUnlock(password, out var unlocked)) return unlocked;
        }
        throw new ToolException(SopExit.KeyIsProtected, passwords.Count == 0
            ? $"Key {key.Fingerprint} is protected by a password; give it with --with-key-password."
            : $"No given password unlocks key {key.Fingerprint}.");
    }

    private static SignatureMode ParseAs(string? value) => value switch
    {
        null or "binary" => SignatureMode.Binary,
        "text" => SignatureMode.Text,
        _ => throw new ToolException(SopExit.UnsupportedOption, $"--as={value} is not supported here (binary or text)."),
    };

    /// <summary>Parses a SOP DATE: ISO 8601, "-" for no limit, "now".</summary>
    internal static DateTimeOffset? ParseDate(string? value, DateTimeOffset? whenAbsent)
    {
        if (value is null) return whenAbsent;
        if (value == "-") return null;
        if (value == "now") return DateTimeOffset.UtcNow;
        string[] compact = ["yyyyMMdd'T'HHmmss'Z'", "yyyyMMdd'T'HHmmssK", "yyyyMMdd"];
        if (DateTimeOffset.TryParseExact(value, compact, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var exact)) return exact;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)) return parsed;
        throw new ToolException(SopExit.GenericError, $"'{value}' is not an ISO 8601 date, '-' or 'now'.");
    }

    /// <summary>One verification line: <c>TIMESTAMP SIGNINGFPR PRIMARYFPR mode:binary|text</c>.</summary>
    internal static string VerificationLine(SignatureVerification v)
    {
        var time = v.CreationTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var signing = v.SigningKeyFingerprint ?? v.IssuerKeyId;
        var primary = v.SignerFingerprint ?? signing;
        return $"{time} {signing} {primary} mode:{(v.Mode == SignatureMode.Text ? "text" : "binary")}";
    }

    private static string VerificationText(IEnumerable<SignatureVerification> good)
    {
        var text = new System.Text.StringBuilder();
        foreach (var v in good) text.Append(VerificationLine(v)).Append('\n');
        return text.ToString();
    }

    /// <summary>Writes keys (one armor block for all, or binary).</summary>
    private void WriteKeys(List<SecretKey> keys, bool armor)
    {
        if (armor && keys.Count == 1)
        {
            context.Out.Write(keys[0].ExportArmored());
            return;
        }
        WriteConcatenated(keys.Select(k => k.Export()), armor, ArmorKind.PrivateKey);
    }

    private void WriteCertificates(List<Certificate> certs, bool armor)
    {
        if (armor && certs.Count == 1)
        {
            context.Out.Write(certs[0].ExportArmored());
            return;
        }
        WriteConcatenated(certs.Select(c => c.Export()), armor, ArmorKind.PublicKey);
    }

    private void WriteConcatenated(IEnumerable<byte[]> parts, bool armor, ArmorKind kind)
    {
        using var binary = new MemoryStream();
        foreach (var p in parts) binary.Write(p);
        binary.Position = 0;
        context.Out.Flush();
        if (armor) OpenPgpArmor.Armor(binary, context.Stdout, kind);
        else binary.CopyTo(context.Stdout);
    }
}
