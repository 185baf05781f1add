namespace CryptoMail.Core;

/// <summary>A key cannot serve the requested purpose: no usable subkey, expired, revoked, or still locked.</summary>
public sealed class KeyNotUsableException : CryptoMailException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Which key and why.</param>
    /// <param name="innerException">The cause, if any.</param>
    public KeyNotUsableException(string message, Exception? innerException = null) : base(message, innerException) { }

    /// <summary>Every certificate that has no key for the operation (all of them, not only the first), each with the
    /// machine-readable reasons; empty when the failure is not about a certificate (e.g. a locked key).</summary>
    public IReadOnlyList<UnusableCertificate> UnusableCertificates { get; init; } = Array.Empty<UnusableCertificate>();

    /// <inheritdoc />
    public override CryptoMailErrorKind Kind => CryptoMailErrorKind.KeyNotUsable;

    /// <summary>Set when the only problem is that the key is protected and no passphrase given opened it, so that the
    /// reader can tell "wrong passphrase" from a key it cannot use at all.</summary>
    internal bool Locked { get; init; }
}

/// <summary>A certificate that cannot serve an operation, and why.</summary>
public sealed record UnusableCertificate
{
    internal UnusableCertificate(Certificate certificate, IReadOnlyList<ValidationIssue> reasons)
    {
        Certificate = certificate;
        Reasons = reasons;
    }

    /// <summary>The certificate.</summary>
    public Certificate Certificate { get; init; }

    /// <summary>Why none of its keys can be used (expired, revoked, weak key, no encryption subkey...).</summary>
    public IReadOnlyList<ValidationIssue> Reasons { get; init; }
}
