using System.Collections.Concurrent;
using CryptoMail.Core.Tests.Interop;

namespace CryptoMail.Core.Tests.Legacy;

/// <summary>One GnuPG home for the legacy tests, with the keys GnuPG users held over the years, made on first use:
/// DSA + ElGamal (GnuPG's default until 2014), DSA of every (L, N) GnuPG makes, RSA and Curve25519, and keys dated
/// 2009 (with <c>--faked-system-time</c>) for signatures the policy judges by their date.</summary>
public sealed class LegacyGpgFixture : IDisposable
{
    private readonly Lazy<GnuPG> gpg = new(() => new GnuPG());
    private readonly ConcurrentDictionary<string, Lazy<GpgKey>> keys = new();

    internal GnuPG Gpg => gpg.Value;

    /// <summary>The passphrase of every key made here.</summary>
    internal const string Passphrase = "legacy pass";

    /// <summary>A key of the given kind: <c>dsa2048-elg2048</c>, <c>dsa1024-elg1024</c> (primary and encryption subkey),
    /// <c>dsa1024</c>, <c>dsa2048</c>, <c>dsa3072</c>, <c>rsa1024</c> (signing only, made in 2009), <c>rsa3072</c>,
    /// <c>ed25519</c> (with an encryption subkey).</summary>
    internal GpgKey Key(string kind) => keys.GetOrAdd(kind, k => new Lazy<GpgKey>(() => Make(k))).Value;

    /// <summary>The time the 2009 keys were made.</summary>
    internal const string KeyTime = "20090101T000000";

    private GpgKey Make(string kind)
    {
        var parts = kind.Split('-');
        string userId = $"Legacy {kind} <{kind}@legacy.example>";
        bool old = parts[0] is "dsa1024" or "rsa1024";
        var faked = old ? new[] { "--faked-system-time", KeyTime } : Array.Empty<string>();
        Gpg.Run(null, faked.Concat(new[] { "--passphrase", Passphrase, "--quick-gen-key", userId, parts[0], "cert,sign", "never" }).ToArray())
            .EnsureSuccess("generate " + kind);
        var fingerprint = Gpg.Fingerprints("--list-keys", "=" + userId)[0];
        string? sub = parts.Length > 1 ? parts[1] : parts[0] switch { "ed25519" => "cv25519", "rsa3072" => "rsa3072", _ => null };
        if (sub is not null)
        {
            Gpg.Run(null, faked.Concat(new[] { "--passphrase", Passphrase, "--quick-add-key", fingerprint, sub, "encr", "never" }).ToArray())
                .EnsureSuccess("add subkey to " + kind);
        }
        return new GpgKey(fingerprint, Passphrase, Gpg.ExportCertificate(fingerprint), Gpg.ExportSecretKey(fingerprint, Passphrase));
    }

    public void Dispose()
    {
        if (gpg.IsValueCreated) gpg.Value.Dispose();
    }
}
