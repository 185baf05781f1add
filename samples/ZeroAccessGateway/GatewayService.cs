using System.Collections.Concurrent;
using System.Diagnostics;
using CryptoMail.Core;
using CryptoMail.Core.Extensions;
using CryptoMail.Core.Mime;
using CryptoMail.Core.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace ZeroAccessGateway;

/// <summary>What the gateway works on: its root folder (in/, out/, keys/), and for the demo a crash after K deliveries.</summary>
internal sealed class GatewaySettings
{
    public string Root { get; set; } = "";

    /// <summary>Kill the process between the fsync and the rename of the K-th delivery (0: never).</summary>
    public int CrashAfter { get; set; }

    /// <summary>Keep running, a pass every <see cref="PollInterval"/>, until the host is stopped; else one pass.</summary>
    public bool Watch { get; set; }

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>How the run ended, read by the program after the host stopped: 0 every message delivered, 3 some left for
/// lack of a certificate, 1 a failure (the default until a pass completes).</summary>
internal sealed class GatewayOutcome
{
    public int ExitCode { get; set; } = 1;
}

/// <summary>The generic host around the gateway: CryptoMail registered with <c>AddCryptoMail</c> (its certificate
/// store, the engine and its ILogger diagnostics), the gateway as a <see cref="BackgroundService"/>.</summary>
internal static class GatewayHost
{
    public static async Task<int> RunAsync(GatewaySettings settings)
    {
        // No command-line arguments reach the host's configuration (they are the sample's own); appsettings.json and
        // CRYPTOMAIL__* environment variables still do, as in any hosted service.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Services.AddCryptoMail(builder.Configuration.GetSection(CryptoMailOptions.SectionName), configure: null);
        builder.Services.AddSingleton(Options.Create(settings));
        builder.Services.AddSingleton<GatewayOutcome>();
        builder.Services.AddHostedService<GatewayService>();
        using var host = builder.Build();
        var outcome = host.Services.GetRequiredService<GatewayOutcome>();
        try
        {
            await host.RunAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"FAILED: {e}");
            return 1;
        }
        return outcome.ExitCode;
    }
}

/// <summary>The gateway: each pass encrypts every message of in/ to each of its recipients (one copy per recipient,
/// looked up in the certificate store), delivers each copy durably into out/&lt;address&gt;/, and only then deletes the
/// plaintext. One pass and stop (<c>run</c>), or a pass every few seconds until the host stops (<c>watch</c>).</summary>
internal sealed partial class GatewayService(
    OpenPgp pgp, ICertificateStore certificates, IOptions<GatewaySettings> options, GatewayOutcome outcome,
    IHostApplicationLifetime lifetime, ILogger<GatewayService> logger) : BackgroundService
{
    private readonly GatewaySettings settings = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // One gateway per root: the recovery below assumes nobody else touches our tmp/ files.
            using var gatewayLock = new FileStream(Path.Combine(settings.Root, "gateway.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            int imported = await ImportCertificatesAsync(stoppingToken);
            LogStarted(logger, settings.Root, imported, settings.Watch);
            RemoveUnfinishedDeliveries();
            do
            {
                var pass = await PassAsync(stoppingToken);
                outcome.ExitCode = pass.NoKey == 0 ? 0 : 3;
                if (!settings.Watch) break;
                await Task.Delay(settings.PollInterval, stoppingToken);
            }
            while (!stoppingToken.IsCancellationRequested);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped by the host (Ctrl+C, SIGTERM): the current pass stopped between messages; nothing is half done.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogFailed(logger, e);
            outcome.ExitCode = 1;
        }
        finally
        {
            if (!settings.Watch) lifetime.StopApplication();
        }
    }

    /// <summary>The certificates the gateway may encrypt to (keys/*.asc) go into the registered store.</summary>
    private async Task<int> ImportCertificatesAsync(CancellationToken token)
    {
        int count = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(settings.Root, "keys"), "*.asc"))
        {
            await certificates.InsertCertificateAsync(Certificate.Parse(await File.ReadAllTextAsync(file, token)), token);
            count++;
        }
        return count;
    }

    /// <summary>Recovery: a tmp/ file is a delivery that crashed before its rename. It holds only ciphertext; its
    /// plaintext is still in the input, so it is deleted and redone.</summary>
    private void RemoveUnfinishedDeliveries()
    {
        var outRoot = Directory.CreateDirectory(Path.Combine(settings.Root, "out"));
        foreach (var leftover in outRoot.EnumerateDirectories().SelectMany(d => Directory.EnumerateFiles(Path.Combine(d.FullName, "tmp"), "*.zag")))
        {
            File.Delete(leftover);
        }
    }

    private async Task<(int Processed, int NoKey)> PassAsync(CancellationToken stoppingToken)
    {
        var input = new Maildir(Path.Combine(settings.Root, "in"));
        var outboxes = new ConcurrentDictionary<string, Maildir>(StringComparer.OrdinalIgnoreCase);
        Maildir Outbox(string address) => outboxes.GetOrAdd(address, a => new Maildir(Path.Combine(settings.Root, "out", a)));

        var files = input.Messages().ToList();
        if (files.Count == 0) return (0, 0);
        int processed = 0, delivered = 0, skipped = 0, noKey = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = stoppingToken },
            async (file, token) =>
            {
                MimeMessage message;
                await using (var stream = File.OpenRead(file)) message = await MimeMessage.LoadAsync(stream, token);
                var recipients = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes)
                    .Select(m => m.Address).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                var found = new Dictionary<string, IReadOnlyList<Certificate>>(StringComparer.OrdinalIgnoreCase);
                foreach (var recipient in recipients) found[recipient] = await certificates.FindCertificatesByEmailAsync(recipient, token);
                var missing = found.Where(f => f.Value.Count == 0).Select(f => f.Key).ToList();
                if (recipients.Count == 0 || missing.Count > 0)
                {
                    // Left in the input for an operator; never sent in the clear.
                    LogNoCertificate(logger, Path.GetFileName(file), missing.Count == 0 ? "(no recipient)" : string.Join(", ", missing));
                    Interlocked.Increment(ref noKey);
                    return;
                }
                var uniqueName = Path.GetFileName(file).Split(':')[0] + ".zag";
                foreach (var recipient in recipients)
                {
                    var outbox = Outbox(recipient);
                    if (outbox.Contains(uniqueName)) { Interlocked.Increment(ref skipped); continue; }   // delivered before a crash
                    // One copy per recipient, encrypted to that recipient only, so Bcc recipients stay hidden. The header
                    // travels inside the encryption (RFC 9788); the outer Subject shows only "[...]".
                    var sealedMessage = await pgp.Mime.EncryptAsync(message, found[recipient], new MimeEncryptOptions { ProtectHeaders = true }, token);
                    sealedMessage.Bcc.Clear();
                    outbox.Deliver(uniqueName, stream => sealedMessage.WriteTo(stream, token), beforeRename: () =>
                    {
                        if (settings.CrashAfter > 0 && Interlocked.Increment(ref delivered) >= settings.CrashAfter) Process.GetCurrentProcess().Kill();
                    });
                    if (settings.CrashAfter == 0) Interlocked.Increment(ref delivered);
                }
                File.Delete(file);   // only now: every copy is durable in its Maildir
                Interlocked.Increment(ref processed);
            });
        Maildir.SyncDirectory(input.New);
        Maildir.SyncDirectory(input.Cur);
        var seconds = clock.Elapsed.TotalSeconds;
        double rate = processed / Math.Max(seconds, 1e-9);
        int cores = Environment.ProcessorCount;
        LogPass(logger, processed, seconds, rate, cores, delivered, skipped, noKey);
        return (processed, noKey);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "gateway on {Root}: {Certificates} certificates in the store, watch: {Watch}")]
    private static partial void LogStarted(ILogger logger, string root, int certificates, bool watch);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information,
        Message = "gateway: {Processed} messages in {Seconds:F1} s = {Rate:F0} messages/s on {Cores} cores; {Delivered} deliveries, {Skipped} already delivered before a crash, {NoKey} left for lack of a key")]
    private static partial void LogPass(ILogger logger, int processed, double seconds, double rate, int cores, int delivered, int skipped, int noKey);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "message {File} left in the input: no certificate for {Recipients}")]
    private static partial void LogNoCertificate(ILogger logger, string file, string recipients);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "gateway failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
