using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace CryptoMail.Core.Autocrypt;

/// <summary>An Autocrypt peer's or account's encryption preference (Autocrypt Level 1, <c>prefer-encrypt</c>).</summary>
public enum AutocryptPreference
{
    /// <summary>No preference (also what any value other than <c>mutual</c> means).</summary>
    NoPreference,
    /// <summary><c>mutual</c>: encrypt by default with peers who say the same.</summary>
    Mutual,
}

/// <summary>The value of an <c>Autocrypt</c> or <c>Autocrypt-Gossip</c> header (Autocrypt Level 1): an address,
/// an encryption preference and a minimal certificate.</summary>
/// <remarks>Immutable. <see cref="TryParse"/> applies the Level 1 rules: <c>addr</c> and <c>keydata</c> are required
/// and <c>keydata</c> comes last, unknown attributes starting with <c>_</c> are ignored, any other unknown
/// attribute makes the header invalid, and so does a header over 10 KiB or key data that is not exactly one
/// certificate.</remarks>
public sealed class AutocryptHeader
{
    /// <summary>The largest header Level 1 accepts (10 KiB, including name and folding).</summary>
    public const int MaxHeaderBytes = 10 * 1024;

    private const int FoldWidth = 76;
    private readonly byte[] keyData;

    private AutocryptHeader(string address, AutocryptPreference preferEncrypt, byte[] keyData, Certificate certificate)
    {
        Address = address;
        PreferEncrypt = preferEncrypt;
        this.keyData = keyData;
        Certificate = certificate;
    }

    /// <summary>The address the header is for, canonicalized (lowercase).</summary>
    public string Address { get; }

    /// <summary>The encryption preference.</summary>
    public AutocryptPreference PreferEncrypt { get; }

    /// <summary>The key data as sent: a binary OpenPGP certificate.</summary>
    public ReadOnlySpan<byte> KeyData => keyData;

    /// <summary>The certificate in <see cref="KeyData"/>.</summary>
    public Certificate Certificate { get; }

    /// <summary>Makes the header an account sends: <paramref name="address"/> and the minimal certificate for it
    /// (primary key, the user ID with that address and its newest self-signature, the current encryption subkey
    /// and its newest binding signature).</summary>
    /// <param name="certificate">The account's certificate.</param>
    /// <param name="address">The From address of outgoing mail; a valid user ID must carry it.</param>
    /// <param name="preferEncrypt">The account's preference; use <see cref="AutocryptPreference.NoPreference"/> for gossip.</param>
    /// <param name="time">The time at which the encryption key must be usable; null for now.</param>
    /// <returns>The header.</returns>
    /// <exception cref="KeyNotUsableException">The certificate has no valid user ID with the address, no usable
    /// encryption key, or keys so large that the header would exceed 10 KiB.</exception>
    public static AutocryptHeader Create(Certificate certificate, string address, AutocryptPreference preferEncrypt = AutocryptPreference.NoPreference, DateTimeOffset? time = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        string canonical = CanonicalAddress(address) ?? throw new ArgumentException($"'{address}' is not an e-mail address.", nameof(address));
        byte[] minimal = MinimalKeyData(certificate, canonical, time ?? DateTimeOffset.UtcNow);
        var header = new AutocryptHeader(canonical, preferEncrypt, minimal, Certificate.Parse(minimal));
        // Level 1: a MUA MUST NOT send a header above 10 KiB (name and folding included).
        if ("Autocrypt: ".Length + header.ToHeaderValue().Length > MaxHeaderBytes)
            throw new KeyNotUsableException($"The Autocrypt header for certificate {certificate.Fingerprint} would exceed 10 KiB.");
        return header;
    }

    /// <summary>Level 1 key data: the primary key, the user ID with the address and its newest self-signature, and the
    /// newest encryption key alive at <paramref name="time"/> (a post-quantum one before classical ones) with its newest
    /// binding signature.</summary>
    private static byte[] MinimalKeyData(Certificate certificate, string address, DateTimeOffset time)
    {
        if (certificate.PrimaryKey.IsRevokedAt(time)) throw new KeyNotUsableException($"Certificate {certificate.Fingerprint} is revoked.");
        string userId = certificate.UserIds.FirstOrDefault(u => UserId.EmailOf(u) == address)
            ?? throw new KeyNotUsableException($"Certificate {certificate.Fingerprint} has no valid user ID with the address {address}.");
        // A post-quantum (RFC 9980 composite ML-KEM) key first, as encryption prefers it (no silent downgrade).
        KeyInfo encryption = certificate.EncryptionKeys(time)
            .OrderByDescending(k => k.Algorithm is KeyAlgorithm.MlKem768X25519 or KeyAlgorithm.MlKem1024X448)
            .ThenByDescending(k => k.CreationTime).FirstOrDefault()
            ?? throw new KeyNotUsableException($"Certificate {certificate.Fingerprint} has no encryption key usable now.");
        return certificate.Minimize(userId, k => k.Fingerprint == encryption.Fingerprint).Export();
    }

    /// <summary>Parses a header value (the text after <c>Autocrypt:</c>, folded or not).</summary>
    /// <param name="value">The header value.</param>
    /// <param name="header">The header, when valid.</param>
    /// <returns>Whether the value is a valid Level 1 header.</returns>
    public static bool TryParse(string? value, [NotNullWhen(true)] out AutocryptHeader? header)
    {
        header = null;
        if (value is null || value.Length > MaxHeaderBytes) return false;
        string? addr = null, keydata = null;
        var preference = AutocryptPreference.NoPreference;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string[] attributes = value.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Split(';');
        for (int i = 0; i < attributes.Length; i++)
        {
            string attribute = attributes[i].Trim();
            if (attribute.Length == 0 && i == attributes.Length - 1) break; // a trailing ';'
            int eq = attribute.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || keydata is not null) return false; // malformed, or something after keydata
            string name = attribute[..eq].Trim();
            string attributeValue = attribute[(eq + 1)..].Trim();
            if (!seen.Add(name)) return false;
            switch (name)
            {
                case "addr": addr = attributeValue; break;
                case "prefer-encrypt": preference = attributeValue == "mutual" ? AutocryptPreference.Mutual : AutocryptPreference.NoPreference; break;
                case "keydata": keydata = attributeValue; break;
                default:
                    if (!name.StartsWith('_')) return false; // an unknown critical attribute
                    break;
            }
        }
        if (addr is null || keydata is null || CanonicalAddress(addr) is not { } canonical) return false;
        byte[] data;
        try
        {
            data = Convert.FromBase64String(string.Concat(keydata.Where(c => !char.IsWhiteSpace(c))));
        }
        catch (FormatException)
        {
            return false;
        }
        if (data.Length == 0) return false;
        try
        {
            var certificates = Certificate.ParseAll(data);
            if (certificates.Count != 1) return false;
            header = new AutocryptHeader(canonical, preference, data, certificates[0]);
            return true;
        }
        catch (CryptoMailException)
        {
            return false;
        }
    }

    /// <summary>Chooses the sender's header among all <c>Autocrypt</c> header values of a message: the single valid
    /// one whose address is <paramref name="fromAddress"/>. Headers for other addresses are invalid; more than one
    /// valid header means none counts (Level 1, "Updating Autocrypt Peer State").</summary>
    /// <param name="headerValues">Every <c>Autocrypt</c> header value of the message.</param>
    /// <param name="fromAddress">The address in the message's From header.</param>
    /// <returns>The header, or null when there is no single valid one.</returns>
    public static AutocryptHeader? SelectSenderHeader(IEnumerable<string> headerValues, string fromAddress)
    {
        ArgumentNullException.ThrowIfNull(headerValues);
        string? from = CanonicalAddress(fromAddress);
        if (from is null) return null;
        AutocryptHeader? chosen = null;
        foreach (string value in headerValues)
        {
            if (!TryParse(value, out var header) || header.Address != from) continue;
            if (chosen is not null) return null;
            chosen = header;
        }
        return chosen;
    }

    /// <summary>The header value, folded as Level 1 shows it: the attributes on the first line, the base64 key data
    /// on continuation lines that start with a space.</summary>
    /// <param name="newLine">The line break to fold with (CRLF on the wire).</param>
    /// <returns>The value, without the header name.</returns>
    public string ToHeaderValue(string newLine = "\r\n")
    {
        var sb = new StringBuilder();
        sb.Append("addr=").Append(Address).Append("; ");
        if (PreferEncrypt == AutocryptPreference.Mutual) sb.Append("prefer-encrypt=mutual; ");
        sb.Append("keydata=");
        string base64 = Convert.ToBase64String(keyData);
        for (int i = 0; i < base64.Length; i += FoldWidth)
        {
            sb.Append(newLine).Append(' ').Append(base64, i, Math.Min(FoldWidth, base64.Length - i));
        }
        return sb.ToString();
    }

    /// <summary>The same header without a preference, as <c>Autocrypt-Gossip</c> carries it.</summary>
    /// <returns>The gossip form.</returns>
    public AutocryptHeader ForGossip() =>
        PreferEncrypt == AutocryptPreference.NoPreference ? this : new AutocryptHeader(Address, AutocryptPreference.NoPreference, keyData, Certificate);

    /// <inheritdoc />
    public override string ToString() => ToHeaderValue();

    /// <summary>Level 1 address canonicalization: trimmed, lowercase local part, lowercase ASCII (IDNA) domain;
    /// null when it is not an address.</summary>
    internal static string? CanonicalAddress(string? address)
    {
        if (address is null) return null;
        string? email = UserId.EmailOf(address);
        if (email is null) return null;
        int at = email.LastIndexOf('@');
        try
        {
            return email[..at] + "@" + DomainNames.Normalize(email[(at + 1)..]);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
