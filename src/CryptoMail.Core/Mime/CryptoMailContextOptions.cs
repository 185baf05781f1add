namespace CryptoMail.Core.Mime;

/// <summary>What a MimeKit context made by <see cref="CryptoMailContext.Create"/> works with: where its keys come
/// from, how it writes, and how it reads.</summary>
public sealed class CryptoMailContextOptions
{
    /// <summary>Creates options over the library's certificate and secret key stores.</summary>
    /// <param name="certificates">Where every certificate comes from: recipients' certificates by address, signers'
    /// certificates by key ID, and those <c>Export</c> writes; e.g. an <see cref="InMemoryCertificateStore"/>, a
    /// <see cref="CertificateDirectory"/> or a <see cref="GnuPGHome"/>. Hold your own certificate here too (as
    /// GnuPG's and cert-d key rings do) to verify your own signatures and export your key. When it is an
    /// <see cref="ICertificateStore"/>, the context's <c>Import</c> inserts into it.</param>
    /// <param name="secretKeys">Where the keys to sign and decrypt with come from, e.g. an
    /// <see cref="InMemorySecretKeyStore"/> or a <see cref="SecretKeyDirectory"/>; null for a context that only
    /// encrypts and verifies.</param>
    /// <exception cref="ArgumentNullException"><paramref name="certificates"/> is null.</exception>
    public CryptoMailContextOptions(ICertificateLookup certificates, ISecretKeyLookup? secretKeys = null)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        Certificates = certificates;
        SecretKeys = secretKeys;
    }

    /// <summary>Where certificates come from (recipients, signers, <c>Export</c>, and <c>Import</c> when it is an
    /// <see cref="ICertificateStore"/>).</summary>
    public ICertificateLookup Certificates { get; }

    /// <summary>Where the secret keys to sign and decrypt with come from; null when the context has none.</summary>
    public ISecretKeyLookup? SecretKeys { get; }

    /// <summary>Passphrases tried on protected secret keys (signing and decryption).</summary>
    public IList<string> KeyPassphrases { get; } = new List<string>();

    /// <summary>The application-wide settings (policy, limits) the context's operations start from, as given to
    /// <see cref="OpenPgp(OpenPgpOptions)"/>. Default <see cref="OpenPgpOptions.Default"/>.</summary>
    public OpenPgpOptions Settings { get; init; } = OpenPgpOptions.Default;

    /// <summary>The cipher for encryption. Default AES-256. MimeKit's <c>EncryptionAlgorithm</c> arguments are not
    /// used: the overloads that take one run MimeKit's own code and are refused (see <see cref="CryptoMailContext"/>).</summary>
    public SymmetricCipher Cipher { get; init; } = SymmetricCipher.Aes256;

    /// <summary>The policy for everything the context writes and reads: ciphers, signature hashes, and which keys are
    /// valid; null for <see cref="Settings"/>' policy.</summary>
    public OpenPgpPolicy? Policy { get; init; }

    /// <summary>SEIPD v1 or v2; <see cref="EncryptionFormat.Auto"/> (the default) uses v2 when every recipient
    /// announces it. Choose <see cref="EncryptionFormat.SeipdV1"/> when recipients read mail with GnuPG.</summary>
    public EncryptionFormat EncryptionFormat { get; init; } = EncryptionFormat.Auto;

    /// <summary>Whether a signed and encrypted message is also encrypted to the signer, so the sender can read
    /// their sent copy. Default true (MimeKit's own context does not do this).</summary>
    public bool EncryptToSelf { get; init; } = true;

    /// <summary>Decompression, nesting and recipient limits for received data; null for <see cref="Settings"/>' limits.</summary>
    public ReadLimits? Limits { get; init; }
}
