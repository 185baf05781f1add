namespace CryptoMail.Core.Tests.Stores;

/// <summary>What every <see cref="ICertificateStore"/> must do; one subclass per implementation.</summary>
public abstract class CertificateStoreContract
{
    protected abstract ICertificateStore NewStore();

    [Fact]
    public void An_empty_store_finds_nothing()
    {
        var store = NewStore();
        Assert.Null(store.GetCertificate(StoreFixtures.Alice.Fingerprint));
        Assert.Empty(store.FindCertificatesByKey(StoreFixtures.Alice.KeyId));
        Assert.Empty(store.FindCertificatesByEmail("alice@example.org"));
        Assert.Empty(store.GetAllCertificates());
    }

    [Fact]
    public void A_certificate_is_found_by_fingerprint_key_id_and_subkey_in_any_case()
    {
        var store = NewStore();
        var alice = StoreFixtures.Alice.Certificate;
        store.InsertCertificate(alice);
        store.InsertCertificate(StoreFixtures.Bob.Certificate);

        Assert.Equal(alice.Fingerprint, store.GetCertificate(alice.Fingerprint.ToLowerInvariant())?.Fingerprint);
        Assert.Equal(alice.Fingerprint, Assert.Single(store.FindCertificatesByKey("0x" + alice.KeyId.ToLowerInvariant())).Fingerprint);
        var subkey = Assert.Single(alice.Subkeys);
        Assert.Equal(alice.Fingerprint, Assert.Single(store.FindCertificatesByKey(subkey.KeyId)).Fingerprint);
        Assert.Equal(alice.Fingerprint, Assert.Single(store.FindCertificatesByKey(subkey.Fingerprint)).Fingerprint);
        // A subkey's fingerprint is not a primary fingerprint.
        Assert.Null(store.GetCertificate(subkey.Fingerprint));
        Assert.Equal(2, store.GetAllCertificates().Count);
    }

    [Fact]
    public async Task The_asynchronous_enumeration_yields_what_the_listing_holds_and_stops_when_cancelled()
    {
        var store = NewStore();
        store.InsertCertificate(StoreFixtures.Alice.Certificate);
        store.InsertCertificate(StoreFixtures.Bob.Certificate);

        var seen = new List<string>();
        await foreach (var certificate in store.EnumerateCertificatesAsync()) seen.Add(certificate.Fingerprint);
        Assert.Equal(store.GetAllCertificates().Select(c => c.Fingerprint), seen);
        Assert.Equal(2, seen.Count);

        // Cancelled after the first item: the second is not handed out.
        using var cancel = new CancellationTokenSource();
        var before = new List<string>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var certificate in store.EnumerateCertificatesAsync(cancel.Token))
            {
                before.Add(certificate.Fingerprint);
                cancel.Cancel();
            }
        });
        Assert.Single(before);
    }

    [Theory]
    [InlineData("alice@example.org")]
    [InlineData("ALICE@EXAMPLE.ORG")]
    [InlineData("Alice <alice@example.ORG>")]
    [InlineData("alice@work.example")]
    public void Email_lookup_compares_the_address_lowercased(string query)
    {
        var store = NewStore();
        store.InsertCertificate(StoreFixtures.Alice.Certificate);
        store.InsertCertificate(StoreFixtures.Bob.Certificate);
        Assert.Equal(StoreFixtures.Alice.Fingerprint, Assert.Single(store.FindCertificatesByEmail(query)).Fingerprint);
        Assert.Empty(store.FindCertificatesByEmail("alice@example.net"));
    }

    [Fact]
    public void Bad_queries_are_argument_exceptions_naming_the_parameter()
    {
        var store = NewStore();
        Assert.Equal("fingerprint", Assert.Throws<ArgumentException>(() => store.GetCertificate("not hex")).ParamName);
        Assert.Equal("fingerprint", Assert.Throws<ArgumentException>(() => store.GetCertificate("ABCD")).ParamName);
        Assert.Equal("keyIdOrFingerprint", Assert.Throws<ArgumentException>(() => store.FindCertificatesByKey("1234")).ParamName);
        Assert.Equal("address", Assert.Throws<ArgumentException>(() => store.FindCertificatesByEmail("Alice")).ParamName);
        Assert.Throws<ArgumentNullException>(() => store.InsertCertificate(null!));
    }

    [Fact]
    public void Inserting_merges_so_an_old_copy_never_drops_an_update()
    {
        var store = NewStore();
        var key = new OpenPgp().GenerateKey("Upd <upd@example.org>");
        store.InsertCertificate(StoreFixtures.Update(key, "first update"));
        var merged = store.InsertCertificate(key.Certificate);
        Assert.True(merged.IsRevoked);
        store.InsertCertificate(StoreFixtures.Update(key, "second update"));

        var stored = store.GetCertificate(key.Fingerprint)!;
        Assert.True(StoreFixtures.Holds(stored, "first update"));
        Assert.True(StoreFixtures.Holds(stored, "second update"));
        Assert.Single(store.GetAllCertificates());
    }

    [Fact]
    public async Task The_async_forms_give_the_same_answers()
    {
        var store = NewStore();
        var alice = StoreFixtures.Alice.Certificate;
        await store.InsertCertificateAsync(alice);
        Assert.Equal(alice.Fingerprint, (await store.GetCertificateAsync(alice.Fingerprint))?.Fingerprint);
        Assert.Single(await store.FindCertificatesByKeyAsync(alice.Subkeys[0].KeyId));
        Assert.Single(await store.FindCertificatesByEmailAsync("ALICE@example.org"));
        Assert.Single(await store.GetAllCertificatesAsync());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetAllCertificatesAsync(new CancellationToken(canceled: true)));
    }

    [Fact]
    public void Concurrent_inserts_from_many_threads_lose_no_update()
    {
        var store = NewStore();
        var key = new OpenPgp().GenerateKey("Race <race@example.org>");
        var updates = Enumerable.Range(0, 24).Select(i => StoreFixtures.Update(key, $"thread update {i:D2}")).ToList();
        Parallel.ForEach(updates, new ParallelOptions { MaxDegreeOfParallelism = 4 }, u => store.InsertCertificate(u));
        var stored = store.GetCertificate(key.Fingerprint)!;
        Assert.All(Enumerable.Range(0, 24), i => Assert.True(StoreFixtures.Holds(stored, $"thread update {i:D2}"), $"update {i} lost"));
    }
}

public sealed class InMemoryCertificateStoreTests : CertificateStoreContract
{
    protected override ICertificateStore NewStore() => new InMemoryCertificateStore();

    [Fact]
    public void The_constructor_merges_copies_of_one_certificate()
    {
        var key = new OpenPgp().GenerateKey("Copy <copy@example.org>");
        var store = new InMemoryCertificateStore(new[] { key.Certificate, StoreFixtures.Update(key, "revoked copy") });
        Assert.Equal(1, store.Count);
        Assert.True(store.GetCertificate(key.Fingerprint)!.IsRevoked);
    }
}
