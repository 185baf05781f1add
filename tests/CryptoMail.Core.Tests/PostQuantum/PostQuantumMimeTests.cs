using CryptoMail.Core.Tests.Mime;
using CryptoMail.Core.Tests.Support;
using MimeKit;
using MimeKit.Cryptography;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.PostQuantum;

/// <summary>PGP/MIME on post-quantum keys (RFC 9980 under RFC 3156 and RFC 9788): sealing signs with the composite
/// ML-DSA key and encrypts to the composite ML-KEM subkey, opening reports the signer and whether every session key
/// was protected post-quantum. Both key shapes: a v6 key of each PQ profile, and a v4 Curve25519 key that gained a
/// ML-KEM-768+X25519 subkey.</summary>
[Collection(MimeKitRegistry.Name)]
public class PostQuantumMimeTests
{
    private readonly OpenPgp pgp = new();

    private static readonly Lazy<SecretKey> UpgradedV4Alice = new(() => Upgrade("Alice <alice@example.org>"));
    private static readonly Lazy<SecretKey> UpgradedV4Bob = new(() => Upgrade("Bob <bob@example.org>"));

    private static SecretKey Upgrade(string userId)
    {
        using var classical = new OpenPgp().GenerateKey(userId, new KeyGenerationOptions { Profile = KeyProfile.Curve25519 });
        return classical.AddPostQuantumSubkey();
    }

    /// <summary>Sender and recipient of one shape: "V6MlDsa65Ed25519", "V6MlDsa87Ed448" or "V4Upgraded".</summary>
    private static (SecretKey Alice, SecretKey Bob) Pair(string shape) => shape == "V4Upgraded"
        ? (UpgradedV4Alice.Value, UpgradedV4Bob.Value)
        : (TestKeys.Get(shape, "alice"), TestKeys.Get(shape, "bob"));

    public static TheoryData<string> Shapes => new() { "V6MlDsa65Ed25519", "V6MlDsa87Ed448", "V4Upgraded" };

    private static MimeMessage Threaded()
    {
        var message = TextMessage();
        message.Subject = "Handling the Jones contract";
        message.MessageId = "pq-1@example.org";
        return message;
    }

    private static MimeOpenOptions Opens(SecretKey key, params Certificate[] verifiers)
    {
        var options = new MimeOpenOptions();
        options.Keys.Add(key);
        foreach (var certificate in verifiers) options.Verifiers.Add(certificate);
        return options;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Sealed_message_opens_encrypted_post_quantum_with_a_good_signature_from_the_sender(string shape)
    {
        var (alice, bob) = Pair(shape);

        var sealedMessage = Transport(pgp.Mime.SignAndEncrypt(Threaded(), alice, new[] { bob.Certificate }));
        var wire = System.Text.Encoding.UTF8.GetString(Bytes(sealedMessage));
        Assert.Equal("[...]", sealedMessage.Subject);
        Assert.DoesNotContain("Jones", wire, StringComparison.Ordinal);

        var opened = pgp.Mime.Open(sealedMessage, Opens(bob, alice.Certificate));

        Assert.Equal(ProtectionCoverage.Full, opened.Encryption);
        Assert.True(opened.IntegrityProtected);
        Assert.True(opened.PostQuantum);
        var signature = Assert.Single(opened.Signatures);
        Assert.Equal(SignatureStatus.Good, signature.Verification.Status);
        Assert.Equal(alice.Fingerprint, signature.Verification.SignerFingerprint);
        Assert.Equal(ProtectionCoverage.Full, signature.Coverage);
        Assert.True(opened.IsFullySignedBySender);
        Assert.Equal("Handling the Jones contract", opened.Message.Subject);
        Assert.Equal(HeaderProtectionForm.Encrypted, opened.ProtectedHeaders!.Form);
        Assert.Equal("Hello Bob,\nthe meeting is at 10.\n", Assert.IsType<TextPart>(opened.Message.Body).Text.ReplaceLineEndings("\n"));

        // Encrypt-to-self goes post-quantum too: the sender reads her sent copy through her own ML-KEM subkey.
        var sentCopy = pgp.Mime.Open(sealedMessage, Opens(alice, alice.Certificate));
        Assert.True(sentCopy.PostQuantum);
        Assert.True(sentCopy.IsFullySignedBySender);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void A_signature_from_someone_else_is_not_the_senders(string shape)
    {
        var (alice, bob) = Pair(shape);
        var mallory = TestKeys.Get(shape == "V4Upgraded" ? "V6MlDsa65Ed25519" : shape, "mallory");

        var sealedMessage = Transport(pgp.Mime.SignAndEncrypt(Threaded(), mallory, new[] { bob.Certificate }));
        var opened = pgp.Mime.Open(sealedMessage, Opens(bob, alice.Certificate, mallory.Certificate));

        Assert.True(opened.PostQuantum);
        var signature = Assert.Single(opened.Signatures);
        Assert.Equal(SignatureStatus.Good, signature.Verification.Status);
        Assert.Equal(mallory.Fingerprint, signature.Verification.SignerFingerprint);
        Assert.False(signature.MatchesFrom);
        Assert.False(opened.IsFullySignedBySender);
    }

    [Fact]
    public void A_classical_recipient_next_to_a_post_quantum_one_makes_the_message_not_post_quantum()
    {
        var (alice, bob) = Pair("V6MlDsa65Ed25519");

        var sealedMessage = Transport(pgp.Mime.SignAndEncrypt(Threaded(), alice, new[] { bob.Certificate, MimeFixtures.Bob.Certificate }));
        var opened = pgp.Mime.Open(sealedMessage, Opens(bob, alice.Certificate));

        Assert.Equal(ProtectionCoverage.Full, opened.Encryption);
        Assert.True(opened.IsFullySignedBySender);
        Assert.False(opened.PostQuantum);
    }

    [Fact]
    public void A_classical_message_is_not_reported_post_quantum()
    {
        var opened = pgp.Mime.Open(Transport(pgp.Mime.SignAndEncrypt(TextMessage(), MimeFixtures.Alice, new[] { MimeFixtures.Bob.Certificate })), BobOpens());

        Assert.True(opened.Decrypted);
        Assert.True(opened.IsFullySignedBySender);
        Assert.False(opened.PostQuantum);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task MimeKit_context_SignAndEncrypt_then_Decrypt_is_post_quantum_with_the_senders_good_signature(string shape)
    {
        var (alice, bob) = Pair(shape);
        using var aliceContext = CryptoMailContext.Create(MimeKitContextTests.StoreOptions([alice], [bob.Certificate]));
        using var bobContext = CryptoMailContext.Create(MimeKitContextTests.StoreOptions([bob], [alice.Certificate]));

        var encrypted = await CryptoMailContext.SignAndEncryptAsync(aliceContext, MimeKitContextTests.AliceAddress, DigestAlgorithm.Sha512,
            new[] { MimeKitContextTests.BobAddress }, new TextPart("plain") { Text = "Pay Bob $100 on Friday.\n" });

        var decrypted = await CryptoMailContext.DecryptAsync(MimeKitContextTests.Wire<MultipartEncrypted>(encrypted), bobContext);

        Assert.Equal("Pay Bob $100 on Friday.\n", Assert.IsType<TextPart>(decrypted.Entity).Text.ReplaceLineEndings("\n"));
        Assert.True(decrypted.Result.PostQuantum);
        Assert.True(decrypted.Result.IntegrityProtected);
        var signature = Assert.Single(decrypted.Signatures);
        Assert.True(signature.Verify());
        Assert.Equal(alice.Fingerprint, signature.SignerCertificate!.Fingerprint);
    }
}
