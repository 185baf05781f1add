using System.Diagnostics;

/// <summary>The throwaway Postfix + Dovecot stack of start-servers.sh: started for the run, stopped and deleted after.</summary>
internal sealed class MailServers : IAsyncDisposable
{
    private readonly bool owned;

    private MailServers(string folder, int smtpPort, int imapPort, bool owned)
    {
        Folder = folder;
        SmtpPort = smtpPort;
        ImapPort = imapPort;
        this.owned = owned;
    }

    /// <summary>The folder holding the servers' configuration, queue and mail store.</summary>
    public string Folder { get; }

    public int SmtpPort { get; }

    public int ImapPort { get; }

    /// <summary>Where Dovecot keeps the delivered messages (Maildir per user).</summary>
    public string MailStore => Path.Combine(Folder, "mail");

    /// <summary>Runs start-servers.sh (which installs Postfix and Dovecot when missing) and reads the ports it chose.</summary>
    public static async Task<MailServers> StartAsync()
    {
        string script = Path.Combine(AppContext.BaseDirectory, "start-servers.sh");
        var (code, stdout, stderr) = await RunAsync("bash", script);
        if (code != 0) throw new InvalidOperationException($"start-servers.sh failed ({code}):\n{stderr}");
        var values = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        return new MailServers(values["SECUREMAIL_DIR"], int.Parse(values["SMTP_PORT"], System.Globalization.CultureInfo.InvariantCulture), int.Parse(values["IMAP_PORT"], System.Globalization.CultureInfo.InvariantCulture), owned: true);
    }

    /// <summary>Uses servers that are already running (started by hand with start-servers.sh).</summary>
    public static MailServers Existing(string folder, int smtpPort, int imapPort) => new(folder, smtpPort, imapPort, owned: false);

    public async ValueTask DisposeAsync()
    {
        if (!owned) return;
        await RunAsync("bash", Path.Combine(AppContext.BaseDirectory, "stop-servers.sh"), Folder);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
