namespace CryptoMail.Core.Stores;

/// <summary>A thread-safe certificate store in memory. Inserting merges with the copy already held
/// (<see cref="Certificate.Merge"/>), so updates accumulate and nothing is lost.</summary>
public sealed class InMemoryCertificateStore : ICertificateStore
{
    private readonly Locked<Certificate> items = new(c => c);
    private readonly IndexQueries<Certificate> queries;

    /// <summary>Creates an empty store.</summary>
    public InMemoryCertificateStore()
    {
        queries = items.Queries();
    }

    /// <summary>Creates a store holding these certificates (copies of one certificate are merged).</summary>
    /// <param name="certificates">The certificates.</param>
    public InMemoryCertificateStore(IEnumerable<Certificate> certificates)
        : this()
    {
        ArgumentNullException.ThrowIfNull(certificates);
        foreach (var c in certificates) InsertCertificate(c);
    }

    /// <summary>How many certificates the store holds.</summary>
    public int Count => items.Write(i => i.Count);

    /// <inheritdoc />
    public Certificate? GetCertificate(string fingerprint) => queries.Get(fingerprint, nameof(fingerprint));

    /// <inheritdoc />
    public Task<Certificate?> GetCertificateAsync(string fingerprint, CancellationToken cancellationToken = default) =>
        queries.GetAsync(fingerprint, nameof(fingerprint), cancellationToken);

    /// <inheritdoc />
    public IReadOnlyList<Certificate> FindCertificatesByKey(string keyIdOrFingerprint) => queries.ByKey(keyIdOrFingerprint, nameof(keyIdOrFingerprint));

    /// <inheritdoc />
    public Task<IReadOnlyList<Certificate>> FindCertificatesByKeyAsync(string keyIdOrFingerprint, CancellationToken cancellationToken = default) =>
        queries.ByKeyAsync(keyIdOrFingerprint, nameof(keyIdOrFingerprint), cancellationToken);

    /// <inheritdoc />
    public IReadOnlyList<Certificate> FindCertificatesByEmail(string address) => queries.ByEmail(address, nameof(address));

    /// <inheritdoc />
    public Task<IReadOnlyList<Certificate>> FindCertificatesByEmailAsync(string address, CancellationToken cancellationToken = default) =>
        queries.ByEmailAsync(address, nameof(address), cancellationToken);

    /// <inheritdoc />
    public IReadOnlyList<Certificate> GetAllCertificates() => queries.All();

    /// <inheritdoc />
    public Task<IReadOnlyList<Certificate>> GetAllCertificatesAsync(CancellationToken cancellationToken = default) => queries.AllAsync(cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<Certificate> EnumerateCertificatesAsync(CancellationToken cancellationToken = default) => queries.EnumerateAsync(cancellationToken);

    /// <inheritdoc />
    public Certificate InsertCertificate(Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return items.Write(index =>
        {
            var merged = index.Get(certificate.Fingerprint) is { } stored ? stored.Merge(certificate) : certificate;
            index.Set(merged);
            return merged;
        });
    }

    /// <inheritdoc />
    public Task<Certificate> InsertCertificateAsync(Certificate certificate, CancellationToken cancellationToken = default) =>
        Completed.Run(() => InsertCertificate(certificate), cancellationToken);
}

/// <summary>A thread-safe secret key store in memory. Keys stay as they were inserted (locked or unlocked); nothing
/// is written anywhere, so unprotected keys are accepted.</summary>
public sealed class InMemorySecretKeyStore : ISecretKeyStore
{
    private readonly Locked<SecretKey> items = new(k => k.Certificate);
    private readonly IndexQueries<SecretKey> queries;

    /// <summary>Creates an empty store.</summary>
    public InMemorySecretKeyStore()
    {
        queries = items.Queries();
    }

    /// <summary>Creates a store holding these keys (a later key replaces an earlier one with the same fingerprint).</summary>
    /// <param name="keys">The keys.</param>
    public InMemorySecretKeyStore(IEnumerable<SecretKey> keys)
        : this()
    {
        ArgumentNullException.ThrowIfNull(keys);
        foreach (var k in keys) InsertSecretKey(k);
    }

    /// <summary>How many keys the store holds.</summary>
    public int Count => items.Write(i => i.Count);

    /// <inheritdoc />
public SecretKey? GetSecretKey(string fingerprint) => queries.Get(fingerprint, nameof(fingerprint));

    /// <inheritdoc />
    public Task<SecretKey?> GetSecretKeyAsync(string fingerprint, CancellationToken cancellationToken = default) =>
        queries.GetAsync(fingerprint, nameof(fingerprint), cancellationToken);

    /// <inheritdoc />
    public IReadOnlyList<SecretKey> FindSecretKeysByKey(string keyIdOrFingerprint) => queries.ByKey(keyIdOrFingerprint, nameof(keyIdOrFingerprint));

    /// <inheritdoc />
    public Task<IReadOnlyList<SecretKey>> FindSecretKeysByKeyAsync(string keyIdOrFingerprint, CancellationToken cancellationToken = default) =>
        queries.ByKeyAsync(keyIdOrFingerprint, nameof(keyIdOrFingerprint), cancellationToken);

    /// <inheritdoc />
    public IReadOnlyList<SecretKey> FindSecretKeysByEmail(string address) => queries.ByEmail(address, nameof(address));

    /// <inheritdoc />
    public Task<IReadOnlyList<SecretKey>> FindSecretKeysByEmailAsync(string address, CancellationToken cancellationToken = default) =>
        queries.ByEmailAsync(address, nameof(address), cancellationToken);

    /// <inheritdoc />
    public IReadOnlyList<SecretKey> GetAllSecretKeys() => queries.All();

    /// <inheritdoc />
    public Task<IReadOnlyList<SecretKey>> GetAllSecretKeysAsync(CancellationToken cancellationToken = default) => queries.AllAsync(cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<SecretKey> EnumerateSecretKeysAsync(CancellationToken cancellationToken = default) => queries.EnumerateAsync(cancellationToken);

    /// <inheritdoc />
    public void InsertSecretKey(SecretKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        items.Write(index =>
        {
            index.Set(key);
            return true;
        });
    }

    /// <inheritdoc />
    public Task InsertSecretKeyAsync(SecretKey key, CancellationToken cancellationToken = default) =>
        Completed.Run(() =>
        {
            InsertSecretKey(key);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public bool RemoveSecretKey(string fingerprint)
    {
        var normalized = KeyQuery.Fingerprint(fingerprint, nameof(fingerprint));
        return items.Write(index => index.Remove(normalized));
    }

    /// <inheritdoc />
    public Task<bool> RemoveSecretKeyAsync(string fingerprint, CancellationToken cancellationToken = default) =>
        Completed.Run(() => RemoveSecretKey(fingerprint), cancellationToken);
}

/// <summary>A <see cref="KeyIndex{T}"/> behind a lock.</summary>
internal sealed class Locked<T>
    where T : class
{
    private readonly Lock gate = new();
    private readonly KeyIndex<T> index;

    public Locked(Func<T, Certificate> certificateOf) => index = new KeyIndex<T>(certificateOf);

    public IndexQueries<T> Queries() => new((query, _) => Write(query));

    public TResult Write<TResult>(Func<KeyIndex<T>, TResult> body)
    {
        lock (gate)
        {
            return body(index);
        }
    }
}
