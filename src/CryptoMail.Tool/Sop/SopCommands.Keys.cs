using System.CommandLine;
using CryptoMail.Core;

namespace CryptoMail.Tool;

internal sealed partial class SopCommands
{
    private Command GenerateKeyCommand()
    {
        var noArmor = Opt.Flag("--no-armor", "Write binary rather than ASCII armor.");
        var password = Opt.Value("--with-key-password", "Protect the key with the password in this input.", "PASSWORD");
        var profile = Opt.Value("--profile", "The key profile (see list-profiles generate-key).", "PROFILE");
        var signingOnly = Opt.Flag("--signing-only", "No encryption subkey.");
        var userIds = Opt.Rest("USERID", "User IDs; the first is primary.");
        var command = new Command("generate-key", "Generates a secret key (TSK) and writes it to stdout.")
        {
            Options = { noArmor, password, profile, signingOnly },
            Arguments = { userIds },
        };
        SetAction(command, Operation.Keys, parse =>
        {
            var ids = parse.All(userIds);
            var keyProfile = ResolveProfile("generate-key", parse.GetValue(profile)) switch
            {
                "rfc4880" => KeyProfile.Rsa3072,
                "rfc9580" => KeyProfile.V6Ed25519,
                "rfc9580-ed448" => KeyProfile.V6Ed448,
                "post-quantum" => KeyProfile.V6MlDsa65Ed25519,
                "post-quantum-high" => KeyProfile.V6MlDsa87Ed448,
                _ => KeyProfile.Curve25519,
            };
            if (ids.Length == 0)
            {
                throw new ToolException(SopExit.UnsupportedOption, "Keys without a user ID are not supported yet (CryptoMail.Core needs at least one user ID).");
            }
            var passwordFile = parse.GetValue(password);
            var options = new KeyGenerationOptions
            {
                Profile = keyProfile,
                SigningOnly = parse.GetValue(signingOnly),
                Passphrase = passwordFile is null ? null : NewPassword(passwordFile),
            };
            foreach (var extra in ids.Skip(1)) options.AdditionalUserIds.Add(extra);
            var key = context.Pgp.GenerateKey(ids[0], options);
            WriteKeys([key], !parse.GetValue(noArmor));
            return SopExit.Ok;
        });
        return command;
    }

    private Command ChangeKeyPasswordCommand()
    {
        var noArmor = Opt.Flag("--no-armor", "Write binary rather than ASCII armor.");
        var newPassword = Opt.Value("--new-key-password", "The new password; absent to remove protection.", "PASSWORD");
        var oldPasswords = Opt.Repeated("--old-key-password", "A password that may unlock the keys (repeatable).", "PASSWORD");
        var command = new Command("change-key-password", "Re-protects the secret keys on stdin with a new password (or none).")
        {
            Options = { noArmor, newPassword, oldPasswords },
        };
        SetAction(command, Operation.Keys, parse =>
        {
            var olds = ConsumedPasswords(parse.All(oldPasswords));
            var newFile = parse.GetValue(newPassword);
            var fresh = newFile is null ? null : NewPassword(newFile);
            var keys = SecretKey.LoadAll(context.Stdin);
            var changed = keys.Select(k => Unlock(k, olds).ChangePassphrase(fresh)).ToList();
            WriteKeys(changed, !parse.GetValue(noArmor));
            return SopExit.Ok;
        });
        return command;
    }

    private Command ExtractCertCommand()
    {
        var noArmor = Opt.Flag("--no-armor", "Write binary rather than ASCII armor.");
        var command = new Command("extract-cert", "Writes the certificates of the secret keys on stdin.") { Options = { noArmor } };
        SetAction(command, Operation.Keys, parse =>
        {
            var keys = SecretKey.LoadAll(context.Stdin);
            WriteCertificates(keys.Select(k => k.Certificate).ToList(), !parse.GetValue(noArmor));
            return SopExit.Ok;
        });
        return command;
    }

    private Command RevokeKeyCommand()
    {
        var noArmor = Opt.Flag("--no-armor", "Write binary rather than ASCII armor.");
        var keyPasswords = Opt.Repeated("--with-key-password", "A password for protected secret keys (repeatable).", "PASSWORD");
        var command = new Command("revoke-key", "Writes revocation certificates (the certificates with a key revocation) for the secret keys on stdin.")
        {
            Options = { noArmor, keyPasswords },
        };
        SetAction(command, Operation.Keys, parse =>
        {
            var passwords = ConsumedPasswords(parse.All(keyPasswords));
            var keys = SecretKey.LoadAll(context.Stdin);
            var revoked = new List<Certificate>();
            foreach (var key in keys)
            {
                try
                {
                    revoked.Add(key.Revoke(RevocationReason.Unspecified, string.Empty, passwords));
                }
                catch (KeyNotUsableException e) when (key.IsProtected)
                {
                    throw new ToolException(SopExit.KeyIsProtected, e.Message, e);
                }
            }
            WriteCertificates(revoked, !parse.GetValue(noArmor));
            return SopExit.Ok;
        });
        return command;
    }

    private Command MergeCertsCommand()
    {
        var noArmor = Opt.Flag("--no-armor", "Write binary rather than ASCII armor.");
        var certs = Opt.Rest("CERTS", "Certificates whose updates are merged into those on stdin.");
        var command = new Command("merge-certs", "Merges updates from CERTS into the certificates on stdin; certificates not on stdin are ignored.")
        {
            Options = { noArmor },
            Arguments = { certs },
        };
        SetAction(command, Operation.Keys, parse =>
        {
            var updates = LoadCertificates(parse.All(certs));
            var merged = Certificate.LoadAll(context.Stdin)
                .Select(c => updates.Where(u => u.Fingerprint == c.Fingerprint).Aggregate(c, (acc, u) => acc.Merge(u)))
                .ToList();
            WriteCertificates(merged, !parse.GetValue(noArmor));
            return SopExit.Ok;
        });
        return command;
    }
}
