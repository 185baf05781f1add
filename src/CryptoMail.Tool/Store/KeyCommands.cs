using System.CommandLine;
using CryptoMail.Core;

namespace CryptoMail.Tool;

/// <summary><c>cryptomail key generate|list|import|export|revoke|lookup</c> over the tool's <see cref="KeyStore"/>
/// (certificates in a cert-d, secret keys protected in a directory beside it), and read-only over a GnuPG home.</summary>
internal sealed partial class KeyCommands
{
    private readonly ToolContext context;

    public KeyCommands(ToolContext context) => this.context = context;

    private static Option<string> StoreOption() => Opt.Value("--store",
        $"Key directory: certificates in DIR/pgp.cert.d (a shared cert-d), secret keys in DIR/secret-keys (default: ${KeyStore.EnvironmentVariable}; "
        + $"without either, the cert-d at ${CertificateDirectory.EnvironmentVariable} or ~/.local/share/pgp.cert.d and secret keys in ~/.local/share/cryptomail/secret-keys).", "DIR");

    private static Option<bool> AllowUnprotectedOption() =>
        Opt.Flag("--allow-unprotected", "Store secret keys that have no passphrase (in the clear, file mode 0600); by default they are refused.");

    private static Option<string> GnuPGHomeOption() =>
        Opt.Value("--gnupg-home", "Read certificates from this GnuPG home (pubring.kbx or pubring.gpg, read-only) instead of the store.", "DIR");

    public Command Build()
    {
        var key = new Command("key", "Manage keys: certificates in a shared cert-d directory store (draft-nwjw-openpgp-cert-d), secret keys passphrase-protected beside it.");
        key.Subcommands.Add(Generate());
        key.Subcommands.Add(List());
        key.Subcommands.Add(Import());
        key.Subcommands.Add(Export());
        key.Subcommands.Add(Revoke());
        key.Subcommands.Add(Lookup());
        foreach (var edit in LifecycleCommands()) key.Subcommands.Add(edit);
        return key;
    }

    private void SetAction(Command command, Func<ParseResult, int> body) =>
        command.SetAction(parse => CommandRunner.Execute(context, () => body(parse), MapError));

    internal static int MapError(CryptoMailException e) => e switch
    {
        MalformedDataException or LimitExceededException => SopExit.BadData,
        BadPassphraseException or KeyNotUsableException => SopExit.KeyIsProtected,
        NoDecryptionKeyException or IntegrityException => SopExit.CannotDecrypt,
        _ => SopExit.GenericError,
    };

    private Command Generate()
    {
        var store = StoreOption();
        var profile = Opt.Value("--profile", "default (Ed25519/Curve25519), rfc4880 (RSA 3072), rfc9580 (v6 Ed25519/X25519), post-quantum (v6 ML-DSA-65+Ed25519/ML-KEM-768+X25519) or post-quantum-high (ML-DSA-87+Ed448/ML-KEM-1024+X448).", "PROFILE");
        var passphrase = Opt.Value("--passphrase-file", "Protect the key with the passphrase in this file (or @ENV:NAME).", "FILE");
        var signingOnly = Opt.Flag("--signing-only", "No encryption subkey.");
        var allowUnprotected = AllowUnprotectedOption();
        var userIds = Opt.Rest("USERID", "User IDs; the first is primary.");
        var command = new Command("generate", "Generates a key, stores it and prints its fingerprint. Like GnuPG, it also writes a revocation "
            + "certificate for the key to DIR/revocations/FINGERPRINT.rev (see --store): keep it, and publish it only if the key is lost or compromised.")
        {
            Options = { store, profile, passphrase, signingOnly, allowUnprotected },
            Arguments = { userIds },
        };
        SetAction(command, parse =>
        {
            var ids = parse.All(userIds);
            if (ids.Length == 0) throw new ToolException(SopExit.MissingArg, "Give at least one user ID, e.g. \"Alice <alice@example.org>\".");
            var keyProfile = parse.GetValue(profile) switch
            {
                null or "default" => KeyProfile.Curve25519,
                "rfc4880" => KeyProfile.Rsa3072,
                "rfc9580" => KeyProfile.V6Ed25519,
                "post-quantum" => KeyProfile.V6MlDsa65Ed25519,
                "post-quantum-high" => KeyProfile.V6MlDsa87Ed448,
                var other => throw new ToolException(SopExit.UnsupportedProfile, $"Unknown profile '{other}'."),
            };
            var passFile = parse.GetValue(passphrase);
            if (passFile is null && !parse.GetValue(allowUnprotected))
                throw new ToolException(SopExit.MissingArg, "Secret keys are stored passphrase-protected: give --passphrase-file FILE, or --allow-unprotected.");
            var options = new KeyGenerationOptions
            {
                Profile = keyProfile,
                SigningOnly = parse.GetValue(signingOnly),
                Passphrase = passFile is null ? null : context.ReadPassword(passFile).TrimEnd(),
            };
            foreach (var extra in ids.Skip(1)) options.AdditionalUserIds.Add(extra);
            var target = KeyStore.Open(context, parse.GetValue(store), parse.GetValue(allowUnprotected));
            var generated = context.Pgp.GenerateKey(ids[0], options);
            target.Add(generated);
            var unlocked = options.Passphrase is { Length: > 0 } p ? generated.Unlock(p) : generated;
            target.AddRevocation(generated.Fingerprint, unlocked.CreateRevocationCertificate(RevocationReason.Unspecified, "revocation certificate made at key creation"));
            context.Out.WriteLine(generated.Fingerprint);
            return SopExit.Ok;
        });
        return command;
    }

    private Command List()
    {
        var store = StoreOption();
        var gnupgHome = GnuPGHomeOption();
        var policy = Opt.Policy();
        var command = new Command("list", "Lists the stored keys: sec|pub, fingerprint, user IDs. With --policy: only the user IDs that "
            + "policy accepts now, and \"invalid: REASONS\" after a certificate it rejects.") { Options = { store, gnupgHome, policy } };
        SetAction(command, parse =>
        {
            bool judged = parse.GetValue(policy) is not null;
            var rules = parse.PolicyOf(policy);
            string Describe(string kind, Certificate cert)
            {
                if (!judged) return $"{kind} {cert.Fingerprint} {string.Join(", ", cert.UserIds)}";
                var v = cert.Validate(rules);
                var uids = v.UserIds.Where(u => u.IsValid).Select(u => u.UserId);
                var verdict = v.IsValid ? "" : " invalid: " + string.Join(",", v.PrimaryKey.Reasons.Select(r => r.Reason).Distinct());
                return $"{kind} {cert.Fingerprint} {string.Join(", ", uids)}{verdict}";
            }
            if (parse.GetValue(gnupgHome) is { } home)
            {
                foreach (var cert in new GnuPGHome(home).GetAllCertificates())
                    context.Out.WriteLine(Describe("pub", cert));
                return SopExit.Ok;
            }
            var source = KeyStore.Open(context, parse.GetValue(store));
            var secrets = source.SecretKeys().Select(k => k.Fingerprint).ToHashSet(StringComparer.Ordinal);
            foreach (var cert in source.Certificates())
            {
                context.Out.WriteLine(Describe(secrets.Contains(cert.Fingerprint) ? "sec" : "pub", cert));
            }
            return SopExit.Ok;
        });
        return command;
    }

    private Command Import()
    {
        var store = StoreOption();
        var allowUnprotected = AllowUnprotectedOption();
        var files = Opt.Rest("FILES", "Armored or binary keys/certificates; stdin when none.");
        var command = new Command("import", "Imports certificates and secret keys into the store (certificates are merged with stored copies).")
        {
            Options = { store, allowUnprotected },
            Arguments = { files },
        };
        SetAction(command, parse =>
        {
            var target = KeyStore.Open(context, parse.GetValue(store), parse.GetValue(allowUnprotected));
            var names = parse.All(files);
            var blobs = names.Length == 0 ? [ReadAll(context.Stdin)] : names.Select(context.ReadInput).ToList();
            foreach (var blob in blobs)
            {
                IReadOnlyList<SecretKey> secrets;
                try
                {
                    secrets = SecretKey.ParseAll(blob);
                }
                catch (MalformedDataException)
                {
                    secrets = [];
                }
                if (secrets.Count > 0)
                {
                    foreach (var s in secrets)
                    {
                        target.Add(s);
                        context.Out.WriteLine($"imported sec {s.Fingerprint}");
                    }
                    continue;
                }
                foreach (var c in Certificate.ParseAll(blob))
                {
                    target.Add(c);
                    context.Out.WriteLine($"imported pub {c.Fingerprint}");
                }
            }
            return SopExit.Ok;
        });
        return command;
    }

    private Command Export()
    {
        var store = StoreOption();
        var secret = Opt.Flag("--secret", "Export the secret key rather than the certificate.");
        var noArmor = Opt.Flag("--no-armor", "Write binary rather than ASCII armor.");
        var query = new Argument<string>("QUERY") { Description = "Fingerprint, key ID or e-mail address." };
        var command = new Command("export", "Writes a stored certificate (or secret key) to stdout.") { Options = { store, secret, noArmor }, Arguments = { query } };
        SetAction(command, parse =>
        {
            var source = KeyStore.Open(context, parse.GetValue(store));
            var q = parse.GetValue(query) ?? throw new ToolException(SopExit.MissingArg, "Give a fingerprint, key ID or e-mail address.");
            var found = source.Find(q);
            if (found.Count == 0) throw new ToolException(SopExit.MissingInput, $"No stored key matches '{q}'.");
            bool armor = !parse.GetValue(noArmor);
            foreach (var cert in found)
            {
                if (parse.GetValue(secret))
                {
                    var key = source.SecretKey(cert.Fingerprint) ?? throw new ToolException(SopExit.MissingInput, $"No secret key stored for {cert.Fingerprint}.");
                    if (armor) context.Out.Write(key.ExportArmored());
                    else WriteBinary(key.Export());
                }
                else if (armor)
                {
                    context.Out.Write(cert.ExportArmored());
                }
                else
                {
                    WriteBinary(cert.Export());
                }
            }
            return SopExit.Ok;
        });
        return command;
    }

    private Command Revoke()
    {
        var store = StoreOption();
        var reason = Opt.Value("--reason", "unspecified (default), superseded, compromised or retired.", "REASON");
        var description = Opt.Value("--description", "A human-readable explanation.", "TEXT");
        var passphraseFile = Opt.Value("--passphrase-file", "A file holding the key's passphrase.", "FILE");
        var query = new Argument<string>("QUERY") { Description = "Fingerprint, key ID or e-mail address of a stored secret key." };
        var command = new Command("revoke", "Revokes a stored key: stores the revoked certificate and prints it (publish it to tell others).")
        {
            Options = { store, reason, description, passphraseFile },
            Arguments = { query },
        };
        SetAction(command, parse =>
        {
            var target = KeyStore.Open(context, parse.GetValue(store));
            var why = ParseReason(parse.GetValue(reason));
            var passphrases = parse.GetValue(passphraseFile) is { } f ? new[] { context.ReadPassword(f) } : Array.Empty<string>();
            var key = FindSecret(target, parse.GetValue(query));
            Certificate revoked;
            try
            {
                revoked = key.Revoke(why, parse.GetValue(description) ?? string.Empty, passphrases);
            }
            catch (KeyNotUsableException e) when (key.IsProtected)
            {
                throw new ToolException(SopExit.KeyIsProtected, e.Message, e);
            }
            target.Add(revoked);
            context.Out.Write(revoked.ExportArmored());
            return SopExit.Ok;
        });
        return command;
    }

    private Command Lookup()
    {
        var store = StoreOption();
        var gnupgHome = GnuPGHomeOption();
        var wkd = Opt.Flag("--wkd", "Look the address up in its domain's Web Key Directory over https instead of the store.");
        var wkdServer = Opt.Value("--wkd-server",
            "With --wkd: send the requests to this server instead, keeping path and query (a mirror or a test server; https, or http on a loopback address).", "URI");
        var address = new Argument<string>("ADDRESS") { Description = "An e-mail address." };
        var command = new Command("lookup", "Finds usable certificates for an e-mail address, in the store, a GnuPG home, or (--wkd) the Web Key Directory of its domain, and prints them armored.")
        {
            Options = { store, gnupgHome, wkd, wkdServer },
            Arguments = { address },
        };
        SetAction(command, parse =>
        {
            var a = parse.GetValue(address) ?? throw new ToolException(SopExit.MissingArg, "Give an e-mail address.");
            if (UserId.EmailOf(a) is null) throw new ToolException(SopExit.BadData, $"'{a}' is not an e-mail address.");
            var server = parse.GetValue(wkdServer);
            if (server is not null && !parse.GetValue(wkd)) throw new ToolException(SopExit.IncompatibleOptions, "--wkd-server needs --wkd.");
            IEnumerable<Certificate> candidates;
            if (parse.GetValue(wkd))
            {
                candidates = FromWkd(a, server);
            }
            else
            {
                ICertificateLookup source = parse.GetValue(gnupgHome) is { } home
                    ? new GnuPGHome(home)
                    : KeyStore.Open(context, parse.GetValue(store)).CertificateStore;
                candidates = source.FindCertificatesByEmail(a);
            }
            var found = candidates.Where(c => !c.IsRevoked && c.CanEncrypt).ToList();
            if (found.Count == 0) throw new ToolException(SopExit.MissingInput, $"No usable certificate for {a}.");
            foreach (var c in found) context.Out.Write(c.ExportArmored());
            return SopExit.Ok;
        });
        return command;
    }

    private IReadOnlyList<Certificate> FromWkd(string address, string? server)
    {
        Func<Uri, Uri>? rewrite = null;
        if (server is not null)
        {
            if (!Uri.TryCreate(server, UriKind.Absolute, out var baseUri) || !(baseUri.Scheme == Uri.UriSchemeHttps || (baseUri.Scheme == Uri.UriSchemeHttp && baseUri.IsLoopback)))
                throw new ToolException(SopExit.BadData, $"--wkd-server '{server}' must be an https URI, or http on a loopback address.");
            rewrite = uri => new Uri(baseUri, uri.PathAndQuery);
        }
        using var client = new WkdClient(new WkdClientOptions { UriRewriter = rewrite });
        try
        {
            var result = client.Lookup(address);
            context.Error.WriteLine($"{result.Method} method, {result.Uri}: {result.Certificates.Count} certificate(s), {result.RejectedCount} without the address dropped.");
            return result.Certificates;
        }
        catch (WkdException e)
        {
            throw new ToolException(SopExit.GenericError, $"Web Key Directory lookup failed ({e.Failure}): {e.Message}", e);
        }
    }

    private void WriteBinary(byte[] data)
    {
        context.Out.Flush();
        context.Stdout.Write(data);
    }

    private static byte[] ReadAll(Stream input)
    {
        using var ms = new MemoryStream();
        input.CopyTo(ms);
        return ms.ToArray();
    }
}
