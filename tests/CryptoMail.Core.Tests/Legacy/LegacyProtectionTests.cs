using System.Text;
using CryptoMail.Core.Tests.Interop;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace CryptoMail.Core.Tests.Legacy;

/// <summary>Passphrase protection as older programs wrote it: password messages with simple, salted and iterated S2K
/// over MD5, SHA-1 and RIPEMD-160 and the old ciphers (written by gpg), and secret keys protected with S2K usage 255
/// (a 16-bit checksum instead of SHA-1) under IDEA, CAST5, 3DES or Blowfish (written by BouncyCastle's OpenPGP layer,
/// an implementation independent of ours; GnuPG 2.2 re-protects every exported key with AES-128 and usage 254).</summary>
public sealed class LegacyProtectionTests : IClassFixture<LegacyGpgFixture>
{
    private readonly OpenPgp pgp = new();
    private readonly LegacyGpgFixture fixture;

    public LegacyProtectionTests(LegacyGpgFixture fixture) => this.fixture = fixture;

    [GnuPGTheory]
    [InlineData("0", "MD5", "IDEA")]
    [InlineData("0", "SHA1", "3DES")]
    [InlineData("1", "SHA1", "CAST5")]
    [InlineData("1", "RIPEMD160", "BLOWFISH")]
    [InlineData("3", "MD5", "CAST5")]
    [InlineData("3", "SHA1", "AES256")]
    public void Gpg_password_messages_with_legacy_S2K_and_ciphers_are_read(string s2kMode, string digest, string cipher)
    {
        var gpg = fixture.Gpg;
        var plaintext = Encoding.UTF8.GetBytes($"password message, S2K {s2kMode} {digest} {cipher}");
        var name = $"sym-{s2kMode}-{digest}-{cipher}";
        var input = gpg.WriteFile(name + ".txt", plaintext);
        var output = gpg.OutputPath(name + ".gpg");
        gpg.Run(null, "--passphrase", "old password", "--symmetric", "--force-mdc", "--s2k-mode", s2kMode, "--s2k-digest-algo", digest,
            "--cipher-algo", cipher, "--output", output, input).EnsureSuccess();

        var (clear, result) = InteropData.Run((i, o) => pgp.Decrypt(i, o, new DecryptOptions { Passwords = { "old password" } }), File.ReadAllBytes(output));

        Assert.Equal(plaintext, clear);
        Assert.True(result.DecryptedWithPassword);
        Assert.Equal(cipher != "AES256", result.WeakCipher);

        var e = Assert.Throws<NoDecryptionKeyException>(() => pgp.Decrypt(new MemoryStream(File.ReadAllBytes(output)), new MemoryStream(),
            new DecryptOptions { Passwords = { "wrong password" } }));
        Assert.Empty(e.RecipientKeyIds);
    }

    [Theory]
    [InlineData(SymmetricKeyAlgorithmTag.Idea)]
    [InlineData(SymmetricKeyAlgorithmTag.Cast5)]
    [InlineData(SymmetricKeyAlgorithmTag.TripleDes)]
    [InlineData(SymmetricKeyAlgorithmTag.Blowfish)]
    public void Secret_keys_protected_with_a_16_bit_checksum_and_an_old_cipher_unlock_and_decrypt(SymmetricKeyAlgorithmTag cipher)
    {
        const string passphrase = "checksum protected";
        var armored = BouncyCastleKey(cipher, passphrase);
        var key = SecretKey.Parse(armored);
        var packet = Assert.Single(key.Ring.Secrets);
        Assert.Equal(255, packet.Usage);
        Assert.Equal((int)cipher, packet.Cipher);

        Assert.Throws<BadPassphraseException>(() => key.Unlock("not the passphrase"));
        using var unlocked = key.Unlock(passphrase);
        Assert.True(unlocked.IsUnlocked);

        // Its self-signature is SHA-1 (BouncyCastle's default), so the key is used under the legacy policy.
        var plaintext = Encoding.UTF8.GetBytes("to a key protected with " + cipher);
        using var ciphertext = new MemoryStream();
        pgp.Encrypt(new MemoryStream(plaintext), ciphertext, new EncryptOptions { Recipients = { key.Certificate }, Policy = OpenPgpPolicy.Legacy });
        var (clear, _) = InteropData.Run((i, o) => pgp.Decrypt(i, o,
            new DecryptOptions { Keys = { key }, KeyPassphrases = { "wrong first", passphrase }, Policy = OpenPgpPolicy.Legacy }), ciphertext.ToArray());
        Assert.Equal(plaintext, clear);
    }

    /// <summary>An RSA-2048 key (no subkey) from BouncyCastle's key ring generator with <c>useSha1: false</c>: S2K usage
    /// 255, iterated and salted S2K, the given cipher.</summary>
    private static string BouncyCastleKey(SymmetricKeyAlgorithmTag cipher, string passphrase)
    {
        var random = new SecureRandom();
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), random, 2048, 80));
        var pair = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, generator.GenerateKeyPair(), DateTime.UtcNow.AddMinutes(-1));
        var ring = new PgpKeyRingGenerator(PgpSignature.PositiveCertification, pair, $"Legacy {cipher} <legacy@example.org>", cipher,
            passphrase.ToCharArray(), false, null, null, random).GenerateSecretKeyRing();
        using var buffer = new MemoryStream();
        using (var armor = new ArmoredOutputStream(buffer)) ring.Encode(armor);
        return Encoding.ASCII.GetString(buffer.ToArray());
    }
}
