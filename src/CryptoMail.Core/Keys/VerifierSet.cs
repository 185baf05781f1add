namespace CryptoMail.Core.Keys;

/// <summary>The certificates a reading operation checks signatures against: the caller's list, and a caller's
/// <see cref="ICertificateLookup"/> asked only for the keys that signatures name (never listed in full).</summary>
/// <remarks>Each issuer is looked up once per operation, through the lookup's synchronous method (the reading grammar
/// is synchronous, also under an asynchronous operation's staged edges).</remarks>
internal sealed class VerifierSet
{
    private readonly IReadOnlyList<Certificate> listed;
    private readonly ICertificateLookup? lookup;
    private readonly CancellationToken token;
    private readonly Dictionary<string, IReadOnlyList<Certificate>> found = new(StringComparer.Ordinal);

    public VerifierSet(IEnumerable<Certificate> listed, ICertificateLookup? lookup = null, CancellationToken token = default)
    {
        this.listed = listed.ToList();
        this.lookup = lookup;
        this.token = token;
    }

    /// <summary>No verifiers: signatures are reported with an unknown key.</summary>
    public static VerifierSet None { get; } = new(Array.Empty<Certificate>());

    /// <summary>The certificates that may hold the key with this fingerprint (when the signature names one) or key ID:
    /// the listed ones first, then the lookup's, without repeating a certificate the list holds.</summary>
    public IEnumerable<Certificate> For(long keyId, byte[]? fingerprint)
    {
        if (lookup is null || (keyId == 0 && fingerprint is null)) return listed;
        string name = fingerprint is not null ? Hex.Of(fingerprint) : Hex.KeyId(keyId);
        if (!found.TryGetValue(name, out var more))
        {
            more = Find(name);
            // A store may index subkeys by key ID only.
            if (more.Count == 0 && fingerprint is not null && keyId != 0) more = Find(Hex.KeyId(keyId));
            found[name] = more;
        }
        if (more.Count == 0) return listed;
        var known = listed.Select(c => c.Fingerprint).ToHashSet(StringComparer.Ordinal);
        return listed.Concat(more.Where(c => c is not null && known.Add(c.Fingerprint)));
    }

    private IReadOnlyList<Certificate> Find(string name) =>
        CallerCode.Run(() => lookup!.FindCertificatesByKey(name), token)
        ?? Array.Empty<Certificate>();
}
