namespace CryptoMail.Core;

/// <summary>Why a key, user ID, signature or recipient was not accepted: the machine-readable part of every
/// rejection (the words are in <see cref="ValidationIssue.Message"/>).</summary>
public enum ValidationReason
{
    /// <summary>A signature uses a hash algorithm the policy refuses at the time the signature was made.</summary>
    WeakHash,
    /// <summary>The key is smaller than the policy's minimum for its algorithm.</summary>
    WeakKey,
    /// <summary>The policy refuses the key's public-key algorithm, or the algorithm is unknown.</summary>
    RejectedAlgorithm,
    /// <summary>The key (or the signature) had expired at the reference time.</summary>
    Expired,
    /// <summary>The key, or every binding signature for it, was made after the reference time.</summary>
    NotYetValid,
    /// <summary>A user ID was revoked by its owner.</summary>
    Revoked,
    /// <summary>The key is revoked as compromised, or without a reason: invalid at every time.</summary>
    HardRevoked,
    /// <summary>The key was retired or superseded: valid before the revocation, invalid from it on.</summary>
    SoftRevoked,
    /// <summary>A signing subkey's binding lacks a valid primary-key back-signature (type 0x19).</summary>
    MissingBackSignature,
    /// <summary>No valid binding (self-)signature ties the component to the primary key.</summary>
    NoBindingSignature,
    /// <summary>The signature does not verify (modified data, a forgery, or an unreadable signature).</summary>
    BadSignature,
    /// <summary>The certificate has no valid key for the operation (e.g. no alive encryption subkey).</summary>
    NoUsableKey,
    /// <summary>The key's flags do not allow the operation (e.g. signing with an encryption-only subkey).</summary>
    UsageNotAllowed,
    /// <summary>No supplied certificate holds the signing key.</summary>
    UnknownKey,
    /// <summary>The signature is outside the time window the caller asked for.</summary>
    OutOfWindow,
    /// <summary>The signature names its intended recipients (RFC 9580 section 5.2.3.36) and the key that decrypted
    /// the message is none of them: the signed message was re-encrypted by someone else (surreptitious forwarding).</summary>
    NotIntendedRecipient,
    /// <summary>A signature or key uses an algorithm this library does not implement, so it could not be checked.</summary>
    UnsupportedAlgorithm,
}
