using CryptoMail.Core.Discovery;
using CryptoMail.Core.Mime;
using CryptoMail.Core.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CryptoMail.Core.Extensions;

/// <summary>Registers CryptoMail.Core in a service container.</summary>
public static partial class CryptoMailServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> configuration the Web Key Directory client is built from
    /// (add handlers or a proxy to it with <c>services.AddHttpClient(CryptoMailServiceCollectionExtensions.WkdHttpClientName)</c>).</summary>
    public const string WkdHttpClientName = "CryptoMail.Wkd";

    /// <summary>Registers, as singletons: <see cref="OpenPgp"/> (with the <see cref="OpenPgpOptions"/> registered in the
    /// container, or the defaults; when they name no <see cref="OpenPgpOptions.Diagnostics"/>, a copy that reports to
    /// the registered <see cref="IOpenPgpDiagnostics"/>, by default one that writes each policy refusal, rejected key
    /// or signature and limit reached to <c>ILogger</c> under the category <c>CryptoMail.Core.Diagnostics</c>), its <see cref="PgpMime"/> engine, an <see cref="ICertificateStore"/> and an
    /// <see cref="ISecretKeyStore"/> (directories when <see cref="CryptoMailOptions"/> names them, else in memory), and a
    /// <see cref="WkdClient"/> whose HTTP handler comes from <see cref="IHttpClientFactory"/> (named
    /// <see cref="WkdHttpClientName"/>) and logs each request. Services already registered are kept.</summary>
    /// <param name="services">The container.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddCryptoMail(this IServiceCollection services) => services.AddCryptoMail((Action<CryptoMailOptions>?)null);

    /// <summary>As <see cref="AddCryptoMail(IServiceCollection)"/>, with the options set in code.</summary>
    /// <param name="services">The container.</param>
    /// <param name="configure">Sets the options, after any configuration binding; null to keep them.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddCryptoMail(this IServiceCollection services, Action<CryptoMailOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<CryptoMailOptions>();
        if (configure is not null) options.Configure(configure);
        options.Validate(o => o.WkdTimeout > TimeSpan.Zero && o.WkdMaxResponseBytes > 0,
            "CryptoMail: WkdTimeout and WkdMaxResponseBytes must be positive.");

        services.AddLogging();
        services.TryAddSingleton<IOpenPgpDiagnostics, LoggingDiagnostics>();
        services.TryAddSingleton(sp => new OpenPgp(WithDiagnostics(
            sp.GetService<OpenPgpOptions>() ?? OpenPgpOptions.Default, sp.GetRequiredService<IOpenPgpDiagnostics>())));
        services.TryAddSingleton(sp => sp.GetRequiredService<OpenPgp>().Mime);
        services.TryAddSingleton<ICertificateStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<CryptoMailOptions>>().Value;
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CryptoMailOptions).Namespace!);
            LogStore(log, "certificate", o.CertificateDirectory ?? "memory");
            return o.CertificateDirectory is { Length: > 0 } dir ? new CertificateDirectory(dir) : new InMemoryCertificateStore();
        });
        services.TryAddSingleton<ISecretKeyStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<CryptoMailOptions>>().Value;
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CryptoMailOptions).Namespace!);
            LogStore(log, "secret key", o.SecretKeyDirectory ?? "memory");
            return o.SecretKeyDirectory is { Length: > 0 } dir ? new SecretKeyDirectory(dir) : new InMemorySecretKeyStore();
        });

        services.TryAddTransient<WkdLoggingHandler>();
        services.AddHttpClient(WkdHttpClientName).AddHttpMessageHandler<WkdLoggingHandler>();
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<CryptoMailOptions>>().Value;
            // The client owns no handler it is given: the factory keeps pooling and rotating the handler chain.
            var handler = sp.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(WkdHttpClientName);
            return new WkdClient(o.ToWkdClientOptions(handler));
        });
        return services;
    }

    /// <summary>As <see cref="AddCryptoMail(IServiceCollection)"/>, with the options bound from
    /// <paramref name="configuration"/> (for example <c>configuration.GetSection(CryptoMailOptions.SectionName)</c>)
    /// and then changed by <paramref name="configure"/>.</summary>
    /// <param name="services">The container.</param>
    /// <param name="configuration">The section holding the <see cref="CryptoMailOptions"/> values.</param>
    /// <param name="configure">Sets the options in code, after the binding; null to keep them.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddCryptoMail(this IServiceCollection services, IConfiguration configuration,
        Action<CryptoMailOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CryptoMailOptions>().Bind(configuration);
        return services.AddCryptoMail(configure);
    }

    /// <summary>The registered options as they are when they name a sink already; else a copy that reports to
    /// <paramref name="diagnostics"/> (every other setting unchanged: a test fails when OpenPgpOptions gains a
    /// property this copy does not carry).</summary>
    internal static OpenPgpOptions WithDiagnostics(OpenPgpOptions options, IOpenPgpDiagnostics diagnostics) =>
        options.Diagnostics is not null ? options : new OpenPgpOptions
        {
            Policy = options.Policy,
            Limits = options.Limits,
            MaxParallelism = options.MaxParallelism,
            Diagnostics = diagnostics,
        };

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "CryptoMail {Kind} store: {Where}")]
    private static partial void LogStore(ILogger logger, string kind, string where);
}
