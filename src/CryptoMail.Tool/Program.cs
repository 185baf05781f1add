namespace CryptoMail.Tool;

/// <summary>The process entry point; everything else goes through <see cref="Run"/> so tests can call it in-process.</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            if (e.Key is string k && e.Value is string v) env[k] = v;
        }
        using var stdin = StandardInput();
        using var stdout = Console.OpenStandardOutput();
        using var stderr = Console.OpenStandardError();
        return Run(args, stdin, stdout, stderr, env, stderrIsTerminal: !Console.IsErrorRedirected);
    }

    /// <summary>Standard input; a file redirected to it (<c>&lt; file</c>) is opened as a seekable file, so the library
    /// can read a message twice instead of holding its plaintext back (SEIPD v1 decryption), and a pipe or terminal
    /// as the console's stream.</summary>
    private static Stream StandardInput()
    {
        if (!OperatingSystem.IsWindows())
        {
            try
            {
                var file = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(0, ownsHandle: false), FileAccess.Read, 1);
                if (file.CanSeek) return file;
                file.Dispose();
            }
            catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
            {
                // Not a file: the console's stream below.
            }
        }
        return Console.OpenStandardInput();
    }

    /// <summary>Runs one command line against the given streams and environment and returns the exit code.</summary>
    /// <param name="args">The arguments (without the program name).</param>
    /// <param name="stdin">Standard input.</param>
    /// <param name="stdout">Standard output; only results go here.</param>
    /// <param name="stderr">Standard error; diagnostics and, on a terminal, progress.</param>
    /// <param name="env">Environment variables, for <c>@ENV:</c> inputs and defaults.</param>
    /// <param name="stderrIsTerminal">Whether stderr is a terminal (enables the progress bar).</param>
    public static int Run(string[] args, Stream stdin, Stream stdout, Stream stderr, IDictionary<string, string> env, bool stderrIsTerminal = false)
    {
        var context = new ToolContext(stdin, stdout, stderr, env, stderrIsTerminal);
        try
        {
            return new ToolApp(context).Run(args);
        }
        finally
        {
            context.Flush();
        }
    }
}
