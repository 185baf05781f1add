using CryptoMail.Core.Tests.Aead;

namespace CryptoMail.Core.Tests.Messages;

/// <summary>RFC 9580 messages through the public API: SKESK v6 + SEIPD v2 with each AEAD mode
/// (Appendix A.9 EAX, A.10 OCB, A.11 GCM; password "password", plaintext "Hello, world!").</summary>
public class Rfc9580MessageTests
{
    private readonly OpenPgp pgp = new();

    [VectorTheory]
    [InlineData("aead_eax.msg", AeadMode.Eax)]
    [InlineData("aead_ocb.msg", AeadMode.Ocb)]
    [InlineData("aead_gcm.msg", AeadMode.Gcm)]
    public void Appendix_A9_to_A11_messages_decrypt_with_their_password(string file, AeadMode mode)
    {
        var output = new MemoryStream();
        var result = pgp.Decrypt(new MemoryStream(SharedVectors.Read(file)), output, new DecryptOptions { Passwords = { "wrong", "password" }, ExportSessionKey = true });

        Assert.Equal("Hello, world!", System.Text.Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal(IntegrityProtection.SeipdV2, result.IntegrityProtection);
        Assert.Equal(mode, result.Aead);
        Assert.True(result.IntegrityProtected);
        Assert.True(result.DecryptedWithPassword);
        Assert.Equal(SymmetricCipher.Aes128, result.Cipher);

        // The same message opens with its session key alone, and a wrong password is a no-key error.
        var again = new MemoryStream();
        pgp.Decrypt(new MemoryStream(SharedVectors.Read(file)), again, new DecryptOptions { SessionKeys = { result.SessionKey! } });
        Assert.Equal(output.ToArray(), again.ToArray());
        Assert.Throws<NoDecryptionKeyException>(() => pgp.Decrypt(new MemoryStream(SharedVectors.Read(file)), new MemoryStream(), new DecryptOptions { Passwords = { "wrong" } }));
    }

    [VectorTheory]
    [InlineData("aead_eax.msg")]
    [InlineData("aead_ocb.msg")]
    [InlineData("aead_gcm.msg")]
    public void A_modified_v2_message_gives_an_integrity_error(string file)
    {
        var armored = SharedVectors.Read(file);
        var binary = new MemoryStream();
        OpenPgpArmor.Dearmor(new MemoryStream(armored), binary);
        var bytes = binary.ToArray();
        for (int i = bytes.Length - 40; i < bytes.Length; i += 7)
        {
            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x01;
            var e = Record.Exception(() => pgp.Decrypt(new MemoryStream(copy), new MemoryStream(), new DecryptOptions { Passwords = { "password" } }));
            Assert.True(e is IntegrityException or MalformedDataException or NoDecryptionKeyException, $"byte {i}: {e?.GetType().Name}");
        }
    }
}
