using System.Diagnostics;
using System.Globalization;

namespace CryptoMail.Tool;

/// <summary>A one-line progress bar on stderr, shown only when stderr is a terminal; otherwise nothing at all
/// is written (scripts and the SOP harness read stderr).</summary>
internal sealed class ProgressBar : IProgress<long>, IDisposable
{
    private const int Width = 30;
    private readonly TextWriter error;
    private readonly long? total;
    private readonly string label;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private long lastDrawMs = -1000;
    private bool drawn;

    private ProgressBar(TextWriter error, string label, long? total)
    {
        this.error = error;
        this.label = label;
        this.total = total;
    }

    /// <summary>A bar for an operation over <paramref name="input"/>, or null when stderr is not a terminal.</summary>
    public static ProgressBar? For(ToolContext context, string label, Stream input)
    {
        if (!context.StderrIsTerminal) return null;
        long? total = null;
        try
        {
            if (input.CanSeek) total = input.Length - input.Position;
        }
        catch (NotSupportedException)
        {
        }
        return new ProgressBar(context.Error, label, total);
    }

    public void Report(long value)
    {
        // Redraw at most ten times a second; short operations never draw at all.
        var now = clock.ElapsedMilliseconds;
        if (now < 300 || now - lastDrawMs < 100) return;
        lastDrawMs = now;
        drawn = true;
        string text;
        if (total is > 0)
        {
            double fraction = Math.Clamp((double)value / total.Value, 0, 1);
            int filled = (int)(fraction * Width);
            text = string.Create(CultureInfo.InvariantCulture, $"{label} [{new string('#', filled)}{new string('-', Width - filled)}] {fraction * 100,5:0.0}% {Size(value)}");
        }
        else
        {
            text = string.Create(CultureInfo.InvariantCulture, $"{label} {Size(value)}");
        }
        error.Write("\r" + text + "\u001b[K");
    }

    public void Dispose()
    {
        if (drawn) error.Write("\r\u001b[K");
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.00} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}
