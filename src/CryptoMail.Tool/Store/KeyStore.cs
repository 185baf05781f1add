using CryptoMail.Core;

namespace CryptoMail.Tool;

/// <summary>The tool's keys: certificates in a shared OpenPGP certificate directory (cert-d, so <c>sq</c> and other
/// cert-d programs see them too) and secret keys in a <see cref="SecretKeyDirectory"/> beside it.</summary>
/// <remarks>
/// Where: with <c>--store DIR</c> (or <c>$CRYPTOMAIL_STORE</c>), certificates in <c>DIR/pgp.cert.d</c> and secret
/// keys in <c>DIR/secret-keys</c>. Otherwise the cert-d's default location (<c>$PGP_CERT_D</c>, else
/// <c>$XDG_DATA_HOME/pgp.cert.d</c>, i.e. <c>~/.local/share/pgp.cert.d</c>), and secret keys in
/// <c>cryptomail/secret-keys</c> in the same data directory.
/// </remarks>
internal sealed class KeyStore
{
    public const string EnvironmentVariable = "CRYPTOMAIL_STORE";

    public KeyStore(CertificateDirectory certificates, SecretKeyDirectory secretKeys, string revocations)
    {
        CertificateStore = certificates;
        SecretKeyStore = secretKeys;
        RevocationDirectory = revocations;
    }

    /// <summary>Where <c>key generate</c> keeps each key's revocation certificate, <c>FINGERPRINT.rev</c> (as GnuPG
    /// keeps them in <c>openpgp-revocs.d</c>): <c>DIR/revocations</c>, or <c>cryptomail/revocations</c> in the data directory.</summary>
    public string RevocationDirectory { get; }

    /// <summary>Writes a key's revocation certificate (owner-only file mode) and returns its path.</summary>
    public string AddRevocation(string fingerprint, string armored)
    {
        Directory.CreateDirectory(RevocationDirectory);
        var path = Path.Combine(RevocationDirectory, fingerprint + ".rev");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(path, options))
        using (var writer = new StreamWriter(file))
        {
            writer.Write("This is a revocation certificate for the OpenPGP key " + fingerprint + ".\n"
                + "Publish it (e.g. gpg --import FILE, then send the key) only when the key is lost or compromised.\n\n");
            writer.Write(armored);
        }
        return path;
    }

    public CertificateDirectory CertificateStore { get; }

    public SecretKeyDirectory SecretKeyStore { get; }

    public static KeyStore Open(ToolContext context, string? directory, bool allowUnprotected = false)
    {
        string? Env(string name) => context.Env.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
        directory ??= Env(EnvironmentVariable);
        if (directory is not null)
        {
            return new KeyStore(
                new CertificateDirectory(Path.Combine(directory, "pgp.cert.d")),
                new SecretKeyDirectory(Path.Combine(directory, "secret-keys"), allowUnprotected),
                Path.Combine(directory, "revocations"));
        }
        // The data directory is where the cert-d would be by default, PGP_CERT_D aside.
        var dataDirectory = Path.GetDirectoryName(CertificateDirectory.DefaultDirectory(name => name == CertificateDirectory.EnvironmentVariable ? null : Env(name)))!;
        return new KeyStore(
            new CertificateDirectory(CertificateDirectory.DefaultDirectory(Env)),
            new SecretKeyDirectory(Path.Combine(dataDirectory, "cryptomail", "secret-keys"), allowUnprotected),
            Path.Combine(dataDirectory, "cryptomail", "revocations"));
    }

    /// <summary>Stores a certificate, merged with the stored copy (new signatures, subkeys, revocations) when there is one.</summary>
    public void Add(Certificate certificate) => CertificateStore.InsertCertificate(certificate);

    /// <summary>Stores a secret key and its certificate.</summary>
    /// <exception cref="ToolException">The key has no passphrase and unprotected keys were not allowed.</exception>
    public void Add(SecretKey key)
    {
        try
        {
            SecretKeyStore.InsertSecretKey(key);
        }
        catch (PolicyViolationException e)
        {
            throw new ToolException(SopExit.KeyIsProtected,
                $"Key {key.Fingerprint} has no passphrase and the store keeps secret keys protected: protect it "
                + "(sop change-key-password) or pass --allow-unprotected to store it in the clear.", e);
        }
        Add(key.Certificate);
    }

    public IReadOnlyList<Certificate> Certificates() => CertificateStore.GetAllCertificates();

    public IReadOnlyList<SecretKey> SecretKeys() => SecretKeyStore.GetAllSecretKeys();

    public SecretKey? SecretKey(string fingerprint) => SecretKeyStore.GetSecretKey(fingerprint);

    /// <summary>Certificates matching a fingerprint, key ID or e-mail address; nothing for a query that is none of these.</summary>
    public IReadOnlyList<Certificate> Find(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (UserId.EmailOf(query) is not null) return CertificateStore.FindCertificatesByEmail(query);
        try
        {
            return CertificateStore.FindCertificatesByKey(query);
        }
        catch (ArgumentException)
        {
            return [];
        }
    }
}
