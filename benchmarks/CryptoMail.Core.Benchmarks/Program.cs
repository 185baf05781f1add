using BenchmarkDotNet.Running;

namespace CryptoMail.Core.Benchmarks;

/// <summary>Runs the benchmarks BenchmarkDotNet's command line selects, e.g. <c>--filter '*' --job short</c>.</summary>
public static class Program
{
    /// <summary>The entry point.</summary>
    /// <param name="args">BenchmarkDotNet's arguments.</param>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
