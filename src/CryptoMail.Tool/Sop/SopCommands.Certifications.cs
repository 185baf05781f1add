using System.CommandLine;
using CryptoMail.Core;

namespace CryptoMail.Tool;

/// <summary><c>sop certify-userid</c> and <c>sop validate-userid</c> over SecretKey.Certify and
/// Certificate.CertificationsBy.</summary>
internal sealed partial class SopCommands
{
    private Command CertifyUserIdCommand()
    {
        var noArmor = Opt.Flag("--no-armor", "Write binary rather than ASCII armor.");
        var userIds = Opt.Repeated("--userid", "A user ID to certify (repeatable, at least one).", "USERID");
        var keyPasswords = Opt.Repeated("--with-key-password", "A password for protected secret keys (repeatable).", "PASSWORD");
        var noSelfSig = Opt.Flag("--no-require-self-sig", "Certify user IDs without a valid self-signature (not supported).");
        var keys = Opt.Rest("KEYS", "The certifying secret keys.");
        var command = new Command("certify-userid", "Certifies the given user IDs of the certificates on stdin with KEYS and writes the certificates.")
        {
            Options = { noArmor, userIds, keyPasswords, noSelfSig },
            Arguments = { keys },
        };
        SetAction(command, Operation.Keys, parse =>
        {
            if (parse.GetValue(noSelfSig))
                throw new ToolException(SopExit.UnsupportedOption, "--no-require-self-sig is not supported: only user IDs bound by a self-signature are certified.");
            var ids = parse.All(userIds);
            if (ids.Length == 0) throw new ToolException(SopExit.MissingArg, "Give at least one --userid.");
            var passwords = ConsumedPasswords(parse.All(keyPasswords));
            var signers = LoadSecretKeys(parse.All(keys)).Select(k => Unlock(k, passwords)).ToList();
            if (signers.Count == 0) throw new ToolException(SopExit.MissingArg, "Give at least one certifying key.");
            var result = new List<Certificate>();
            foreach (var cert in Certificate.LoadAll(context.Stdin))
            {
                var certified = cert;
                foreach (var id in ids)
                {
                    if (!cert.UserIds.Contains(id, StringComparer.Ordinal))
                        throw new ToolException(SopExit.CertUserIdNoMatch, $"Certificate {cert.Fingerprint} has no valid user ID '{id}'.");
                    foreach (var signer in signers) certified = certified.Merge(signer.Certify(cert, id));
                }
                result.Add(certified);
            }
            WriteCertificates(result, !parse.GetValue(noArmor));
            return SopExit.Ok;
        });
        return command;
    }

    private Command ValidateUserIdCommand()
    {
        var addrSpecOnly = Opt.Flag("--addr-spec-only", "USERID is an e-mail address: match any user ID carrying it.");
        var validateAt = Opt.Value("--validate-at", "Judge the certifications at this time (default: now).", "DATE");
        var userId = new Argument<string>("USERID") { Description = "The user ID (or, with --addr-spec-only, the address)." };
        var authorities = Opt.Rest("CERTS", "The certifying authorities' certificates.");
        var command = new Command("validate-userid", "Succeeds when every certificate on stdin binds USERID and one of CERTS certified that binding.")
        {
            Options = { addrSpecOnly, validateAt },
            Arguments = { userId, authorities },
        };
        SetAction(command, Operation.Keys, parse =>
        {
            var wanted = parse.GetValue(userId) ?? throw new ToolException(SopExit.MissingArg, "Give a user ID.");
            var issuers = LoadCertificates(parse.All(authorities));
            if (issuers.Count == 0) throw new ToolException(SopExit.MissingArg, "Give at least one authority certificate.");
            var at = ParseDate(parse.GetValue(validateAt), DateTimeOffset.UtcNow) ?? DateTimeOffset.UtcNow;
            bool addressOnly = parse.GetValue(addrSpecOnly);
            string? address = addressOnly ? UserId.EmailOf(wanted) : null;
            bool Matches(string uid) => addressOnly ? address is not null && UserId.EmailOf(uid) == address : uid == wanted;
            var certificates = Certificate.LoadAll(context.Stdin);
            if (certificates.Count == 0) throw new ToolException(SopExit.MissingInput, "No certificates on stdin.");
            foreach (var cert in certificates)
            {
                bool valid = issuers.Any(issuer => cert.CertificationsBy(issuer, at).Any(c => Matches(c.UserId) && cert.UserIds.Contains(c.UserId, StringComparer.Ordinal)));
                if (!valid)
                    throw new ToolException(SopExit.CertUserIdNoMatch, $"No given authority certified '{wanted}' on certificate {cert.Fingerprint}.");
            }
            return SopExit.Ok;
        });
        return command;
    }
}
