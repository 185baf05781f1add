using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Messages;

public class SessionKeyTests
{
    private readonly OpenPgp pgp = new();

    [Fact]
    public void Exported_session_key_decrypts_the_same_message_without_the_secret_key()
    {
        var bob = TestKeys.Get("Curve25519", "bob");
        var plaintext = TestData.Random(150_000);
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream(plaintext), ct, new EncryptOptions { Recipients = { bob.Certificate } });

        var first = pgp.Decrypt(new MemoryStream(ct.ToArray()), new MemoryStream(), new DecryptOptions { Keys = { bob }, ExportSessionKey = true });
        var sessionKey = Assert.IsType<SessionKey>(first.SessionKey);
        Assert.Equal(SymmetricCipher.Aes256, sessionKey.Algorithm);
        Assert.Equal(32, sessionKey.Key.Length);

        var parsed = SessionKey.Parse(sessionKey.ToString());
        var output = new MemoryStream();
        var second = pgp.Decrypt(new MemoryStream(ct.ToArray()), output, new DecryptOptions { SessionKeys = { parsed } });
        Assert.Equal(plaintext, output.ToArray());
        Assert.Null(second.DecryptedWith);
        Assert.Null(second.SessionKey);
    }

    [Fact]
    public void A_wrong_session_key_is_a_no_key_error()
    {
        var bob = TestKeys.Get("Curve25519", "bob");
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream("x"u8.ToArray()), ct, new EncryptOptions { Recipients = { bob.Certificate } });
        var wrong = new SessionKey(SymmetricCipher.Aes256, new byte[32]);
        Assert.Throws<NoDecryptionKeyException>(() => pgp.Decrypt(new MemoryStream(ct.ToArray()), new MemoryStream(), new DecryptOptions { SessionKeys = { wrong } }));
    }

    [Theory]
    [InlineData("9")]
    [InlineData("x:00")]
    [InlineData("9:zz")]
    [InlineData("9:")]
    public void Malformed_session_key_text_is_a_format_error(string text) =>
        Assert.Throws<FormatException>(() => SessionKey.Parse(text));

    [Theory]
    [InlineData(Org.BouncyCastle.Bcpg.SymmetricKeyAlgorithmTag.Cast5)]
    [InlineData(Org.BouncyCastle.Bcpg.SymmetricKeyAlgorithmTag.TripleDes)]
    [InlineData(Org.BouncyCastle.Bcpg.SymmetricKeyAlgorithmTag.Twofish)]
    [InlineData(Org.BouncyCastle.Bcpg.SymmetricKeyAlgorithmTag.Camellia256)]
    [InlineData(Org.BouncyCastle.Bcpg.SymmetricKeyAlgorithmTag.Aes128)]
    public void Messages_from_older_writers_with_other_ciphers_still_decrypt(Org.BouncyCastle.Bcpg.SymmetricKeyAlgorithmTag cipher)
    {
        // BouncyCastle writes these; our writer only uses AES.
        var bob = TestKeys.Get("Rsa3072", "bob");
        var pub = new Org.BouncyCastle.Bcpg.OpenPgp.PgpPublicKeyRing(bob.Certificate.Export()).GetPublicKeys().Last();
        var gen = new Org.BouncyCastle.Bcpg.OpenPgp.PgpEncryptedDataGenerator(cipher, withIntegrityPacket: true);
        gen.AddMethod(pub);
        gen.AddMethodUtf8("pw".ToCharArray(), Org.BouncyCastle.Bcpg.HashAlgorithmTag.Sha1);
        var ct = new MemoryStream();
        var data = TestData.Random(70_001);
        using (var enc = gen.Open(ct, new byte[4096]))
        {
            var lit = new Org.BouncyCastle.Bcpg.OpenPgp.PgpLiteralDataGenerator();
            using var l = lit.Open(enc, 'b', "f.bin", DateTime.UtcNow, new byte[4096]);
            l.Write(data);
        }
        // CAST5 and 3DES are read only under the legacy policy (PolicyTests checks that the default refuses them).
        foreach (var options in new[] { new DecryptOptions { Keys = { bob }, Policy = OpenPgpPolicy.Legacy }, new DecryptOptions { Passwords = { "pw" }, Policy = OpenPgpPolicy.Legacy } })
        {
            var output = new MemoryStream();
            var result = pgp.Decrypt(new MemoryStream(ct.ToArray()), output, options);
            Assert.Equal(data, output.ToArray());
            Assert.Equal("f.bin", result.FileName);
        }
    }
}
