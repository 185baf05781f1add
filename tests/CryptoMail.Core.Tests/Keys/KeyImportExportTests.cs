using System.Text;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Keys;

public class KeyImportExportTests
{
    public static TheoryData<string> Profiles => TestKeys.Profiles;

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Secret_keys_and_certificates_round_trip_armored_and_binary(string profile)
    {
        var key = TestKeys.Get(profile);
        var fromArmor = SecretKey.Parse(key.ExportArmored());
        var fromBinary = SecretKey.Parse(key.Export());
        Assert.Equal(key.Fingerprint, fromArmor.Fingerprint);
        Assert.Equal(key.Export(), fromBinary.Export());
        Assert.Equal(key.IsProtected, fromArmor.IsProtected);

        var cert = Certificate.Parse(key.Certificate.ExportArmored());
        Assert.Equal(key.Fingerprint, cert.Fingerprint);
        Assert.Equal(key.UserIds, cert.UserIds);
        Assert.Equal(key.Certificate.Subkeys.Select(s => s.Fingerprint), cert.Subkeys.Select(s => s.Fingerprint));
        Assert.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", key.Certificate.ExportArmored());
        Assert.StartsWith("-----BEGIN PGP PRIVATE KEY BLOCK-----", key.ExportArmored());
    }

    [Fact]
    public void Many_keys_in_one_file_are_all_read()
    {
        var a = TestKeys.Get("Curve25519", "alice");
        var b = TestKeys.Get("Rsa3072", "bob");
        var armoredBlocks = a.Certificate.ExportArmored() + "\n" + b.Certificate.ExportArmored();
        Assert.Equal(new[] { a.Fingerprint, b.Fingerprint }, Certificate.ParseAll(armoredBlocks).Select(c => c.Fingerprint));

        var binary = a.Certificate.Export().Concat(b.Certificate.Export()).ToArray();
        Assert.Equal(2, Certificate.ParseAll(binary).Count);
        Assert.Throws<MalformedDataException>(() => Certificate.Parse(binary));

        // A secret key file yields certificates too; a certificate is not a secret key.
        Assert.Equal(a.Fingerprint, Certificate.Parse(a.ExportArmored()).Fingerprint);
        Assert.Throws<MalformedDataException>(() => SecretKey.Parse(a.Certificate.ExportArmored()));
    }

    [Fact]
    public void Passphrase_can_be_changed_and_removed()
    {
        var key = TestKeys.Get("Curve25519+passphrase", "dave");
        Assert.Throws<KeyNotUsableException>(() => key.ChangePassphrase("new"));

        var changed = key.Unlock(TestKeys.Passphrase).ChangePassphrase("new one");
        Assert.True(changed.IsProtected);
        Assert.False(changed.TryUnlock(TestKeys.Passphrase, out _));
        Assert.True(changed.TryUnlock("new one", out var unlocked));

        var clear = unlocked!.ChangePassphrase(null);
        Assert.False(clear.IsProtected);
        var sig = new MemoryStream();
        new OpenPgp().SignDetached(new MemoryStream("x"u8.ToArray()), sig, new SignOptions { Signers = { SecretKey.Parse(clear.Export()) } });
        Assert.True(sig.Length > 0);
    }

    [Fact]
    public void Key_facts_are_exposed()
    {
        var key = TestKeys.Get("Rsa3072", "bob");
        Assert.Equal(KeyAlgorithm.Rsa, key.Certificate.PrimaryKey.Algorithm);
        Assert.Equal(3072, key.Certificate.PrimaryKey.BitStrength);
        Assert.Equal(new[] { "bob@example.org" }, key.Certificate.EmailAddresses);
        Assert.True(key.Certificate.HasKey(key.KeyId));
        Assert.True(key.Certificate.HasKey(key.Certificate.Subkeys[0].Fingerprint.ToLowerInvariant()));
        Assert.Equal(key.Fingerprint + " Bob <bob@example.org>", key.Certificate.ToString());
    }

    [Fact]
    public void Armor_and_dearmor_round_trip_with_the_label_of_the_first_packet()
    {
        var key = TestKeys.Get("Curve25519");
        var armored = new MemoryStream();
        OpenPgpArmor.Armor(new MemoryStream(key.Certificate.Export()), armored);
        Assert.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", Encoding.ASCII.GetString(armored.ToArray()));
        var binary = new MemoryStream();
        OpenPgpArmor.Dearmor(new MemoryStream(armored.ToArray()), binary);
        Assert.Equal(key.Certificate.Export(), binary.ToArray());
        Assert.Throws<MalformedDataException>(() => OpenPgpArmor.Dearmor(new MemoryStream("-----BEGIN PGP MESSAGE-----\n\n%%%%\n"u8.ToArray()), new MemoryStream()));
    }
}
