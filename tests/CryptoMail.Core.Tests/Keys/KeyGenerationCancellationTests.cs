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
