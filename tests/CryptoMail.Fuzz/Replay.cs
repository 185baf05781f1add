using System.Diagnostics;

namespace CryptoMail.Fuzz;

/// <summary>One input that crashed a target when replayed.</summary>
/// <param name="Target">The target.</param>
/// <param name="File">The input file.</param>
/// <param name="Failure">The exception that escaped, or the hang.</param>
internal sealed record ReplayFailure(string Target, string File, string Failure);

/// <summary>Runs every committed input (seed corpus and crash regressions) through its target in this process: fast and
/// deterministic, for CI and the xUnit test.</summary>
internal static class Replay
{
    /// <summary>An input that takes longer is a hang, as under AFL++ (eng/fuzz.sh passes the same bound to afl-fuzz).</summary>
    public static readonly TimeSpan HangBound = TimeSpan.FromSeconds(10);

    /// <summary>The folder of the fuzz project (with corpus/ and crashes/), found upward from the current folder or
    /// from this assembly's.</summary>
    public static string ProjectDirectory()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "CryptoMail.Fuzz");
                if (File.Exists(Path.Combine(candidate, "CryptoMail.Fuzz.csproj"))) return candidate;
                if (File.Exists(Path.Combine(dir.FullName, "CryptoMail.Fuzz.csproj"))) return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("The CryptoMail.Fuzz project folder was not found above the current folder.");
    }

    private static readonly string[] InputFolders = ["corpus", "crashes"];

    /// <summary>The committed inputs of a target: its seed corpus and its crash regressions.</summary>
    public static IReadOnlyList<string> Inputs(string projectDirectory, string target) =>
        InputFolders
            .Select(kind => Path.Combine(projectDirectory, kind, target))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.GetFiles(d).Where(f => !Path.GetFileName(f).StartsWith('.') && !f.EndsWith(".md", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Runs <paramref name="input"/> through <paramref name="target"/>: null when it passed, else the failure;
    /// <paramref name="accepted"/> says whether the library accepted the input or refused it.</summary>
    public static string? RunOne(FuzzTarget target, byte[] input, out bool accepted)
    {
        var clock = Stopwatch.StartNew();
        accepted = false;
        try
        {
            accepted = target.Run(input);
        }
        catch (Exception e)
        {
            return e.ToString();
        }
        return clock.Elapsed > HangBound ? $"hang: {clock.Elapsed.TotalSeconds:0.0} s (bound {HangBound.TotalSeconds} s)" : null;
    }

    /// <summary>Replays every committed input of the given targets; returns the failures and counts the inputs.</summary>
    public static List<ReplayFailure> Run(IEnumerable<FuzzTarget> targets, string projectDirectory, TextWriter? log, out int inputs) =>
        Run(targets, projectDirectory, log, out inputs, out _);

    /// <summary>Replays every committed input; <paramref name="refusedSeeds"/> lists the seed-corpus files (not the crash
    /// regressions) that the library refused, which would make a seed useless to the fuzzer.</summary>
    public static List<ReplayFailure> Run(IEnumerable<FuzzTarget> targets, string projectDirectory, TextWriter? log, out int inputs, out List<string> refusedSeeds)
    {
        var failures = new List<ReplayFailure>();
        refusedSeeds = [];
        inputs = 0;
        foreach (var target in targets)
        {
            var files = Inputs(projectDirectory, target.Name);
            var clock = Stopwatch.StartNew();
            int failed = 0, accepted = 0;
            foreach (var file in files)
            {
                var relative = Path.GetRelativePath(projectDirectory, file);
                if (RunOne(target, File.ReadAllBytes(file), out bool ok) is { } failure)
                {
                    failures.Add(new ReplayFailure(target.Name, relative, failure));
                    failed++;
                }
                if (ok) accepted++;
                else if (relative.StartsWith("corpus", StringComparison.Ordinal)) refusedSeeds.Add(relative);
            }
            inputs += files.Count;
            log?.WriteLine($"{target.Name,-13} {files.Count,4} inputs {accepted,4} accepted {failed,3} failed {clock.Elapsed.TotalSeconds,6:0.00} s");
        }
        return failures;
    }
}
