namespace CryptoMail.Core.Stores;

/// <summary>A certificate lookup that also keeps certificates: inserting merges with the stored copy, so an update
/// (new signatures, subkeys, user IDs, a revocation) is added and nothing stored is lost.</summary>
public interface ICertificateStore : ICertificateLookup
{
    /// <summary>Stores a certificate, merged (<see cref="Certificate.Merge"/>) with the stored copy when there is one.</summary>
    /// <param name="certificate">The certificate or update.</param>
    /// <returns>The certificate as stored now.</returns>
    Certificate InsertCertificate(Certificate certificate);

    /// <summary>The asynchronous form of <see cref="InsertCertificate"/>.</summary>
    /// <param name="certificate">The certificate or update.</param>
    /// <param name="cancellationToken">Cancels the insert; then nothing was stored.</param>
    /// <returns>The certificate as stored now.</returns>
    Task<Certificate> InsertCertificateAsync(Certificate certificate, CancellationToken cancellationToken = default);
}

/// <summary>A secret key lookup that also keeps secret keys: insert (replacing a stored key with the same primary
/// fingerprint) and remove. Thread-safe.</summary>
public interface ISecretKeyStore : ISecretKeyLookup
{
    /// <summary>Stores a secret key, replacing a stored key with the same primary fingerprint (for example after a
    /// passphrase change).</summary>
    /// <param name="key">The key.</param>
    /// <exception cref="PolicyViolationException">The store keeps keys protected at rest and the key is not
    /// passphrase-protected.</exception>
    void InsertSecretKey(SecretKey key);

    /// <summary>The asynchronous form of <see cref="InsertSecretKey"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the insert; then nothing was stored.</param>
    /// <returns>A task that completes when the key is stored.</returns>
    Task InsertSecretKeyAsync(SecretKey key, CancellationToken cancellationToken = default);

    /// <summary>Removes a secret key.</summary>
    /// <param name="fingerprint">The primary key's fingerprint.</param>
    /// <returns>True when a key was removed.</returns>
    bool RemoveSecretKey(string fingerprint);

    /// <summary>The asynchronous form of <see cref="RemoveSecretKey"/>.</summary>
    /// <param name="fingerprint">The primary key's fingerprint.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>True when a key was removed.</returns>
    Task<bool> RemoveSecretKeyAsync(string fingerprint, CancellationToken cancellationToken = default);
}
