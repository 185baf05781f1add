using System.Buffers.Binary;
using CryptoMail.Core.Tests.Stores;

namespace CryptoMail.Core.Tests.Interop;

/// <summary>Reads key rings that gpg itself wrote: the keybox (pubring.kbx) and the legacy pubring.gpg.</summary>
public sealed class GnuPGHomeTests
{
    private const string Passphrase = "gpg home passphrase";

    [GnuPGFact]
    public void The_keybox_gpg_writes_yields_every_certificate_with_its_subkeys_and_user_ids()
    {
        using var gpg = new GnuPG();
        var ed = gpg.GenerateKey("Ed <ed@example.org>", "ed25519", Passphrase);
        var rsa = gpg.GenerateKey("Rsa <rsa@example.org>", "rsa3072", Passphrase);
        gpg.Import(StoreFixtures.Bob.Certificate.ExportArmored());
        Assert.True(File.Exists(Path.Combine(gpg.Home, "pubring.kbx")));

        var home = new GnuPGHome(gpg.Home);
        Assert.EndsWith("pubring.kbx", home.KeyRingPath);
        var all = home.GetAllCertificates();
        Assert.Equal(new[] { ed, rsa, StoreFixtures.Bob.Fingerprint }.Order(StringComparer.Ordinal), all.Select(c => c.Fingerprint));
        Assert.Equal(0, home.SkippedKeyBlocks);

        // Every fingerprint gpg lists (primary keys and subkeys) finds its certificate.
        foreach (var fpr in gpg.Fingerprints("--list-keys"))
            Assert.Single(home.FindCertificatesByKey(fpr));
        var edCert = Assert.Single(home.FindCertificatesByEmail("ED@example.org"));
        Assert.Equal(ed, edCert.Fingerprint);
        Assert.True(edCert.CanEncrypt);
        Assert.Equal(Certificate.Parse(gpg.ExportCertificate(ed)).Export(), edCert.Export());
        Assert.Equal("Rsa <rsa@example.org>", home.GetCertificate(rsa)!.UserIds.Single());
    }

    [GnuPGFact]
    public void A_home_that_changes_is_read_again()
    {
        using var gpg = new GnuPG();
        gpg.Import(StoreFixtures.Bob.Certificate.ExportArmored());
        var home = new GnuPGHome(gpg.Home);
        Assert.Single(home.GetAllCertificates());
        gpg.Import(StoreFixtures.Alice.Certificate.ExportArmored());
        Assert.Equal(2, home.GetAllCertificates().Count);
    }

    [GnuPGFact]
    public void Ephemeral_keybox_entries_are_left_out()
    {
        using var gpg = new GnuPG();
        gpg.Import(StoreFixtures.Bob.Certificate.ExportArmored());
        var kbx = File.ReadAllBytes(Path.Combine(gpg.Home, "pubring.kbx"));
        Assert.Single(GnuPGHome.ReadKeybox(kbx));
        // Set the ephemeral flag (bit 1 of the blob flags) of the OpenPGP blob after the header blob.
        int second = (int)BinaryPrimitives.ReadUInt32BigEndian(kbx);
        kbx[second + 7] |= 0x02;
        Assert.Empty(GnuPGHome.ReadKeybox(kbx));
    }

    [GnuPGFact]
    public void A_legacy_pubring_gpg_is_read_when_there_is_no_keybox()
    {
        using var gpg = new GnuPG();
        // With an existing pubring.gpg and no pubring.kbx, gpg keeps using the legacy format.
        File.WriteAllBytes(Path.Combine(gpg.Home, "pubring.gpg"), []);
        var ed = gpg.GenerateKey("Leg <leg@example.org>", "ed25519", Passphrase);
        gpg.Import(StoreFixtures.Bob.Certificate.ExportArmored());
        Assert.False(File.Exists(Path.Combine(gpg.Home, "pubring.kbx")));

        var home = new GnuPGHome(gpg.Home);
        Assert.EndsWith("pubring.gpg", home.KeyRingPath);
        Assert.Equal(new[] { ed, StoreFixtures.Bob.Fingerprint }.Order(StringComparer.Ordinal), home.GetAllCertificates().Select(c => c.Fingerprint));
        Assert.Single(home.FindCertificatesByEmail("leg@example.org"));
    }

    [GnuPGFact]
    public void Secret_keys_come_over_through_export_secret_keys_still_protected()
    {
        using var gpg = new GnuPG();
        var fpr = gpg.GenerateKey("Sec <sec@example.org>", "ed25519", Passphrase);
        var exported = gpg.ExportSecretKey(fpr, Passphrase);
        var key = Assert.Single(SecretKey.ParseAll(exported));
        Assert.True(key.IsProtected);

        var dir = StoreFixtures.TempDirectory("cmgpgsecret-");
        try
        {
            var store = new SecretKeyDirectory(dir);
            store.InsertSecretKey(key);
            var stored = store.GetSecretKey(fpr)!;
            Assert.True(stored.TryUnlock(Passphrase, out _));
            Assert.Single(store.FindSecretKeysByEmail("sec@example.org"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
