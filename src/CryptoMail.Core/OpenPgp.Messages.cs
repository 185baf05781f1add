
namespace CryptoMail.Core;

public sealed partial class OpenPgp
{
    /// <summary>Encrypts (and, with <see cref="EncryptOptions.Signing"/>, signs) a stream in one pass, in bounded memory.</summary>
    /// <param name="input">The plaintext; read to its end, left open.</param>
    /// <param name="output">Receives the OpenPGP message; left open.</param>
    /// <param name="options">Recipients, passwords, signers and format.</param>
    /// <param name="cancellationToken">Cancels the operation, checked between chunks.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="ArgumentException">No recipient and no password was given.</exception>
    /// <exception cref="KeyNotUsableException">A recipient has no usable encryption key, or a signer cannot sign.</exception>
    public EncryptionResult Encrypt(Stream input, Stream output, EncryptOptions options, CancellationToken cancellationToken = default) =>
        Engine.Encrypt(input, output, options, cancellationToken);

    /// <summary>Encrypts (and optionally signs) a stream; the asynchronous form of <see cref="Encrypt"/>.</summary>
    /// <param name="input">The plaintext; read to its end, left open.</param>
    /// <param name="output">Receives the OpenPGP message; left open.</param>
    /// <param name="options">Recipients, passwords, signers and format.</param>
    /// <param name="cancellationToken">Cancels the operation; the output is then incomplete.</param>
    /// <returns>What was done.</returns>
    public Task<EncryptionResult> EncryptAsync(Stream input, Stream output, EncryptOptions options, CancellationToken cancellationToken = default) =>
        Engine.EncryptAsync(input, output, options, cancellationToken);

    /// <summary>Decrypts (and verifies) a message. Plaintext reaches <paramref name="output"/> only after the
    /// integrity check passed, unless <see cref="DecryptOptions.ReleaseUnverifiedPlaintext"/> is set.</summary>
    /// <param name="input">The message, armored or binary; left open.</param>
    /// <param name="output">Receives the plaintext; left open.</param>
    /// <param name="options">Keys, passwords, verifiers and limits.</param>
    /// <param name="cancellationToken">Cancels the operation, checked between chunks.</param>
    /// <returns>What was found, including every signature's verdict.</returns>
    /// <exception cref="NoDecryptionKeyException">No key or password fits.</exception>
    /// <exception cref="IntegrityException">The message was modified, truncated, or lacks integrity protection.</exception>
    /// <exception cref="MalformedDataException">The input is not a well-formed OpenPGP message.</exception>
    /// <exception cref="LimitExceededException">A limit of <see cref="DecryptOptions.Limits"/> was exceeded.</exception>
    public DecryptionResult Decrypt(Stream input, Stream output, DecryptOptions options, CancellationToken cancellationToken = default) =>
        Engine.Decrypt(input, output, options, cancellationToken);

    /// <summary>Decrypts (and verifies) a message; the asynchronous form of <see cref="Decrypt"/>.</summary>
    /// <param name="input">The message, armored or binary; left open.</param>
    /// <param name="output">Receives the plaintext; left open.</param>
    /// <param name="options">Keys, passwords, verifiers and limits.</param>
    /// <param name="cancellationToken">Cancels the operation; nothing unverified is released.</param>
    /// <remarks>The message is read with the input's asynchronous method (held in memory up to
    /// <see cref="DecryptOptions.HoldBackMemoryBytes"/>, beyond that in an encrypted temporary file), decrypted on the
    /// continuation, and the plaintext written with the output's asynchronous method once it is authenticated: no
    /// thread waits for either stream.</remarks>
    /// <returns>What was found, including every signature's verdict.</returns>
    public Task<DecryptionResult> DecryptAsync(Stream input, Stream output, DecryptOptions options, CancellationToken cancellationToken = default) =>
        Engine.DecryptAsync(input, output, options, cancellationToken);

    /// <summary>Makes a detached signature over a stream.</summary>
    /// <param name="input">The data; read to its end, left open.</param>
    /// <param name="signature">Receives the signature (armored <c>PGP SIGNATURE</c> by default); left open.</param>
    /// <param name="options">Signers, hash, mode.</param>
    /// <param name="cancellationToken">Cancels the operation, checked between chunks.</param>
    /// <returns>The signatures made and the RFC 3156 micalg.</returns>
    public SigningResult SignDetached(Stream input, Stream signature, SignOptions options, CancellationToken cancellationToken = default) =>
        Engine.SignDetached(input, signature, options, cancellationToken);

    /// <summary>Makes a detached signature; the asynchronous form of <see cref="SignDetached"/>.</summary>
    /// <param name="input">The data; read to its end, left open.</param>
    /// <param name="signature">Receives the signature; left open.</param>
    /// <param name="options">Signers, hash, mode.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The signatures made and the RFC 3156 micalg.</returns>
    public Task<SigningResult> SignDetachedAsync(Stream input, Stream signature, SignOptions options, CancellationToken cancellationToken = default) =>
        Engine.SignDetachedAsync(input, signature, options, cancellationToken);

    /// <summary>Makes an inline-signed message (one-pass signature, literal data, signature).</summary>
    /// <param name="input">The data; read to its end, left open.</param>
    /// <param name="output">Receives the signed message (armored when <see cref="SignOptions.Armor"/>); left open.</param>
    /// <param name="options">Signers, hash, mode.</param>
    /// <param name="cancellationToken">Cancels the operation, checked between chunks.</param>
    /// <returns>The signatures made.</returns>
    public SigningResult SignInline(Stream input, Stream output, SignOptions options, CancellationToken cancellationToken = default) =>
        Engine.SignInline(input, output, options, cancellationToken);

    /// <summary>Makes an inline-signed message; the asynchronous form of <see cref="SignInline"/>.</summary>
    /// <param name="input">The data; read to its end, left open.</param>
    /// <param name="output">Receives the signed message; left open.</param>
    /// <param name="options">Signers, hash, mode.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The signatures made.</returns>
    public Task<SigningResult> SignInlineAsync(Stream input, Stream output, SignOptions options, CancellationToken cancellationToken = default) =>
        Engine.SignInlineAsync(input, output, options, cancellationToken);

    /// <summary>Makes a cleartext-signed message (<c>BEGIN PGP SIGNED MESSAGE</c>, RFC 9580 section 7) over UTF-8 text.</summary>
    /// <param name="input">The text; read to its end, left open.</param>
    /// <param name="output">Receives the cleartext-signed message; left open.</param>
    /// <param name="options">Signers and hash (the mode is always text).</param>
    /// <param name="cancellationToken">Cancels the operation, checked between chunks.</param>
    /// <returns>The signatures made.</returns>
    public SigningResult SignCleartext(Stream input, Stream output, SignOptions options, CancellationToken cancellationToken = default) =>
        Engine.SignCleartext(input, output, options, cancellationToken);

    /// <summary>Makes a cleartext-signed message; the asynchronous form of <see cref="SignCleartext"/>. The input is
    /// read with its asynchronous method (held in memory, beyond 32 MiB in an encrypted temporary file), signed on the
    /// continuation, and the result written with the output's asynchronous method.</summary>
    /// <param name="input">The text; read to its end, left open.</param>
    /// <param name="output">Receives the cleartext-signed message; left open.</param>
    /// <param name="options">Signers and hash (the mode is always text).</param>
    /// <param name="cancellationToken">Cancels the operation; nothing is written then.</param>
    /// <returns>The signatures made.</returns>
    public Task<SigningResult> SignCleartextAsync(Stream input, Stream output, SignOptions options, CancellationToken cancellationToken = default) =>
        Engine.SignCleartextAsync(input, output, options, cancellationToken);

    /// <summary>Verifies a detached signature over a stream.</summary>
    /// <param name="data">The signed data; read to its end, left open.</param>
    /// <param name="signature">The signature(s), armored or binary; left open.</param>
    /// <param name="options">Certificates to verify with, time window.</param>
    /// <param name="cancellationToken">Cancels the operation, checked between chunks.</param>
    /// <returns>Every signature's verdict.</returns>
    /// <exception cref="MalformedDataException">The signature data is malformed.</exception>
    public VerificationResult VerifyDetached(Stream data, Stream signature, VerifyOptions options, CancellationToken cancellationToken = default) =>
        Engine.VerifyDetached(data, signature, options, cancellationToken);

    /// <summary>Verifies a detached signature; the asynchronous form of <see cref="VerifyDetached"/>.</summary>
    /// <param name="data">The signed data; read to its end, left open.</param>
    /// <param name="signature">The signature(s), armored or binary; left open.</param>
    /// <param name="options">Certificates to verify with, time window.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Every signature's verdict.</returns>
    public Task<VerificationResult> VerifyDetachedAsync(Stream data, Stream signature, VerifyOptions options, CancellationToken cancellationToken = default) =>
        Engine.VerifyDetachedAsync(data, signature, options, cancellationToken);

    /// <summary>Verifies an inline-signed or cleartext-signed message and writes the signed data.</summary>
    /// <param name="input">The signed message, armored or binary; left open.</param>
    /// <param name="output">Receives the signed data; left open.</param>
    /// <param name="options">Certificates to verify with, time window.</param>
    /// <param name="cancellationToken">Cancels the operation, checked between chunks.</param>
    /// <returns>Every signature's verdict.</returns>
    public VerificationResult VerifyInline(Stream input, Stream output, VerifyOptions options, CancellationToken cancellationToken = default) =>
        Engine.VerifyInline(input, output, options, cancellationToken);

    /// <summary>Verifies an inline-signed or cleartext-signed message; the asynchronous form of <see cref="VerifyInline"/>.</summary>
    /// <param name="input">The signed message, armored or binary; left open.</param>
    /// <param name="output">Receives the signed data; left open.</param>
    /// <param name="options">Certificates to verify with, time window.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Every signature's verdict.</returns>
    public Task<VerificationResult> VerifyInlineAsync(Stream input, Stream output, VerifyOptions options, CancellationToken cancellationToken = default) =>
        Engine.VerifyInlineAsync(input, output, options, cancellationToken);

    /// <summary>Splits an inline-signed or cleartext-signed message into its data and detached signatures, without
    /// verifying them (verify the result with <see cref="VerifyDetached"/>).</summary>
    /// <param name="input">The signed message, armored or binary; left open.</param>
    /// <param name="data">Receives the signed data (for a cleartext message, its text with LF line endings); left open.</param>
    /// <param name="signatures">Receives the signatures; left open.</param>
    /// <param name="armor">Armor the signatures (<c>PGP SIGNATURE</c>). Default false, as for every operation.</param>
    /// <param name="cancellationToken">Cancels the operation, checked between chunks.</param>
    /// <returns>How many signatures were found.</returns>
    /// <exception cref="MalformedDataException">The input is not a signed message.</exception>
    public int DetachSignatures(Stream input, Stream data, Stream signatures, bool armor = false, CancellationToken cancellationToken = default) =>
        Engine.DetachSignatures(input, data, signatures, armor, cancellationToken);

    /// <summary>Splits a signed message into its data and detached signatures; the asynchronous form of
    /// <see cref="DetachSignatures"/>. The input is read with its asynchronous method (held in memory, beyond 32 MiB
    /// in an encrypted temporary file), split on the continuation, and both results written with the outputs'
    /// asynchronous methods once the split succeeded.</summary>
    /// <param name="input">The signed message, armored or binary; left open.</param>
    /// <param name="data">Receives the signed data; left open.</param>
    /// <param name="signatures">Receives the signatures; left open.</param>
    /// <param name="armor">Armor the signatures (<c>PGP SIGNATURE</c>). Default false, as for every operation.</param>
    /// <param name="cancellationToken">Cancels the operation; nothing is written then.</param>
    /// <returns>How many signatures were found.</returns>
    /// <exception cref="MalformedDataException">The input is not a signed message.</exception>
    public Task<int> DetachSignaturesAsync(Stream input, Stream data, Stream signatures, bool armor = false, CancellationToken cancellationToken = default) =>
        Engine.DetachSignaturesAsync(input, data, signatures, armor, cancellationToken);
}
