using BenchmarkDotNet.Running;

namespace CryptoMail.Core.Benchmarks;

/// <summary>Runs the benchmarks BenchmarkDotNet's command line selects, e.g. <c>--filter '*' --job short</c>; or, with
/// <c>pgpmime ...</c> as the first words, one PGP/MIME operation for <c>benchmarks/compare.sh</c>
/// (see <see cref="PgpMimeDriver"/>); or, with <c>concurrency ...</c>, many PGP/MIME operations at once
/// (see <see cref="ConcurrencyDriver"/>); or, with <c>pqsizes</c>, the octet sizes of post-quantum certificates,
/// session key packets and signatures (see <see cref="PostQuantumSizes"/>); or, with <c>pqratio</c>, the PQ/classical
/// CPU-time ratio of PGP/MIME seal and open (see <see cref="PostQuantumRatio"/>); or, with <c>argon2</c>, our Argon2id
/// against BouncyCastle's (see <see cref="Argon2Driver"/>).</summary>
public static class Program
{
    /// <summary>The entry point.</summary>
    /// <param name="args">BenchmarkDotNet's arguments, or <c>pgpmime</c> and the driver's.</param>
    /// <returns>The exit code.</returns>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "pgpmime") return PgpMimeDriver.Run(args[1..]);
        if (args.Length > 0 && args[0] == "concurrency") return ConcurrencyDriver.Run(args[1..]);
        if (args.Length > 0 && args[0] == "pqsizes") return PostQuantumSizes.Run();
        if (args.Length > 0 && args[0] == "pqratio") return PostQuantumRatio.Run(args[1..]);
        if (args.Length > 0 && args[0] == "argon2") return Argon2Driver.Run(args[1..]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
