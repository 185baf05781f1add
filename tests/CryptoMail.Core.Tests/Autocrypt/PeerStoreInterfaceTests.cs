using System.Collections.Concurrent;
using CryptoMail.Core.Tests.Support;
using MimeKit;

namespace CryptoMail.Core.Tests.Autocrypt;

/// <summary>Autocrypt processing over <see cref="IAutocryptPeerStore"/>: a store that is not a directory (here a
/// dictionary, as a database table would be) receives the same updates and gives the same recommendation as
/// <see cref="AutocryptStore"/>.</summary>
public sealed class PeerStoreInterfaceTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("cmpsi-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>Peer state in memory, keyed by canonical address; counts the calls so the test sees the processing use it.</summary>
    private sealed class TableStore : IAutocryptPeerStore
    {
        private readonly ConcurrentDictionary<string, AutocryptPeer> rows = new(StringComparer.Ordinal);
        public int Updates;
        public int Reads;

        private static string Key(string address) =>
            AutocryptHeader.CanonicalAddress(address) ?? throw new ArgumentException("not an address", nameof(address));

        public AutocryptPeer? FindPeer(string address)
        {
            Interlocked.Increment(ref Reads);
            return rows.TryGetValue(Key(address), out var peer) ? peer : null;
        }

        public Task<AutocryptPeer?> FindPeerAsync(string address, CancellationToken cancellationToken = default) => Task.FromResult(FindPeer(address));

        public AutocryptPeer UpdatePeer(string address, Func<AutocryptPeer, AutocryptPeer> change)
        {
            Interlocked.Increment(ref Updates);
            string key = Key(address);
            return rows.AddOrUpdate(key, k => change(new AutocryptPeer(k)), (_, current) => change(current));
        }

        public Task<AutocryptPeer> UpdatePeerAsync(string address, Func<AutocryptPeer, AutocryptPeer> change, CancellationToken cancellationToken = default) =>
            Task.FromResult(UpdatePeer(address, change));
    }

    private static MimeMessage MailFromAlice()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("Alice <Alice@Example.org>"));
        message.To.Add(MailboxAddress.Parse("bob@example.org"));
        message.Subject = "hello";
        message.Date = DateTimeOffset.UtcNow.AddMinutes(-5);
        message.Body = new TextPart("plain") { Text = "Hi!" };
        AutocryptMime.SetHeader(message, AutocryptHeader.Create(TestKeys.Get("Curve25519", "alice").Certificate, "alice@example.org", AutocryptPreference.Mutual));
        return message;
    }

    [Fact]
    public async Task Processing_an_incoming_message_records_the_same_state_in_any_store()
    {
        var table = new TableStore();
        var files = new AutocryptStore(dir);
        var message = MailFromAlice();
        var received = DateTimeOffset.UtcNow;

        var inTable = AutocryptMime.ProcessIncoming(table, message, received);
        var inFiles = await AutocryptMime.ProcessIncomingAsync(files, message, received);

        Assert.NotNull(inTable);
        Assert.Equal(1, table.Updates);
        Assert.Equal("alice@example.org", inTable.Address);
        Assert.Equal(TestKeys.Get("Curve25519", "alice").Fingerprint, inTable.PublicKey?.Fingerprint);
        Assert.NotNull(inFiles);
        Assert.Equal((inFiles.Address, inFiles.LastSeen, inFiles.AutocryptTimestamp, inFiles.PreferEncrypt, inFiles.PublicKey?.Fingerprint),
            (inTable.Address, inTable.LastSeen, inTable.AutocryptTimestamp, inTable.PreferEncrypt, inTable.PublicKey?.Fingerprint));
        Assert.Equal(AutocryptPreference.Mutual, inTable.PreferEncrypt);
        // The address is canonical whatever case the caller used.
        Assert.Equal(inTable, table.FindPeer("ALICE@example.ORG"));
    }

    [Fact]
    public void The_recommendation_reads_the_state_through_the_interface()
    {
        var table = new TableStore();
        AutocryptMime.ProcessIncoming(table, MailFromAlice());
        int readsBefore = table.Reads;

        var recommendation = table.Recommend(["alice@example.org", "carol@example.org"], AutocryptPreference.Mutual, replyToEncrypted: false);

        Assert.Equal(readsBefore + 2, table.Reads);
        // Alice sent a mutual header: encrypt to her by default; nothing is known about Carol: no encryption to her.
        Assert.Equal(AutocryptRecommendation.Encrypt, recommendation.Recipients.Single(r => r.Address == "alice@example.org").Recommendation);
        Assert.Equal(AutocryptRecommendation.Disable, recommendation.Recipients.Single(r => r.Address == "carol@example.org").Recommendation);
        Assert.Equal(AutocryptRecommendation.Disable, recommendation.Recommendation);
        // The directory store answers the same through the shared implementation.
        var files = new AutocryptStore(dir);
        AutocryptMime.ProcessIncoming(files, MailFromAlice());
        var fromFiles = files.Recommend(["alice@example.org", "carol@example.org"], AutocryptPreference.Mutual, false);
        Assert.Equal(recommendation.Recipients.Select(r => (r.Address, r.Recommendation)), fromFiles.Recipients.Select(r => (r.Address, r.Recommendation)));
    }
}
