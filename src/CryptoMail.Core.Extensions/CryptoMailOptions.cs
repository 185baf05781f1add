using CryptoMail.Core.Discovery;

namespace CryptoMail.Core.Extensions;

/// <summary>What <see cref="CryptoMailServiceCollectionExtensions.AddCryptoMail(Microsoft.Extensions.DependencyInjection.IServiceCollection)"/>
/// registers, bound from the configuration section <see cref="SectionName"/> or set in code. The policy and read
/// limits of the registered <see cref="OpenPgp"/> come from an <see cref="OpenPgpOptions"/> registered in the
/// container (<see cref="OpenPgpOptions.Default"/> when there is none).</summary>
public sealed class CryptoMailOptions
{
    /// <summary>The configuration section these options are read from by default: <c>CryptoMail</c>.</summary>
    public const string SectionName = "CryptoMail";

    /// <summary>The shared OpenPGP certificate directory (cert-d) the <see cref="Stores.ICertificateStore"/> is kept in;
    /// null (the default) for a store in memory, empty at start.</summary>
    public string? CertificateDirectory { get; set; }

    /// <summary>The directory of passphrase-protected secret keys the <see cref="Stores.ISecretKeyStore"/> is kept in;
    /// null (the default) for a store in memory, empty at start.</summary>
    public string? SecretKeyDirectory { get; set; }

    /// <summary>How long one Web Key Directory request may take. Default 10 seconds.</summary>
    public TimeSpan WkdTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest Web Key Directory answer accepted, in bytes. Default 256 KiB.</summary>
    public int WkdMaxResponseBytes { get; set; } = 256 * 1024;

    internal WkdClientOptions ToWkdClientOptions(HttpMessageHandler handler) =>
        new() { Timeout = WkdTimeout, MaxResponseBytes = WkdMaxResponseBytes, Handler = handler };
}
