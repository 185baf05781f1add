namespace CryptoMail.Core.Tests.Stores;

public sealed class CertificateDirectoryTests : CertificateStoreContract, IDisposable
{
    private readonly string root = StoreFixtures.TempDirectory("cmcertd-");

    public void Dispose() => Directory.Delete(root, recursive: true);

    protected override ICertificateStore NewStore() => new CertificateDirectory(Path.Combine(root, Guid.NewGuid().ToString("N")));

    private CertificateDirectory Store => new(Path.Combine(root, "pgp.cert.d"));

    [Fact]
    public void A_certificate_is_one_binary_file_named_by_its_lowercase_fingerprint_in_two_levels()
    {
        var alice = StoreFixtures.Alice.Certificate;
        Store.InsertCertificate(alice);
        var fpr = alice.Fingerprint.ToLowerInvariant();
        var path = Path.Combine(root, "pgp.cert.d", fpr[..2], fpr[2..]);
        Assert.Equal(path, Store.GetPath(alice.Fingerprint));
        var bytes = File.ReadAllBytes(path);
        Assert.False(OpenPgpArmor.IsArmored(bytes));
        Assert.Equal(alice.Export(), bytes);
        Assert.True(File.Exists(Path.Combine(root, "pgp.cert.d", "writelock")));
        // No temporary file is left behind.
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Armored_files_written_by_others_are_read_too_and_other_names_are_ignored()
    {
        var alice = StoreFixtures.Alice.Certificate;
        var path = Store.GetPath(alice.Fingerprint);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, alice.ExportArmored());
        Directory.CreateDirectory(Path.Combine(Store.Directory, "_sequoia"));
        File.WriteAllText(Path.Combine(Store.Directory, "_sequoia", "cache"), "not a certificate");
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(path)!, "README"), "not a certificate");
        Assert.Equal(alice.Fingerprint, Assert.Single(Store.GetAllCertificates()).Fingerprint);
    }

    [Fact]
    public void An_unreadable_file_is_skipped_by_scans_but_never_overwritten()
    {
        var alice = StoreFixtures.Alice.Certificate;
        var path = Store.GetPath(alice.Fingerprint);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "garbage");
        Store.InsertCertificate(StoreFixtures.Bob.Certificate);

        Assert.Equal(StoreFixtures.Bob.Fingerprint, Assert.Single(Store.GetAllCertificates()).Fingerprint);
        Assert.Throws<MalformedDataException>(() => Store.GetCertificate(alice.Fingerprint));
        Assert.Throws<MalformedDataException>(() => Store.InsertCertificate(alice));
        Assert.Equal("garbage", File.ReadAllText(path));
    }

    [Fact]
    public void A_file_holding_another_certificate_than_its_name_says_is_rejected()
    {
        var path = Store.GetPath(StoreFixtures.Alice.Fingerprint);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, StoreFixtures.Bob.Certificate.Export());
        Assert.Throws<MalformedDataException>(() => Store.GetCertificate(StoreFixtures.Alice.Fingerprint));
        Assert.Empty(Store.FindCertificatesByEmail("bob@example.org"));
    }

    [Fact]
    public void The_tag_changes_when_the_certificate_changes_and_only_then()
    {
        var key = new OpenPgp().GenerateKey("Tag <tag@example.org>");
        var store = Store;
        Assert.Null(store.GetTag(key.Fingerprint));
        store.InsertCertificate(key.Certificate);
        var first = store.GetTag(key.Fingerprint);
        Assert.NotNull(first);
        store.InsertCertificate(key.Certificate);                 // nothing new: the file stays as it is
        Assert.Equal(first, store.GetTag(key.Fingerprint));
        store.InsertCertificate(StoreFixtures.Update(key, "tagged update"));
        Assert.NotEqual(first, store.GetTag(key.Fingerprint));
    }

    [Fact]
    public void Another_instance_sees_changes_made_behind_its_cache()
    {
        var key = new OpenPgp().GenerateKey("Cache <cache@example.org>");
        var reader = Store;
        Assert.Empty(reader.FindCertificatesByEmail("cache@example.org"));
        Store.InsertCertificate(key.Certificate);
        Assert.False(Assert.Single(reader.FindCertificatesByEmail("cache@example.org")).IsRevoked);
        Store.InsertCertificate(StoreFixtures.Update(key, "behind the cache"));
        Assert.True(Assert.Single(reader.FindCertificatesByEmail("cache@example.org")).IsRevoked);
        File.Delete(Store.GetPath(key.Fingerprint));
        Assert.Empty(reader.FindCertificatesByEmail("cache@example.org"));
    }

    [Fact]
    public void The_trust_root_is_a_special_name_outside_the_fingerprint_lookups()
    {
        var store = Store;
        Assert.Null(store.GetTrustRoot());
        store.InsertTrustRoot(StoreFixtures.Alice.Certificate);
        Assert.True(File.Exists(Path.Combine(store.Directory, "trust-root")));
        Assert.Equal(StoreFixtures.Alice.Fingerprint, store.GetTrustRoot()?.Fingerprint);
        Assert.Empty(store.GetAllCertificates());
        Assert.Throws<ArgumentException>(() => store.InsertTrustRoot(StoreFixtures.Bob.Certificate));
    }

    [Fact]
    public void The_default_location_follows_PGP_CERT_D_then_XDG_DATA_HOME_then_HOME()
    {
        if (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()) return;
        var env = new Dictionary<string, string> { ["HOME"] = "/home/u" };
        string? Get(string name) => env.GetValueOrDefault(name);
        Assert.Equal("/home/u/.local/share/pgp.cert.d", CertificateDirectory.DefaultDirectory(Get));
        env["XDG_DATA_HOME"] = "/data";
        Assert.Equal("/data/pgp.cert.d", CertificateDirectory.DefaultDirectory(Get));
        env["PGP_CERT_D"] = "/elsewhere/certs";
        Assert.Equal("/elsewhere/certs", CertificateDirectory.DefaultDirectory(Get));
    }

    [Fact]
    public void A_writer_waits_for_the_lock_and_gives_up_after_the_timeout()
    {
        var store = new CertificateDirectory(Path.Combine(root, "locked")) { LockTimeout = TimeSpan.FromMilliseconds(300) };
        Directory.CreateDirectory(store.Directory);
        // Another writer holds the lock (an exclusive open, as the store takes it).
        using (new FileStream(Path.Combine(store.Directory, "writelock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var e = Assert.Throws<IOException>(() => store.InsertCertificate(StoreFixtures.Bob.Certificate));
            Assert.Contains("writelock", e.Message);
            Assert.Empty(store.GetAllCertificates());
        }
        store.InsertCertificate(StoreFixtures.Bob.Certificate);
        Assert.Single(store.GetAllCertificates());
    }

    [Fact]
    public async Task Cancelling_a_waiting_insert_stores_nothing()
    {
        var store = Store;
        Directory.CreateDirectory(store.Directory);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        using (new FileStream(Path.Combine(store.Directory, "writelock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.InsertCertificateAsync(StoreFixtures.Bob.Certificate, cts.Token));
        }
        Assert.Empty(store.GetAllCertificates());
    }
}
