namespace CryptoMail.Core.Messages;

/// <summary>The message operations behind <see cref="OpenPgp"/>, for the layers above Messages (MIME, Autocrypt)
/// that must not reach up to the facade. Carries the application-wide defaults.</summary>
internal sealed class MessageEngine
{
    public MessageEngine(OpenPgpOptions defaults) => Defaults = defaults;

    /// <summary>The application-wide defaults this engine was made with.</summary>
    public OpenPgpOptions Defaults { get; }

    public EncryptionResult Encrypt(Stream input, Stream output, EncryptOptions options) =>
        MessageWriter.Encrypt(input, output, Resolve(options), async: false, CancellationToken.None);
    public Task<EncryptionResult> EncryptAsync(Stream input, Stream output, EncryptOptions options, CancellationToken cancellationToken = default) =>
        Async.Run(() => MessageWriter.Encrypt(input, output, Resolve(options), async: true, cancellationToken), cancellationToken);
    public DecryptionResult Decrypt(Stream input, Stream output, DecryptOptions options) =>
        MessageReader.Decrypt(input, output, Resolve(options), async: false, CancellationToken.None);
    public Task<DecryptionResult> DecryptAsync(Stream input, Stream output, DecryptOptions options, CancellationToken cancellationToken = default) =>
        Async.Run(() => MessageReader.Decrypt(input, output, Resolve(options), async: true, cancellationToken), cancellationToken);
    public SigningResult SignDetached(Stream input, Stream signature, SignOptions options) =>
        MessageWriter.SignDetached(input, signature, Resolve(options), async: false, CancellationToken.None);
    public Task<SigningResult> SignDetachedAsync(Stream input, Stream signature, SignOptions options, CancellationToken cancellationToken = default) =>
        Async.Run(() => MessageWriter.SignDetached(input, signature, Resolve(options), async: true, cancellationToken), cancellationToken);
    public SigningResult SignInline(Stream input, Stream output, SignOptions options) =>
        MessageWriter.SignInline(input, output, Resolve(options), async: false, CancellationToken.None);
    public Task<SigningResult> SignInlineAsync(Stream input, Stream output, SignOptions options, CancellationToken cancellationToken = default) =>
        Async.Run(() => MessageWriter.SignInline(input, output, Resolve(options), async: true, cancellationToken), cancellationToken);
    public SigningResult SignCleartext(Stream input, Stream output, SignOptions options) =>
        Cleartext.Sign(input, output, Resolve(options), CancellationToken.None);
    public VerificationResult VerifyDetached(Stream data, Stream signature, VerifyOptions options) =>
        MessageReader.VerifyDetached(data, signature, Resolve(options), async: false, CancellationToken.None);
    public Task<VerificationResult> VerifyDetachedAsync(Stream data, Stream signature, VerifyOptions options, CancellationToken cancellationToken = default) =>
        Async.Run(() => MessageReader.VerifyDetached(data, signature, Resolve(options), async: true, cancellationToken), cancellationToken);
    public VerificationResult VerifyInline(Stream input, Stream output, VerifyOptions options) =>
        MessageReader.VerifyInline(input, output, Resolve(options), async: false, CancellationToken.None);
    public Task<VerificationResult> VerifyInlineAsync(Stream input, Stream output, VerifyOptions options, CancellationToken cancellationToken = default) =>
        Async.Run(() => MessageReader.VerifyInline(input, output, Resolve(options), async: true, cancellationToken), cancellationToken);

    public int DetachSignatures(Stream input, Stream data, Stream signatures, bool armor = false) =>
        MessageReader.DetachSignatures(input, data, signatures, armor, CancellationToken.None);

    // Each operation's options with what they leave open (null) taken from this instance's defaults; a null options
    // object passes through for the operation's own argument check.
    private EncryptOptions Resolve(EncryptOptions options) => options?.WithDefaults(Defaults)!;
    private DecryptOptions Resolve(DecryptOptions options) => options?.WithDefaults(Defaults)!;
    private SignOptions Resolve(SignOptions options) => options?.WithDefaults(Defaults)!;
    private VerifyOptions Resolve(VerifyOptions options) => options?.WithDefaults(Defaults)!;
}
