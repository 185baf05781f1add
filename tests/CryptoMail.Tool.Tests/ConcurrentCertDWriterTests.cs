using System.Diagnostics;
using System.Text;
using CryptoMail.Core;

namespace CryptoMail.Tool.Tests;

/// <summary>Two real processes (<c>dotnet CryptoMail.Tool.dll key import</c>) insert different updates to one
/// certificate into one cert-d at the same time: the write lock and merge-on-insert must keep every update.</summary>
public sealed class ConcurrentCertDWriterTests : IDisposable
{
    private const int UpdatesPerProcess = 40;
    private readonly ToolHarness tool = new();

    public void Dispose() => tool.Dispose();

    [Fact]
    public void Two_processes_inserting_updates_to_one_certificate_lose_none()
    {
        var key = new OpenPgp().GenerateKey("Shared <shared@example.org>");
        var store = tool.PathOf("store");
        var files = new Dictionary<char, List<string>>();
        foreach (var who in "AB")
        {
            files[who] = Enumerable.Range(0, UpdatesPerProcess)
                .Select(i => tool.Write($"{who}{i:D2}.asc", key.Revoke(RevocationReason.Superseded, Label(who, i)).ExportArmored()))
                .ToList();
        }

        var processes = "AB".Select(who => Start(["key", "import", $"--store={store}", .. files[who]])).ToList();
        var bothRunning = DateTime.Now;
        var results = processes.Select(Finish).ToList();
        foreach (var (code, stderr) in results) Assert.True(code == 0, $"a writer failed with exit code {code}: {stderr}");
        // Neither had finished when both were running, so their runs overlapped and the writers competed.
        Assert.True(processes.Min(p => p.ExitTime) > bothRunning, "one writer finished before the other started");

        var stored = new CertificateDirectory(Path.Combine(store, "pgp.cert.d")).GetCertificate(key.Fingerprint);
        Assert.NotNull(stored);
        var packets = stored.Export();
        var lost = "AB".SelectMany(who => Enumerable.Range(0, UpdatesPerProcess).Select(i => Label(who, i)))
            .Where(label => packets.AsSpan().IndexOf(Encoding.UTF8.GetBytes(label)) < 0)
            .ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} updates lost: {string.Join(", ", lost)}");
    }

    private static string Label(char who, int i) => $"update {i:D2} by process {who}";

    private static Process Start(string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CryptoMail.Tool.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the tool.");
    }

    private static (int Code, string Stderr) Finish(Process process)
    {
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("A writer did not finish within 5 minutes.");
        }
        process.WaitForExit();
        stdout.GetAwaiter().GetResult();
        return (process.ExitCode, stderr.GetAwaiter().GetResult());
    }

    /// <summary>The dotnet host that runs these tests (the test runner names it), else <c>dotnet</c> on PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }
}
