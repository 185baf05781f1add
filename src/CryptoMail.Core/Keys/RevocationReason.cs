namespace CryptoMail.Core;

/// <summary>Why a key is revoked (RFC 9580 section 5.2.3.31). <see cref="Compromised"/> and <see cref="Unspecified"/>
/// are hard revocations: the key is treated as never valid. The others are soft: signatures made before the
/// revocation stay valid.</summary>
public enum RevocationReason
{
    /// <summary>No reason given (hard revocation).</summary>
    Unspecified = 0,
    /// <summary>The key was replaced by a new one.</summary>
    Superseded = 1,
    /// <summary>The key material was compromised (hard revocation).</summary>
    Compromised = 2,
    /// <summary>The key is no longer used.</summary>
    Retired = 3,
    /// <summary>For a user ID revocation only (<see cref="SecretKey.RevokeUserId"/>): the user ID is no longer valid
    /// (e.g. the address was given up).</summary>
    UserIdNoLongerValid = 32,
}
