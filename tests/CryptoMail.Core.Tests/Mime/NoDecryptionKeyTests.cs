using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>An encrypted message for someone else is a typed error naming the recipients.</summary>
public class NoDecryptionKeyTests
{
    private readonly OpenPgp pgp = new();

    [Fact]
    public void Message_encrypted_to_someone_else_throws_no_decryption_key()
    {
        var encrypted = pgp.Mime.Encrypt(TextMessage(), new[] { Bob.Certificate });
        var options = new MimeOpenOptions();
        options.Keys.Add(Mallory);

        Assert.Throws<NoDecryptionKeyException>(() => pgp.Mime.Open(Transport(encrypted), options));
    }

    [Fact]
    public void Message_encrypted_with_no_keys_given_throws_no_decryption_key()
    {
        var encrypted = pgp.Mime.Encrypt(TextMessage(), new[] { Bob.Certificate });

        Assert.Throws<NoDecryptionKeyException>(() => pgp.Mime.Open(Transport(encrypted), new MimeOpenOptions()));
    }
}
