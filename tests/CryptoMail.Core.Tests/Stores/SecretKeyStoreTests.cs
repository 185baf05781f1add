using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Stores;

public sealed class SecretKeyDirectoryTests : IDisposable
{
    private readonly string root = StoreFixtures.TempDirectory("cmsecret-");

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string KeysDirectory => Path.Combine(root, "keys");

    private static SecretKey Protected => TestKeys.Get("Curve25519+passphrase", "sam");

    [Fact]
    public void An_unprotected_key_is_refused_unless_explicitly_allowed()
    {
        var plain = TestKeys.Get("Curve25519", "una");
        var store = new SecretKeyDirectory(KeysDirectory);
        Assert.Throws<PolicyViolationException>(() => store.InsertSecretKey(plain));
        Assert.False(Directory.Exists(KeysDirectory) && Directory.EnumerateFiles(KeysDirectory).Any());

        var lax = new SecretKeyDirectory(KeysDirectory, allowUnprotected: true);
        lax.InsertSecretKey(plain);
        Assert.False(lax.GetSecretKey(plain.Fingerprint)!.IsProtected);
    }

    [Fact]
    public void A_protected_key_round_trips_and_still_needs_its_passphrase()
    {
        var store = new SecretKeyDirectory(KeysDirectory);
        store.InsertSecretKey(Protected.Unlock(TestKeys.Passphrase));   // the unlocked copy is stored protected
        var stored = new SecretKeyDirectory(KeysDirectory).GetSecretKey(Protected.Fingerprint)!;
        Assert.True(stored.IsProtected);
        Assert.False(stored.IsUnlocked);
        Assert.Throws<BadPassphraseException>(() => stored.Unlock("wrong"));
        Assert.True(stored.TryUnlock(TestKeys.Passphrase, out _));
        Assert.Equal(Protected.Export(), File.ReadAllBytes(store.GetPath(Protected.Fingerprint)));
    }

    [Fact]
    public void Files_and_folder_are_readable_by_the_owner_only()
    {
        if (OperatingSystem.IsWindows()) return;
        var store = new SecretKeyDirectory(KeysDirectory);
        store.InsertSecretKey(Protected);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.GetPath(Protected.Fingerprint)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(KeysDirectory));
        Assert.Equal(Protected.Fingerprint.ToLowerInvariant() + ".key", Path.GetFileName(Assert.Single(Directory.GetFiles(KeysDirectory))));
    }

    [Fact]
    public void Keys_are_found_by_subkey_id_and_email_and_can_be_removed()
    {
        var store = new SecretKeyDirectory(KeysDirectory);
        store.InsertSecretKey(Protected);
        store.InsertSecretKey(TestKeys.Get("Rsa4096+passphrase", "rita"));
        var subkey = Protected.Certificate.Subkeys[0];
        Assert.Equal(Protected.Fingerprint, Assert.Single(store.FindSecretKeysByKey(subkey.KeyId)).Fingerprint);
        Assert.Equal(Protected.Fingerprint, Assert.Single(store.FindSecretKeysByEmail("SAM@example.org")).Fingerprint);
        Assert.Equal(2, store.GetAllSecretKeys().Count);
        Assert.True(store.RemoveSecretKey(Protected.Fingerprint));
        Assert.False(store.RemoveSecretKey(Protected.Fingerprint));
        Assert.Null(store.GetSecretKey(Protected.Fingerprint));
        Assert.Single(store.GetAllSecretKeys());
    }

    [Fact]
    public async Task The_async_forms_work_and_check_protection_before_starting()
    {
        var store = new SecretKeyDirectory(KeysDirectory);
        await Assert.ThrowsAsync<PolicyViolationException>(() => store.InsertSecretKeyAsync(TestKeys.Get("Curve25519", "una")));
        await store.InsertSecretKeyAsync(Protected);
        Assert.NotNull(await store.GetSecretKeyAsync(Protected.Fingerprint));
        Assert.Single(await store.FindSecretKeysByKeyAsync(Protected.KeyId));
        Assert.Single(await store.FindSecretKeysByEmailAsync("sam@example.org"));
        Assert.Single(await store.GetAllSecretKeysAsync());
        Assert.True(await store.RemoveSecretKeyAsync(Protected.Fingerprint));
    }

    [Fact]
    public void A_damaged_key_file_is_malformed_data_and_skipped_by_listings()
    {
        var store = new SecretKeyDirectory(KeysDirectory);
        store.InsertSecretKey(Protected);
        File.WriteAllText(store.GetPath(Protected.Fingerprint), "damaged");
        Assert.Throws<MalformedDataException>(() => store.GetSecretKey(Protected.Fingerprint));
        Assert.Empty(store.GetAllSecretKeys());
    }
}

public sealed class InMemorySecretKeyStoreTests
{
    [Fact]
    public void Keys_are_kept_as_given_found_by_any_key_and_replaced_by_fingerprint()
    {
        var plain = TestKeys.Get("Curve25519", "una");
        var store = new InMemorySecretKeyStore(new[] { plain });
        Assert.Same(plain, store.GetSecretKey(plain.Fingerprint));
        Assert.Same(plain, Assert.Single(store.FindSecretKeysByKey(plain.Certificate.Subkeys[0].Fingerprint)));
        var again = SecretKey.Parse(plain.Export());
        store.InsertSecretKey(again);
        Assert.Equal(1, store.Count);
        Assert.Same(again, store.GetSecretKey(plain.Fingerprint));
        Assert.True(store.RemoveSecretKey(plain.Fingerprint));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task The_asynchronous_enumeration_of_either_secret_key_store_yields_every_key()
    {
        var keys = new[] { TestKeys.Get("Curve25519", "una"), TestKeys.Get("Curve25519+passphrase", "sam") };
        var root = StoreFixtures.TempDirectory("cmsecret-enum-");
        try
        {
            var directory = new SecretKeyDirectory(Path.Combine(root, "keys"), allowUnprotected: true);
            foreach (var key in keys) directory.InsertSecretKey(key);
            foreach (ISecretKeyStore store in new ISecretKeyStore[] { new InMemorySecretKeyStore(keys), directory })
            {
                var seen = new List<string>();
                await foreach (var key in store.EnumerateSecretKeysAsync()) seen.Add(key.Fingerprint);
                Assert.Equal(keys.Select(k => k.Fingerprint).Order(StringComparer.Ordinal), seen);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
