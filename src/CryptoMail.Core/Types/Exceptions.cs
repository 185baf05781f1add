using System.Security.Cryptography;

namespace CryptoMail.Core;

/// <summary>What kind of failure a <see cref="CryptoMailException"/> reports, for callers that branch on it.</summary>
public enum CryptoMailErrorKind
{
    /// <summary>The input is not well-formed OpenPGP or MIME data.</summary>
    Malformed,
    /// <summary>The data was modified, truncated, or is not integrity protected.</summary>
    Integrity,
    /// <summary>None of the given keys or passwords can decrypt the data.</summary>
    NoKey,
    /// <summary>A passphrase did not unlock a secret key.</summary>
    BadPassphrase,
    /// <summary>The operation would use an algorithm, size or construction that policy rejects.</summary>
    Policy,
    /// <summary>A key cannot be used for the requested operation (wrong flags, expired, revoked, locked).</summary>
    KeyNotUsable,
    /// <summary>A configured limit (size, depth, count, memory) was exceeded.</summary>
    Limit,
    /// <summary>A signature was required and no good signature was found.</summary>
    SignatureRequired,
    /// <summary>A bug in CryptoMail.Core: an unexpected runtime error while processing the input.</summary>
    Internal,
}

/// <summary>The root of every error CryptoMail.Core raises for bad data, keys or policy.</summary>
/// <remarks>Derives from <see cref="CryptographicException"/> so existing handlers keep working. Errors of the
/// underlying cryptographic library appear only as <see cref="Exception.InnerException"/>.</remarks>
public abstract class CryptoMailException : CryptographicException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong, in words a user can act on.</param>
    /// <param name="innerException">The cause, if any.</param>
    protected CryptoMailException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The kind of failure.</summary>
    public abstract CryptoMailErrorKind Kind { get; }
}

/// <summary>The input is not well-formed OpenPGP (bad packets, bad armor, truncated data, garbage).</summary>
public sealed class MalformedDataException : CryptoMailException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is malformed.</param>
    /// <param name="innerException">The cause, if any.</param>
    public MalformedDataException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <inheritdoc />
    public override CryptoMailErrorKind Kind => CryptoMailErrorKind.Malformed;
}

/// <summary>Encrypted data failed its integrity check (modified or truncated), or has no integrity protection.
/// No plaintext of a message that raises this was released as valid.</summary>
public sealed class IntegrityException : CryptoMailException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause, if any.</param>
    public IntegrityException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <inheritdoc />
    public override CryptoMailErrorKind Kind => CryptoMailErrorKind.Integrity;
}

/// <summary>None of the supplied secret keys, passwords or session keys can decrypt the message.</summary>
public sealed class NoDecryptionKeyException : CryptoMailException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was tried.</param>
    /// <param name="recipientKeyIds">The key IDs (16 hex digits) the message is encrypted to.</param>
    /// <param name="innerException">The cause, if any.</param>
    public NoDecryptionKeyException(string message, IReadOnlyList<string>? recipientKeyIds = null, Exception? innerException = null)
        : base(message, innerException)
    {
        RecipientKeyIds = recipientKeyIds ?? Array.Empty<string>();
    }

    /// <summary>The key IDs (16 uppercase hex digits) of the recipients the message names.</summary>
    public IReadOnlyList<string> RecipientKeyIds { get; }

    /// <inheritdoc />
    public override CryptoMailErrorKind Kind => CryptoMailErrorKind.NoKey;
}

/// <summary>A passphrase did not unlock a protected secret key.</summary>
public sealed class BadPassphraseException : CryptoMailException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which key could not be unlocked.</param>
    /// <param name="innerException">The cause, if any.</param>
    public BadPassphraseException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <inheritdoc />
    public override CryptoMailErrorKind Kind => CryptoMailErrorKind.BadPassphrase;
}

/// <summary>Policy rejects an algorithm, key size or construction the operation would use or accept.</summary>
public sealed class PolicyViolationException : CryptoMailException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What policy rejected and why.</param>
    /// <param name="innerException">The cause, if any.</param>
    public PolicyViolationException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <summary>What the policy objected to, when known (e.g. <see cref="ValidationReason.RejectedAlgorithm"/> for a
    /// cipher, <see cref="ValidationReason.WeakHash"/> for a signature hash).</summary>
    public ValidationReason? Reason { get; init; }

    /// <inheritdoc />
    public override CryptoMailErrorKind Kind => CryptoMailErrorKind.Policy;
}

/// <summary>Input exceeded a configured limit (decompressed size, nesting depth, packet count, memory).</summary>
public sealed class LimitExceededException : CryptoMailException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which limit, and its value.</param>
    /// <param name="innerException">The cause, if any.</param>
    public LimitExceededException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <inheritdoc />
    public override CryptoMailErrorKind Kind => CryptoMailErrorKind.Limit;
}

/// <summary>A bug in CryptoMail.Core: processing the input raised a runtime error (an index out of range, a null
/// reference, an overflow...) that a check should have prevented. The input may well be malformed too, but the library
/// failed to say so properly; please report it. The message never contains the input's data; the runtime error is the
/// <see cref="Exception.InnerException"/>.</summary>
public sealed class CryptoMailInternalException : CryptoMailException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="operation">What the library was doing (e.g. "Reading the message").</param>
    /// <param name="innerException">The runtime error that escaped.</param>
    public CryptoMailInternalException(string operation, Exception? innerException)
        : base($"{operation}: internal error in CryptoMail.Core ({innerException?.GetType().Name ?? "unknown"}); this is a bug, please report it.", innerException)
    {
    }

    /// <inheritdoc />
    public override CryptoMailErrorKind Kind => CryptoMailErrorKind.Internal;
}
