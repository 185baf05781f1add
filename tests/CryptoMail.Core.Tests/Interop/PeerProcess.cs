using System.Diagnostics;

namespace CryptoMail.Core.Tests.Interop;

/// <summary>Runs a peer's command-line program non-interactively with a timeout and collects what it printed.</summary>
internal static class PeerProcess
{
    /// <summary>Runs <paramref name="executable"/>; untranslated messages (LC_ALL=C) plus <paramref name="environment"/>.</summary>
    /// <exception cref="InvalidOperationException">It could not start or did not finish in time (then it is killed).</exception>
    public static (int Code, byte[] Stdout, string Stderr) Exec(string executable, byte[]? stdin, IEnumerable<string> args,
        IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        // Stable, untranslated messages.
        start.Environment["LC_ALL"] = "C";
        start.Environment["LANGUAGE"] = "C";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        using var stdout = new MemoryStream();
        var readOut = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var readErr = process.StandardError.ReadToEndAsync();
        try
        {
            if (stdin is not null) process.StandardInput.BaseStream.Write(stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The peer may exit before reading all its input; its exit code tells what happened.
        }
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(executable)} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}.");
        }
        process.WaitForExit();
        readOut.GetAwaiter().GetResult();
        return (process.ExitCode, stdout.ToArray(), readErr.GetAwaiter().GetResult());
    }
}
