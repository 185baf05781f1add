using CryptoMail.Fuzz;
using SharpFuzz;

// The fuzz harness. Commands:
//   list                       the target names
//   afl <target>               run under afl-fuzz (eng/fuzz.sh starts it; CryptoMail.Core.dll instrumented by sharpfuzz)
//   replay [target|all]        every committed input (corpus/ and crashes/) through its target, in this process
//   run <target> <file>...     given inputs through one target, printing what escaped
//   seed [--new-keys]          regenerate the seed corpora (and, with --new-keys, the fixed keys first)
const string usage = "usage: CryptoMail.Fuzz list | afl <target> | replay [target|all] | run <target> <file>... | seed [--new-keys]";

if (args.Length == 0)
{
    Console.Error.WriteLine(usage);
    return 2;
}

switch (args[0])
{
    case "list":
        foreach (var t in Targets.All) Console.WriteLine(t.Name);
        return 0;

    case "afl" when args.Length == 2 && Targets.Find(args[1]) is { } target:
        // A fresh process per crash keeps afl-fuzz running after a finding; the input arrives on standard input.
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target.Run(buffer.ToArray());
        });
        return 0;

    case "replay":
    {
        var selected = args.Length < 2 || args[1] == "all" ? Targets.All : Targets.Find(args[1]) is { } one ? [one] : null;
        if (selected is null)
        {
            Console.Error.WriteLine($"unknown target {args[1]}; targets: {string.Join(", ", Targets.All.Select(t => t.Name))}");
            return 2;
        }
        var failures = Replay.Run(selected, Replay.ProjectDirectory(), Console.Out, out int inputs, out var refused);
        foreach (var r in refused) Console.WriteLine($"note: the seed {r} is refused by the library");
        foreach (var f in failures) Console.WriteLine($"CRASH {f.Target} {f.File}\n{f.Failure}\n");
        Console.WriteLine($"replayed {inputs} inputs over {selected.Count} targets: {failures.Count} failed");
        return failures.Count == 0 ? 0 : 1;
    }

    case "run" when args.Length >= 3 && Targets.Find(args[1]) is { } target:
    {
        int failed = 0;
        foreach (var file in args[2..])
        {
            var failure = Replay.RunOne(target, File.ReadAllBytes(file), out bool accepted);
            Console.WriteLine(failure is null ? $"{(accepted ? "ok     " : "refused")} {file}" : $"CRASH {file}\n{failure}");
            if (failure is not null) failed++;
        }
        return failed == 0 ? 0 : 1;
    }

    case "seed":
    {
        var project = Replay.ProjectDirectory();
        if (args.Contains("--new-keys"))
        {
            Seeds.NewKeys(Path.Combine(project, "keys"));
            Console.WriteLine("new keys written: rebuild, then run `seed` again to write the corpora from them");
            return 0;
        }
        Seeds.Write(Path.Combine(project, "corpus"));
        Console.WriteLine($"seed corpora written under {Path.Combine(project, "corpus")}");
        return 0;
    }

    default:
        Console.Error.WriteLine(usage);
        return 2;
}
