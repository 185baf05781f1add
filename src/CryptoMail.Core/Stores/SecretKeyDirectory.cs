using System.Collections.Concurrent;

namespace CryptoMail.Core.Stores;

/// <summary>A directory of secret keys, kept passphrase-protected at rest: one file of binary OpenPGP packets per
/// key, named by the primary fingerprint in lowercase hex with the extension <c>.key</c>.</summary>
/// <remarks>
/// <para>Inserting a key that is not protected by a passphrase throws <see cref="PolicyViolationException"/>
/// unless the store was opened with <c>allowUnprotected: true</c>. On Unix the directory is created owner-only
/// (0700) and every key file is created 0600 from the start (the temporary file it is written to first
/// included), so no other user can read it even for a moment.</para>
/// <para>Writes replace files atomically (temporary file, then rename); a key inserted again replaces the stored
/// one. The stored key is the protected form: unlocking a key does not change what is written.</para>
/// <para>GnuPG keeps secret keys in its agent's own format (<c>private-keys-v1.d</c>), which this store does not
/// read; move keys from GnuPG with <c>gpg --export-secret-keys</c>, <see cref="SecretKey.ParseAll(ReadOnlySpan{byte})"/>
/// and <see cref="InsertSecretKey"/>: they stay protected by their GnuPG passphrase.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class SecretKeyDirectory : ISecretKeyStore
{
    private const string Extension = ".key";
    private readonly ConcurrentDictionary<string, (string Tag, SecretKey Key)> parsed = new(StringComparer.Ordinal);
    private readonly IndexQueries<SecretKey> queries;

    /// <summary>Opens a secret key directory; it is created (owner-only) at the first insert.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="allowUnprotected">Accept keys without a passphrase. They are then stored in the clear,
    /// readable by anyone who can read the file.</param>
    public SecretKeyDirectory(string directory, bool allowUnprotected = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        AllowUnprotected = allowUnprotected;
        queries = new IndexQueries<SecretKey>((query, cancellationToken) => query(Scan(cancellationToken)));
    }

    /// <summary>The directory.</summary>
    public string Directory { get; }

    /// <summary>Whether keys without a passphrase are accepted.</summary>
    public bool AllowUnprotected { get; }

    /// <summary>The file that holds (or would hold) the key with this primary fingerprint.</summary>
    /// <param name="fingerprint">The fingerprint.</param>
    /// <returns>The path.</returns>
    public string GetPath(string fingerprint) =>
        Path.Combine(Directory, KeyQuery.Fingerprint(fingerprint, nameof(fingerprint)).ToLowerInvariant() + Extension);

    /// <inheritdoc />
    /// <exception cref="MalformedDataException">The stored file cannot be read as that key.</exception>
    public SecretKey? GetSecretKey(string fingerprint)
    {
        var path = GetPath(fingerprint);
        return Load(path, KeyQuery.Fingerprint(fingerprint, nameof(fingerprint)), strict: true);
    }

    /// <inheritdoc />
    public Task<SecretKey?> GetSecretKeyAsync(string fingerprint, CancellationToken cancellationToken = default)
    {
        var path = GetPath(fingerprint);
        return Completed.Run(() => Load(path, KeyQuery.Fingerprint(fingerprint, nameof(fingerprint)), strict: true), cancellationToken);
    }

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
    public void InsertSecretKey(SecretKey key) => Insert(key, CancellationToken.None);

    /// <inheritdoc />
    public Task InsertSecretKeyAsync(SecretKey key, CancellationToken cancellationToken = default)
    {
        CheckProtection(key);
        return Completed.Run(() => Insert(key, cancellationToken), cancellationToken);
    }

    /// <inheritdoc />
    public bool RemoveSecretKey(string fingerprint)
    {
        var path = GetPath(fingerprint);
        if (!File.Exists(path)) return false;
        File.Delete(path);
        parsed.TryRemove(path, out _);
        return true;
    }

    /// <inheritdoc />
    public Task<bool> RemoveSecretKeyAsync(string fingerprint, CancellationToken cancellationToken = default)
    {
        _ = KeyQuery.Fingerprint(fingerprint, nameof(fingerprint));
        return Completed.Run(() => RemoveSecretKey(fingerprint), cancellationToken);
    }

    private bool Insert(SecretKey key, CancellationToken cancellationToken)
    {
        CheckProtection(key);
        StoreFiles.EnsureDirectory(Directory, ownerOnly: true);
        var bytes = key.Export();
        try
        {
            StoreFiles.WriteAtomically(GetPath(key.Fingerprint), bytes, StoreFiles.OwnerOnlyFile, cancellationToken);
        }
        finally
        {
            // The packets of an unprotected key are the secret itself.
            Array.Clear(bytes);
        }
        return true;
    }

    private void CheckProtection(SecretKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.IsProtected && !AllowUnprotected)
            throw new PolicyViolationException(
                $"Key {key.Fingerprint} is not protected by a passphrase; this store keeps keys protected at rest. Protect it (SecretKey.ChangePassphrase) or open the store with allowUnprotected: true.");
    }

    private SecretKey? Load(string path, string fingerprint, bool strict)
    {
        var tag = StoreFiles.Tag(path);
        if (tag is null) return null;
        if (parsed.TryGetValue(path, out var cached) && cached.Tag == tag) return cached.Key;
        var data = StoreFiles.ReadIfExists(path);
        if (data is null) return null;
        SecretKey? key = null;
        try
        {
            var all = SecretKey.ParseAll(data);
            if (all.Count == 1 && all[0].Fingerprint == fingerprint) key = all[0];
        }
        catch (MalformedDataException) when (!strict)
        {
            key = null;
        }
        finally
        {
            Array.Clear(data);
        }
        if (key is null)
        {
            if (strict) throw new MalformedDataException($"The secret key file {path} does not hold exactly the key {fingerprint}.");
            return null;
        }
        parsed[path] = (tag, key);
        return key;
    }

    private KeyIndex<SecretKey> Scan(CancellationToken cancellationToken)
    {
        var index = new KeyIndex<SecretKey>(k => k.Certificate);
        if (!System.IO.Directory.Exists(Directory)) return index;
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*" + Extension))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileNameWithoutExtension(file);
            if ((name.Length != 40 && name.Length != 64) || !name.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f')) continue;
            if (Load(file, name.ToUpperInvariant(), strict: false) is { } key) index.Set(key);
        }
        return index;
    }
}
