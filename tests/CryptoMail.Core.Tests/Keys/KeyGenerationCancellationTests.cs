namespace CryptoMail.Core.Tests.Keys;

/// <summary><see cref="OpenPgp.GenerateKey"/> takes a cancellation token, checked between its steps.</summary>
public class KeyGenerationCancellationTests
{
    private readonly OpenPgp pgp = new();

    [Theory]
    [InlineData(KeyProfile.Curve25519)]
    [InlineData(KeyProfile.V6Ed25519)]
    public void A_cancelled_token_stops_the_generation_and_a_live_one_does_not(KeyProfile profile)
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => pgp.GenerateKey("Dan <dan@example.org>", new KeyGenerationOptions { Profile = profile }, cancel.Token));

        using var live = new CancellationTokenSource();
        var key = pgp.GenerateKey("Dan <dan@example.org>", new KeyGenerationOptions { Profile = profile }, live.Token);
        Assert.Equal("Dan <dan@example.org>", Assert.Single(key.Certificate.UserIds));
    }
}

/// <summary><see cref="KeyGenerationOptions.Progress"/> follows the passphrase protection of the new key.</summary>
public class KeyGenerationProgressTests
{
    private readonly OpenPgp pgp = new();

    [Theory]
    [InlineData(KeyProfile.V6Ed25519, 24)]   // two Argon2 protections (subkey, primary) of 3 passes x 4 slices
    [InlineData(KeyProfile.Curve25519, 2)]   // two iterated S2K protections, one report each
    public void Progress_rises_to_one_over_the_protections(KeyProfile profile, int reports)
    {
        var seen = new List<double>();
        var key = pgp.GenerateKey("Eve <eve@example.org>",
            new KeyGenerationOptions { Profile = profile, Passphrase = "pw", Progress = new Collect(seen) });
        Assert.True(key.IsProtected);
        Assert.Equal(reports, seen.Count);
        Assert.Equal(1.0, seen[^1], 9);
        Assert.All(seen.Zip(seen.Skip(1)), p => Assert.True(p.Second > p.First));
    }

    [Fact]
    public void An_unprotected_key_reports_nothing()
    {
        var seen = new List<double>();
        pgp.GenerateKey("Eve <eve@example.org>", new KeyGenerationOptions { Profile = KeyProfile.V6Ed25519, Progress = new Collect(seen) });
        Assert.Empty(seen);
    }

    /// <summary>Records on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Collect(List<double> seen) : IProgress<double>
    {
        public void Report(double value) => seen.Add(value);
    }
}
