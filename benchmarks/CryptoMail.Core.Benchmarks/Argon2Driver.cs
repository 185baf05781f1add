using System.Diagnostics;
using CryptoMail.Core.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Benchmarks;

/// <summary><c>argon2 [rounds]</c>: the Argon2id S2K we write (64 MiB, t = 3, p = 4) derived by our cancellable
/// implementation and by BouncyCastle's generator, lanes as tasks (what S2k used before) and lanes in turn. The three
/// run interleaved, <c>rounds</c> times each (default 5), so machine load hits them alike; prints each one's median
/// wall time and its ratio to ours. A measurement, not a test: the output is the same key in all three.</summary>
public static class Argon2Driver
{
    /// <summary>Runs the comparison.</summary>
    /// <param name="args">Optional round count.</param>
    /// <returns>0 when all three derived the same key.</returns>
    public static int Run(string[] args)
    {
        int rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 5;
        byte[] password = "correct horse battery staple"u8.ToArray();
        byte[] salt = new byte[16];
        const int passes = 3, lanes = 4, memoryKiB = 64 * 1024;
        var ours = new List<double>();
        var bcTasks = new List<double>();
        var bcInTurn = new List<double>();
        byte[] a = new byte[32], b = new byte[32], c = new byte[32];
        for (int round = 0; round < rounds; round++)
        {
            ours.Add(Time(() => Argon2.Derive(password, salt, passes, lanes, memoryKiB, a)));
            bcTasks.Add(Time(() => BouncyCastle(password, salt, passes, lanes, memoryKiB, b, Task.Factory)));
            bcInTurn.Add(Time(() => BouncyCastle(password, salt, passes, lanes, memoryKiB, c, null)));
        }
        double mine = Median(ours);
        Console.WriteLine($"Argon2id 64 MiB t=3 p=4, {rounds} interleaved rounds, median wall ms ({Environment.ProcessorCount} cores)");
        Console.WriteLine($"ours (lanes in turn, cancellable)   {mine,8:F0}   1.00");
        Console.WriteLine($"BouncyCastle, lanes as tasks        {Median(bcTasks),8:F0}   {Median(bcTasks) / mine:F2}");
        Console.WriteLine($"BouncyCastle, lanes in turn         {Median(bcInTurn),8:F0}   {Median(bcInTurn) / mine:F2}");
        bool same = a.AsSpan().SequenceEqual(b) && a.AsSpan().SequenceEqual(c);
        Console.WriteLine(same ? "same key from all three" : "KEYS DIFFER");
        return same ? 0 : 1;
    }

    private static void BouncyCastle(byte[] password, byte[] salt, int passes, int lanes, int memoryKiB, byte[] output, TaskFactory? tasks)
    {
        var generator = tasks is null ? new Argon2BytesGenerator() : new Argon2BytesGenerator(tasks);
        generator.Init(new Argon2Parameters.Builder(Argon2Parameters.Argon2id)
            .WithVersion(Argon2Parameters.Version13)
            .WithIterations(passes)
            .WithParallelism(lanes)
            .WithMemoryAsKB(memoryKiB)
            .WithSalt(salt)
            .Build());
        generator.GenerateBytes(password, output);
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
