namespace CryptoMail.Core;

/// <summary>What an <see cref="OpenPgpDiagnostic"/> reports.</summary>
public enum OpenPgpDiagnosticKind
{
    /// <summary>The policy refused an algorithm for the operation: a message cipher to read or write, or a hash to
    /// sign with (<see cref="OpenPgpDiagnostic.Cipher"/> or <see cref="OpenPgpDiagnostic.Hash"/> names it).</summary>
    PolicyRefused,
    /// <summary>A certificate was refused as a recipient or signer: it has no key that may do the operation (expired,
    /// revoked, too weak, rejected algorithm...). One diagnostic per reason.</summary>
    KeyRejected,
    /// <summary>A signature was not accepted as good (bad, unknown signer, weak hash, expired or revoked signing
    /// key...).</summary>
    SignatureRejected,
    /// <summary>A configured limit was reached (<see cref="OpenPgpDiagnostic.LimitName"/> and
    /// <see cref="OpenPgpDiagnostic.LimitValue"/> name it) and the operation refused.</summary>
    LimitExceeded,
}

/// <summary>One decision an operation made against its input or its keys, for logs and monitoring. It names
/// algorithms, key IDs and fingerprints, limits and reasons; it never holds a passphrase, key material, a session key
/// or any content of a message.</summary>
public sealed record OpenPgpDiagnostic
{
    internal OpenPgpDiagnostic(OpenPgpDiagnosticKind kind, string message)
    {
        Kind = kind;
        Message = message;
    }

    /// <summary>What kind of decision this is.</summary>
    public OpenPgpDiagnosticKind Kind { get; init; }

    /// <summary>The machine-readable reason, when there is one (e.g. <see cref="ValidationReason.WeakHash"/>,
    /// <see cref="ValidationReason.Expired"/>, <see cref="ValidationReason.UnknownKey"/>).</summary>
    public ValidationReason? Reason { get; init; }

    /// <summary>The decision in words (the same words the exception or verdict carries).</summary>
    public string Message { get; init; }

    /// <summary>The key ID (16 uppercase hex digits) concerned, when one is.</summary>
    public string? KeyId { get; init; }

    /// <summary>The fingerprint of the key (primary key or subkey) concerned, when known.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>The fingerprint of the certificate (its primary key) concerned, when known.</summary>
    public string? CertificateFingerprint { get; init; }

    /// <summary>The public-key algorithm of the key concerned, when known.</summary>
    public KeyAlgorithm? KeyAlgorithm { get; init; }

    /// <summary>The size of the key concerned in bits, when known.</summary>
    public int? KeyBits { get; init; }

    /// <summary>The hash algorithm concerned (a signature's, or one refused for signing).</summary>
    public OpenPgpHashAlgorithm? Hash { get; init; }

    /// <summary>The symmetric cipher concerned (one refused for reading or writing).</summary>
    public SymmetricCipher? Cipher { get; init; }

    /// <summary>The limit that was reached, by its property name (e.g. <c>MaxNestingDepth</c>, <c>MaxSignatures</c>).</summary>
    public string? LimitName { get; init; }

    /// <summary>The value of the limit that was reached.</summary>
    public long? LimitValue { get; init; }
}

/// <summary>Receives the <see cref="OpenPgpDiagnostic"/>s of the operations of an <see cref="OpenPgp"/> instance
/// (set it as <see cref="OpenPgpOptions.Diagnostics"/>). CryptoMail.Core.Extensions adapts it to <c>ILogger</c>.</summary>
/// <remarks>Called on the operation's own thread, before the operation throws or returns, and from many operations at
/// once: an implementation must be thread-safe and quick. An exception it throws is ignored: diagnostics never change
/// an operation's outcome.</remarks>
public interface IOpenPgpDiagnostics
{
    /// <summary>Reports one decision.</summary>
    /// <param name="diagnostic">The decision.</param>
    void Report(OpenPgpDiagnostic diagnostic);
}
