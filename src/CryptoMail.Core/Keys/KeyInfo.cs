namespace CryptoMail.Core;

/// <summary>What a key (primary or subkey) may be used for, from its key flags.</summary>
[Flags]
public enum KeyUsage
{
    /// <summary>No usage is granted.</summary>
    None = 0,
    /// <summary>May certify other keys and its own user IDs and subkeys.</summary>
    Certify = 0x01,
    /// <summary>May sign data.</summary>
    Sign = 0x02,
    /// <summary>May encrypt communications (mail in transit).</summary>
    EncryptCommunications = 0x04,
    /// <summary>May encrypt storage.</summary>
    EncryptStorage = 0x08,
    /// <summary>May authenticate (e.g. SSH).</summary>
    Authenticate = 0x20,
}

/// <summary>One key of a certificate (the primary key or a subkey) as validated by its binding signatures.</summary>
public sealed record KeyInfo
{
    internal KeyInfo(string fingerprint, string keyId, KeyAlgorithm algorithm, int bitStrength, int version, DateTimeOffset creationTime, DateTimeOffset? expirationTime, KeyUsage usage, bool isRevoked, bool isBound)
    {
        Fingerprint = fingerprint;
        KeyId = keyId;
        Algorithm = algorithm;
        BitStrength = bitStrength;
        Version = version;
        CreationTime = creationTime;
        ExpirationTime = expirationTime;
        Usage = usage;
        IsRevoked = isRevoked;
        IsBound = isBound;
    }

    /// <summary>The fingerprint, uppercase hex (40 digits for v4 keys).</summary>
    public string Fingerprint { get; init; }

    /// <summary>The key ID, 16 uppercase hex digits.</summary>
    public string KeyId { get; init; }

    /// <summary>The public-key algorithm, e.g. <c>Ed25519</c>, <c>Cv25519</c>, <c>RSA</c>.</summary>
    public KeyAlgorithm Algorithm { get; init; }

    /// <summary>The key size in bits.</summary>
    public int BitStrength { get; init; }

    /// <summary>The key packet version (4 or 6).</summary>
    public int Version { get; init; }

    /// <summary>When the key was created.</summary>
    public DateTimeOffset CreationTime { get; init; }

    /// <summary>When the key expires, or null if it does not.</summary>
    public DateTimeOffset? ExpirationTime { get; init; }

    /// <summary>What the newest valid binding signature allows.</summary>
    public KeyUsage Usage { get; init; }

    /// <summary>Whether a valid revocation signature exists for this key.</summary>
    public bool IsRevoked { get; init; }

    /// <summary>Whether a valid binding (self-)signature was found; unbound keys are never used.</summary>
    public bool IsBound { get; init; }

    /// <summary>Whether a revocation makes the key invalid at every time (no reason, unspecified, compromised),
    /// rather than from <see cref="RevokedSince"/> on (superseded, retired).</summary>
    public bool IsHardRevoked { get; init; }

    /// <summary>For a soft revocation: when it took effect. Null when not revoked or hard revoked.</summary>
    public DateTimeOffset? RevokedSince { get; init; }

    /// <summary>Whether the key counts as revoked at <paramref name="time"/>: always when hard revoked, from the
    /// revocation on when soft revoked.</summary>
    /// <param name="time">The reference time.</param>
    /// <returns>True when revoked at that time.</returns>
    public bool IsRevokedAt(DateTimeOffset time) => IsRevoked && (IsHardRevoked || RevokedSince is null || RevokedSince <= time);

    /// <summary>Whether the key is bound, not revoked and not expired at <paramref name="time"/>, and created before it.</summary>
    /// <param name="time">The reference time.</param>
    /// <returns>True when the key is alive at that time.</returns>
    public bool IsAliveAt(DateTimeOffset time) =>
        IsBound && !IsRevokedAt(time) && CreationTime <= time.AddMinutes(5) && (ExpirationTime is null || ExpirationTime > time);
}
