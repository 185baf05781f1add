namespace CryptoMail.Core.Messages;

/// <summary>The message operations behind <see cref="OpenPgp"/>, for the layers above Messages (MIME, Autocrypt)
/// that must not reach up to the facade. Carries the application-wide defaults and the limiter of parallel stages
/// (<see cref="OpenPgpOptions.MaxParallelism"/>) that all of its operations share.</summary>
/// <remarks>Async convention (docs/ARCHITECTURE.md, "Async"): writing operations and detached verification are one
/// core each, run with <c>async: false</c> or <c>true</c>; reading operations whose grammar pulls from its input in
/// place run their one synchronous implementation between asynchronous edges (<see cref="StagedIo"/>).</remarks>
internal sealed class MessageEngine
{
    /// <summary>Memory for staging an input or output of an asynchronous verification or cleartext signature before
    /// it spills to an encrypted temporary file; decryption uses <see cref="DecryptOptions.HoldBackMemoryBytes"/>.</summary>
    private const long StagingMemoryBytes = 32L << 20;

    private readonly ParallelLimiter limiter;

    public MessageEngine(OpenPgpOptions defaults)
    {
        Defaults = defaults;
        limiter = new ParallelLimiter(defaults.MaxParallelism);
    }

    /// <summary>The application-wide defaults this engine was made with.</summary>
    public OpenPgpOptions Defaults { get; }

    public EncryptionResult Encrypt(Stream input, Stream output, EncryptOptions options, CancellationToken cancellationToken = default)
    {
        using var scope = ParallelLimiter.Use(limiter);
        using var report = DiagnosticSink.Use(Defaults.Diagnostics);
        return AsyncMode.Complete(MessageWriter.Encrypt(input, output, Resolve(options), async: false, cancellationToken));
    }

    public async Task<EncryptionResult> EncryptAsync(Stream input, Stream output, EncryptOptions options, CancellationToken cancellationToken = default)
    {
        using var scope = ParallelLimiter.Use(limiter);
        using var report = DiagnosticSink.Use(Defaults.Diagnostics);
        return await MessageWriter.Encrypt(input, output, Resolve(options), async: true, cancellationToken).ConfigureAwait(false);
    }

    public DecryptionResult Decrypt(Stream input, Stream output, DecryptOptions options, CancellationToken cancellationToken = default)
    {
        using var scope = ParallelLimiter.Use(limiter);
        using var report = DiagnosticSink.Use(Defaults.Diagnostics);
        return MessageReader.Decrypt(input, output, Resolve(options), cancellationToken);
    }

    public async Task<DecryptionResult> DecryptAsync(Stream input, Stream output, DecryptOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        using var scope = ParallelLimiter.Use(limiter);
        using var report = DiagnosticSink.Use(Defaults.Diagnostics);
        return await StagedIo.RunAsync(input, [output], options.HoldBackMemoryBytes,
            (staged, outputs) => MessageReader.Decrypt(staged, outputs[0], Resolve(options), cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public SigningResult SignDetached(Stream input, Stream signature, SignOptions options, CancellationToken cancellationToken = default)
    {
        using var scope = ParallelLimiter.Use(limiter);
        using var report = DiagnosticSink.Use(Defaults.Diagnostics);
        return AsyncMode.Complete(MessageWriter.SignDetached(input, signature, Resolve(options), async: false, cancellationToken));
    }

    public async Task<SigningResult> SignDetachedAsync(Stream input, Stream signature, SignOptions options, CancellationToken cancellationToken = default)
    {
        using var scope = ParallelLimiter.Use(limiter);
        using var report = DiagnosticSink.Use(Defaults.Diagnostics);
        return await MessageWriter.SignDetached(input, signature, Resolve(options), async: true, cancellationToken).ConfigureAwait(false);
    }

    public SigningResult SignInline(Stream input, Stream output, SignOptions options, CancellationToken cancellationToken = default)
    {
        using var scope = ParallelLimiter.Use(limiter);
        using var report = DiagnosticSink.Use(Defaults.Diagnostics);
        return AsyncMode.Complete(MessageWriter.SignInline(input, output, Resolve(options), async: false, cancellationToken));
    }

    public async Task<SigningResult> SignInlineAsync(Stream input, Stream output, SignOptions options, CancellationToken cancellationToken = default)
    {
        using var scope = ParallelLimiter.Use(limiter);
        using var report = DiagnosticSink.Use(Defaults.Diagnostics);
        return await MessageWriter.SignInline(input, output, Resolve(options), async: true, cancellationToken).ConfigureAwait(false);
    }

    public SigningResult SignCleartext(Stream input, Stream output, SignOptions options, CancellationToken cancellationToken = default)
    {
        using var report = DiagnosticSink.Use(Defaults.Diagnostics);
        return Cleartext.Sign(input, output, Resolve(options), cancellationToken);
    }

    public async Task<SigningResult> SignCleartextAsync(Stream input, Stream output, SignOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        using var report = DiagnosticSink.Use(Defaults.Diagnostics);
        return await StagedIo.RunAsync(input, [output], StagingMemoryBytes,
            (staged, outputs) => Cleartext.Sign(staged, outputs[0], Resolve(options), cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public VerificationResult VerifyDetached(Stream data, Stream signature, VerifyOptions options, CancellationToken cancellationToken = default)
    {
        using var scope = ParallelLimiter.Use(limiter);
        using var report = DiagnosticSink.Use(Defaults.Diagnostics);
        return AsyncMode.Complete(MessageReader.VerifyDetached(data, signature, Resolve(options), async: false, cancellationToken));
    }

    public async Task<VerificationResult> VerifyDetachedAsync(Stream data, Stream signature, VerifyOptions options, CancellationToken cancellationToken = default)
    {
        using var scope = ParallelLimiter.Use(limiter);
        using var report = DiagnosticSink.Use(Defaults.Diagnostics);
        return await MessageReader.VerifyDetached(data, signature, Resolve(options), async: true, cancellationToken).ConfigureAwait(false);
    }

    public VerificationResult VerifyInline(Stream input, Stream output, VerifyOptions options, CancellationToken cancellationToken = default)
    {
        using var scope = ParallelLimiter.Use(limiter);
        using var report = DiagnosticSink.Use(Defaults.Diagnostics);
        return MessageReader.VerifyInline(input, output, Resolve(options), cancellationToken);
    }

    public async Task<VerificationResult> VerifyInlineAsync(Stream input, Stream output, VerifyOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        using var scope = ParallelLimiter.Use(limiter);
        using var report = DiagnosticSink.Use(Defaults.Diagnostics);
        return await StagedIo.RunAsync(input, [output], StagingMemoryBytes,
            (staged, outputs) => MessageReader.VerifyInline(staged, outputs[0], Resolve(options), cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public int DetachSignatures(Stream input, Stream data, Stream signatures, bool armor = false, CancellationToken cancellationToken = default)
    {
        using var report = DiagnosticSink.Use(Defaults.Diagnostics);
        return MessageReader.DetachSignatures(input, data, signatures, armor, cancellationToken);
    }

    public async Task<int> DetachSignaturesAsync(Stream input, Stream data, Stream signatures, bool armor = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(signatures);
        using var report = DiagnosticSink.Use(Defaults.Diagnostics);
        return await StagedIo.RunAsync(input, [data, signatures], StagingMemoryBytes,
            (staged, outputs) => MessageReader.DetachSignatures(staged, outputs[0], outputs[1], armor, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    // Each operation's options with what they leave open (null) taken from this instance's defaults; a null options
    // object passes through for the operation's own argument check.
    private EncryptOptions Resolve(EncryptOptions options) => options?.WithDefaults(Defaults)!;
    private DecryptOptions Resolve(DecryptOptions options) => options?.WithDefaults(Defaults)!;
    private SignOptions Resolve(SignOptions options) => options?.WithDefaults(Defaults)!;
    private VerifyOptions Resolve(VerifyOptions options) => options?.WithDefaults(Defaults)!;
}
