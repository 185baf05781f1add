using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CryptoMail.Core.Discovery;

/// <summary>Where a Web Key Directory (draft-koch-openpgp-webkey-service) publishes the key of one address.</summary>
public sealed record WkdLocation
{
    internal WkdLocation(string address, string localPart, string domain, string hash, Uri advancedUri, Uri directUri)
    {
        Address = address;
        LocalPart = localPart;
        Domain = domain;
        Hash = hash;
        AdvancedUri = advancedUri;
        DirectUri = directUri;
    }

    /// <summary>The address as given.</summary>
    public string Address { get; init; }

    /// <summary>The local part as given (it travels, percent-encoded, in the <c>l=</c> parameter).</summary>
    public string LocalPart { get; init; }

    /// <summary>The domain, lowercased and in ASCII (IDNA) form.</summary>
    public string Domain { get; init; }

    /// <summary>The z-base-32 encoded SHA-1 of the lowercased local part (32 characters).</summary>
    public string Hash { get; init; }

    /// <summary>The key's URI under the advanced method (<c>https://openpgpkey.DOMAIN/.well-known/openpgpkey/DOMAIN/hu/HASH?l=LOCAL</c>).</summary>
    public Uri AdvancedUri { get; init; }

    /// <summary>The key's URI under the direct method (<c>https://DOMAIN/.well-known/openpgpkey/hu/HASH?l=LOCAL</c>).</summary>
    public Uri DirectUri { get; init; }

    /// <summary>The domain's policy file under the advanced method.</summary>
    public Uri AdvancedPolicyUri => Wkd.PolicyUri(Domain, WkdMethod.Advanced);

    /// <summary>The domain's policy file under the direct method.</summary>
    public Uri DirectPolicyUri => Wkd.PolicyUri(Domain, WkdMethod.Direct);
}

/// <summary>The two ways a Web Key Directory can be laid out and queried.</summary>
public enum WkdMethod
{
    /// <summary>On the <c>openpgpkey.</c> subdomain, with the domain in the path. Clients try it first.</summary>
    Advanced,
    /// <summary>On the domain itself. Clients use it only when the <c>openpgpkey.</c> subdomain does not exist.</summary>
    Direct,
}

/// <summary>Web Key Directory addressing (draft-koch-openpgp-webkey-service, section 3.1).</summary>
public static class Wkd
{
    private const string ZBase32Alphabet = "ybndrfg8ejkmcpqxot1uwisza345h769";

    /// <summary>Computes where the key of <paramref name="address"/> is published.</summary>
    /// <param name="address">An e-mail address (<c>local@domain</c>), or a user ID such as <c>Name &lt;local@domain&gt;</c>.</param>
    /// <returns>Both URIs and the parts they are made of.</returns>
    /// <exception cref="ArgumentException">The address is not of the form <c>local@domain</c>.</exception>
    public static WkdLocation Locate(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var (local, domain) = Split(address);
        string hash = HashLocalPart(local);
        string query = "?l=" + Uri.EscapeDataString(local);
        var advanced = new Uri($"https://openpgpkey.{domain}/.well-known/openpgpkey/{domain}/hu/{hash}{query}");
        var direct = new Uri($"https://{domain}/.well-known/openpgpkey/hu/{hash}{query}");
        return new WkdLocation(address, local, domain, hash, advanced, direct);
    }

    /// <summary>The z-base-32 encoded SHA-1 digest of the local part mapped to lowercase: the file name under <c>hu/</c>.</summary>
    /// <param name="localPart">The local part of an address (before the <c>@</c>).</param>
    /// <returns>32 z-base-32 characters.</returns>
    /// <remarks>Only ASCII letters are lowercased, as GnuPG does; other characters are hashed as their UTF-8 bytes.</remarks>
    public static string HashLocalPart(string localPart)
    {
        ArgumentException.ThrowIfNullOrEmpty(localPart);
        var lowered = new StringBuilder(localPart.Length);
        foreach (char c in localPart) lowered.Append(c is >= 'A' and <= 'Z' ? (char)(c + 32) : c);
#pragma warning disable CA5350 // The draft fixes SHA-1 here as a name mapping, not for security.
        return ZBase32(SHA1.HashData(Encoding.UTF8.GetBytes(lowered.ToString())));
#pragma warning restore CA5350
    }

    /// <summary>The policy file of a domain's directory.</summary>
    /// <param name="domain">The mail domain.</param>
    /// <param name="method">Which layout.</param>
    /// <returns>The policy file's URI.</returns>
    public static Uri PolicyUri(string domain, WkdMethod method)
    {
        string d = DomainNames.Normalize(domain);
        return method == WkdMethod.Advanced
            ? new Uri($"https://openpgpkey.{d}/.well-known/openpgpkey/{d}/policy")
            : new Uri($"https://{d}/.well-known/openpgpkey/policy");
    }

    /// <summary>The directory, relative to a web root, that holds the <c>hu/</c> folder and policy file.</summary>
    internal static string RelativeDirectory(string domain, WkdMethod method) =>
        method == WkdMethod.Advanced ? Path.Combine(".well-known", "openpgpkey", domain) : Path.Combine(".well-known", "openpgpkey");

    internal static (string Local, string Domain) Split(string address)
    {
        string bare = UserId.EmailOf(address) is not null ? Unbracket(address) : address.Trim();
        int at = bare.LastIndexOf('@');
        if (at <= 0 || at == bare.Length - 1 || bare.Any(char.IsWhiteSpace))
            throw new ArgumentException($"'{address}' is not an e-mail address of the form local@domain.", nameof(address));
        return (bare[..at], DomainNames.Normalize(bare[(at + 1)..]));
    }

    private static string Unbracket(string userId)
    {
        int lt = userId.LastIndexOf('<');
        int gt = userId.LastIndexOf('>');
        return (lt >= 0 && gt > lt ? userId[(lt + 1)..gt] : userId).Trim();
    }


    internal static string ZBase32(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder((data.Length * 8 + 4) / 5);
        int buffer = 0, bits = 0;
        foreach (byte b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                sb.Append(ZBase32Alphabet[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) sb.Append(ZBase32Alphabet[(buffer << (5 - bits)) & 31]);
        return sb.ToString();
    }
}
