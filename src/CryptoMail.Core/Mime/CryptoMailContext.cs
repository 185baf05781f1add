using MimeKit;
using MimeKit.Cryptography;

namespace CryptoMail.Core.Mime;

/// <summary>CryptoMail as MimeKit's OpenPGP <see cref="CryptographyContext"/>: code written against MimeKit's
/// <see cref="MultipartSigned"/> and <see cref="MultipartEncrypted"/> runs on this library's engine after
/// <see cref="Register"/> (or with a context from <see cref="Create"/>).</summary>
/// <remarks>
/// <para>What runs on CryptoMail, unchanged in the caller's code: <c>MultipartSigned.Create</c>,
/// <c>MultipartSigned.Verify</c>, <c>MultipartEncrypted.Encrypt(ctx, recipients, entity)</c>, the context's
/// <c>Sign</c>, <c>Verify</c>, <c>Encrypt(recipients, content)</c>, <c>Decrypt(stream)</c>, <c>CanSign</c>,
/// <c>CanEncrypt</c>, <c>Export</c>, and <c>Import(stream)</c> when the certificate lookup is an
/// <see cref="ICertificateStore"/> (it inserts there; with a read-only lookup it throws <see cref="NotSupportedException"/>).</para>
/// <para>What MimeKit 4.18.2 does not let a context replace: <c>MultipartEncrypted.SignAndEncrypt</c>,
/// <c>MultipartEncrypted.Encrypt</c> with an <see cref="EncryptionAlgorithm"/>, and
/// <c>MultipartEncrypted.Decrypt</c> call non-virtual methods of <see cref="OpenPgpContext"/> that run MimeKit's own
/// OpenPGP code, which never checks integrity (a ciphertext edited from "$100" to "$900" decrypts without error).
/// With this context those calls throw <see cref="NotSupportedException"/> before anything is encrypted or
/// decrypted; call <see cref="SignAndEncrypt"/> and <see cref="Decrypt"/> here instead (same arguments). The
/// context's own non-virtual <c>DecryptTo</c> and <c>Decrypt(stream, out signatures)</c> are MimeKit code as well:
/// they are refused when MimeKit asks for the secret key, or, for SEIPD v2 messages, already fail inside MimeKit's
/// parser with its own exception; the virtual <c>Decrypt(stream)</c> is ours.</para>
/// <para>Differences from MimeKit's own contexts: integrity is required and no unauthenticated plaintext is
/// released (<see cref="IntegrityException"/>); AES-256 and SEIPD v2 where every recipient reads it (never CAST5,
/// 3DES or IDEA); SHA-256/384/512 only for new signatures (others are <see cref="NotSupportedException"/>);
/// signatures carry the issuer fingerprint; each returned signature is a <see cref="CryptoMailDigitalSignature"/>
/// whose verdict already covers key validity, expiry, revocation and policy; recipients' keys are the ones their
/// certificates mark for encryption; the signer is also a recipient (<see cref="CryptoMailContextOptions.EncryptToSelf"/>);
/// keys come from the library's stores (<see cref="ICertificateLookup"/>, <see cref="ISecretKeyLookup"/>, addresses
/// compared as those describe), never from MimeKit's own key ring handling; a missing key for an address is
/// MimeKit's <see cref="PublicKeyNotFoundException"/> or <see cref="PrivateKeyNotFoundException"/>, as MimeKit
/// callers expect; everything else is a <see cref="CryptoMailException"/>.</para>
/// </remarks>
public static class CryptoMailContext
{
    /// <summary>Creates a context over <paramref name="options"/>. Pass it wherever MimeKit takes a
    /// <see cref="CryptographyContext"/> or an <see cref="OpenPgpContext"/>.</summary>
    /// <param name="options">Keys and settings.</param>
    /// <returns>A new context (dispose it when done, as MimeKit contexts are).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public static OpenPgpContext Create(CryptoMailContextOptions options) => new CryptoMailOpenPgpContext(options);

    /// <summary>Makes MimeKit create CryptoMail contexts over <paramref name="options"/> for
    /// <c>application/pgp-signature</c> and <c>application/pgp-encrypted</c>, as the overloads of
    /// <see cref="MultipartSigned"/> and <see cref="MultipartEncrypted"/> without a context argument do.</summary>
    /// <param name="options">Keys and settings, shared by every context created.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public static void Register(CryptoMailContextOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CryptographyContext.Register((Func<OpenPgpContext>)(() => new CryptoMailOpenPgpContext(options)));
    }

    /// <summary>Signs and encrypts <paramref name="entity"/> as one OpenPGP message (RFC 3156 section 6.2) inside a
    /// new multipart/encrypted; use it where MimeKit code calls <c>MultipartEncrypted.SignAndEncrypt</c>.</summary>
    /// <param name="ctx">A context from <see cref="Create"/> or the registered one.</param>
    /// <param name="signer">The signer's address; its secret key comes from the options' secret key lookup.</param>
    /// <param name="digestAlgo">SHA-256, SHA-384 or SHA-512.</param>
    /// <param name="recipients">The recipients' addresses; their certificates come from the options' certificate lookup.</param>
    /// <param name="entity">The entity to protect; not changed.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The multipart/encrypted.</returns>
    /// <exception cref="ArgumentException"><paramref name="ctx"/> is not a CryptoMail context, or no recipient was given.</exception>
    /// <exception cref="PrivateKeyNotFoundException">No secret key that can sign is known for <paramref name="signer"/>.</exception>
    /// <exception cref="PublicKeyNotFoundException">No certificate that can encrypt is known for a recipient.</exception>
    /// <exception cref="NotSupportedException"><paramref name="digestAlgo"/> is not SHA-256, SHA-384 or SHA-512.</exception>
    public static MultipartEncrypted SignAndEncrypt(OpenPgpContext ctx, MailboxAddress signer, DigestAlgorithm digestAlgo, IEnumerable<MailboxAddress> recipients, MimeEntity entity, CancellationToken cancellationToken = default) =>
        AsyncMode.Complete(SignAndEncryptCore(ctx, signer, digestAlgo, recipients, entity, false, cancellationToken));

    /// <summary>Signs and encrypts an entity; the asynchronous form of <see cref="SignAndEncrypt"/>.</summary>
    /// <param name="ctx">A context from <see cref="Create"/> or the registered one.</param>
    /// <param name="signer">The signer's address.</param>
    /// <param name="digestAlgo">SHA-256, SHA-384 or SHA-512.</param>
    /// <param name="recipients">The recipients' addresses.</param>
    /// <param name="entity">The entity to protect; not changed.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The multipart/encrypted.</returns>
    public static Task<MultipartEncrypted> SignAndEncryptAsync(OpenPgpContext ctx, MailboxAddress signer, DigestAlgorithm digestAlgo, IEnumerable<MailboxAddress> recipients, MimeEntity entity, CancellationToken cancellationToken = default) =>
        SignAndEncryptCore(ctx, signer, digestAlgo, recipients, entity, true, cancellationToken);

    /// <summary>Decrypts a multipart/encrypted and checks the signatures inside; use it where MimeKit code calls
    /// <c>MultipartEncrypted.Decrypt</c>. Nothing is returned unless the integrity check passed.</summary>
    /// <param name="encrypted">The multipart/encrypted.</param>
    /// <param name="ctx">A context from <see cref="Create"/> or the registered one.</param>
    /// <param name="signatures">The signatures inside, each a <see cref="CryptoMailDigitalSignature"/>; empty when unsigned.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The decrypted entity.</returns>
    /// <exception cref="ArgumentException"><paramref name="ctx"/> is not a CryptoMail context.</exception>
    /// <exception cref="IntegrityException">The ciphertext was modified or truncated, or has no integrity protection.</exception>
    /// <exception cref="NoDecryptionKeyException">The secret key lookup has no key for any recipient.</exception>
    /// <exception cref="MalformedDataException">The PGP/MIME structure or the OpenPGP data is malformed.</exception>
    public static MimeEntity Decrypt(MultipartEncrypted encrypted, OpenPgpContext ctx, out DigitalSignatureCollection signatures, CancellationToken cancellationToken = default)
    {
        var result = AsyncMode.Complete(DecryptCore(encrypted, ctx, false, cancellationToken));
        signatures = result.Signatures;
        return result.Entity;
    }

    /// <summary>Decrypts a multipart/encrypted; the asynchronous form of <see cref="Decrypt"/>.</summary>
    /// <param name="encrypted">The multipart/encrypted.</param>
    /// <param name="ctx">A context from <see cref="Create"/> or the registered one.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entity, its signatures and the full decryption report.</returns>
    public static Task<DecryptedEntity> DecryptAsync(MultipartEncrypted encrypted, OpenPgpContext ctx, CancellationToken cancellationToken = default) =>
        DecryptCore(encrypted, ctx, true, cancellationToken);

    private static async Task<MultipartEncrypted> SignAndEncryptCore(OpenPgpContext ctx, MailboxAddress signer, DigestAlgorithm digestAlgo, IEnumerable<MailboxAddress> recipients, MimeEntity entity, bool async, CancellationToken token)
    {
        var context = Ours(ctx);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(entity);
        var plaintext = MimeCanonicalizer.ToCanonicalBytes(entity, token);
        try
        {
            using var content = new MemoryStream(plaintext, writable: false);
            var part = await context.EncryptCore(signer, digestAlgo, recipients, content, async, token).ConfigureAwait(false);
            var result = new MultipartEncrypted();
            result.ContentType.Parameters["protocol"] = context.EncryptionProtocol;
            result.Add(new ApplicationPgpEncrypted());
            result.Add(part);
            return result;
        }
        finally
        {
            Array.Clear(plaintext);
        }
    }

    private static async Task<DecryptedEntity> DecryptCore(MultipartEncrypted encrypted, OpenPgpContext ctx, bool async, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(encrypted);
        var context = Ours(ctx);
        var data = PgpMimeParts.EncryptedData(encrypted);
        using var ciphertext = new MemoryStream(PgpMimeParts.Decode(data, token), writable: false);
        return await context.DecryptCore(ciphertext, async, token).ConfigureAwait(false);
    }

    private static CryptoMailOpenPgpContext Ours(OpenPgpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return ctx as CryptoMailOpenPgpContext
            ?? throw new ArgumentException($"The context is a {ctx.GetType().Name}, not one made by CryptoMailContext.Create.", nameof(ctx));
    }
}

/// <summary>A decrypted MIME entity with its signatures and the decryption report.</summary>
public sealed record DecryptedEntity
{
    internal DecryptedEntity(MimeEntity entity, DigitalSignatureCollection signatures, DecryptionResult result)
    {
        Entity = entity;
        Signatures = signatures;
        Result = result;
    }

    /// <summary>The decrypted entity.</summary>
    public MimeEntity Entity { get; init; }

    /// <summary>The signatures inside, each a <see cref="CryptoMailDigitalSignature"/>; empty when unsigned.</summary>
    public DigitalSignatureCollection Signatures { get; init; }

    /// <summary>How it was decrypted: cipher, integrity protection, recipient key, verdicts.</summary>
    public DecryptionResult Result { get; init; }
}
