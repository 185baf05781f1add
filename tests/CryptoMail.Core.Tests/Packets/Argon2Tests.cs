using CryptoMail.Core.Tests.Aead;
using CsCheck;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Tests.Packets;

/// <summary>Our Argon2id (Crypto/Argon2.cs): RFC 9106's test vector, BouncyCastle's generator as an oracle on random
/// small parameters, and cancellation that stops a large derivation within a slice.</summary>
public sealed class Argon2Tests
{
    [Fact]
    public void Rfc9106_section_5_3_vector()
    {
        var fields = File.ReadLines(Path.Combine(SharedVectors.Folder, "Rfc9106", "argon2id-5.3.txt"))
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split(" = "))
            .ToDictionary(f => f[0], f => f[1]);
        byte[] Hex(string name) => Convert.FromHexString(fields[name]);
        var tag = new byte[int.Parse(fields["tag-length"], System.Globalization.CultureInfo.InvariantCulture)];

        Argon2.Derive(Hex("password"), Hex("salt"), Hex("secret"), Hex("associated-data"),
            int.Parse(fields["passes"], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(fields["lanes"], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(fields["memory-kib"], System.Globalization.CultureInfo.InvariantCulture), tag, null, default);

        Assert.Equal(Hex("tag"), tag);
    }

    [Fact]
    public void Matches_BouncyCastle_on_random_small_parameters()
    {
        var cases = Gen.Select(Gen.Int[1, 4], Gen.Int[1, 4], Gen.Int[0, 256], Gen.Byte.Array[0, 40])
            .Select(Gen.Byte.Array[8, 32], Gen.Int[4, 80], (a, salt, tagLength) => (a.Item1, a.Item2, a.Item3, a.Item4, salt, tagLength));
        cases.Sample(c =>
        {
            var (passes, lanes, extraKiB, password, salt, tagLength) = c;
            int memoryKiB = Math.Min(256, 8 * lanes + extraKiB);
            var ours = new byte[tagLength];
            Argon2.Derive(password, salt, passes, lanes, memoryKiB, ours);

            var oracle = new Argon2BytesGenerator();
            oracle.Init(new Argon2Parameters.Builder(Argon2Parameters.Argon2id)
                .WithVersion(Argon2Parameters.Version13)
                .WithIterations(passes)
                .WithParallelism(lanes)
                .WithMemoryAsKB(memoryKiB)
                .WithSalt(salt)
                .Build());
            var expected = new byte[tagLength];
            oracle.GenerateBytes(password, expected);
            Assert.Equal(expected, ours);
        }, iter: 60);
    }

    [Fact]
    public void Progress_rises_to_one_a_slice_at_a_time()
    {
        var seen = new List<double>();
        Argon2.Derive("pw"u8, new byte[16], 2, 2, 64, new byte[32], new SyncProgress(seen.Add));
        Assert.Equal(Enumerable.Range(1, 8).Select(i => i / 8.0), seen);
    }

    [Fact]
    public void Cancelling_after_the_first_slice_stops_the_derivation()
    {
        // 64 MiB, t = 3, p = 4 (what we write): twelve slices. Cancel when the first one reports.
        using var cts = new CancellationTokenSource();
        var seen = new List<double>();
        var progress = new SyncProgress(f =>
        {
            seen.Add(f);
            cts.Cancel();
        });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            Argon2.Derive("passphrase"u8, new byte[16], 3, 4, 64 * 1024, new byte[32], progress, cts.Token));
        Assert.Equal([1.0 / 12], seen);
    }

    [Fact]
    public void A_cancelled_token_stops_an_S2K_derivation_before_it_starts()
    {
        var s2k = S2kSpec.NewArgon2();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => s2k.Derive("pw"u8, 32, long.MaxValue, cancellationToken: cts.Token));
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
