using System.Globalization;

namespace CryptoMail.Core.Types;

/// <summary>Domain names as e-mail addresses and WKD URLs compare them.</summary>
internal static class DomainNames
{
    public static string Normalize(string domain)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(domain);
        try
        {
            string ascii = new IdnMapping().GetAscii(domain.Trim().TrimEnd('.')).ToLowerInvariant();
            if (Uri.CheckHostName(ascii) != UriHostNameType.Dns) throw new ArgumentException($"'{domain}' is not a domain name.", nameof(domain));
            return ascii;
        }
        catch (ArgumentException e) when (e.ParamName != nameof(domain))
        {
            throw new ArgumentException($"'{domain}' is not a valid domain name.", nameof(domain), e);
        }
    }
}
