using System.Runtime.CompilerServices;

namespace CryptoMail.Core;

/// <summary>Finds certificates: by primary fingerprint, by the key ID or fingerprint of any of their keys, and by
/// e-mail address.</summary>
/// <remarks>
/// <para>Implementations are thread-safe. A lookup that finds nothing returns null or an empty list; it throws only
/// for caller mistakes (<see cref="ArgumentException"/>), for stored data that cannot be read
/// (<see cref="MalformedDataException"/>) and for I/O failures.</para>
/// <para>E-mail addresses are compared as GnuPG and Sequoia compare them: the addr-spec is taken from the user ID
/// (<c>Name &lt;addr&gt;</c> or a bare address, see <see cref="UserId.EmailOf"/>) and compared lowercased
/// (invariant culture), local part included. RFC 5322 lets a server treat the local part case-sensitively, but no
/// OpenPGP implementation does, and a lookup that missed <c>Alice@example.org</c> for <c>alice@example.org</c>
/// would only confuse users.</para>
/// <para>The message options take one (<see cref="DecryptOptions.VerifierLookup"/>,
/// <see cref="VerifyOptions.VerifierLookup"/>) and ask it only for the keys a message's signatures name; the stores
/// (in-memory, cert-d, GnuPG home) implement it, and so can a database.</para>
/// <para>Lookups do not judge: revoked, expired and unbound certificates are returned too; check
/// <see cref="Certificate.IsRevoked"/>, <see cref="Certificate.CanEncrypt"/> and friends before use.</para>
/// </remarks>
public interface ICertificateLookup
{
    /// <summary>The certificate whose primary key has this fingerprint.</summary>
    /// <param name="fingerprint">The primary key's fingerprint, hex in any case (spaces and a <c>0x</c> prefix are ignored).</param>
    /// <returns>The certificate, or null when there is none.</returns>
    /// <exception cref="ArgumentException"><paramref name="fingerprint"/> is not a v4 or v6 fingerprint.</exception>
    Certificate? GetCertificate(string fingerprint);

    /// <summary>The certificate whose primary key has this fingerprint; the asynchronous form of <see cref="GetCertificate"/>.</summary>
    /// <param name="fingerprint">The primary key's fingerprint.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The certificate, or null when there is none.</returns>
    Task<Certificate?> GetCertificateAsync(string fingerprint, CancellationToken cancellationToken = default);

    /// <summary>The certificates that hold a key (primary key or subkey) with this key ID or fingerprint.</summary>
    /// <param name="keyIdOrFingerprint">A key ID (16 hex digits) or a fingerprint, any case.</param>
    /// <returns>The certificates, ordered by fingerprint.</returns>
    /// <exception cref="ArgumentException">The argument is neither a key ID nor a fingerprint.</exception>
    IReadOnlyList<Certificate> FindCertificatesByKey(string keyIdOrFingerprint);

    /// <summary>The asynchronous form of <see cref="FindCertificatesByKey"/>.</summary>
    /// <param name="keyIdOrFingerprint">A key ID or a fingerprint.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The certificates, ordered by fingerprint.</returns>
    Task<IReadOnlyList<Certificate>> FindCertificatesByKeyAsync(string keyIdOrFingerprint, CancellationToken cancellationToken = default);

    /// <summary>The certificates with a user ID for this e-mail address (compared lowercased, see the remarks).</summary>
    /// <param name="address">An address (<c>alice@example.org</c>) or a user ID holding one (<c>Alice &lt;alice@example.org&gt;</c>).</param>
    /// <returns>The certificates, ordered by fingerprint.</returns>
    /// <exception cref="ArgumentException"><paramref name="address"/> holds no e-mail address.</exception>
    IReadOnlyList<Certificate> FindCertificatesByEmail(string address);

    /// <summary>The asynchronous form of <see cref="FindCertificatesByEmail"/>.</summary>
    /// <param name="address">An address or a user ID holding one.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The certificates, ordered by fingerprint.</returns>
    Task<IReadOnlyList<Certificate>> FindCertificatesByEmailAsync(string address, CancellationToken cancellationToken = default);

    /// <summary>Every certificate.</summary>
    /// <returns>The certificates, ordered by fingerprint.</returns>
    IReadOnlyList<Certificate> GetAllCertificates();

    /// <summary>The asynchronous form of <see cref="GetAllCertificates"/>.</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The certificates, ordered by fingerprint.</returns>
    Task<IReadOnlyList<Certificate>> GetAllCertificatesAsync(CancellationToken cancellationToken = default);

    /// <summary>Every certificate, one at a time (the asynchronous enumeration beside <see cref="GetAllCertificates"/>),
    /// ordered by fingerprint; the token is checked before each one.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The certificates.</returns>
    /// <remarks>The default lists them with <see cref="GetAllCertificatesAsync"/> and yields the list; a lookup over a
    /// database overrides it to stream rows as they arrive.</remarks>
    async IAsyncEnumerable<Certificate> EnumerateCertificatesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var certificate in await GetAllCertificatesAsync(cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return certificate;
        }
    }
}

/// <summary>Finds secret keys by primary fingerprint, by the key ID or fingerprint of any of their keys, and by e-mail
/// address (compared as <see cref="ICertificateLookup"/> describes). Thread-safe. What a reader of keys needs: the
/// decryption options (<see cref="DecryptOptions.KeyLookup"/>) ask it for the keys a message names; the stores
/// implement it and also keep keys.</summary>
public interface ISecretKeyLookup
{
    /// <summary>The secret key whose primary key has this fingerprint.</summary>
    /// <param name="fingerprint">The primary key's fingerprint, hex in any case.</param>
    /// <returns>The key (locked as it was stored), or null when there is none.</returns>
    /// <exception cref="ArgumentException"><paramref name="fingerprint"/> is not a v4 or v6 fingerprint.</exception>
    SecretKey? GetSecretKey(string fingerprint);

    /// <summary>The asynchronous form of <see cref="GetSecretKey"/>.</summary>
    /// <param name="fingerprint">The primary key's fingerprint.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The key, or null when there is none.</returns>
    Task<SecretKey?> GetSecretKeyAsync(string fingerprint, CancellationToken cancellationToken = default);

    /// <summary>The secret keys that hold a key (primary key or subkey) with this key ID or fingerprint, such as a
    /// message's recipient key ID.</summary>
    /// <param name="keyIdOrFingerprint">A key ID (16 hex digits) or a fingerprint, any case.</param>
    /// <returns>The keys, ordered by fingerprint.</returns>
    /// <exception cref="ArgumentException">The argument is neither a key ID nor a fingerprint.</exception>
    IReadOnlyList<SecretKey> FindSecretKeysByKey(string keyIdOrFingerprint);

    /// <summary>The asynchronous form of <see cref="FindSecretKeysByKey"/>.</summary>
    /// <param name="keyIdOrFingerprint">A key ID or a fingerprint.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The keys, ordered by fingerprint.</returns>
    Task<IReadOnlyList<SecretKey>> FindSecretKeysByKeyAsync(string keyIdOrFingerprint, CancellationToken cancellationToken = default);

    /// <summary>The secret keys with a user ID for this e-mail address.</summary>
    /// <param name="address">An address or a user ID holding one.</param>
    /// <returns>The keys, ordered by fingerprint.</returns>
    /// <exception cref="ArgumentException"><paramref name="address"/> holds no e-mail address.</exception>
    IReadOnlyList<SecretKey> FindSecretKeysByEmail(string address);

    /// <summary>The asynchronous form of <see cref="FindSecretKeysByEmail"/>.</summary>
    /// <param name="address">An address or a user ID holding one.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The keys, ordered by fingerprint.</returns>
    Task<IReadOnlyList<SecretKey>> FindSecretKeysByEmailAsync(string address, CancellationToken cancellationToken = default);

    /// <summary>Every secret key.</summary>
    /// <returns>The keys, ordered by fingerprint.</returns>
    IReadOnlyList<SecretKey> GetAllSecretKeys();

    /// <summary>The asynchronous form of <see cref="GetAllSecretKeys"/>.</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The keys, ordered by fingerprint.</returns>
    Task<IReadOnlyList<SecretKey>> GetAllSecretKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Every secret key, one at a time (the asynchronous enumeration beside <see cref="GetAllSecretKeys"/>),
    /// ordered by fingerprint; the token is checked before each one.</summary>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The keys.</returns>
    /// <remarks>The default lists them with <see cref="GetAllSecretKeysAsync"/> and yields the list; a lookup over a
    /// database overrides it to stream rows as they arrive.</remarks>
    async IAsyncEnumerable<SecretKey> EnumerateSecretKeysAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var key in await GetAllSecretKeysAsync(cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }
    }
}
