using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;
using static CryptoMail.Core.Tests.Mime.MimeKitContextTests;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>The MimeKit context reads its keys from the library's stores: addresses as the stores normalize them,
/// the asynchronous lookups of on-disk stores, <c>Import</c> into an <see cref="ICertificateStore"/>, and a context
/// without secret keys.</summary>
public sealed class MimeKitContextStoreTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("cmctx-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static TextPart Body() => new("plain") { Text = "Pay Bob $100 on Friday.\n" };

    [Fact]
    public void Addresses_are_matched_as_the_stores_normalize_them()
    {
        using var alice = CryptoMailContext.Create(StoreOptions([Alice], [Bob.Certificate]));
        var shoutedBob = new MailboxAddress("Bob", "BOB@Example.ORG");

        Assert.True(alice.CanSign(new MailboxAddress("Alice", "Alice@EXAMPLE.org")));
        Assert.True(alice.CanEncrypt(shoutedBob));
        var encrypted = MultipartEncrypted.Encrypt(alice, new[] { shoutedBob }, Body());

        using var bob = CryptoMailContext.Create(StoreOptions([Bob], [Alice.Certificate]));
        Assert.IsType<TextPart>(CryptoMailContext.Decrypt(Wire<MultipartEncrypted>(encrypted), bob, out _));
    }

    [Fact]
    public void A_mailbox_without_an_addr_spec_has_no_keys_and_is_MimeKits_key_not_found()
    {
        using var alice = CryptoMailContext.Create(StoreOptions([Alice], [Bob.Certificate]));
        var nobody = new MailboxAddress("Undisclosed recipients", "undisclosed-recipients");

        Assert.False(alice.CanEncrypt(nobody));
        Assert.False(alice.CanSign(nobody));
        Assert.Throws<PublicKeyNotFoundException>(() => MultipartEncrypted.Encrypt(alice, new[] { nobody }, Body()));
        Assert.Throws<PrivateKeyNotFoundException>(() => MultipartSigned.Create(alice, nobody, DigestAlgorithm.Sha256, Body()));
    }

    [Fact]
    public async Task A_context_over_a_cert_d_and_secret_key_directories_works_through_the_async_lookups()
    {
        var certificates = new CertificateDirectory(Path.Combine(root, "pgp.cert.d"));
        await certificates.InsertCertificateAsync(Alice.Certificate);
        await certificates.InsertCertificateAsync(Bob.Certificate);
        var aliceKeys = new SecretKeyDirectory(Path.Combine(root, "alice"), allowUnprotected: true);
        var bobKeys = new SecretKeyDirectory(Path.Combine(root, "bob"), allowUnprotected: true);
        await aliceKeys.InsertSecretKeyAsync(Alice);
        await bobKeys.InsertSecretKeyAsync(Bob);
        using var alice = CryptoMailContext.Create(new CryptoMailContextOptions(certificates, aliceKeys));
        using var bob = CryptoMailContext.Create(new CryptoMailContextOptions(certificates, bobKeys));

        Assert.True(await alice.CanSignAsync(AliceAddress));
        Assert.False(await alice.CanSignAsync(BobAddress));
        Assert.True(await alice.CanEncryptAsync(BobAddress));
        Assert.False(await alice.CanEncryptAsync(new MailboxAddress("Mallory", "mallory@example.net")));

        var encrypted = await CryptoMailContext.SignAndEncryptAsync(alice, AliceAddress, DigestAlgorithm.Sha256, new[] { BobAddress }, Body());
        var opened = await CryptoMailContext.DecryptAsync(Wire<MultipartEncrypted>(encrypted), bob);
        Assert.Equal("Pay Bob $100 on Friday.\n", Assert.IsType<TextPart>(opened.Entity).Text.ReplaceLineEndings("\n"));
        Assert.True(Assert.Single(opened.Signatures).Verify());

        var exported = await alice.ExportAsync(new[] { BobAddress });
        using var keys = new MemoryStream();
        await exported.Content!.DecodeToAsync(keys);
        Assert.Equal(Bob.Fingerprint, Certificate.Parse(Encoding.ASCII.GetString(keys.ToArray())).Fingerprint);
    }

    [Fact]
    public async Task Import_inserts_into_the_certificate_store_merging_updates()
    {
        var store = new InMemoryCertificateStore();
        using var alice = CryptoMailContext.Create(new CryptoMailContextOptions(store, new InMemorySecretKeyStore([Alice])));
        Assert.False(alice.CanEncrypt(BobAddress));

        alice.Import(new MemoryStream(Encoding.ASCII.GetBytes(Bob.Certificate.ExportArmored())));
        Assert.True(alice.CanEncrypt(BobAddress));

        await alice.ImportAsync(new MemoryStream(Bob.Revoke(RevocationReason.Superseded, "moved").Export()));
        var stored = Assert.Single(store.GetAllCertificates());
        Assert.True(stored.IsRevoked);
        Assert.False(alice.CanEncrypt(BobAddress));
    }

    [Fact]
    public async Task Import_is_refused_when_the_certificate_lookup_cannot_store()
    {
        using var ctx = CryptoMailContext.Create(new CryptoMailContextOptions(new GnuPGHome(root)));

        var refused = Assert.Throws<NotSupportedException>(() => ctx.Import(new MemoryStream(Bob.Certificate.Export())));
        Assert.Contains("GnuPGHome", refused.Message, StringComparison.Ordinal);
        Assert.Contains("ICertificateStore", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotSupportedException>(() => ctx.ImportAsync(new MemoryStream(Bob.Certificate.Export())));
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    [Fact]
    public void Without_a_secret_key_lookup_the_context_encrypts_and_verifies_only()
    {
        using var reader = CryptoMailContext.Create(new CryptoMailContextOptions(new InMemoryCertificateStore([Alice.Certificate, Bob.Certificate])));
        using var alice = CryptoMailContext.Create(StoreOptions([Alice], [Bob.Certificate]));
        using var bob = CryptoMailContext.Create(StoreOptions([Bob], [Alice.Certificate]));

        Assert.False(reader.CanSign(AliceAddress));
        Assert.Throws<PrivateKeyNotFoundException>(() => MultipartSigned.Create(reader, AliceAddress, DigestAlgorithm.Sha256, Body()));

        var encrypted = Wire<MultipartEncrypted>(MultipartEncrypted.Encrypt(reader, new[] { BobAddress }, Body()));
        Assert.Throws<NoDecryptionKeyException>(() => CryptoMailContext.Decrypt(encrypted, reader, out _));
        Assert.IsType<TextPart>(CryptoMailContext.Decrypt(encrypted, bob, out _));

        var signed = Wire<MultipartSigned>(MultipartSigned.Create(alice, AliceAddress, DigestAlgorithm.Sha256, Body()));
        Assert.Equal(SignatureStatus.Good, ((CryptoMailDigitalSignature)Assert.Single(signed.Verify(reader))).Verification.Status);
    }

    [Fact]
    public void Signers_are_known_from_the_certificate_lookup_only_not_from_secret_keys()
    {
        // One source of certificates: a secret key signs, but its own signatures verify only when its certificate is
        // in the certificate lookup, as in GnuPG's and cert-d key rings.
        using var keysOnly = CryptoMailContext.Create(new CryptoMailContextOptions(new InMemoryCertificateStore(), new InMemorySecretKeyStore([Alice])));
        var signed = Wire<MultipartSigned>(MultipartSigned.Create(keysOnly, AliceAddress, DigestAlgorithm.Sha256, Body()));

        Assert.Equal(SignatureStatus.UnknownKey, ((CryptoMailDigitalSignature)Assert.Single(signed.Verify(keysOnly))).Verification.Status);
        using var withCertificate = CryptoMailContext.Create(StoreOptions([Alice]));
        Assert.Equal(SignatureStatus.Good, ((CryptoMailDigitalSignature)Assert.Single(signed.Verify(withCertificate))).Verification.Status);
    }
}
