using System.Collections.Concurrent;

namespace CryptoMail.Core.Stores;

/// <summary>The shared OpenPGP certificate directory (cert-d, draft-nwjw-openpgp-cert-d): a certificate store on
/// disk that Sequoia (<c>sq</c>), PGPainless and other implementations share.</summary>
/// <remarks>
/// <para>Layout: each certificate is one file of binary OpenPGP packets named by its primary fingerprint in
/// lowercase hex, split after the first two digits (<c>eb/85bb5fa33a75e15e944e63f231550c4f47e38e</c>); v6
/// fingerprints split the same way. The trust root is the file <c>trust-root</c>. A <c>writelock</c> file in the
/// base directory serializes writers; other names (those starting with <c>_</c> are reserved for
/// implementation-specific data) are ignored.</para>
/// <para>Writing: a writer takes the exclusive lock on <c>writelock</c> (<c>flock</c> on Unix, as other
/// implementations do), reads the stored copy, merges the new certificate into it, writes the result to a
/// temporary file in the same folder and renames it over the old one. So two programs inserting updates to one
/// certificate at the same time lose neither update, and readers, which take no lock, always see a whole
/// file.</para>
/// <para>Tags: <see cref="GetTag"/> is a cheap, opaque value (from the file's size and times) that changes when the
/// file changes, so a caller can keep derived data and recompute it only when the tag differs; this store itself
/// caches parsed certificates that way, which makes the lookups by key ID and e-mail address (a scan of every
/// file) cheap after the first.</para>
/// <para>Files that do not parse, or whose content does not match their name, are skipped by the scanning
/// lookups; <see cref="GetCertificate"/> of such a file and inserting into it throw
/// <see cref="MalformedDataException"/>, so an unreadable file is never overwritten.</para>
/// <para>Thread-safe; any number of instances and processes may use one directory.</para>
/// </remarks>
public sealed class CertificateDirectory : ICertificateStore
{
    /// <summary>The environment variable that names the cert-d location: <c>PGP_CERT_D</c>.</summary>
    public const string EnvironmentVariable = "PGP_CERT_D";

    /// <summary>The special name of the trust root: <c>trust-root</c>.</summary>
    public const string TrustRootName = "trust-root";

    private const string LockFileName = "writelock";
    private readonly ConcurrentDictionary<string, (string Tag, Certificate? Certificate)> parsed = new(StringComparer.Ordinal);
    private readonly IndexQueries<Certificate> queries;
    private volatile ScanResult? lastScan;

    /// <summary>Opens a certificate directory. Nothing is created until the first insert; a missing directory reads
    /// as empty.</summary>
    /// <param name="directory">The base directory.</param>
    public CertificateDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
        queries = new IndexQueries<Certificate>((query, cancellationToken) => query(Scan(cancellationToken)));
    }

    /// <summary>The base directory.</summary>
    public string Directory { get; }

    /// <summary>How long an insert waits for another writer's lock before it fails with an <see cref="IOException"/>;
    /// 30 seconds unless set.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The default location: <c>$PGP_CERT_D</c> when set; otherwise <c>pgp.cert.d</c> in the user's data
    /// directory (<c>$XDG_DATA_HOME</c>, else <c>~/.local/share</c> on Linux; <c>~/Library/Application Support</c>
    /// on macOS; <c>%APPDATA%</c> on Windows).</summary>
    /// <returns>The path.</returns>
    public static string DefaultDirectory() => DefaultDirectory(Environment.GetEnvironmentVariable);

    /// <summary>The default location (see <see cref="DefaultDirectory()"/>) for the given environment.</summary>
    /// <param name="environment">Looks up an environment variable; returns null when it is not set.</param>
    /// <returns>The path.</returns>
    public static string DefaultDirectory(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment(EnvironmentVariable) is { Length: > 0 } explicitDirectory) return explicitDirectory;
        return Path.Combine(StoreFiles.UserDataDirectory(environment), "pgp.cert.d");
    }

    /// <summary>Opens the directory at <see cref="DefaultDirectory()"/>.</summary>
    /// <returns>The store.</returns>
    public static CertificateDirectory OpenDefault() => new(DefaultDirectory());

    /// <summary>The file that holds (or would hold) the certificate with this primary fingerprint.</summary>
    /// <param name="fingerprint">The fingerprint, or <see cref="TrustRootName"/>.</param>
    /// <returns>The path.</returns>
    public string GetPath(string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        if (fingerprint == TrustRootName) return Path.Combine(Directory, TrustRootName);
        var lower = KeyQuery.Fingerprint(fingerprint, nameof(fingerprint)).ToLowerInvariant();
        return Path.Combine(Directory, lower[..2], lower[2..]);
    }

    /// <summary>The tag of a stored certificate: an opaque value that changes whenever its file changes.</summary>
    /// <param name="fingerprint">The primary fingerprint, or <see cref="TrustRootName"/>.</param>
    /// <returns>The tag, or null when no such certificate is stored.</returns>
    public string? GetTag(string fingerprint) => StoreFiles.Tag(GetPath(fingerprint));

    /// <inheritdoc />
    /// <exception cref="MalformedDataException">The file of that certificate cannot be read.</exception>
    public Certificate? GetCertificate(string fingerprint) => Read(GetPath(fingerprint), KeyQuery.Fingerprint(fingerprint, nameof(fingerprint)));

    /// <inheritdoc />
    public Task<Certificate?> GetCertificateAsync(string fingerprint, CancellationToken cancellationToken = default)
    {
        var path = GetPath(fingerprint);
        return Completed.Run(() => Read(path, KeyQuery.Fingerprint(fingerprint, nameof(fingerprint))), cancellationToken);
    }

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
    /// <exception cref="MalformedDataException">The stored copy cannot be read; it is left as it is.</exception>
    /// <exception cref="IOException">Another writer held the lock longer than <see cref="LockTimeout"/>, or the file system failed.</exception>
    public Certificate InsertCertificate(Certificate certificate) => Insert(certificate, null, CancellationToken.None);

    /// <inheritdoc />
    public Task<Certificate> InsertCertificateAsync(Certificate certificate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Completed.Run(() => Insert(certificate, null, cancellationToken), cancellationToken);
    }

    /// <summary>The trust root (the certificate stored under <see cref="TrustRootName"/>), or null when none is set.</summary>
    /// <returns>The certificate, or null.</returns>
    /// <exception cref="MalformedDataException">The file cannot be read as one certificate.</exception>
    public Certificate? GetTrustRoot() => Read(GetPath(TrustRootName), null);

    /// <summary>The asynchronous form of <see cref="GetTrustRoot"/>.</summary>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The certificate, or null.</returns>
    public Task<Certificate?> GetTrustRootAsync(CancellationToken cancellationToken = default) => Completed.Run(GetTrustRoot, cancellationToken);

    /// <summary>Stores the trust root, merged with the stored one when it is the same certificate.</summary>
    /// <param name="certificate">The trust root. The draft recommends that its self-signatures be non-exportable.</param>
    /// <returns>The trust root as stored now.</returns>
    /// <exception cref="ArgumentException">A different certificate is already the trust root.</exception>
    public Certificate InsertTrustRoot(Certificate certificate) => Insert(certificate, TrustRootName, CancellationToken.None);

    /// <summary>The asynchronous form of <see cref="InsertTrustRoot"/>.</summary>
    /// <param name="certificate">The trust root.</param>
    /// <param name="cancellationToken">Cancels the insert; then nothing was stored.</param>
    /// <returns>The trust root as stored now.</returns>
    public Task<Certificate> InsertTrustRootAsync(Certificate certificate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Completed.Run(() => Insert(certificate, TrustRootName, cancellationToken), cancellationToken);
    }

    private Certificate Insert(Certificate certificate, string? specialName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var path = GetPath(specialName ?? certificate.Fingerprint);
        StoreFiles.EnsureDirectory(Directory, ownerOnly: false);
        using (StoreFiles.AcquireLock(Path.Combine(Directory, LockFileName), LockTimeout, cancellationToken))
        {
            // Under the lock the stored copy is read afresh (never from the cache): another process may just have
            // replaced it, and merging into a stale copy would drop its update.
            var stored = ParseStored(path, StoreFiles.ReadIfExists(path), specialName is null ? certificate.Fingerprint : null);
            if (stored is not null && specialName is not null && stored.Fingerprint != certificate.Fingerprint)
                throw new ArgumentException($"The trust root is {stored.Fingerprint}, not {certificate.Fingerprint}.", nameof(certificate));
            var merged = stored is null ? certificate : stored.Merge(certificate);
            var bytes = merged.Export();
            if (stored is not null && bytes.AsSpan().SequenceEqual(stored.Export())) return stored;
            StoreFiles.EnsureDirectory(Path.GetDirectoryName(path)!, ownerOnly: false);
            StoreFiles.WriteAtomically(path, bytes, mode: null, cancellationToken);
            return merged;
        }
    }

    private Certificate? Read(string path, string? expectedFingerprint)
    {
        var tag = StoreFiles.Tag(path);
        if (tag is null) return null;
        if (parsed.TryGetValue(path, out var cached) && cached.Tag == tag && cached.Certificate is not null) return cached.Certificate;
        var certificate = ParseStored(path, StoreFiles.ReadIfExists(path), expectedFingerprint);
        if (certificate is not null) parsed[path] = (tag, certificate);
        return certificate;
    }

    private static Certificate? ParseStored(string path, byte[]? data, string? expectedFingerprint)
    {
        if (data is null) return null;
        IReadOnlyList<Certificate> all;
        try
        {
            all = Certificate.ParseAll(data);
        }
        catch (Exception e) when (e is MalformedDataException or LimitExceededException)
        {
            // A key outside the accepted sizes is as unreadable here as a broken file: skipped by a scan, never overwritten.
            throw new MalformedDataException($"The cert-d file {path} does not hold a readable certificate.", e);
        }
        if (all.Count != 1) throw new MalformedDataException($"The cert-d file {path} holds {all.Count} certificates; one was expected.");
        if (expectedFingerprint is not null && all[0].Fingerprint != expectedFingerprint)
            throw new MalformedDataException($"The cert-d file {path} holds certificate {all[0].Fingerprint}, not the one its name says.");
        return all[0];
    }

    /// <summary>Every readable certificate file, through the tag cache: a file is parsed again only when its tag
    /// changed, and the index is built again only when some tag changed (or a file came or went).</summary>
    private KeyIndex<Certificate> Scan(CancellationToken cancellationToken)
    {
        var files = new List<(string File, string Fingerprint, string Tag)>();
        if (System.IO.Directory.Exists(Directory))
        {
            foreach (var sub in System.IO.Directory.EnumerateDirectories(Directory))
            {
                var prefix = Path.GetFileName(sub);
                if (prefix.Length != 2 || !IsLowerHex(prefix)) continue;
                foreach (var file in System.IO.Directory.EnumerateFiles(sub))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var rest = Path.GetFileName(file);
                    if ((rest.Length != 38 && rest.Length != 62) || !IsLowerHex(rest)) continue;
                    if (StoreFiles.Tag(file) is { } tag) files.Add((file, (prefix + rest).ToUpperInvariant(), tag));
                }
            }
        }
        var state = string.Join("\n", files.Select(f => f.File + "|" + f.Tag));
        if (lastScan is { } last && last.State == state) return last.Index;

        var index = new KeyIndex<Certificate>(c => c);
        foreach (var (file, fingerprint, tag) in files)
        {
            if (ScanOne(file, fingerprint, tag) is { } certificate) index.Set(certificate);
        }
        var seen = files.Select(f => f.File).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in parsed.Keys.Where(k => !seen.Contains(k) && !k.EndsWith(TrustRootName, StringComparison.Ordinal)).ToList())
            parsed.TryRemove(gone, out _);
        // Published whole; an index is never changed after it is built, so readers may share it.
        lastScan = new ScanResult(state, index);
        return index;
    }

    private Certificate? ScanOne(string file, string fingerprint, string tag)
    {
        if (parsed.TryGetValue(file, out var cached) && cached.Tag == tag) return cached.Certificate;
        Certificate? certificate;
        try
        {
            certificate = ParseStored(file, StoreFiles.ReadIfExists(file), fingerprint);
        }
        catch (MalformedDataException)
        {
            // Another implementation may store what this one cannot read yet; a scan skips it (and remembers that
            // until the file changes) rather than failing every lookup.
            certificate = null;
        }
        parsed[file] = (tag, certificate);
        return certificate;
    }

    private static bool IsLowerHex(string s) => s.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    private sealed record ScanResult(string State, KeyIndex<Certificate> Index);
}
