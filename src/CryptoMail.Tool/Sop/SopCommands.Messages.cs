using System.CommandLine;
using System.Text;
using CryptoMail.Core;

namespace CryptoMail.Tool;

internal sealed partial class SopCommands
{
    private Command SignCommand()
    {
        var noArmor = Opt.Flag("--no-armor", "Write a binary signature.");
        var mode = Opt.Value("--as", "binary (default) or text.", "binary|text");
        var micalgOut = Opt.Value("--micalg-out", "Write the RFC 3156 micalg value (e.g. pgp-sha256) here.", "MICALG");
        var keyPasswords = Opt.Repeated("--with-key-password", "A password for protected signing keys (repeatable).", "PASSWORD");
        var keys = Opt.Rest("KEYS", "Secret keys to sign with.");
        var command = new Command("sign", "Makes a detached signature over stdin.")
        {
            Options = { noArmor, mode, micalgOut, keyPasswords },
            Arguments = { keys },
        };
        SetAction(command, Operation.Sign, parse =>
        {
            var signatureMode = ParseAs(parse.GetValue(mode));
            var micalgFile = parse.GetValue(micalgOut);
            context.CheckOutput(micalgFile);
            var options = new SignOptions { Mode = signatureMode, Armor = !parse.GetValue(noArmor) };
            AddSigners(options.Signers, parse.All(keys), parse.All(keyPasswords), required: true);

            Stream input = signatureMode == SignatureMode.Text ? new Utf8CheckingStream(context.Stdin) : context.Stdin;
            using var progress = ProgressBar.For(context, "signing", context.Stdin);
            options = WithProgress(options, progress);
            // The signature is small: hold it until signing succeeded, so a failure leaves stdout empty.
            using var signature = new MemoryStream();
            var result = context.Pgp.SignDetached(input, signature, options);
            if (micalgFile is not null) context.WriteOutput(micalgFile, Encoding.ASCII.GetBytes(result.Micalg));
            signature.Position = 0;
            signature.CopyTo(context.Stdout);
            return SopExit.Ok;
        });
        return command;
    }

    private static SignOptions WithProgress(SignOptions options, IProgress<long>? progress)
    {
        if (progress is null) return options;
        var copy = new SignOptions { Mode = options.Mode, Armor = options.Armor, Hash = options.Hash, Time = options.Time, Progress = progress };
        foreach (var s in options.Signers) copy.Signers.Add(s);
        foreach (var p in options.SignerPassphrases) copy.SignerPassphrases.Add(p);
        return copy;
    }

    /// <summary>Loads signing keys, checks each can sign (KEY_CANNOT_SIGN) and is unlocked (KEY_IS_PROTECTED).</summary>
    private void AddSigners(IList<SecretKey> signers, string[] keyFiles, string[] passwordFiles, bool required)
    {
        if (required && keyFiles.Length == 0) throw new ToolException(SopExit.MissingArg, "No signing key given.");
        var passwords = ConsumedPasswords(passwordFiles);
        foreach (var key in LoadSecretKeys(keyFiles))
        {
            if (!key.Certificate.CanSign) throw new ToolException(SopExit.KeyCannotSign, $"Key {key.Fingerprint} has no usable signing key.");
            signers.Add(Unlock(key, passwords));
        }
    }

    private Command VerifyCommand()
    {
        var notBefore = Opt.Value("--not-before", "Ignore signatures made before this date (default: no limit).", "DATE");
        var notAfter = Opt.Value("--not-after", "Ignore signatures made after this date (default: now).", "DATE");
        var signature = new Argument<string>("SIGNATURES") { Description = "The detached signature(s).", Arity = ArgumentArity.ZeroOrOne };
        var certs = Opt.Rest("CERTS", "Certificates of the signers to accept.");
        var command = new Command("verify", "Verifies detached signatures over stdin; prints a line per good signature, exit 3 if none.")
        {
            Options = { notBefore, notAfter },
            Arguments = { signature, certs },
        };
        SetAction(command, Operation.Verify, parse =>
        {
            var signatureFile = parse.GetValue(signature) ?? throw new ToolException(SopExit.MissingArg, "verify needs SIGNATURES and CERTS.");
            var certFiles = parse.All(certs);
            if (certFiles.Length == 0) throw new ToolException(SopExit.MissingArg, "verify needs at least one certificate.");
            var options = new VerifyOptions
            {
                SignatureNotBefore = ParseDate(parse.GetValue(notBefore), null),
                SignatureNotAfter = ParseDate(parse.GetValue(notAfter), DateTimeOffset.UtcNow),
            };
            foreach (var c in LoadCertificates(certFiles)) options.Verifiers.Add(c);
            using var sig = context.OpenInput(signatureFile);
            var result = context.Pgp.VerifyDetached(context.Stdin, sig, options);
            return ReportVerifications(result.Signatures, null);
        });
        return command;
    }

    /// <summary>Writes the good signatures' lines to stdout (or a file); NO_SIGNATURE when there is none.</summary>
    private int ReportVerifications(IReadOnlyList<SignatureVerification> signatures, string? file)
    {
        var good = signatures.Where(s => s.IsGood).ToList();
        if (good.Count == 0)
        {
            foreach (var s in signatures) context.Error.WriteLine($"cryptomail: signature by {s.SigningKeyFingerprint ?? s.IssuerFingerprint ?? s.IssuerKeyId}: {s.Status}: {s.Reason}");
            context.Error.WriteLine("cryptomail: no good signature.");
            return SopExit.NoSignature;
        }
        var text = VerificationText(good);
        if (file is null) context.Out.Write(text);
        else context.WriteOutput(file, Encoding.UTF8.GetBytes(text));
        return SopExit.Ok;
    }

    private Command EncryptCommand()
    {
        var mode = Opt.Value("--as", "binary (default) or text.", "binary|text");
        var noArmor = Opt.Flag("--no-armor", "Write binary rather than ASCII armor.");
        var passwords = Opt.Repeated("--with-password", "Also encrypt to the password in this input (repeatable).", "PASSWORD");
        var signWith = Opt.Repeated("--sign-with", "Also sign with these secret keys (repeatable).", "KEYS");
        var keyPasswords = Opt.Repeated("--with-key-password", "A password for protected signing keys (repeatable).", "PASSWORD");
        var profile = Opt.Value("--profile", "The encryption profile (see list-profiles encrypt).", "PROFILE");
        var sessionKeyOut = Opt.Value("--session-key-out", "Write the session key here (ALGORITHM:HEXKEY).", "SESSIONKEY");
        var certs = Opt.Rest("CERTS", "Recipients' certificates.");
        var command = new Command("encrypt", "Encrypts stdin to certificates and/or passwords.")
        {
            Options = { mode, noArmor, passwords, signWith, keyPasswords, profile, sessionKeyOut },
            Arguments = { certs },
        };
        SetAction(command, Operation.Encrypt, parse =>
        {
            var sessionKeyFile = parse.GetValue(sessionKeyOut);
            context.CheckOutput(sessionKeyFile);
            var format = ResolveProfile("encrypt", parse.GetValue(profile)) switch
            {
                "rfc4880" => EncryptionFormat.SeipdV1,
                "rfc9580" => EncryptionFormat.SeipdV2,
                _ => EncryptionFormat.Auto,
            };
            var signatureMode = ParseAs(parse.GetValue(mode));
            var certFiles = parse.All(certs);
            var passwordFiles = parse.All(passwords);
            if (certFiles.Length == 0 && passwordFiles.Length == 0)
            {
                throw new ToolException(SopExit.MissingArg, "encrypt needs certificates or --with-password.");
            }
            var options = new EncryptOptions
            {
                Armor = !parse.GetValue(noArmor),
                Format = signatureMode == SignatureMode.Text ? LiteralFormat.Utf8 : LiteralFormat.Binary,
                Progress = null,
                ExportSessionKey = sessionKeyFile is not null,
                EncryptionFormat = format,
                Signing = new SignatureSettings { Mode = signatureMode },
            };
            foreach (var cert in LoadCertificates(certFiles))
            {
                if (!cert.CanEncrypt) throw new ToolException(SopExit.CertCannotEncrypt, $"Certificate {cert.Fingerprint} has no usable encryption key.");
                options.Recipients.Add(cert);
            }
            foreach (var file in passwordFiles) options.Passwords.Add(NewPassword(file));
            AddSigners(options.Signing.Signers, parse.All(signWith), parse.All(keyPasswords), required: false);

            Stream input = signatureMode == SignatureMode.Text ? new Utf8CheckingStream(context.Stdin) : context.Stdin;
            using var progress = ProgressBar.For(context, "encrypting", context.Stdin);
            if (progress is not null) options = CopyWithProgress(options, progress);
            var result = context.Pgp.Encrypt(input, context.Stdout, options);
            context.Stdout.Flush();
            if (sessionKeyFile is not null && result.SessionKey is { } sk)
            {
                context.WriteOutput(sessionKeyFile, Encoding.ASCII.GetBytes(sk + "\n"));
                sk.Clear();
            }
            return SopExit.Ok;
        });
        return command;
    }

    private static EncryptOptions CopyWithProgress(EncryptOptions o, IProgress<long> progress)
    {
        var copy = new EncryptOptions
        {
            Armor = o.Armor, Format = o.Format, Cipher = o.Cipher, ExportSessionKey = o.ExportSessionKey,
            EncryptionFormat = o.EncryptionFormat, Aead = o.Aead, AeadChunkSize = o.AeadChunkSize, Compression = o.Compression, FileName = o.FileName, Time = o.Time, Progress = progress,
            Signing = o.Signing,
        };
        foreach (var r in o.Recipients) copy.Recipients.Add(r);
        foreach (var p in o.Passwords) copy.Passwords.Add(p);
        return copy;
    }

    private Command DecryptCommand()
    {
        var sessionKeyOut = Opt.Value("--session-key-out", "Write the session key here (ALGORITHM:HEXKEY).", "SESSIONKEY");
        var withSessionKey = Opt.Repeated("--with-session-key", "A session key that may decrypt (repeatable).", "SESSIONKEY");
        var passwords = Opt.Repeated("--with-password", "A password that may decrypt (repeatable).", "PASSWORD");
        var keyPasswords = Opt.Repeated("--with-key-password", "A password for protected secret keys (repeatable).", "PASSWORD");
        var verificationsOut = Opt.Value("--verifications-out", "Write a line per good signature here.", "VERIFICATIONS");
        verificationsOut.Aliases.Add("--verify-out");
        var verifyWith = Opt.Repeated("--verify-with", "Certificates whose signatures to check (repeatable).", "CERTS");
        var notBefore = Opt.Value("--verify-not-before", "Ignore signatures made before this date.", "DATE");
        var notAfter = Opt.Value("--verify-not-after", "Ignore signatures made after this date (default: now).", "DATE");
        var keys = Opt.Rest("KEYS", "Secret keys that may decrypt.");
        var command = new Command("decrypt", "Decrypts stdin. Plaintext is written only after the integrity check passed.")
        {
            Options = { sessionKeyOut, withSessionKey, passwords, keyPasswords, verificationsOut, verifyWith, notBefore, notAfter },
            Arguments = { keys },
        };
        SetAction(command, Operation.Decrypt, parse =>
        {
            var verificationsFile = parse.GetValue(verificationsOut);
            context.CheckOutput(verificationsFile);
            var sessionKeyFile = parse.GetValue(sessionKeyOut);
            context.CheckOutput(sessionKeyFile);
            var keyFiles = parse.All(keys);
            var passwordFiles = parse.All(passwords);
            var sessionKeyFiles = parse.All(withSessionKey);
            if (keyFiles.Length == 0 && passwordFiles.Length == 0 && sessionKeyFiles.Length == 0)
            {
                throw new ToolException(SopExit.MissingArg, "decrypt needs secret keys, --with-password or --with-session-key.");
            }
            var options = new DecryptOptions
            {
                SignatureNotBefore = ParseDate(parse.GetValue(notBefore), null),
                SignatureNotAfter = ParseDate(parse.GetValue(notAfter), DateTimeOffset.UtcNow),
                ExportSessionKey = sessionKeyFile is not null,
            };
            foreach (var file in sessionKeyFiles)
            {
                try
                {
                    options.SessionKeys.Add(SessionKey.Parse(Encoding.UTF8.GetString(context.ReadInput(file))));
                }
                catch (FormatException e)
                {
                    throw new ToolException(SopExit.BadData, $"{file}: {e.Message}", e);
                }
            }
            var keyPasswordList = ConsumedPasswords(parse.All(keyPasswords));
            bool someLocked = false;
            foreach (var key in LoadSecretKeys(keyFiles))
            {
                var usable = key;
                if (!key.IsUnlocked)
                {
                    usable = keyPasswordList.Select(p => key.TryUnlock(p, out var u) ? u : null).FirstOrDefault(u => u is not null) ?? key;
                    someLocked |= !usable.IsUnlocked;
                }
                options.Keys.Add(usable);
            }
            foreach (var p in keyPasswordList) options.KeyPassphrases.Add(p);
            foreach (var p in ConsumedPasswords(passwordFiles)) options.Passwords.Add(p);
            foreach (var c in LoadCertificates(parse.All(verifyWith))) options.Verifiers.Add(c);

            DecryptionResult result;
            try
            {
                result = context.Pgp.Decrypt(context.Stdin, context.Stdout, options);
            }
            catch (NoDecryptionKeyException e) when (someLocked)
            {
                throw new ToolException(SopExit.KeyIsProtected, $"{e.Message} (a key is still locked: give its password with --with-key-password)", e);
            }
            context.Stdout.Flush();
            if (verificationsFile is not null)
            {
                context.WriteOutput(verificationsFile, Encoding.UTF8.GetBytes(VerificationText(result.Signatures.Where(s => s.IsGood))));
            }
            if (sessionKeyFile is not null && result.SessionKey is { } sk)
            {
                context.WriteOutput(sessionKeyFile, Encoding.ASCII.GetBytes(sk + "\n"));
                sk.Clear();
            }
            return SopExit.Ok;
        });
        return command;
    }

    private Command ArmorCommand()
    {
        var command = new Command("armor", "Adds ASCII armor; the label follows the first packet.");
        SetAction(command, Operation.Armor, _ =>
        {
            OpenPgpArmor.Armor(context.Stdin, context.Stdout);
            return SopExit.Ok;
        });
        return command;
    }

    private Command DearmorCommand()
    {
        var command = new Command("dearmor", "Removes ASCII armor.");
        SetAction(command, Operation.Armor, _ =>
        {
            OpenPgpArmor.Dearmor(context.Stdin, context.Stdout);
            return SopExit.Ok;
        });
        return command;
    }

    private Command InlineSignCommand()
    {
        var noArmor = Opt.Flag("--no-armor", "Write binary rather than ASCII armor (not with --as=clearsigned).");
        var mode = Opt.Value("--as", "binary (default), text or clearsigned.", "binary|text|clearsigned");
        var keyPasswords = Opt.Repeated("--with-key-password", "A password for protected signing keys (repeatable).", "PASSWORD");
        var keys = Opt.Rest("KEYS", "Secret keys to sign with.");
        var command = new Command("inline-sign", "Makes an inline-signed (or cleartext-signed) message from stdin.")
        {
            Options = { noArmor, mode, keyPasswords },
            Arguments = { keys },
        };
        SetAction(command, Operation.Sign, parse =>
        {
            var asValue = parse.GetValue(mode);
            bool clearsigned = asValue == "clearsigned";
            bool armor = !parse.GetValue(noArmor);
            if (clearsigned && !armor) throw new ToolException(SopExit.IncompatibleOptions, "--as=clearsigned cannot be combined with --no-armor.");
            var signatureMode = clearsigned ? SignatureMode.Text : ParseAs(asValue);
            var options = new SignOptions { Mode = signatureMode, Armor = armor };
            AddSigners(options.Signers, parse.All(keys), parse.All(keyPasswords), required: true);
            Stream input = signatureMode == SignatureMode.Text ? new Utf8CheckingStream(context.Stdin) : context.Stdin;
            using var progress = ProgressBar.For(context, "signing", context.Stdin);
            options = WithProgress(options, progress);
            if (clearsigned) context.Pgp.SignCleartext(input, context.Stdout, options);
            else context.Pgp.SignInline(input, context.Stdout, options);
            return SopExit.Ok;
        });
        return command;
    }

    private Command InlineVerifyCommand()
    {
        var notBefore = Opt.Value("--not-before", "Ignore signatures made before this date.", "DATE");
        var notAfter = Opt.Value("--not-after", "Ignore signatures made after this date (default: now).", "DATE");
        var verificationsOut = Opt.Value("--verifications-out", "Write a line per good signature here.", "VERIFICATIONS");
        var certs = Opt.Rest("CERTS", "Certificates of the signers to accept.");
        var command = new Command("inline-verify", "Verifies an inline-signed or cleartext-signed message; writes the data only if a signature is good (else exit 3).")
        {
            Options = { notBefore, notAfter, verificationsOut },
            Arguments = { certs },
        };
        SetAction(command, Operation.Verify, parse =>
        {
            var verificationsFile = parse.GetValue(verificationsOut);
            context.CheckOutput(verificationsFile);
            var certFiles = parse.All(certs);
            if (certFiles.Length == 0) throw new ToolException(SopExit.MissingArg, "inline-verify needs at least one certificate.");
            var options = new VerifyOptions
            {
                SignatureNotBefore = ParseDate(parse.GetValue(notBefore), null),
                SignatureNotAfter = ParseDate(parse.GetValue(notAfter), DateTimeOffset.UtcNow),
            };
            foreach (var c in LoadCertificates(certFiles)) options.Verifiers.Add(c);
            // The signed data is released only once a signature is known to be good.
            using var held = new HoldBackBuffer();
            var result = context.Pgp.VerifyInline(context.Stdin, held, options);
            if (!result.IsVerified) return ReportVerifications(result.Signatures, null);
            held.ReleaseTo(context.Stdout);
            if (verificationsFile is not null) return ReportVerifications(result.Signatures, verificationsFile);
            return SopExit.Ok;
        });
        return command;
    }

    private Command InlineDetachCommand()
    {
        var noArmor = Opt.Flag("--no-armor", "Write the signatures as binary rather than ASCII armor.");
        var signaturesOut = Opt.Value("--signatures-out", "Where to write the signatures (required).", "SIGNATURES");
        var command = new Command("inline-detach", "Splits an inline-signed or cleartext-signed message on stdin into its data (stdout) and signatures.")
        {
            Options = { noArmor, signaturesOut },
        };
        SetAction(command, Operation.Verify, parse =>
        {
            var file = parse.GetValue(signaturesOut) ?? throw new ToolException(SopExit.MissingArg, "inline-detach needs --signatures-out.");
            context.CheckOutput(file);
            var signatures = new MemoryStream();
            context.Pgp.DetachSignatures(context.Stdin, context.Stdout, signatures, armor: !parse.GetValue(noArmor));
            context.Stdout.Flush();
            context.WriteOutput(file, signatures.ToArray());
            return SopExit.Ok;
        });
        return command;
    }
}
