using CryptoMail.Core;

namespace CryptoMail.Tool;

/// <summary>A deliberately simple key directory for the tool: one armored file per key, named by the primary
/// fingerprint (<c>FPR.asc</c> for the certificate, <c>FPR.key.asc</c> for the secret key). Not a cert-d
/// (draft-nwjw-openpgp-cert-d) store and not shared with other programs; it will be replaced by the library's
/// stores.</summary>
internal sealed class KeyStore
{
    public const string EnvironmentVariable = "CRYPTOMAIL_STORE";

    public KeyStore(string directory)
    {
        Directory = directory;
    }

    public string Directory { get; }

    public static KeyStore Open(ToolContext context, string? directory)
    {
        directory ??= context.Env.TryGetValue(EnvironmentVariable, out var fromEnv) && fromEnv.Length > 0 ? fromEnv : null;
        if (directory is null)
        {
            throw new ToolException(SopExit.MissingArg, $"No key store: give --store DIR or set {EnvironmentVariable}.");
        }
        System.IO.Directory.CreateDirectory(directory);
        return new KeyStore(directory);
    }

    public string CertificatePath(string fingerprint) => Path.Combine(Directory, fingerprint + ".asc");

    public string SecretKeyPath(string fingerprint) => Path.Combine(Directory, fingerprint + ".key.asc");

    public void Add(Certificate certificate) => WriteAtomically(CertificatePath(certificate.Fingerprint), certificate.ExportArmored());

    public void Add(SecretKey key)
    {
        WriteAtomically(SecretKeyPath(key.Fingerprint), key.ExportArmored());
        Add(key.Certificate);
    }

    public IReadOnlyList<Certificate> Certificates() =>
        Files("*.asc").Where(f => !f.EndsWith(".key.asc", StringComparison.Ordinal))
            .Select(f => Certificate.Parse(File.ReadAllText(f))).ToList();

    public IReadOnlyList<SecretKey> SecretKeys() =>
        Files("*.key.asc").Select(f => SecretKey.Parse(File.ReadAllText(f))).ToList();

    public bool HasSecretKey(string fingerprint) => File.Exists(SecretKeyPath(fingerprint));

    /// <summary>Certificates matching a fingerprint, key ID or e-mail address.</summary>
    public IReadOnlyList<Certificate> Find(string query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var email = UserId.EmailOf(query);
        return Certificates().Where(c => email is not null
            ? c.EmailAddresses.Contains(email, StringComparer.OrdinalIgnoreCase)
            : c.HasKey(query)).ToList();
    }

    private IEnumerable<string> Files(string pattern) =>
        System.IO.Directory.EnumerateFiles(Directory, pattern).Order(StringComparer.Ordinal);

    private static void WriteAtomically(string path, string content)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}
