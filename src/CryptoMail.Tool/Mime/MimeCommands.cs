using System.CommandLine;
using CryptoMail.Core;
using MimeKit;
using MimeKit.Cryptography;

namespace CryptoMail.Tool;

/// <summary><c>cryptomail mime sign|encrypt|open</c>: PGP/MIME (RFC 3156) over the library's <c>pgp.Mime</c> API.
/// Messages are RFC 5322 files (or stdin); results go to stdout.</summary>
internal sealed class MimeCommands
{
    private readonly ToolContext context;

    public MimeCommands(ToolContext context) => this.context = context;

    public Command Build()
    {
        var mime = new Command("mime", "PGP/MIME: sign, encrypt and open e-mail messages (RFC 3156).");
        mime.Subcommands.Add(Sign());
        mime.Subcommands.Add(Encrypt());
        mime.Subcommands.Add(Open());
        return mime;
    }

    private void SetAction(Command command, Func<ParseResult, int> body) =>
        command.SetAction(parse => CommandRunner.Execute(context, () => body(parse), KeyCommands.MapError));

    private static Argument<string> InputArgument() =>
        new("MESSAGE") { Description = "The message file (RFC 5322); stdin when absent.", Arity = ArgumentArity.ZeroOrOne };

    private static Option<string> StoreOption(string use) => Opt.Value("--store", $"Key directory of 'cryptomail key' ({use}).", "DIR");

    private MimeMessage LoadMessage(string? file)
    {
        var input = file is null ? null : context.OpenInput(file);
        try
        {
            // A seekable file is parsed persistently: the message's parts stay ranges of the file (read again when
            // written), not copies in memory, so the file stays open for the rest of the command.
            if (input is { CanSeek: true }) return MimeMessage.Load(input, persistent: true);
            using (input) return MimeMessage.Load(input ?? context.Stdin);
        }
        catch (FormatException e)
        {
            throw new MalformedDataException($"The input is not an RFC 5322 message: {e.Message}", e);
        }
    }

    private void WriteMessage(MimeMessage message, string? outputFile = null)
    {
        context.Out.Flush();
        if (outputFile is null)
        {
            message.WriteTo(context.Stdout);
            return;
        }
        using var output = context.CreateOutput(outputFile);
        message.WriteTo(output);
    }

    private static Option<string> OutputOption(string what) => Opt.Value("--output", $"Write {what} to this new file instead of stdout.", "FILE");

    private SecretKey LoadSigner(string? keyFile, KeyStore? store, MimeMessage message, IReadOnlyList<string> passwords)
    {
        SecretKey key;
        if (keyFile is not null)
        {
            using var input = context.OpenInput(keyFile);
            key = SecretKey.Load(input);
        }
        else if (store is not null)
        {
            var from = message.From.Mailboxes.FirstOrDefault()?.Address
                ?? throw new ToolException(SopExit.MissingArg, "The message has no From address to pick a signing key by; give --key.");
            var matches = UserId.EmailOf(from) is null ? [] : store.SecretKeyStore.FindSecretKeysByEmail(from);
            key = matches.Count > 0 ? matches[0] : throw new ToolException(SopExit.MissingInput, $"No stored secret key for {from}.");
        }
        else
        {
            throw new ToolException(SopExit.MissingArg, "Give --key KEYFILE or --store DIR.");
        }
        if (key.IsUnlocked) return key;
        foreach (var p in passwords)
        {
            if (key.TryUnlock(p, out var unlocked)) return unlocked;
        }
        throw new ToolException(SopExit.KeyIsProtected, $"Key {key.Fingerprint} is protected; give its passphrase with --key-password.");
    }

    private List<string> Passwords(string[] files) => files.Select(f => context.ReadPassword(f).TrimEnd()).ToList();

    private Command Sign()
    {
        var key = Opt.Value("--key", "The signing key file.", "KEYFILE");
        var keyPassword = Opt.Repeated("--key-password", "A file (or @ENV:NAME) holding the key's passphrase.", "PASSWORD");
        var store = StoreOption("the signing key is chosen by the From address");
        var protectHeaders = Opt.Flag("--protect-headers", "Also sign Subject, From, To, Cc, Date... inside the signed part (RFC 9788 hp=\"clear\").");
        var output = OutputOption("the signed message");
        var input = InputArgument();
        var command = new Command("sign", "Signs a message as multipart/signed and writes it to stdout.")
        {
            Options = { key, keyPassword, store, protectHeaders, output },
            Arguments = { input },
        };
        SetAction(command, parse =>
        {
            var outFile = parse.GetValue(output);
            context.CheckOutput(outFile);
            var message = LoadMessage(parse.GetValue(input));
            var storeDir = parse.GetValue(store);
            var signer = LoadSigner(parse.GetValue(key), storeDir is null ? null : KeyStore.Open(context, storeDir), message, Passwords(parse.All(keyPassword)));
            WriteMessage(context.Pgp.Mime.Sign(message, signer, new MimeSignOptions { ProtectHeaders = parse.GetValue(protectHeaders) }), outFile);
            return SopExit.Ok;
        });
        return command;
    }

    private Command Encrypt()
    {
        var to = Opt.Repeated("--to", "A recipient's certificate file (repeatable).", "CERTFILE");
        var signWith = Opt.Value("--sign-with", "Also sign with this key file (signature inside the encryption).", "KEYFILE");
        var keyPassword = Opt.Repeated("--key-password", "A file (or @ENV:NAME) holding the signing key's passphrase.", "PASSWORD");
        var noSelf = Opt.Flag("--no-encrypt-to-self", "Do not also encrypt to the signer.");
        var store = StoreOption("recipients are looked up by the To, Cc and Bcc addresses");
        var protectHeaders = Opt.Flag("--protect-headers", "Protect Subject, From, To, Cc, Date... inside the encryption (RFC 9788 hp=\"cipher\"); the default.");
        var noProtectHeaders = Opt.Flag("--no-protect-headers", "Leave the header outside the encryption only (no RFC 9788 header protection).");
        var confidentiality = Opt.Value("--header-confidentiality", "What the outer header still shows: 'baseline' (Subject becomes [...], the default) or 'none'.", "POLICY");
        var noLegacyDisplay = Opt.Flag("--no-legacy-display", "Do not repeat hidden headers at the top of the text for readers without header protection.");
        var output = OutputOption("the encrypted message");
        var input = InputArgument();
        var command = new Command("encrypt", "Encrypts (and optionally signs) a message as multipart/encrypted and writes it to stdout.")
        {
            Options = { to, signWith, keyPassword, noSelf, store, protectHeaders, noProtectHeaders, confidentiality, noLegacyDisplay, output },
            Arguments = { input },
        };
        SetAction(command, parse =>
        {
            if (parse.GetValue(protectHeaders) && parse.GetValue(noProtectHeaders))
                throw new ToolException(SopExit.IncompatibleOptions, "--protect-headers and --no-protect-headers contradict each other.");
            var policy = parse.GetValue(confidentiality)?.Trim().ToLowerInvariant() switch
            {
                null or "baseline" => HeaderConfidentiality.Baseline,
                "none" => HeaderConfidentiality.None,
                var other => throw new ToolException(SopExit.UnsupportedOption, $"Unknown --header-confidentiality '{other}' (baseline or none)."),
            };
            var outFile = parse.GetValue(output);
            context.CheckOutput(outFile);
            var message = LoadMessage(parse.GetValue(input));
            var recipients = new List<Certificate>();
            recipients.AddRange(context.LoadCertificates(parse.All(to)));
            var storeDir = parse.GetValue(store);
            if (storeDir is not null)
            {
                var keys = KeyStore.Open(context, storeDir);
                foreach (var address in message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes).Select(m => m.Address))
                {
                    var found = keys.Find(address);
                    if (found.Count == 0) throw new ToolException(SopExit.CertCannotEncrypt, $"No stored certificate for recipient {address}.");
                    recipients.AddRange(found);
                }
            }
            if (recipients.Count == 0) throw new ToolException(SopExit.MissingArg, "No recipients: give --to CERTFILE or --store DIR.");
            var options = new MimeEncryptOptions
            {
                EncryptToSelf = !parse.GetValue(noSelf),
                ProtectHeaders = !parse.GetValue(noProtectHeaders),
                HeaderConfidentiality = policy,
                LegacyDisplay = !parse.GetValue(noLegacyDisplay),
            };
            var signerFile = parse.GetValue(signWith);
            var result = signerFile is null
                ? context.Pgp.Mime.Encrypt(message, recipients, options)
                : context.Pgp.Mime.SignAndEncrypt(message, LoadSigner(signerFile, null, message, Passwords(parse.All(keyPassword))), recipients, options);
            WriteMessage(result, outFile);
            return SopExit.Ok;
        });
        return command;
    }

    private Command Open()
    {
        var key = Opt.Repeated("--key", "A secret key file that may decrypt (repeatable).", "KEYFILE");
        var keyPassword = Opt.Repeated("--key-password", "A file (or @ENV:NAME) holding a key passphrase (repeatable).", "PASSWORD");
        var verifyWith = Opt.Repeated("--cert", "A certificate file whose signatures to check (repeatable).", "CERTFILE");
        verifyWith.Aliases.Add("--verify-with");
        var store = StoreOption("all its secret keys and certificates are used");
        var messageOut = Opt.Value("--output", "Write the opened (decrypted) message to this new file (to stdout when --report is given).", "FILE");
        messageOut.Aliases.Add("--message-out");
        var report = Opt.Value("--report", "Write the JSON report to this new file instead of stdout.", "FILE");
        var policy = Opt.Policy();
        var input = InputArgument();
        var command = new Command("open", "Decrypts and verifies a message; writes a JSON report to stdout. Exit 0 when the message "
            + "could be processed (bad signatures are reported, not fatal); otherwise non-zero with \"error\" filled.")
        {
            Options = { key, keyPassword, verifyWith, store, messageOut, report, policy },
            Arguments = { input },
        };
        command.SetAction(parse => CommandRunner.Execute(context, () => RunOpen(parse, key, keyPassword, verifyWith, store, messageOut, report, policy, input), KeyCommands.MapError));
        return command;
    }

    private int RunOpen(ParseResult parse, Option<string[]> key, Option<string[]> keyPassword, Option<string[]> verifyWith,
        Option<string> store, Option<string> messageOut, Option<string> report, Option<string> policy, Argument<string> input)
    {
        var outFile = parse.GetValue(messageOut);
        context.CheckOutput(outFile);
        var reportFile = parse.GetValue(report);
        context.CheckOutput(reportFile);
        void WriteReport(OpenedMessage? opened, OpenReport.Failure? failure, ProtectionCoverage encryption = ProtectionCoverage.None)
        {
            context.Out.Flush();
            if (reportFile is null)
            {
                OpenReport.Write(context.Stdout, opened, failure, encryption);
                return;
            }
            using var file = context.CreateOutput(reportFile);
            OpenReport.Write(file, opened, failure, encryption);
        }
        var options = new MimeOpenOptions { Policy = parse.PolicyOf(policy) };
        foreach (var p in Passwords(parse.All(keyPassword))) options.KeyPassphrases.Add(p);
        foreach (var k in context.LoadSecretKeys(parse.All(key))) options.Keys.Add(k);
        foreach (var c in context.LoadCertificates(parse.All(verifyWith))) options.Verifiers.Add(c);
        var storeDir = parse.GetValue(store);
        if (storeDir is not null)
        {
            var keys = KeyStore.Open(context, storeDir);
            foreach (var k in keys.SecretKeys()) options.Keys.Add(k);
            foreach (var c in keys.Certificates()) options.Verifiers.Add(c);
        }
        bool someLocked = options.Keys.Any(k => !k.IsUnlocked && !options.KeyPassphrases.Any(p => k.TryUnlock(p, out _)));

        MimeMessage? message = null;
        try
        {
            message = LoadMessage(parse.GetValue(input));
            var opened = context.Pgp.Mime.Open(message, options);
            WriteReport(opened, null);
            if (outFile is not null)
            {
                using var output = context.CreateOutput(outFile);
                opened.Message.WriteTo(output);
            }
            else if (reportFile is not null)
            {
                context.Out.Flush();
                opened.Message.WriteTo(context.Stdout);
            }
            return SopExit.Ok;
        }
        catch (CryptoMailException e)
        {
            var (code, exit) = OpenReport.ErrorOf(e, someLocked);
            // Only a message that is encrypted but has no key here is reported as encrypted; unreadable or tampered data
            // was not decrypted under integrity protection, so it is never reported as encryption.
            var encryption = message?.Body is MultipartEncrypted && e is NoDecryptionKeyException ? ProtectionCoverage.Full : ProtectionCoverage.None;
            WriteReport(null, new OpenReport.Failure(code, e.Message), encryption);
            context.Error.WriteLine($"cryptomail: {e.Message}");
            return exit;
        }
    }
}
