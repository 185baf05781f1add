using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Messages;

/// <summary>Keys found through lookups on the options: a decryption asks the secret key lookup only for the
/// recipients the message names (and lists every key only for an anonymous recipient); verification asks the
/// certificate lookup only for the signers the signatures name.</summary>
public class KeyResolutionTests
{
    private readonly OpenPgp pgp = new();
    private static readonly SecretKey Alice = TestKeys.Get("Curve25519", "alice");
    private static readonly SecretKey Bob = TestKeys.Get("Curve25519", "bob");
    private static readonly SecretKey Carol = TestKeys.Get("Rsa3072", "carol");
    private static readonly SecretKey V6 = TestKeys.Get("V6Ed25519", "dave");

    /// <summary>A secret key lookup over a store that records what it was asked.</summary>
    private sealed class RecordingKeys(params SecretKey[] keys) : ISecretKeyLookup
    {
        private readonly InMemorySecretKeyStore store = new(keys);
        public List<string> Asked { get; } = new();
        public int ListedAll { get; private set; }

        public SecretKey? GetSecretKey(string fingerprint) { Asked.Add("get " + fingerprint); return store.GetSecretKey(fingerprint); }
        public Task<SecretKey?> GetSecretKeyAsync(string fingerprint, CancellationToken cancellationToken = default) => Task.FromResult(GetSecretKey(fingerprint));
        public IReadOnlyList<SecretKey> FindSecretKeysByKey(string keyIdOrFingerprint) { Asked.Add(keyIdOrFingerprint); return store.FindSecretKeysByKey(keyIdOrFingerprint); }
        public Task<IReadOnlyList<SecretKey>> FindSecretKeysByKeyAsync(string keyIdOrFingerprint, CancellationToken cancellationToken = default) =>
            Task.FromResult(FindSecretKeysByKey(keyIdOrFingerprint));
        public IReadOnlyList<SecretKey> FindSecretKeysByEmail(string address) { Asked.Add("email " + address); return store.FindSecretKeysByEmail(address); }
        public Task<IReadOnlyList<SecretKey>> FindSecretKeysByEmailAsync(string address, CancellationToken cancellationToken = default) => Task.FromResult(FindSecretKeysByEmail(address));
        public IReadOnlyList<SecretKey> GetAllSecretKeys() { ListedAll++; return store.GetAllSecretKeys(); }
        public Task<IReadOnlyList<SecretKey>> GetAllSecretKeysAsync(CancellationToken cancellationToken = default) => Task.FromResult(GetAllSecretKeys());
    }

    /// <summary>A certificate lookup over a store that records what it was asked.</summary>
    private sealed class RecordingCertificates(params Certificate[] certificates) : ICertificateLookup
    {
        private readonly InMemoryCertificateStore store = new(certificates);
        public List<string> Asked { get; } = new();
        public int ListedAll { get; private set; }

        public Certificate? GetCertificate(string fingerprint) { Asked.Add("get " + fingerprint); return store.GetCertificate(fingerprint); }
        public Task<Certificate?> GetCertificateAsync(string fingerprint, CancellationToken cancellationToken = default) => Task.FromResult(GetCertificate(fingerprint));
        public IReadOnlyList<Certificate> FindCertificatesByKey(string keyIdOrFingerprint) { Asked.Add(keyIdOrFingerprint); return store.FindCertificatesByKey(keyIdOrFingerprint); }
        public Task<IReadOnlyList<Certificate>> FindCertificatesByKeyAsync(string keyIdOrFingerprint, CancellationToken cancellationToken = default) =>
            Task.FromResult(FindCertificatesByKey(keyIdOrFingerprint));
        public IReadOnlyList<Certificate> FindCertificatesByEmail(string address) { Asked.Add("email " + address); return store.FindCertificatesByEmail(address); }
        public Task<IReadOnlyList<Certificate>> FindCertificatesByEmailAsync(string address, CancellationToken cancellationToken = default) => Task.FromResult(FindCertificatesByEmail(address));
        public IReadOnlyList<Certificate> GetAllCertificates() { ListedAll++; return store.GetAllCertificates(); }
        public Task<IReadOnlyList<Certificate>> GetAllCertificatesAsync(CancellationToken cancellationToken = default) => Task.FromResult(GetAllCertificates());
    }

    private byte[] Encrypt(byte[] plaintext, EncryptOptions options)
    {
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream(plaintext), ct, options);
        return ct.ToArray();
    }

    private static string EncryptionKeyId(SecretKey key) =>
        key.Certificate.Subkeys.Single().KeyId;

    [Fact]
    public void A_decryption_asks_the_lookup_only_for_the_named_recipient()
    {
        var plaintext = TestData.Random(1000);
        var message = Encrypt(plaintext, new EncryptOptions { Recipients = { Bob.Certificate }, EncryptionFormat = EncryptionFormat.SeipdV1 });
        var lookup = new RecordingKeys(Alice, Bob, Carol);

        var output = new MemoryStream();
        var result = pgp.Decrypt(new MemoryStream(message), output, new DecryptOptions { KeyLookup = lookup });

        Assert.Equal(plaintext, output.ToArray());
        Assert.Equal(new[] { EncryptionKeyId(Bob) }, lookup.Asked);
        Assert.Equal(0, lookup.ListedAll);
        Assert.True(Bob.Certificate.HasKey(result.DecryptedWith!));
    }

    [Fact]
    public async Task An_asynchronous_decryption_uses_the_lookup_too()
    {
        var message = Encrypt("hello"u8.ToArray(), new EncryptOptions { Recipients = { Carol.Certificate }, EncryptionFormat = EncryptionFormat.SeipdV1 });
        var lookup = new RecordingKeys(Bob, Carol);
        var output = new MemoryStream();
        await pgp.DecryptAsync(new MemoryStream(message), output, new DecryptOptions { KeyLookup = lookup });
        Assert.Equal("hello"u8.ToArray(), output.ToArray());
        Assert.Equal(new[] { EncryptionKeyId(Carol) }, lookup.Asked);
    }

    [Fact]
    public void A_v6_recipient_is_looked_up_by_its_fingerprint()
    {
        var message = Encrypt("v6"u8.ToArray(), new EncryptOptions { Recipients = { V6.Certificate }, EncryptionFormat = EncryptionFormat.SeipdV2 });
        var lookup = new RecordingKeys(Alice, V6);
        var output = new MemoryStream();
        pgp.Decrypt(new MemoryStream(message), output, new DecryptOptions { KeyLookup = lookup });
        Assert.Equal("v6"u8.ToArray(), output.ToArray());
        var asked = Assert.Single(lookup.Asked);
        Assert.Equal(64, asked.Length);
        Assert.True(V6.Certificate.HasKey(asked));
    }

    [Fact]
    public void A_stranger_is_asked_only_for_the_recipient_and_a_listed_key_saves_its_lookup()
    {
        var message = Encrypt("x"u8.ToArray(), new EncryptOptions { Recipients = { Alice.Certificate }, EncryptionFormat = EncryptionFormat.SeipdV1 });
        var lookup = new RecordingKeys(Bob);
        var e = Assert.Throws<NoDecryptionKeyException>(() => pgp.Decrypt(new MemoryStream(message), new MemoryStream(), new DecryptOptions { KeyLookup = lookup }));
        Assert.Equal(new[] { EncryptionKeyId(Alice) }, lookup.Asked);
        Assert.Contains(EncryptionKeyId(Alice), e.RecipientKeyIds);

        // A v4 recipient of SEIPD v2 gets a v6 PKESK, which names the key's fingerprint; a listed key that holds the
        // recipient saves the lookup.
        var v2 = Encrypt("x"u8.ToArray(), new EncryptOptions { Recipients = { Alice.Certificate, Bob.Certificate }, EncryptionFormat = EncryptionFormat.SeipdV2 });
        var withList = new RecordingKeys(Alice, Bob);
        var output = new MemoryStream();
        pgp.Decrypt(new MemoryStream(v2), output, new DecryptOptions { Keys = { Alice }, KeyLookup = withList });
        Assert.Equal("x"u8.ToArray(), output.ToArray());
        Assert.Equal(new[] { Bob.Certificate.Subkeys.Single().Fingerprint }, withList.Asked);
    }

    [Fact]
    public void Only_an_anonymous_recipient_makes_the_lookup_list_every_key()
    {
        var message = Encrypt("anonymous"u8.ToArray(), new EncryptOptions { Recipients = { Bob.Certificate }, EncryptionFormat = EncryptionFormat.SeipdV1 });
        // The first packet is the v3 PKESK: old or new format header, then version 3 and the key ID, set to the wildcard.
        Assert.Equal(0xC1, message[0]);
        int header = message[1] < 192 ? 2 : 3;
        Assert.Equal(3, message[header]);
        Array.Clear(message, header + 1, 8);
        var lookup = new RecordingKeys(Alice, Bob);

        var output = new MemoryStream();
        pgp.Decrypt(new MemoryStream(message), output, new DecryptOptions { KeyLookup = lookup });
        Assert.Equal("anonymous"u8.ToArray(), output.ToArray());
        Assert.Equal(1, lookup.ListedAll);
        Assert.Empty(lookup.Asked);
    }

    [Fact]
    public void A_lookup_failure_reaches_the_caller_unchanged()
    {
        var message = Encrypt("x"u8.ToArray(), new EncryptOptions { Recipients = { Alice.Certificate } });
        var e = Assert.Throws<TimeoutException>(() => pgp.Decrypt(new MemoryStream(message), new MemoryStream(), new DecryptOptions { KeyLookup = new FailingKeys() }));
        Assert.Equal("database down", e.Message);
    }

    private sealed class FailingKeys : ISecretKeyLookup
    {
        public SecretKey? GetSecretKey(string fingerprint) => throw new TimeoutException("database down");
        public Task<SecretKey?> GetSecretKeyAsync(string fingerprint, CancellationToken cancellationToken = default) => throw new TimeoutException("database down");
        public IReadOnlyList<SecretKey> FindSecretKeysByKey(string keyIdOrFingerprint) => throw new TimeoutException("database down");
        public Task<IReadOnlyList<SecretKey>> FindSecretKeysByKeyAsync(string keyIdOrFingerprint, CancellationToken cancellationToken = default) => throw new TimeoutException("database down");
        public IReadOnlyList<SecretKey> FindSecretKeysByEmail(string address) => throw new TimeoutException("database down");
        public Task<IReadOnlyList<SecretKey>> FindSecretKeysByEmailAsync(string address, CancellationToken cancellationToken = default) => throw new TimeoutException("database down");
        public IReadOnlyList<SecretKey> GetAllSecretKeys() => throw new TimeoutException("database down");
        public Task<IReadOnlyList<SecretKey>> GetAllSecretKeysAsync(CancellationToken cancellationToken = default) => throw new TimeoutException("database down");
    }

    [Fact]
    public void Signatures_inside_a_decryption_are_checked_against_the_certificates_the_lookup_finds_for_their_issuer()
    {
        var options = new EncryptOptions { Recipients = { Bob.Certificate }, Signing = { Signers = { Alice } } };
        var message = Encrypt("signed"u8.ToArray(), options);
        var certificates = new RecordingCertificates(Alice.Certificate, Carol.Certificate);

        var result = pgp.Decrypt(new MemoryStream(message), new MemoryStream(), new DecryptOptions { Keys = { Bob }, VerifierLookup = certificates });

        var verdict = Assert.Single(result.Signatures);
        Assert.True(verdict.IsGood, verdict.Reason);
        Assert.Equal(0, certificates.ListedAll);
        Assert.NotEmpty(certificates.Asked);
        Assert.All(certificates.Asked, asked => Assert.True(Alice.Certificate.HasKey(asked), asked));
    }

    [Fact]
    public void A_detached_signature_is_verified_through_the_lookup_and_an_unknown_signer_stays_unknown()
    {
        var data = TestData.Random(5000);
        var signature = new MemoryStream();
        pgp.SignDetached(new MemoryStream(data), signature, new SignOptions { Signers = { Carol } });

        var certificates = new RecordingCertificates(Alice.Certificate, Carol.Certificate);
        var good = pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(signature.ToArray()), new VerifyOptions { VerifierLookup = certificates });
        Assert.True(Assert.Single(good.Signatures).IsGood);
        Assert.Equal(0, certificates.ListedAll);
        Assert.All(certificates.Asked, asked => Assert.True(Carol.Certificate.HasKey(asked), asked));

        var strangers = new RecordingCertificates(Alice.Certificate);
        var unknown = pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(signature.ToArray()), new VerifyOptions { VerifierLookup = strangers });
        Assert.Equal(SignatureStatus.UnknownKey, Assert.Single(unknown.Signatures).Status);
    }

    [Fact]
    public void An_inline_signed_message_is_verified_through_the_lookup()
    {
        var signed = new MemoryStream();
        pgp.SignInline(new MemoryStream("inline"u8.ToArray()), signed, new SignOptions { Signers = { Alice } });
        var output = new MemoryStream();
        var result = pgp.VerifyInline(new MemoryStream(signed.ToArray()), output, new VerifyOptions { VerifierLookup = new RecordingCertificates(Alice.Certificate) });
        Assert.True(Assert.Single(result.Signatures).IsGood);
        Assert.Equal("inline"u8.ToArray(), output.ToArray());
    }
}
