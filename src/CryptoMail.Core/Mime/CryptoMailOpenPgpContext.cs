using MimeKit;
using MimeKit.Cryptography;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace CryptoMail.Core.Mime;

/// <summary>MimeKit's <see cref="OpenPgpContext"/> run on our engine. Internal: the members MimeKit makes abstract
/// take and return BouncyCastle types, which stay out of our public API; callers get it as an
/// <see cref="OpenPgpContext"/> from <see cref="CryptoMailContext.Create"/>.</summary>
/// <remarks>
/// MimeKit 4.18.2 routes only some operations through overridable members: <c>Sign</c>, <c>Verify</c>,
/// <c>Encrypt(recipients, content)</c>, <c>Decrypt(stream)</c> and the key questions (<c>CanSign</c>,
/// <c>CanEncrypt</c>, <c>Export</c>). Those run here on <see cref="OpenPgp"/>. Its <c>SignAndEncrypt</c>,
/// <c>Encrypt</c> with an <see cref="EncryptionAlgorithm"/>, <c>Decrypt(stream, out signatures)</c>/<c>DecryptTo</c>
/// (what <c>MultipartEncrypted.SignAndEncrypt</c>, <c>MultipartEncrypted.Encrypt(ctx, algorithm, ...)</c> and
/// <c>MultipartEncrypted.Decrypt</c> call) are not virtual: they run MimeKit's own BouncyCastle code, which never
/// checks integrity, and reach us only through the BouncyCastle key hooks. Those hooks refuse, so these paths
/// fail before any plaintext or ciphertext exists; <see cref="CryptoMailContext"/> has the replacements.
/// </remarks>
internal sealed class CryptoMailOpenPgpContext : OpenPgpContext
{
    private readonly CryptoMailContextOptions options;

    public CryptoMailOpenPgpContext(CryptoMailContextOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        Pgp = new MessageEngine(options.Settings ?? OpenPgpOptions.Default);
        DefaultEncryptionAlgorithm = EncryptionAlgorithm.Aes256;
    }

    internal MessageEngine Pgp { get; }

    private ICertificateLookup Certificates => options.Certificates;

    // ---- the operations MimeKit lets us replace ----------------------------------------------------------------

    public override MimePart Sign(MailboxAddress signer, DigestAlgorithm digestAlgo, Stream content, CancellationToken cancellationToken = default) =>
        AsyncMode.Complete(SignCore(signer, digestAlgo, content, false, cancellationToken));

    public override Task<MimePart> SignAsync(MailboxAddress signer, DigestAlgorithm digestAlgo, Stream content, CancellationToken cancellationToken = default) =>
        SignCore(signer, digestAlgo, content, true, cancellationToken);

    public override DigitalSignatureCollection Verify(Stream content, Stream signatureData, CancellationToken cancellationToken = default) =>
        AsyncMode.Complete(VerifyCore(content, signatureData, false, cancellationToken));

    public override Task<DigitalSignatureCollection> VerifyAsync(Stream content, Stream signatureData, CancellationToken cancellationToken = default) =>
        VerifyCore(content, signatureData, true, cancellationToken);

    public override MimePart Encrypt(IEnumerable<MailboxAddress> recipients, Stream content, CancellationToken cancellationToken = default) =>
        AsyncMode.Complete(EncryptCore(null, DigestAlgorithm.Sha256, recipients, content, false, cancellationToken));

    public override Task<MimePart> EncryptAsync(IEnumerable<MailboxAddress> recipients, Stream content, CancellationToken cancellationToken = default) =>
        EncryptCore(null, DigestAlgorithm.Sha256, recipients, content, true, cancellationToken);

    public override MimeEntity Decrypt(Stream encryptedData, CancellationToken cancellationToken = default) =>
        AsyncMode.Complete(DecryptCore(encryptedData, false, cancellationToken)).Entity;

    public override async Task<MimeEntity> DecryptAsync(Stream encryptedData, CancellationToken cancellationToken = default) =>
        (await DecryptCore(encryptedData, true, cancellationToken).ConfigureAwait(false)).Entity;

    /// <summary>Says "not supported" for application/pgp-encrypted: <c>MultipartEncrypted.Decrypt</c> asks this before
    /// it runs MimeKit's own unchecked decryption, and is refused there for every message format (MimeKit's parser
    /// would otherwise fail on SEIPD v2 messages with a raw BouncyCastle IOException before reaching our hooks). Only
    /// that method asks for this protocol; <see cref="CryptoMailContext.Decrypt"/> does not.</summary>
    public override bool Supports(string protocol) =>
        protocol is not null
        && !string.Equals(protocol.Trim(), "application/pgp-encrypted", StringComparison.OrdinalIgnoreCase)
        && !string.Equals(protocol.Trim(), "application/x-pgp-encrypted", StringComparison.OrdinalIgnoreCase)
        && base.Supports(protocol);

    public override bool CanSign(MailboxAddress signer, CancellationToken cancellationToken = default) =>
        AsyncMode.Complete(CanSignCore(signer, false, cancellationToken));

    public override Task<bool> CanSignAsync(MailboxAddress signer, CancellationToken cancellationToken = default) =>
        CanSignCore(signer, true, cancellationToken);

    public override bool CanEncrypt(MailboxAddress mailbox, CancellationToken cancellationToken = default) =>
        AsyncMode.Complete(CanEncryptCore(mailbox, false, cancellationToken));

    public override Task<bool> CanEncryptAsync(MailboxAddress mailbox, CancellationToken cancellationToken = default) =>
        CanEncryptCore(mailbox, true, cancellationToken);

    public override MimePart Export(IEnumerable<MailboxAddress> mailboxes, CancellationToken cancellationToken = default) =>
        AsyncMode.Complete(ExportPart(mailboxes, false, cancellationToken));

    public override Task<MimePart> ExportAsync(IEnumerable<MailboxAddress> mailboxes, CancellationToken cancellationToken = default) =>
        ExportPart(mailboxes, true, cancellationToken);

    public override void Export(IEnumerable<MailboxAddress> mailboxes, Stream stream, bool armor, CancellationToken cancellationToken = default) =>
        AsyncMode.Complete(ExportTo(mailboxes, stream, armor, false, cancellationToken));

    public override Task ExportAsync(IEnumerable<MailboxAddress> mailboxes, Stream stream, bool armor, CancellationToken cancellationToken = default) =>
        ExportTo(mailboxes, stream, armor, true, cancellationToken);

    /// <summary>Inserts the certificates in <paramref name="stream"/> into the options' certificate lookup when it
    /// is an <see cref="ICertificateStore"/>; refuses otherwise (a lookup such as <see cref="GnuPGHome"/> is read-only).</summary>
    public override void Import(Stream stream, CancellationToken cancellationToken = default) =>
        AsyncMode.Complete(ImportCore(stream, false, cancellationToken));

    public override Task ImportAsync(Stream stream, CancellationToken cancellationToken = default) =>
        ImportCore(stream, true, cancellationToken);

    // ---- MimeKit's BouncyCastle hooks: reached only from its non-virtual code paths, which we refuse -------------

    internal const string Refusal =
        "This MimeKit entry point runs MimeKit's own OpenPGP code (it is not virtual in MimeKit 4.18.2), which does not check integrity or our policy, "
        + "so the CryptoMail context refuses it. Use CryptoMailContext.SignAndEncrypt instead of MultipartEncrypted.SignAndEncrypt, "
        + "CryptoMailContext.Decrypt instead of MultipartEncrypted.Decrypt, and MultipartEncrypted.Encrypt without an EncryptionAlgorithm.";

    protected override string GetPasswordForKey(PgpSecretKey key) => throw new NotSupportedException(Refusal);

    protected override PgpPublicKeyRing GetPublicKeyRing(long keyId, CancellationToken cancellationToken) => throw new NotSupportedException(Refusal);

    protected override Task<PgpPublicKeyRing?> GetPublicKeyRingAsync(long keyId, CancellationToken cancellationToken) => throw new NotSupportedException(Refusal);

    protected override PgpSecretKey GetSecretKey(long keyId, CancellationToken cancellationToken) => throw new NotSupportedException(Refusal);

    public override IList<PgpPublicKey> GetPublicKeys(IEnumerable<MailboxAddress> mailboxes, CancellationToken cancellationToken = default) => throw new NotSupportedException(Refusal);

    public override PgpSecretKey GetSigningKey(MailboxAddress mailbox, CancellationToken cancellationToken = default) => throw new NotSupportedException(Refusal);

    public override void Import(PgpPublicKeyRing keyring, CancellationToken cancellationToken = default) => throw new NotSupportedException(ImportRefusal);

    public override void Import(PgpPublicKeyRingBundle bundle, CancellationToken cancellationToken = default) => throw new NotSupportedException(ImportRefusal);

    public override void Import(PgpSecretKeyRing keyring, CancellationToken cancellationToken = default) => throw new NotSupportedException(ImportRefusal);

    public override void Import(PgpSecretKeyRingBundle bundle, CancellationToken cancellationToken = default) => throw new NotSupportedException(ImportRefusal);

    private const string ImportRefusal =
        "Import BouncyCastle key rings into your stores as CryptoMail Certificate or SecretKey objects (Certificate.Load, SecretKey.Load; ICertificateStore.InsertCertificate, ISecretKeyStore.InsertSecretKey).";

    // ---- the shared implementations (sync and async) -------------------------------------------------------------

    internal async Task<MimePart> SignCore(MailboxAddress signer, DigestAlgorithm digestAlgo, Stream content, bool async, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(content);
        var key = await SigningKey(signer, async, token).ConfigureAwait(false);
        var signOptions = new SignOptions { Hash = Hash(digestAlgo, nameof(digestAlgo)), Mode = SignatureMode.Binary, Armor = true, Policy = options.Policy };
        signOptions.Signers.Add(key);
        foreach (var passphrase in options.KeyPassphrases) signOptions.SignerPassphrases.Add(passphrase);

        var signature = new MemoryStream();
        if (async) await Pgp.SignDetachedAsync(content, signature, signOptions, token).ConfigureAwait(false);
        else Pgp.SignDetached(content, signature, signOptions, token);
        signature.Position = 0;
        return new ApplicationPgpSignature(signature);
    }

    internal async Task<DigitalSignatureCollection> VerifyCore(Stream content, Stream signatureData, bool async, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(signatureData);
        var data = await ReadAll(content, async, token).ConfigureAwait(false);
        var signature = await ReadAll(signatureData, async, token).ConfigureAwait(false);

        // Which certificates to check against is known only from the signatures: look at them first, then fetch.
        var result = await VerifyWith(data, signature, Array.Empty<Certificate>(), async, token).ConfigureAwait(false);
        var signers = await Signers(result.Signatures, async, token).ConfigureAwait(false);
        if (signers.Count > 0) result = await VerifyWith(data, signature, signers, async, token).ConfigureAwait(false);
        return Collection(result.Signatures);
    }

    private async Task<VerificationResult> VerifyWith(byte[] data, byte[] signature, IReadOnlyList<Certificate> verifiers, bool async, CancellationToken token)
    {
        var verifyOptions = new VerifyOptions { Limits = options.Limits, Policy = options.Policy };
        foreach (var certificate in verifiers) verifyOptions.Verifiers.Add(certificate);
        using var dataStream = new MemoryStream(data, writable: false);
        using var signatureStream = new MemoryStream(signature, writable: false);
        return async
            ? await Pgp.VerifyDetachedAsync(dataStream, signatureStream, verifyOptions, token).ConfigureAwait(false)
            : Pgp.VerifyDetached(dataStream, signatureStream, verifyOptions, token);
    }

    /// <summary>Encrypts (and with <paramref name="signer"/> signs) <paramref name="content"/> for the mailboxes'
    /// certificates; returns the application/octet-stream part of a multipart/encrypted.</summary>
    internal async Task<MimePart> EncryptCore(MailboxAddress? signer, DigestAlgorithm digestAlgo, IEnumerable<MailboxAddress> recipients, Stream content, bool async, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(content);
        var encryptOptions = new EncryptOptions
        {
            Armor = true,
            Cipher = options.Cipher,
            Policy = options.Policy,
            EncryptionFormat = options.EncryptionFormat,
            Signing = new SignatureSettings { Hash = Hash(digestAlgo, nameof(digestAlgo)), Mode = SignatureMode.Binary },
            Format = LiteralFormat.Binary,
        };
        foreach (var recipient in recipients)
        {
            if (recipient is null) throw new ArgumentException("The recipients include null.", nameof(recipients));
            var certificate = (await CertificatesFor(recipient, async, token).ConfigureAwait(false)).FirstOrDefault(CanEncryptNow)
                ?? throw new PublicKeyNotFoundException(recipient, $"No certificate that can encrypt is known for {recipient.Address}.");
            if (!encryptOptions.Recipients.Any(c => c.Fingerprint == certificate.Fingerprint)) encryptOptions.Recipients.Add(certificate);
        }
        if (encryptOptions.Recipients.Count == 0) throw new ArgumentException("At least one recipient is required.", nameof(recipients));
        if (signer is not null)
        {
            var key = await SigningKey(signer, async, token).ConfigureAwait(false);
            encryptOptions.Signing.Signers.Add(key);
            foreach (var passphrase in options.KeyPassphrases) encryptOptions.Signing.SignerPassphrases.Add(passphrase);
            if (options.EncryptToSelf && CanEncryptNow(key.Certificate) && !encryptOptions.Recipients.Any(c => c.Fingerprint == key.Fingerprint))
                encryptOptions.Recipients.Add(key.Certificate);
        }

        // The armored ciphertext goes to a spool the part keeps: in memory when small, in a temporary file when large.
        var ciphertext = new MimeSpool(secret: false);
        try
        {
            if (async) await Pgp.EncryptAsync(content, ciphertext, encryptOptions, token).ConfigureAwait(false);
            else Pgp.Encrypt(content, ciphertext, encryptOptions, token);
        }
        catch
        {
            ciphertext.Dispose();
            throw;
        }
        return (MimePart)PgpMimeParts.Encrypted(ciphertext.Rewound())[1];
    }

    /// <summary>Decrypts with the secret keys the options' lookup has for the message's recipients, checks the signatures
    /// inside against the certificates it has for their issuers, and parses the plaintext as a MIME entity.</summary>
    internal async Task<DecryptedEntity> DecryptCore(Stream encryptedData, bool async, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(encryptedData);
        var ciphertext = await ReadAll(encryptedData, async, token).ConfigureAwait(false);

        // The recipients' key IDs come from the message: ask with no key (nothing is decrypted), then look them up.
        IReadOnlyList<string> recipientIds;
        try
        {
            await DecryptWith(ciphertext, Array.Empty<SecretKey>(), Array.Empty<Certificate>(), async, token).ConfigureAwait(false);
            throw new MalformedDataException("The message decrypted without a key.");
        }
        catch (NoDecryptionKeyException e)
        {
            recipientIds = e.RecipientKeyIds;
        }
        var keys = options.SecretKeys is { } secretKeys
            ? (await Find(recipientIds, secretKeys.FindSecretKeysByKey, secretKeys.FindSecretKeysByKeyAsync, async, token).ConfigureAwait(false))
                .DistinctBy(k => k.Fingerprint).ToList()
            : new List<SecretKey>();
        if (keys.Count == 0)
            throw new NoDecryptionKeyException(
                $"No secret key is known for the recipients of this message ({string.Join(", ", recipientIds)}).", recipientIds);

        var (plaintext, result) = await DecryptWith(ciphertext, keys, Array.Empty<Certificate>(), async, token).ConfigureAwait(false);
        var signers = await Signers(result.Signatures, async, token).ConfigureAwait(false);
        if (signers.Count > 0)
        {
            Array.Clear(plaintext);
            (plaintext, result) = await DecryptWith(ciphertext, keys, signers, async, token).ConfigureAwait(false);
        }
        try
        {
            var entity = MimeCanonicalizer.LoadEntity(plaintext, token);
            return new DecryptedEntity(entity, Collection(result.Signatures), result);
        }
        catch (Exception e) when (e is not (CryptoMailException or OperationCanceledException or OutOfMemoryException))
        {
            throw new MalformedDataException($"The decrypted data is not a MIME entity ({e.GetType().Name}: {e.Message}).", e);
        }
        finally
        {
            Array.Clear(plaintext);
        }
    }

    private async Task<(byte[] Plaintext, DecryptionResult Result)> DecryptWith(byte[] ciphertext, IReadOnlyList<SecretKey> keys, IReadOnlyList<Certificate> verifiers, bool async, CancellationToken token)
    {
        var decryptOptions = new DecryptOptions { Limits = options.Limits, Policy = options.Policy };
        foreach (var key in keys) decryptOptions.Keys.Add(key);
        foreach (var passphrase in options.KeyPassphrases) decryptOptions.KeyPassphrases.Add(passphrase);
        foreach (var certificate in verifiers) decryptOptions.Verifiers.Add(certificate);
        using var input = new MemoryStream(ciphertext, writable: false);
        var output = new MemoryStream();
        try
        {
            var result = async
                ? await Pgp.DecryptAsync(input, output, decryptOptions, token).ConfigureAwait(false)
                : Pgp.Decrypt(input, output, decryptOptions, token);
            return (output.ToArray(), result);
        }
        finally
        {
            Array.Clear(output.GetBuffer());
        }
    }

    // ---- key lookups: every one goes through the stores, addresses with their normalization -------------------------

    private async Task<SecretKey> SigningKey(MailboxAddress signer, bool async, CancellationToken token) =>
        (await SecretKeysFor(signer, async, token).ConfigureAwait(false)).FirstOrDefault(k => k.Certificate.CanSign)
        ?? throw new PrivateKeyNotFoundException(signer, $"No secret key that can sign is known for {signer.Address}.");

    private async Task<bool> CanSignCore(MailboxAddress signer, bool async, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(signer);
        return (await SecretKeysFor(signer, async, token).ConfigureAwait(false)).Any(k => k.Certificate.CanSign);
    }

    /// <summary>Whether the certificate has a key that may encrypt now under the context's policy.</summary>
    private bool CanEncryptNow(Certificate certificate) => Certificate.EncryptionKeysOf(certificate.Validate(options.Policy ?? Pgp.Defaults.Policy)).Count > 0;

    private async Task<bool> CanEncryptCore(MailboxAddress mailbox, bool async, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        return (await CertificatesFor(mailbox, async, token).ConfigureAwait(false)).Any(CanEncryptNow);
    }

    /// <summary>The certificates for a mailbox (<see cref="ICertificateLookup.FindCertificatesByEmail"/>).</summary>
    private Task<List<Certificate>> CertificatesFor(MailboxAddress mailbox, bool async, CancellationToken token) =>
        Find(AddressOf(mailbox), Certificates.FindCertificatesByEmail, Certificates.FindCertificatesByEmailAsync, async, token);

    /// <summary>The secret keys for a mailbox (<see cref="ISecretKeyLookup.FindSecretKeysByEmail"/>); none without a secret key lookup.</summary>
    private Task<List<SecretKey>> SecretKeysFor(MailboxAddress mailbox, bool async, CancellationToken token) =>
        options.SecretKeys is { } secretKeys
            ? Find(AddressOf(mailbox), secretKeys.FindSecretKeysByEmail, secretKeys.FindSecretKeysByEmailAsync, async, token)
            : Task.FromResult(new List<SecretKey>());

    /// <summary>The mailbox's address as a query, or nothing when it holds no addr-spec (a group name, an empty
    /// address): such a mailbox has no keys, which MimeKit callers see as a key not found, not as an
    /// <see cref="ArgumentException"/> about a parameter they never passed.</summary>
    private static string[] AddressOf(MailboxAddress mailbox) =>
        UserId.EmailOf(mailbox.Address) is null ? Array.Empty<string>() : new[] { mailbox.Address };

    /// <summary>Runs one lookup per query, synchronously or with the store's asynchronous form, and concatenates the results.</summary>
    private static async Task<List<T>> Find<T>(IEnumerable<string> queries, Func<string, IReadOnlyList<T>> find,
        Func<string, CancellationToken, Task<IReadOnlyList<T>>> findAsync, bool async, CancellationToken token)
    {
        var found = new List<T>();
        foreach (var query in queries)
        {
            token.ThrowIfCancellationRequested();
            found.AddRange(async ? await findAsync(query, token).ConfigureAwait(false) : find(query));
        }
        return found;
    }

    /// <summary>The certificates the lookup holds for signatures whose issuer was unknown.</summary>
    private async Task<List<Certificate>> Signers(IReadOnlyList<SignatureVerification> signatures, bool async, CancellationToken token)
    {
        var issuers = signatures.Where(s => s.Status == SignatureStatus.UnknownKey).Select(s => s.IssuerKeyId).Distinct(StringComparer.Ordinal);
        var found = await Find(issuers, Certificates.FindCertificatesByKey, Certificates.FindCertificatesByKeyAsync, async, token).ConfigureAwait(false);
        return found.DistinctBy(c => c.Fingerprint).ToList();
    }

    private static DigitalSignatureCollection Collection(IReadOnlyList<SignatureVerification> signatures) =>
        new(signatures.Select(s => (IDigitalSignature)new CryptoMailDigitalSignature(s)).ToList());

    internal static OpenPgpHashAlgorithm Hash(DigestAlgorithm digestAlgo, string parameterName) => digestAlgo switch
    {
        DigestAlgorithm.Sha256 => OpenPgpHashAlgorithm.Sha256,
        DigestAlgorithm.Sha384 => OpenPgpHashAlgorithm.Sha384,
        DigestAlgorithm.Sha512 => OpenPgpHashAlgorithm.Sha512,
        _ => throw new NotSupportedException($"{parameterName} {digestAlgo} is not accepted for new signatures: use Sha256, Sha384 or Sha512."),
    };

    private async Task<MimePart> ExportPart(IEnumerable<MailboxAddress> mailboxes, bool async, CancellationToken token)
    {
        var part = new MimePart("application", "pgp-keys")
        {
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
            ContentTransferEncoding = ContentEncoding.SevenBit,
        };
        var keys = await ExportCertificates(mailboxes, armor: true, async, token).ConfigureAwait(false);
        part.Content = new MimeContent(new MemoryStream(keys, writable: false));
        return part;
    }

    private async Task ExportTo(IEnumerable<MailboxAddress> mailboxes, Stream stream, bool armor, bool async, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var keys = await ExportCertificates(mailboxes, armor, async, token).ConfigureAwait(false);
        if (async) await stream.WriteAsync(keys, token).ConfigureAwait(false);
        else stream.Write(keys);
    }

    private async Task<byte[]> ExportCertificates(IEnumerable<MailboxAddress> mailboxes, bool armor, bool async, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(mailboxes);
        var all = new List<byte>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mailbox in mailboxes)
        {
            if (mailbox is null) throw new ArgumentException("The mailboxes include null.", nameof(mailboxes));
            foreach (var certificate in await CertificatesFor(mailbox, async, token).ConfigureAwait(false))
            {
                if (seen.Add(certificate.Fingerprint)) all.AddRange(certificate.Export());
            }
        }
        var binary = all.ToArray();
        return armor ? System.Text.Encoding.ASCII.GetBytes(ArmorWriter.ToArmoredString(binary, ArmorKind.PublicKey)) : binary;
    }

    /// <summary>Reads every certificate first (malformed data stores nothing), then inserts each, merged with the stored copy.</summary>
    private async Task ImportCore(Stream stream, bool async, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (Certificates is not ICertificateStore store)
            throw new NotSupportedException(
                $"This context's certificate lookup ({Certificates.GetType().Name}) only finds certificates and cannot store them. "
                + "Give CryptoMailContextOptions an ICertificateStore (such as InMemoryCertificateStore or CertificateDirectory) to import through the context, "
                + "or insert the certificates where your lookup reads them.");
        using var data = new MemoryStream(await ReadAll(stream, async, token).ConfigureAwait(false), writable: false);
        foreach (var certificate in Certificate.LoadAll(data))
        {
            if (async) await store.InsertCertificateAsync(certificate, token).ConfigureAwait(false);
            else store.InsertCertificate(certificate);
        }
    }

    private static async Task<byte[]> ReadAll(Stream stream, bool async, CancellationToken token)
    {
        using var memory = new MemoryStream();
        if (async) await stream.CopyToAsync(memory, token).ConfigureAwait(false);
        else stream.CopyTo(memory);
        return memory.ToArray();
    }
}
