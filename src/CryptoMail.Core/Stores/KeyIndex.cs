using System.Globalization;

namespace CryptoMail.Core.Stores;

/// <summary>The one way every store reads a query: fingerprints and key IDs as uppercase hex, e-mail addresses
/// lowercased (see <see cref="ICertificateLookup"/>).</summary>
internal static class KeyQuery
{
    /// <summary>A primary fingerprint (v4: 40 hex digits, v6: 64), uppercase.</summary>
    public static string Fingerprint(string fingerprint, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(fingerprint, parameterName);
        var hex = Hex(fingerprint);
        if (hex is null || (hex.Length != 40 && hex.Length != 64))
            throw new ArgumentException($"'{fingerprint}' is not an OpenPGP fingerprint (40 or 64 hex digits).", parameterName);
        return hex;
    }

    /// <summary>A key ID (16 hex digits) or fingerprint, uppercase.</summary>
    public static string KeyIdOrFingerprint(string keyIdOrFingerprint, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(keyIdOrFingerprint, parameterName);
        var hex = Hex(keyIdOrFingerprint);
        if (hex is null || (hex.Length != 16 && hex.Length != 40 && hex.Length != 64))
            throw new ArgumentException($"'{keyIdOrFingerprint}' is neither a key ID (16 hex digits) nor a fingerprint (40 or 64).", parameterName);
        return hex;
    }

    /// <summary>The lowercased addr-spec of an address or user ID.</summary>
    public static string Email(string address, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(address, parameterName);
        return UserId.EmailOf(address) ?? throw new ArgumentException($"'{address}' holds no e-mail address.", parameterName);
    }

    private static string? Hex(string text)
    {
        var s = text.Replace(" ", "", StringComparison.Ordinal);
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) s = s[2..];
        return s.Length > 0 && s.All(Uri.IsHexDigit) ? s.ToUpper(CultureInfo.InvariantCulture) : null;
    }
}

/// <summary>Certificates or secret keys indexed by primary fingerprint, by the key ID and fingerprint of each of
/// their keys, and by e-mail address. Not thread-safe: its owner locks, or builds a fresh one per query.</summary>
internal sealed class KeyIndex<T>
    where T : class
{
    private readonly Func<T, Certificate> certificateOf;
    private readonly SortedDictionary<string, T> byFingerprint = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> byEmail = new(StringComparer.Ordinal);

    public KeyIndex(Func<T, Certificate> certificateOf) => this.certificateOf = certificateOf;

    public KeyIndex(Func<T, Certificate> certificateOf, IEnumerable<T> items)
        : this(certificateOf)
    {
        foreach (var item in items) Set(item);
    }

    public int Count => byFingerprint.Count;

    public T? Get(string fingerprint) => byFingerprint.GetValueOrDefault(fingerprint);

    /// <summary>Adds an item, or replaces the one with the same primary fingerprint.</summary>
    public void Set(T item)
    {
        var certificate = certificateOf(item);
        Remove(certificate.Fingerprint);
        byFingerprint[certificate.Fingerprint] = item;
        foreach (var key in KeysOf(certificate)) Link(byKey, key, certificate.Fingerprint);
        foreach (var email in certificate.EmailAddresses) Link(byEmail, email, certificate.Fingerprint);
    }

    public bool Remove(string fingerprint)
    {
        if (!byFingerprint.Remove(fingerprint, out var old)) return false;
        var certificate = certificateOf(old);
        foreach (var key in KeysOf(certificate)) Unlink(byKey, key, fingerprint);
        foreach (var email in certificate.EmailAddresses) Unlink(byEmail, email, fingerprint);
        return true;
    }

    public IReadOnlyList<T> All() => byFingerprint.Values.ToList();

    public IReadOnlyList<T> ByKey(string normalizedKeyIdOrFingerprint) => Lookup(byKey, normalizedKeyIdOrFingerprint);

    public IReadOnlyList<T> ByEmail(string normalizedEmail) => Lookup(byEmail, normalizedEmail);

    private IReadOnlyList<T> Lookup(Dictionary<string, HashSet<string>> map, string key) =>
        map.TryGetValue(key, out var fingerprints)
            ? fingerprints.Order(StringComparer.Ordinal).Select(f => byFingerprint[f]).ToList()
            : Array.Empty<T>();

    private static IEnumerable<string> KeysOf(Certificate certificate) =>
        certificate.Subkeys.Prepend(certificate.PrimaryKey).SelectMany(k => new[] { k.KeyId, k.Fingerprint }).Distinct(StringComparer.Ordinal);

    private static void Link(Dictionary<string, HashSet<string>> map, string key, string fingerprint)
    {
        if (!map.TryGetValue(key, out var set)) map[key] = set = new HashSet<string>(StringComparer.Ordinal);
        set.Add(fingerprint);
    }

    private static void Unlink(Dictionary<string, HashSet<string>> map, string key, string fingerprint)
    {
        if (map.TryGetValue(key, out var set) && set.Remove(fingerprint) && set.Count == 0) map.Remove(key);
    }
}
