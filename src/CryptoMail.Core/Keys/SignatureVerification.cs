namespace CryptoMail.Core;

/// <summary>The verdict on one signature.</summary>
public enum SignatureStatus
{
    /// <summary>Cryptographically valid, by a key that was valid and allowed to sign when the signature was made.</summary>
    Good,
    /// <summary>The signature does not match the data (modified data or a forged signature).</summary>
    Bad,
    /// <summary>No supplied certificate holds the signing key.</summary>
    UnknownKey,
    /// <summary>Valid, but made with a hash the policy rejects (e.g. SHA-1, MD5), or by a key it rejects (e.g.
    /// RSA-1024 under the default policy); <see cref="SignatureVerification.RejectionReason"/> says which.</summary>
    WeakAlgorithm,
    /// <summary>The signing key had expired when the signature was made, or the signature itself has expired.</summary>
    Expired,
    /// <summary>The signing key is revoked.</summary>
    Revoked,
    /// <summary>The signing key is not allowed to sign data (key flags), or is not bound to its certificate.</summary>
    KeyNotUsable,
    /// <summary>The signature is outside the time window the caller asked for.</summary>
    OutOfWindow,
}

/// <summary>What a signature is made over: the data as bytes, or as canonical text.</summary>
public enum SignatureMode
{
    /// <summary>Signature type 0x00: the exact bytes.</summary>
    Binary,
    /// <summary>Signature type 0x01: text with line endings normalized to CRLF.</summary>
    Text,
}

/// <summary>The checked result for one signature.</summary>
/// <param name="Status">The verdict.</param>
/// <param name="IssuerKeyId">The key ID named by the signature, 16 uppercase hex digits.</param>
/// <param name="SigningKeyFingerprint">The fingerprint of the key that made it, when known.</param>
/// <param name="SignerFingerprint">The fingerprint of the signer's primary key, when known.</param>
/// <param name="Signer">The signer's certificate, when it was among those supplied.</param>
/// <param name="CreationTime">When the signature says it was made.</param>
/// <param name="HashAlgorithm">The hash algorithm, e.g. <c>SHA256</c>.</param>
/// <param name="Mode">Binary or text signature.</param>
/// <param name="Reason">A human-readable explanation of the verdict.</param>
public sealed record SignatureVerification(
    SignatureStatus Status,
    string IssuerKeyId,
    string? SigningKeyFingerprint,
    string? SignerFingerprint,
    Certificate? Signer,
    DateTimeOffset CreationTime,
    string HashAlgorithm,
    SignatureMode Mode,
    string Reason)
{
    /// <summary>Whether <see cref="Status"/> is <see cref="SignatureStatus.Good"/>.</summary>
    public bool IsGood => Status == SignatureStatus.Good;

    /// <summary>The machine-readable reason when the signature is not good (e.g. <see cref="ValidationReason.WeakHash"/>,
    /// <see cref="ValidationReason.SoftRevoked"/>, <see cref="ValidationReason.MissingBackSignature"/>); null when it is.</summary>
    public ValidationReason? RejectionReason { get; init; }

    /// <summary>The fingerprint of the signing key as the signature names it (its Issuer Fingerprint subpacket, RFC 9580
    /// section 5.2.3.35), 40 or 64 uppercase hex digits; null when the signature carries none. Unauthenticated when
    /// the key is unknown: a hint for finding the certificate, not an identity.</summary>
    public string? IssuerFingerprint { get; init; }

    /// <summary>For a good signature made by a key that has expired since: when the key expired (so a client can say
    /// "good signature, made before the key expired on ..."); null otherwise.</summary>
    public DateTimeOffset? SigningKeyExpiredAt { get; init; }
}

/// <summary>The outcome of verifying signed data.</summary>
/// <param name="Signatures">Every signature found, with its verdict.</param>
public sealed record VerificationResult(IReadOnlyList<SignatureVerification> Signatures)
{
    /// <summary>Whether at least one signature is good.</summary>
    public bool IsVerified => Signatures.Any(s => s.IsGood);

    /// <summary>The good signatures.</summary>
    public IEnumerable<SignatureVerification> GoodSignatures => Signatures.Where(s => s.IsGood);
}
