using Microsoft.Extensions.Logging;

namespace CryptoMail.Core.Extensions;

/// <summary>Writes each <see cref="OpenPgpDiagnostic"/> of the registered <see cref="OpenPgp"/> to <c>ILogger</c>
/// (category <see cref="Category"/>), one stable event ID per kind, with the diagnostic's fields as structured
/// properties. A diagnostic holds no secret and no message content, so neither does the log.</summary>
internal sealed partial class LoggingDiagnostics(ILoggerFactory loggers) : IOpenPgpDiagnostics
{
    /// <summary>The log category of the diagnostics.</summary>
    public const string Category = "CryptoMail.Core.Diagnostics";

    private readonly ILogger logger = loggers.CreateLogger(Category);

    public void Report(OpenPgpDiagnostic diagnostic)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        switch (diagnostic.Kind)
        {
            case OpenPgpDiagnosticKind.PolicyRefused:
                PolicyRefused(logger, diagnostic.Reason, diagnostic.Cipher, diagnostic.Hash, diagnostic.Message);
                break;
            case OpenPgpDiagnosticKind.KeyRejected:
                KeyRejected(logger, diagnostic.Fingerprint, diagnostic.CertificateFingerprint, diagnostic.Reason,
                    diagnostic.KeyAlgorithm, diagnostic.KeyBits, diagnostic.Message);
                break;
            case OpenPgpDiagnosticKind.SignatureRejected:
                SignatureRejected(logger, diagnostic.KeyId, diagnostic.Reason, diagnostic.Hash, diagnostic.CertificateFingerprint, diagnostic.Message);
                break;
            case OpenPgpDiagnosticKind.LimitExceeded:
                LimitExceeded(logger, diagnostic.LimitName, diagnostic.LimitValue, diagnostic.Message);
                break;
            default:
                Other(logger, diagnostic.Kind, diagnostic.Reason, diagnostic.Message);
                break;
        }
    }

    [LoggerMessage(EventId = 100, EventName = "PolicyRefused", Level = LogLevel.Warning,
        Message = "OpenPGP policy refused an algorithm ({Reason}; cipher {Cipher}, hash {Hash}): {Detail}")]
    private static partial void PolicyRefused(ILogger logger, ValidationReason? reason, SymmetricCipher? cipher, OpenPgpHashAlgorithm? hash, string detail);

    [LoggerMessage(EventId = 101, EventName = "KeyRejected", Level = LogLevel.Warning,
        Message = "OpenPGP key {Fingerprint} of certificate {CertificateFingerprint} rejected ({Reason}; {KeyAlgorithm}, {KeyBits} bits): {Detail}")]
    private static partial void KeyRejected(ILogger logger, string? fingerprint, string? certificateFingerprint, ValidationReason? reason,
        KeyAlgorithm? keyAlgorithm, int? keyBits, string detail);

    [LoggerMessage(EventId = 102, EventName = "SignatureRejected", Level = LogLevel.Warning,
        Message = "OpenPGP signature by key {KeyId} not accepted ({Reason}; hash {Hash}; signer {CertificateFingerprint}): {Detail}")]
    private static partial void SignatureRejected(ILogger logger, string? keyId, ValidationReason? reason, OpenPgpHashAlgorithm? hash,
        string? certificateFingerprint, string detail);

    [LoggerMessage(EventId = 103, EventName = "LimitExceeded", Level = LogLevel.Warning,
        Message = "OpenPGP limit {LimitName} = {LimitValue} reached: {Detail}")]
    private static partial void LimitExceeded(ILogger logger, string? limitName, long? limitValue, string detail);

    [LoggerMessage(EventId = 109, EventName = "Diagnostic", Level = LogLevel.Information,
        Message = "OpenPGP diagnostic {Kind} ({Reason}): {Detail}")]
    private static partial void Other(ILogger logger, OpenPgpDiagnosticKind kind, ValidationReason? reason, string detail);
}
