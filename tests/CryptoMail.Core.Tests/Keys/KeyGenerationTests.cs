namespace CryptoMail.Core.Tests.Keys;

public class KeyGenerationTests
{
    private readonly OpenPgp pgp = new();

    [Fact]
    public void Default_profile_is_ed25519_with_a_cv25519_encryption_subkey()
    {
        var key = pgp.GenerateKey("Alice <alice@example.org>");

        Assert.Equal(4, key.Certificate.Version);
        Assert.Equal(KeyAlgorithm.Ed25519, key.Certificate.PrimaryKey.Algorithm);
        Assert.Equal(KeyUsage.Certify | KeyUsage.Sign, key.Certificate.PrimaryKey.Usage);
        var sub = Assert.Single(key.Certificate.Subkeys);
        Assert.Equal(KeyAlgorithm.Cv25519, sub.Algorithm);
        Assert.Equal(KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage, sub.Usage);
        Assert.Equal(new[] { "Alice <alice@example.org>" }, key.UserIds);
        Assert.Equal(40, key.Fingerprint.Length);
        Assert.EndsWith(key.KeyId, key.Fingerprint, StringComparison.Ordinal);
        Assert.True(key.Certificate.CanEncrypt);
        Assert.True(key.Certificate.CanSign);
        Assert.False(key.IsProtected);
    }

    [Fact]
    public void Passphrase_protects_with_sha256_s2k_and_a_wrong_passphrase_is_a_typed_error()
    {
        var key = pgp.GenerateKey("Bob <bob@example.org>", new KeyGenerationOptions { Passphrase = "correct horse" });

        Assert.True(key.IsProtected);
        Assert.False(key.IsUnlocked);
        Assert.Equal(2, key.Ring.Secrets.Count());
        foreach (var sk in key.Ring.Secrets)
        {
            Assert.Equal(254, sk.Usage);
            Assert.Equal((int)Org.BouncyCastle.Bcpg.HashAlgorithmTag.Sha256, sk.S2k!.Hash);
            Assert.Equal((int)Org.BouncyCastle.Bcpg.SymmetricKeyAlgorithmTag.Aes256, sk.Cipher);
            Assert.Equal(16_777_216, sk.S2k.Count);
        }
        Assert.Throws<BadPassphraseException>(() => key.Unlock("wrong"));
        var unlocked = key.Unlock("correct horse");
        Assert.True(unlocked.IsUnlocked);

        var reparsed = SecretKey.Parse(key.ExportArmored());
        Assert.True(reparsed.IsProtected);
        Assert.True(reparsed.TryUnlock("correct horse", out _));
    }

    [Fact]
    public void Expiry_is_recorded_on_primary_and_subkey()
    {
        var created = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var key = pgp.GenerateKey("Carol <carol@example.org>", new KeyGenerationOptions { CreationTime = created, Expiration = TimeSpan.FromDays(365) });

        Assert.Equal(created, key.Certificate.CreationTime);
        Assert.Equal(created.AddDays(365), key.Certificate.ExpirationTime);
        Assert.Equal(created.AddDays(365), key.Certificate.Subkeys[0].ExpirationTime);
        Assert.Empty(key.Certificate.EncryptionKeys(created.AddDays(366)));
        Assert.Single(key.Certificate.EncryptionKeys(created.AddDays(1)));
    }
}
