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
    /// <summary>The signature uses an algorithm this library does not implement (for example a SHA-224 or RIPEMD-160
    /// data hash), so it was not checked: neither good nor shown to be forged.
    /// <see cref="SignatureVerification.RejectionReason"/> is <see cref="ValidationReason.UnsupportedAlgorithm"/>.</summary>
    Unsupported,
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
public sealed record SignatureVerification
{
    internal SignatureVerification(SignatureStatus status, string issuerKeyId, string? signingKeyFingerprint, string? signerFingerprint, Certificate? signer, DateTimeOffset creationTime, OpenPgpHashAlgorithm hashAlgorithm, SignatureMode mode, string reason)
    {
        Status = status;
        IssuerKeyId = issuerKeyId;
        SigningKeyFingerprint = signingKeyFingerprint;
        SignerFingerprint = signerFingerprint;
        Signer = signer;
        CreationTime = creationTime;
        HashAlgorithm = hashAlgorithm;
        Mode = mode;
        Reason = reason;
    }

    /// <summary>The verdict.</summary>
    public SignatureStatus Status { get; init; }

    /// <summary>The key ID named by the signature, 16 uppercase hex digits.</summary>
    public string IssuerKeyId { get; init; }

    /// <summary>The fingerprint of the key that made it, when known.</summary>
    public string? SigningKeyFingerprint { get; init; }

    /// <summary>The fingerprint of the signer's primary key, when known.</summary>
    public string? SignerFingerprint { get; init; }

    /// <summary>The signer's certificate, when it was among those supplied.</summary>
    public Certificate? Signer { get; init; }

    /// <summary>When the signature says it was made.</summary>
    public DateTimeOffset CreationTime { get; init; }

    /// <summary>The hash algorithm, e.g. <c>SHA256</c>.</summary>
    public OpenPgpHashAlgorithm HashAlgorithm { get; init; }

    /// <summary>Binary or text signature.</summary>
    public SignatureMode Mode { get; init; }

    /// <summary>A human-readable explanation of the verdict.</summary>
    public string Reason { get; init; }

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
public sealed record VerificationResult
{
    internal VerificationResult(IReadOnlyList<SignatureVerification> signatures)
    {
        Signatures = signatures;
    }

    /// <summary>Every signature found, with its verdict.</summary>
    public IReadOnlyList<SignatureVerification> Signatures { get; init; }

    /// <summary>Whether at least one signature is good.</summary>
    public bool IsVerified => Signatures.Any(s => s.IsGood);

    /// <summary>The good signatures.</summary>
    public IEnumerable<SignatureVerification> GoodSignatures => Signatures.Where(s => s.IsGood);
}
