using MimeKit;

namespace CryptoMail.Core.Mime;

/// <summary>PGP/MIME (RFC 3156): sign, encrypt, and open MimeKit messages.</summary>
/// <remarks>Sealing returns a new message; the input is not changed. Opening never throws for bad signatures
/// (they are reported); it throws typed exceptions when the message cannot be decrypted or parsed.
/// Memory stays bounded for messages of any size: beyond a few MiB, the ciphertext of a sealed message and the
/// plaintext of an opened one live in temporary files (already unlinked on Unix; plaintext encrypted under a key that
/// exists only in memory), which the returned message reads when it is written or its parts are decoded. Load large
/// input messages with <c>MimeMessage.Load(stream, persistent: true)</c> to keep them out of memory as well.</remarks>
public sealed partial class PgpMime
{
    private readonly MessageEngine pgp;

    internal PgpMime(MessageEngine pgp) => this.pgp = pgp;

    /// <summary>Signs a message as multipart/signed (RFC 3156 section 5).</summary>
    /// <param name="message">The message to sign; not changed.</param>
    /// <param name="signer">The signing key.</param>
    /// <param name="options">Hash and passphrases; null for defaults.</param>
    /// <param name="cancellationToken">Cancels the operation, checked between stages and chunks.</param>
    /// <returns>A new message with the same headers and a multipart/signed body.</returns>
    public MimeMessage Sign(MimeMessage message, SecretKey signer, MimeSignOptions? options = null, CancellationToken cancellationToken = default) =>
        PgpMimeEngine.Sign(pgp, message, signer, options ?? new MimeSignOptions(), cancellationToken);

    /// <summary>Signs a message as multipart/signed; the asynchronous form of <see cref="Sign"/>.</summary>
    /// <param name="message">The message to sign; not changed.</param>
    /// <param name="signer">The signing key.</param>
    /// <param name="options">Hash and passphrases; null for defaults.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A new message with the same headers and a multipart/signed body.</returns>
    public Task<MimeMessage> SignAsync(MimeMessage message, SecretKey signer, MimeSignOptions? options = null, CancellationToken cancellationToken = default) =>
        Completed.Run(() => PgpMimeEngine.Sign(pgp, message, signer, options ?? new MimeSignOptions(), cancellationToken), cancellationToken);

    /// <summary>Encrypts a message as multipart/encrypted (RFC 3156 section 4).</summary>
    /// <param name="message">The message; not changed.</param>
    /// <param name="recipients">The recipients' certificates.</param>
    /// <param name="options">Cipher; null for defaults.</param>
    /// <param name="cancellationToken">Cancels the operation, checked between stages and chunks.</param>
    /// <returns>A new message with the same headers and a multipart/encrypted body.</returns>
    public MimeMessage Encrypt(MimeMessage message, IEnumerable<Certificate> recipients, MimeEncryptOptions? options = null, CancellationToken cancellationToken = default) =>
        PgpMimeEngine.Encrypt(pgp, message, null, recipients, options ?? new MimeEncryptOptions(), cancellationToken);

    /// <summary>Encrypts a message; the asynchronous form of <see cref="Encrypt"/>.</summary>
    /// <param name="message">The message; not changed.</param>
    /// <param name="recipients">The recipients' certificates.</param>
    /// <param name="options">Cipher; null for defaults.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A new message with a multipart/encrypted body.</returns>
    public Task<MimeMessage> EncryptAsync(MimeMessage message, IEnumerable<Certificate> recipients, MimeEncryptOptions? options = null, CancellationToken cancellationToken = default) =>
        Completed.Run(() => PgpMimeEngine.Encrypt(pgp, message, null, recipients, options ?? new MimeEncryptOptions(), cancellationToken), cancellationToken);

    /// <summary>Signs and encrypts a message in one OpenPGP message (RFC 3156 section 6.2): the signature is inside the encryption.</summary>
    /// <param name="message">The message; not changed.</param>
    /// <param name="signer">The signing key (also a recipient unless <see cref="MimeEncryptOptions.EncryptToSelf"/> is false).</param>
    /// <param name="recipients">The recipients' certificates.</param>
    /// <param name="options">Cipher, hash, passphrases; null for defaults.</param>
    /// <param name="cancellationToken">Cancels the operation, checked between stages and chunks.</param>
    /// <returns>A new message with a multipart/encrypted body.</returns>
    public MimeMessage SignAndEncrypt(MimeMessage message, SecretKey signer, IEnumerable<Certificate> recipients, MimeEncryptOptions? options = null, CancellationToken cancellationToken = default) =>
        PgpMimeEngine.Encrypt(pgp, message, signer, recipients, options ?? new MimeEncryptOptions(), cancellationToken);

    /// <summary>Signs and encrypts a message; the asynchronous form of <see cref="SignAndEncrypt"/>.</summary>
    /// <param name="message">The message; not changed.</param>
    /// <param name="signer">The signing key.</param>
    /// <param name="recipients">The recipients' certificates.</param>
    /// <param name="options">Cipher, hash, passphrases; null for defaults.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A new message with a multipart/encrypted body.</returns>
    public Task<MimeMessage> SignAndEncryptAsync(MimeMessage message, SecretKey signer, IEnumerable<Certificate> recipients, MimeEncryptOptions? options = null, CancellationToken cancellationToken = default) =>
        Completed.Run(() => PgpMimeEngine.Encrypt(pgp, message, signer, recipients, options ?? new MimeEncryptOptions(), cancellationToken), cancellationToken);

    /// <summary>Opens any incoming message: decrypts what is encrypted, verifies what is signed, and reports coverage.</summary>
    /// <param name="message">The message; not changed.</param>
    /// <param name="options">Keys, verifiers, limits.</param>
    /// <param name="cancellationToken">Cancels the operation, checked between stages and chunks.</param>
    /// <returns>The opened message and its report.</returns>
    /// <exception cref="NoDecryptionKeyException">The message is encrypted and no key fits.</exception>
    /// <exception cref="IntegrityException">An encrypted part was modified or lacks integrity protection.</exception>
    /// <exception cref="MalformedDataException">The PGP/MIME structure or the OpenPGP data is malformed.</exception>
    public OpenedMessage Open(MimeMessage message, MimeOpenOptions options, CancellationToken cancellationToken = default) =>
        PgpMimeEngine.Open(pgp, message, options, cancellationToken);

    /// <summary>Opens an incoming message; the asynchronous form of <see cref="Open"/>.</summary>
    /// <param name="message">The message; not changed.</param>
    /// <param name="options">Keys, verifiers, limits.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The opened message and its report.</returns>
    public Task<OpenedMessage> OpenAsync(MimeMessage message, MimeOpenOptions options, CancellationToken cancellationToken = default) =>
        Completed.Run(() => PgpMimeEngine.Open(pgp, message, options, cancellationToken), cancellationToken);
}
