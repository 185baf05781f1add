using System.Security.Cryptography;
using System.Text;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Autocrypt;

/// <summary>The directory store of peer state: persistence across instances, concurrency, damage.</summary>
public sealed class AutocryptStoreTests : IDisposable
{
    // After the test keys' creation (they are made when the run starts), whole seconds as the store keeps them.
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600);
    private readonly string dir = Directory.CreateTempSubdirectory("cmac-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task State_survives_a_restart_with_every_field()
    {
        var bob = AutocryptHeader.Create(TestKeys.Get("Curve25519", "bob").Certificate, "bob@example.org", AutocryptPreference.Mutual);
        var gossip = AutocryptHeader.Create(TestKeys.Get("Rsa3072", "bob").Certificate, "bob@example.org");
        var first = new AutocryptStore(dir);
        await first.RecordMessageAsync("Bob <bob@example.org>", T0, bob);
        first.RecordMessage("bob@example.org", T0.AddDays(2), null);
        await first.RecordGossipAsync(gossip, T0.AddDays(1));

        var reopened = new AutocryptStore(dir);
        var peer = await reopened.GetAsync("BOB@example.org");

        Assert.NotNull(peer);
        Assert.Equal("bob@example.org", peer.Address);
        Assert.Equal(T0.AddDays(2), peer.LastSeen);
        Assert.Equal(T0, peer.AutocryptTimestamp);
        Assert.Equal(bob.Certificate.Fingerprint, peer.PublicKey?.Fingerprint);
        Assert.Equal(AutocryptPreference.Mutual, peer.PreferEncrypt);
        Assert.Equal(T0.AddDays(1), peer.GossipTimestamp);
        Assert.Equal(gossip.Certificate.Fingerprint, peer.GossipKey?.Fingerprint);
        Assert.Null(reopened.Get("carol@example.org"));
        // The address never becomes a file name.
        Assert.DoesNotContain(Directory.GetFiles(dir), f => f.Contains("bob", StringComparison.Ordinal));

        var recommendation = reopened.Recommend(new[] { "bob@example.org", "carol@example.org" }, AutocryptPreference.Mutual, false, T0.AddDays(3));
        Assert.Equal(AutocryptRecommendation.Disable, recommendation.Recommendation);
        Assert.Equal(AutocryptRecommendation.Encrypt, recommendation.Recipients[0].Recommendation);
    }

    [Fact]
    public async Task Concurrent_updates_from_many_writers_lose_nothing()
    {
        const int writers = 40;
        var stores = Enumerable.Range(0, 4).Select(_ => new AutocryptStore(dir)).ToArray(); // several instances, as in several processes
        await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            var store = stores[i % stores.Length];
            Func<AutocryptPeer, AutocryptPeer> tick = p => p with { LastSeen = (p.LastSeen ?? T0).AddSeconds(1) };
            if (i % 2 == 0) await store.UpdateAsync("bob@example.org", tick);
            else store.Update("bob@example.org", tick);
        })));

        Assert.Equal(T0.AddSeconds(writers), new AutocryptStore(dir).Get("bob@example.org")?.LastSeen);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }

    [Fact]
    public void A_damaged_file_is_malformed_data_and_a_bad_address_is_an_argument_error()
    {
        var store = new AutocryptStore(dir);
        store.RecordMessage("bob@example.org", T0, null);
        string file = Path.Combine(dir, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("bob@example.org"))) + ".json");
        Assert.True(File.Exists(file));
        File.WriteAllText(file, "{ not json");
        Assert.Throws<MalformedDataException>(() => store.Get("bob@example.org"));
        Assert.Throws<ArgumentException>(() => store.Get("no address"));
    }
}
