namespace CryptoMail.Core;


/// <summary>One reason a component (primary key, subkey, user ID) or a signature was not accepted.</summary>
public sealed record ValidationIssue
{
    internal ValidationIssue(ValidationReason reason, string message, string? fingerprint = null, string? userId = null)
    {
        Reason = reason;
        Message = message;
        Fingerprint = fingerprint;
        UserId = userId;
    }

    /// <summary>The machine-readable reason.</summary>
    public ValidationReason Reason { get; init; }

    /// <summary>The explanation in words.</summary>
    public string Message { get; init; }

    /// <summary>The fingerprint of the key concerned (primary key or subkey), when a key is concerned.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>The user ID concerned, when a user ID is concerned.</summary>
    public string? UserId { get; init; }

    /// <inheritdoc />
    public override string ToString() => Message;
}

/// <summary>The self-signature that was used to bind a component: the newest one, made at or before the reference
/// time, that verifies and that the policy accepts.</summary>
public sealed record BindingSignature
{
    internal BindingSignature(SignatureType type, DateTimeOffset creationTime, OpenPgpHashAlgorithm hashAlgorithm)
    {
        Type = type;
        CreationTime = creationTime;
        HashAlgorithm = hashAlgorithm;
    }

    /// <summary>The signature type, e.g. 0x13 (positive certification), 0x18 (subkey binding), 0x1F (direct key).</summary>
    public SignatureType Type { get; init; }

    /// <summary>When it was made.</summary>
    public DateTimeOffset CreationTime { get; init; }

    /// <summary>Its hash algorithm, e.g. <c>SHA256</c>.</summary>
    public OpenPgpHashAlgorithm HashAlgorithm { get; init; }
}

/// <summary>A key (primary or subkey) of a validated certificate.</summary>
public sealed record KeyValidity
{
    internal KeyValidity(KeyInfo key, bool isValid, IReadOnlyList<ValidationIssue> reasons, BindingSignature? binding)
    {
        Key = key;
        IsValid = isValid;
        Reasons = reasons;
        Binding = binding;
    }

    /// <summary>The key as bound at the reference time: usage, expiry (a subkey never outlives its primary)
    /// and revocation.</summary>
    public KeyInfo Key { get; init; }

    /// <summary>Whether the key is bound, accepted by the policy, alive and not revoked at the reference
    /// time (for a subkey: and its primary key is too).</summary>
    public bool IsValid { get; init; }

    /// <summary>Why it is not valid; empty when it is.</summary>
    public IReadOnlyList<ValidationIssue> Reasons { get; init; }

    /// <summary>The binding signature used, or null when none was accepted.</summary>
    public BindingSignature? Binding { get; init; }

    /// <summary>Whether the key is valid and its flags allow any of the usages in <paramref name="usage"/>.</summary>
    /// <param name="usage">A usage, or several (e.g. <see cref="KeyUsage.EncryptCommunications"/> |
    /// <see cref="KeyUsage.EncryptStorage"/> for either).</param>
    /// <returns>True when usable so.</returns>
    public bool IsUsableFor(KeyUsage usage) => IsValid && (Key.Usage & usage) != 0;
}

/// <summary>A user ID of a validated certificate.</summary>
public sealed record UserIdValidity
{
    internal UserIdValidity(string userId, bool isValid, bool isPrimary, IReadOnlyList<ValidationIssue> reasons, BindingSignature? binding)
    {
        UserId = userId;
        IsValid = isValid;
        IsPrimary = isPrimary;
        Reasons = reasons;
        Binding = binding;
    }

    /// <summary>The user ID text.</summary>
    public string UserId { get; init; }

    /// <summary>Whether a self-certification accepted by the policy binds it at the reference time and no
    /// later revocation withdraws it.</summary>
    public bool IsValid { get; init; }

    /// <summary>Whether its binding marks it as the primary user ID.</summary>
    public bool IsPrimary { get; init; }

    /// <summary>Why it is not valid; empty when it is.</summary>
    public IReadOnlyList<ValidationIssue> Reasons { get; init; }

    /// <summary>The self-certification used, or null when none was accepted.</summary>
    public BindingSignature? Binding { get; init; }
}

/// <summary>A certificate as a <see cref="CryptoMail.Core.OpenPgpPolicy"/> sees it at a reference time: which user IDs are bound,
/// which keys are valid and what for, and why the others are not. Made by <see cref="Certificate.Validate"/>.</summary>
/// <remarks>For each component the newest binding self-signature made at or before <see cref="Time"/> that verifies
/// and passes the policy counts; a hard revocation counts at every time, a soft one from its creation on.</remarks>
public sealed class CertificateValidity
{
    internal CertificateValidity(Certificate certificate, OpenPgpPolicy policy, DateTimeOffset time, KeyValidity primary,
        IReadOnlyList<UserIdValidity> userIds, IReadOnlyList<KeyValidity> subkeys)
    {
        Certificate = certificate;
        Policy = policy;
        Time = time;
        PrimaryKey = primary;
        UserIds = userIds;
        Subkeys = subkeys;
    }

    /// <summary>The certificate validated.</summary>
    public Certificate Certificate { get; }

    /// <summary>The policy applied.</summary>
    public OpenPgpPolicy Policy { get; }

    /// <summary>The reference time.</summary>
    public DateTimeOffset Time { get; }

    /// <summary>The primary key. When it is not valid, no key of the certificate is.</summary>
    public KeyValidity PrimaryKey { get; }

    /// <summary>Every user ID (user attributes are not listed), valid or not, in the order they appear.</summary>
    public IReadOnlyList<UserIdValidity> UserIds { get; }

    /// <summary>Every subkey, valid or not, in the order they appear.</summary>
    public IReadOnlyList<KeyValidity> Subkeys { get; }

    /// <summary>Whether the primary key is valid at <see cref="Time"/>.</summary>
    public bool IsValid => PrimaryKey.IsValid;

    /// <summary>The valid keys whose flags allow <paramref name="usage"/> (any of the flags given), subkeys before the
    /// primary key.</summary>
    /// <param name="usage">The usage, e.g. <see cref="KeyUsage.Sign"/>.</param>
    /// <returns>The keys.</returns>
    public IReadOnlyList<KeyValidity> KeysFor(KeyUsage usage) => Subkeys.Append(PrimaryKey).Where(k => k.IsUsableFor(usage)).ToList();

    /// <summary>Why no key is usable for <paramref name="usage"/>: the reasons of the primary key when it is invalid,
    /// else those of each key that has the flag but is invalid, else a <see cref="ValidationReason.NoUsableKey"/>.
    /// Empty when some key is usable.</summary>
    /// <param name="usage">The usage.</param>
    /// <returns>The reasons.</returns>
    public IReadOnlyList<ValidationIssue> WhyNotUsableFor(KeyUsage usage)
    {
        if (KeysFor(usage).Count > 0) return Array.Empty<ValidationIssue>();
        if (!PrimaryKey.IsValid) return PrimaryKey.Reasons;
        var reasons = Subkeys.Append(PrimaryKey).Where(k => (k.Key.Usage & usage) != 0).SelectMany(k => k.Reasons).ToList();
        if (reasons.Count == 0)
            reasons.Add(new ValidationIssue(ValidationReason.NoUsableKey, $"Certificate {Certificate.Fingerprint} has no key allowed to {Describe(usage)}.", Certificate.Fingerprint));
        return reasons;
    }

    private static string Describe(KeyUsage usage) => usage switch
    {
        KeyUsage.Sign => "sign",
        KeyUsage.Certify => "certify",
        KeyUsage.Authenticate => "authenticate",
        _ when (usage & (KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage)) != 0 => "encrypt",
        _ => usage.ToString(),
    };
}
