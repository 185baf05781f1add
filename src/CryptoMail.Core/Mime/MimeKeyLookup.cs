namespace CryptoMail.Core;

/// <summary>The key lookup the MimeKit context (<see cref="CryptoMailContext"/>) needs: certificates and secret keys
/// by e-mail address (to sign and encrypt for MimeKit's <c>MailboxAddress</c>es) and by key ID or fingerprint (to
/// decrypt and verify what arrives).</summary>
/// <remarks>Deliberately minimal; implementations must be safe to call from several threads. Return only keys you
/// trust for the address: the context encrypts to and accepts signatures from what this returns. Prefer the
/// ready <see cref="MimeKeyRing"/> unless your keys live elsewhere.</remarks>
public interface IMimeKeyLookup
{
    /// <summary>The certificates whose user IDs carry <paramref name="address"/>.</summary>
    /// <param name="address">An e-mail address (addr-spec), any case.</param>
    /// <returns>The matching certificates, best first; empty when there is none.</returns>
    IReadOnlyList<Certificate> FindCertificates(string address);

    /// <summary>The secret keys whose user IDs carry <paramref name="address"/>.</summary>
    /// <param name="address">An e-mail address (addr-spec), any case.</param>
    /// <returns>The matching secret keys, best first; empty when there is none.</returns>
    IReadOnlyList<SecretKey> FindSecretKeys(string address);

    /// <summary>The certificate holding the key <paramref name="keyIdOrFingerprint"/> (primary key or subkey).</summary>
    /// <param name="keyIdOrFingerprint">A key ID (16 hex digits) or fingerprint.</param>
    /// <returns>The certificate, or null when none is known.</returns>
    Certificate? FindCertificate(string keyIdOrFingerprint);

    /// <summary>The secret key holding the key <paramref name="keyIdOrFingerprint"/> (primary key or subkey).</summary>
    /// <param name="keyIdOrFingerprint">A key ID (16 hex digits) or fingerprint.</param>
    /// <returns>The secret key, or null when none is known.</returns>
    SecretKey? FindSecretKey(string keyIdOrFingerprint);
}

/// <summary>A thread-safe, in-memory <see cref="IMimeKeyLookup"/>: add certificates and secret keys, look them up by
/// address or key.</summary>
public sealed class MimeKeyRing : IMimeKeyLookup
{
    private readonly object gate = new();
    private readonly List<Certificate> certificates = new();
    private readonly List<SecretKey> secretKeys = new();

    /// <summary>Adds a certificate; a newer copy of one already held is merged into it.</summary>
    /// <param name="certificate">The certificate.</param>
    /// <returns>This key ring, for chaining.</returns>
    public MimeKeyRing Add(Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        lock (gate)
        {
            int i = certificates.FindIndex(c => c.Fingerprint == certificate.Fingerprint);
            if (i < 0) certificates.Add(certificate);
            else certificates[i] = certificates[i].Merge(certificate);
        }
        return this;
    }

    /// <summary>Adds a secret key, and its certificate.</summary>
    /// <param name="secretKey">The secret key.</param>
    /// <returns>This key ring, for chaining.</returns>
    public MimeKeyRing Add(SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        lock (gate)
        {
            secretKeys.RemoveAll(k => k.Fingerprint == secretKey.Fingerprint);
            secretKeys.Add(secretKey);
        }
        return Add(secretKey.Certificate);
    }

    /// <inheritdoc />
    public IReadOnlyList<Certificate> FindCertificates(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (gate) return certificates.Where(c => HasAddress(c, address)).ToList();
    }

    /// <inheritdoc />
    public IReadOnlyList<SecretKey> FindSecretKeys(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (gate) return secretKeys.Where(k => HasAddress(k.Certificate, address)).ToList();
    }

    /// <inheritdoc />
    public Certificate? FindCertificate(string keyIdOrFingerprint)
    {
        ArgumentNullException.ThrowIfNull(keyIdOrFingerprint);
        lock (gate) return certificates.FirstOrDefault(c => c.HasKey(keyIdOrFingerprint));
    }

    /// <inheritdoc />
    public SecretKey? FindSecretKey(string keyIdOrFingerprint)
    {
        ArgumentNullException.ThrowIfNull(keyIdOrFingerprint);
        lock (gate) return secretKeys.FirstOrDefault(k => k.Certificate.HasKey(keyIdOrFingerprint));
    }

    private static bool HasAddress(Certificate certificate, string address) =>
        certificate.EmailAddresses.Any(e => string.Equals(e, address, StringComparison.OrdinalIgnoreCase));
}
