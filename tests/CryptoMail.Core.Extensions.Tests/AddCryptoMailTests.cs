using System.Collections.Concurrent;
using System.Net;
using CryptoMail.Core.Discovery;
using CryptoMail.Core.Extensions;
using CryptoMail.Core.Mime;
using CryptoMail.Core.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CryptoMail.Core.Extensions.Tests;

public sealed class AddCryptoMailTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("cm-ext-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Registers_one_engine_its_mime_engine_stores_in_memory_and_a_wkd_client()
    {
        using var provider = new ServiceCollection().AddCryptoMail().BuildServiceProvider();
        var pgp = provider.GetRequiredService<OpenPgp>();
        Assert.Same(pgp, provider.GetRequiredService<OpenPgp>());
        Assert.Same(pgp.Mime, provider.GetRequiredService<PgpMime>());
        Assert.Same(OpenPgpOptions.Default.Policy, pgp.Options.Policy);
        Assert.Same(OpenPgpOptions.Default.Limits, pgp.Options.Limits);
        Assert.Same(provider.GetRequiredService<IOpenPgpDiagnostics>(), pgp.Options.Diagnostics);
        Assert.IsType<InMemoryCertificateStore>(provider.GetRequiredService<ICertificateStore>());
        Assert.IsType<InMemorySecretKeyStore>(provider.GetRequiredService<ISecretKeyStore>());
        Assert.NotNull(provider.GetRequiredService<WkdClient>());
    }

    [Fact]
    public void Options_are_bound_from_configuration_and_then_changed_in_code()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CryptoMail:CertificateDirectory"] = Path.Combine(dir, "pgp.cert.d"),
            ["CryptoMail:SecretKeyDirectory"] = Path.Combine(dir, "secret-keys"),
            ["CryptoMail:WkdTimeout"] = "00:00:03",
            ["CryptoMail:WkdMaxResponseBytes"] = "1000",
        }).Build();
        using var provider = new ServiceCollection()
            .AddCryptoMail(configuration.GetSection(CryptoMailOptions.SectionName), o => o.WkdMaxResponseBytes = 2000)
            .BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<CryptoMailOptions>>().Value;
        Assert.Equal(TimeSpan.FromSeconds(3), options.WkdTimeout);
        Assert.Equal(2000, options.WkdMaxResponseBytes);
        Assert.IsType<CertificateDirectory>(provider.GetRequiredService<ICertificateStore>());
        Assert.IsType<SecretKeyDirectory>(provider.GetRequiredService<ISecretKeyStore>());
    }

    [Fact]
    public void The_engine_takes_the_OpenPgpOptions_registered_in_the_container_and_registrations_already_made_stay()
    {
        var openPgpOptions = new OpenPgpOptions();
        var store = new InMemoryCertificateStore();
        using var provider = new ServiceCollection()
            .AddSingleton(openPgpOptions)
            .AddSingleton<ICertificateStore>(store)
            .AddCryptoMail()
            .BuildServiceProvider();
        Assert.Same(openPgpOptions.Policy, provider.GetRequiredService<OpenPgp>().Options.Policy);
        Assert.Same(store, provider.GetRequiredService<ICertificateStore>());
    }

    [Fact]
    public void Invalid_options_are_refused_when_the_client_is_made()
    {
        using var provider = new ServiceCollection().AddCryptoMail(o => o.WkdTimeout = TimeSpan.Zero).BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<WkdClient>());
    }

    [Fact]
    public async Task Wkd_lookups_go_through_the_http_client_factory_and_each_request_is_logged_without_its_query()
    {
        var server = new NotFoundHandler();
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs))
            .AddCryptoMail();
        services.AddHttpClient(CryptoMailServiceCollectionExtensions.WkdHttpClientName).ConfigurePrimaryHttpMessageHandler(() => server);
        using var provider = services.BuildServiceProvider();
        var wkd = provider.GetRequiredService<WkdClient>();

        var synchronous = wkd.Lookup("joe.doe@example.org");
        var asynchronous = await wkd.LookupAsync("joe.doe@example.org");

        Assert.False(synchronous.Found);
        Assert.False(asynchronous.Found);
        Assert.True(server.Requests.Count >= 2, $"{server.Requests.Count} requests reached the handler");
        Assert.All(server.Requests, uri => Assert.EndsWith("example.org", uri.Host, StringComparison.Ordinal));
        var wkdLines = logs.Messages.Where(m => m.StartsWith("WKD request ", StringComparison.Ordinal)).ToList();
        Assert.Equal(server.Requests.Count, wkdLines.Count);
        Assert.All(wkdLines, line => Assert.Contains("HTTP 404", line, StringComparison.Ordinal));
        Assert.All(wkdLines, line => Assert.DoesNotContain("joe.doe", line, StringComparison.Ordinal));
    }

    /// <summary>A directory that has no key for anyone (and answers without a network).</summary>
    private sealed class NotFoundHandler : HttpMessageHandler
    {
        public ConcurrentQueue<Uri> Requests { get; } = new();

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request.RequestUri!);
            return new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request };
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Send(request, cancellationToken));
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose() { }

        private sealed class Logger(CapturingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Messages.Enqueue(formatter(state, exception));
        }
    }
}
