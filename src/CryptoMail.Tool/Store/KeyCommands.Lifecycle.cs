using System.CommandLine;
using System.Globalization;
using CryptoMail.Core;

namespace CryptoMail.Tool;

/// <summary><c>cryptomail key adduid|revuid|addsubkey|revsubkey|rotate|expire|passwd|certify|revcert</c>: thin
/// wrappers over the SecretKey lifecycle operations, on a key in the tool's store. The edited key replaces the
/// stored one (still protected by its passphrase) and its certificate is merged into the cert-d.</summary>
internal sealed partial class KeyCommands
{
    private static readonly string[] UserIdArgument = { "USERID" }, SubkeyArgument = { "SUBKEY" }, WhenArgument = { "WHEN" };

    private IEnumerable<Command> LifecycleCommands()
    {
        yield return Edit("adduid", "Adds a user ID to a stored key.", UserIdArgument,
            new[] { Opt.Flag("--primary", "Make it the primary user ID.") },
            (key, args, parse, flags) => key.AddUserId(args[0], parse.GetValue((Option<bool>)flags[0])));
        yield return Edit("revuid", "Revokes a user ID of a stored key (reason: user ID no longer valid).", UserIdArgument,
            new Option[] { DescriptionOption() },
            (key, args, parse, flags) => key.RevokeUserId(args[0], RevocationReason.UserIdNoLongerValid, parse.GetValue((Option<string>)flags[0]) ?? string.Empty));
        yield return Edit("addsubkey", "Adds a subkey (algorithm from the key's profile) to a stored key.", Array.Empty<string>(),
            new Option[] { Opt.Value("--usage", "encrypt (default), sign or auth.", "USAGE"), ExpiresOption(),
                Opt.Flag("--post-quantum", "A post-quantum encryption subkey (RFC 9980: ML-KEM-768+X25519, or ML-KEM-1024+X448 under an Ed448 key); "
                    + "mail to the key then goes to it only.") },
            (key, args, parse, flags) =>
            {
                var usage = ParseUsage(parse.GetValue((Option<string>)flags[0]));
                var expiry = ParseExpiry(parse.GetValue((Option<string>)flags[1]));
                if (!parse.GetValue((Option<bool>)flags[2])) return key.AddSubkey(usage, expiry, PassphraseOf(parse));
                if ((usage & (KeyUsage.Sign | KeyUsage.Authenticate)) != 0)
                    throw new ToolException(SopExit.UnsupportedOption, "--post-quantum makes an encryption subkey; it does not combine with --usage sign or auth.");
                return key.AddPostQuantumSubkey(expiry, PassphraseOf(parse));
            });
        yield return Edit("revsubkey", "Revokes a subkey of a stored key.", SubkeyArgument,
            new Option[] { Opt.Value("--reason", "unspecified (default), superseded, compromised or retired.", "REASON"), DescriptionOption() },
            (key, args, parse, flags) => key.RevokeSubkey(args[0], ParseReason(parse.GetValue((Option<string>)flags[0])), parse.GetValue((Option<string>)flags[1]) ?? string.Empty));
        yield return Edit("rotate", "Adds a fresh encryption subkey and revokes the current ones as superseded (old mail stays decryptable).", Array.Empty<string>(),
            new Option[] { ExpiresOption() },
            (key, args, parse, flags) => key.RotateEncryptionSubkey(ParseExpiry(parse.GetValue((Option<string>)flags[0])), PassphraseOf(parse)));
        yield return Edit("expire", "Sets the expiration of a stored key (or, with --subkey, of one subkey): an ISO 8601 date/time, or 'never'.", WhenArgument,
            new Option[] { Opt.Value("--subkey", "The subkey's fingerprint or key ID.", "SUBKEY") },
            (key, args, parse, flags) =>
            {
                var when = args[0] == "never" ? (DateTimeOffset?)null : ParseExpiry(args[0]);
                return parse.GetValue((Option<string>)flags[0]) is { } sub ? key.WithSubkeyExpiration(sub, when) : key.WithExpiration(when);
            });
        yield return Edit("passwd", "Changes the passphrase of a stored key (--new-passphrase-file), or removes it (--no-passphrase, needs --allow-unprotected).", Array.Empty<string>(),
            new Option[] { Opt.Value("--new-passphrase-file", "A file holding the new passphrase (or @ENV:NAME).", "FILE"), Opt.Flag("--no-passphrase", "Remove the passphrase.") },
            (key, args, parse, flags) =>
            {
                var file = parse.GetValue((Option<string>)flags[0]);
                bool none = parse.GetValue((Option<bool>)flags[1]);
                if ((file is null) == !none) throw new ToolException(SopExit.IncompatibleOptions, "Give exactly one of --new-passphrase-file FILE and --no-passphrase.");
                return key.ChangePassphrase(file is null ? null : context.ReadPassword(file).TrimEnd());
            });
        yield return Certify();
        yield return RevocationCertificate();
    }

    private static Option<string> DescriptionOption() => Opt.Value("--description", "A human-readable explanation.", "TEXT");

    private static Option<string> ExpiresOption() => Opt.Value("--expires", "Expiration as an ISO 8601 date/time (default: never).", "WHEN");

    private delegate SecretKey EditBody(SecretKey key, string[] arguments, ParseResult parse, Option[] options);

    /// <summary>A subcommand <c>NAME QUERY ARGS... [options]</c> that unlocks the stored secret key matching QUERY,
    /// applies <paramref name="body"/> and stores the result.</summary>
    private Command Edit(string name, string description, string[] argumentNames, Option[] options, EditBody body)
    {
        var store = StoreOption();
        var passphraseFile = Opt.Value("--passphrase-file", "A file holding the key's passphrase (or @ENV:NAME).", "FILE");
        var allowUnprotected = AllowUnprotectedOption();
        var query = new Argument<string>("QUERY") { Description = "Fingerprint, key ID or e-mail address of a stored secret key." };
        var arguments = argumentNames.Select(a => new Argument<string>(a)).ToArray();
        var command = new Command(name, description) { Options = { store, passphraseFile, allowUnprotected }, Arguments = { query } };
        foreach (var a in arguments) command.Arguments.Add(a);
        foreach (var o in options) command.Options.Add(o);
        SetAction(command, parse =>
        {
            var target = KeyStore.Open(context, parse.GetValue(store), parse.GetValue(allowUnprotected));
            var key = Unlocked(FindSecret(target, parse.GetValue(query)), parse.GetValue(passphraseFile));
            var values = arguments.Select(a => parse.GetValue(a) ?? throw new ToolException(SopExit.MissingArg, $"Give {a.Name}.")).ToArray();
            SecretKey edited;
            try
            {
                edited = body(key, values, parse, options);
            }
            catch (ArgumentException e)
            {
                throw new ToolException(SopExit.BadData, e.Message, e);
            }
            target.Add(edited);
            context.Out.WriteLine(edited.Fingerprint);
            return SopExit.Ok;
        });
        return command;
    }

    private Command Certify()
    {
        var store = StoreOption();
        var passphraseFile = Opt.Value("--passphrase-file", "A file holding the certifying key's passphrase (or @ENV:NAME).", "FILE");
        var level = Opt.Value("--level", "generic (default), persona, casual or positive.", "LEVEL");
        var expires = ExpiresOption();
        var signer = new Argument<string>("SIGNER") { Description = "The certifying stored secret key." };
        var certificate = new Argument<string>("CERTIFICATE") { Description = "Fingerprint of the stored certificate to certify." };
        var userId = new Argument<string>("USERID") { Description = "The user ID to certify." };
        var command = new Command("certify", "Certifies a user ID of a stored certificate with a stored key, stores the certificate and prints it.")
        {
            Options = { store, passphraseFile, level, expires },
            Arguments = { signer, certificate, userId },
        };
        SetAction(command, parse =>
        {
            var target = KeyStore.Open(context, parse.GetValue(store));
            var key = Unlocked(FindSecret(target, parse.GetValue(signer)), parse.GetValue(passphraseFile));
            var q = parse.GetValue(certificate) ?? throw new ToolException(SopExit.MissingArg, "Give the certificate to certify.");
            var found = target.Find(q);
            if (found.Count != 1) throw new ToolException(SopExit.MissingInput, found.Count == 0 ? $"No stored certificate matches '{q}'." : $"'{q}' matches {found.Count} certificates; give a fingerprint.");
            var how = (parse.GetValue(level) ?? "generic").ToLowerInvariant() switch
            {
                "generic" => CertificationLevel.Generic,
                "persona" => CertificationLevel.Persona,
                "casual" => CertificationLevel.Casual,
                "positive" => CertificationLevel.Positive,
                var other => throw new ToolException(SopExit.UnsupportedOption, $"Unknown certification level '{other}'."),
            };
            Certificate certified;
            try
            {
                certified = key.Certify(found[0], parse.GetValue(userId) ?? string.Empty, how, ParseExpiry(parse.GetValue(expires)));
            }
            catch (ArgumentException e)
            {
                throw new ToolException(SopExit.BadData, e.Message, e);
            }
            target.Add(certified);
            context.Out.Write(certified.ExportArmored());
            return SopExit.Ok;
        });
        return command;
    }

    private Command RevocationCertificate()
    {
        var store = StoreOption();
        var passphraseFile = Opt.Value("--passphrase-file", "A file holding the key's passphrase (or @ENV:NAME).", "FILE");
        var reason = Opt.Value("--reason", "unspecified (default), superseded, compromised or retired.", "REASON");
        var description = DescriptionOption();
        var query = new Argument<string>("QUERY") { Description = "Fingerprint, key ID or e-mail address of a stored secret key." };
        var command = new Command("revcert", "Prints a revocation certificate for a stored key without revoking it (keep it; publish it only when needed).")
        {
            Options = { store, passphraseFile, reason, description },
            Arguments = { query },
        };
        SetAction(command, parse =>
        {
            var target = KeyStore.Open(context, parse.GetValue(store));
            var key = Unlocked(FindSecret(target, parse.GetValue(query)), parse.GetValue(passphraseFile));
            context.Out.Write(key.CreateRevocationCertificate(ParseReason(parse.GetValue(reason)), parse.GetValue(description) ?? string.Empty));
            return SopExit.Ok;
        });
        return command;
    }

    private static SecretKey FindSecret(KeyStore store, string? query)
    {
        var q = query ?? throw new ToolException(SopExit.MissingArg, "Give a fingerprint, key ID or e-mail address.");
        var found = store.Find(q).Select(c => store.SecretKey(c.Fingerprint)).OfType<SecretKey>().ToList();
        if (found.Count != 1)
            throw new ToolException(SopExit.MissingInput, found.Count == 0 ? $"No stored secret key matches '{q}'." : $"'{q}' matches {found.Count} keys; give a fingerprint.");
        return found[0];
    }

    /// <summary>The passphrase an edit was given (the new subkey of a protected key is protected with it: an unlocked
    /// key does not keep its passphrase); null without --passphrase-file.</summary>
    private string? PassphraseOf(ParseResult parse) =>
        parse.GetValue<string>("--passphrase-file") is { } file ? context.ReadPassword(file).TrimEnd() : null;

    private SecretKey Unlocked(SecretKey key, string? passphraseFile)
    {
        if (!key.IsProtected) return key;
        if (passphraseFile is null) throw new ToolException(SopExit.KeyIsProtected, $"Key {key.Fingerprint} is protected: give --passphrase-file FILE.");
        return key.TryUnlock(context.ReadPassword(passphraseFile).TrimEnd(), out var unlocked)
            ? unlocked
            : throw new ToolException(SopExit.KeyIsProtected, $"The passphrase does not unlock key {key.Fingerprint}.");
    }

    internal static RevocationReason ParseReason(string? reason) => (reason ?? "unspecified").ToLowerInvariant() switch
    {
        "unspecified" => RevocationReason.Unspecified,
        "superseded" => RevocationReason.Superseded,
        "compromised" => RevocationReason.Compromised,
        "retired" => RevocationReason.Retired,
        var other => throw new ToolException(SopExit.UnsupportedOption, $"Unknown revocation reason '{other}'."),
    };

    private static KeyUsage ParseUsage(string? usage) => (usage ?? "encrypt").ToLowerInvariant() switch
    {
        "encrypt" => KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage,
        "sign" => KeyUsage.Sign,
        "auth" => KeyUsage.Authenticate,
        var other => throw new ToolException(SopExit.UnsupportedOption, $"Unknown subkey usage '{other}' (encrypt, sign or auth)."),
    };

    private static DateTimeOffset? ParseExpiry(string? when)
    {
        if (when is null) return null;
        return DateTimeOffset.TryParse(when, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t
            : throw new ToolException(SopExit.BadData, $"'{when}' is not an ISO 8601 date/time.");
    }
}
