namespace CryptoMail.Core;


/// <summary>One reason a component (primary key, subkey, user ID) or a signature was not accepted.</summary>
/// <param name="Reason">The machine-readable reason.</param>
/// <param name="Message">The explanation in words.</param>
/// <param name="Fingerprint">The fingerprint of the key concerned (primary key or subkey), when a key is concerned.</param>
/// <param name="UserId">The user ID concerned, when a user ID is concerned.</param>
public sealed record ValidationIssue(ValidationReason Reason, string Message, string? Fingerprint = null, string? UserId = null)
{
    /// <inheritdoc />
    public override string ToString() => Message;
}

/// <summary>The self-signature that was used to bind a component: the newest one, made at or before the reference
/// time, that verifies and that the policy accepts.</summary>
/// <param name="Type">The signature type, e.g. 0x13 (positive certification), 0x18 (subkey binding), 0x1F (direct key).</param>
/// <param name="CreationTime">When it was made.</param>
/// <param name="HashAlgorithm">Its hash algorithm, e.g. <c>SHA256</c>.</param>
public sealed record BindingSignature(int Type, DateTimeOffset CreationTime, string HashAlgorithm);

/// <summary>A key (primary or subkey) of a validated certificate.</summary>
/// <param name="Key">The key as bound at the reference time: usage, expiry (a subkey never outlives its primary)
/// and revocation.</param>
/// <param name="IsValid">Whether the key is bound, accepted by the policy, alive and not revoked at the reference
/// time (for a subkey: and its primary key is too).</param>
/// <param name="Reasons">Why it is not valid; empty when it is.</param>
/// <param name="Binding">The binding signature used, or null when none was accepted.</param>
public sealed record KeyValidity(KeyInfo Key, bool IsValid, IReadOnlyList<ValidationIssue> Reasons, BindingSignature? Binding)
{
    /// <summary>Whether the key is valid and its flags allow any of the usages in <paramref name="usage"/>.</summary>
    /// <param name="usage">A usage, or several (e.g. <see cref="KeyUsage.EncryptCommunications"/> |
    /// <see cref="KeyUsage.EncryptStorage"/> for either).</param>
    /// <returns>True when usable so.</returns>
    public bool IsUsableFor(KeyUsage usage) => IsValid && (Key.Usage & usage) != 0;
}

/// <summary>A user ID of a validated certificate.</summary>
/// <param name="UserId">The user ID text.</param>
/// <param name="IsValid">Whether a self-certification accepted by the policy binds it at the reference time and no
/// later revocation withdraws it.</param>
/// <param name="IsPrimary">Whether its binding marks it as the primary user ID.</param>
/// <param name="Reasons">Why it is not valid; empty when it is.</param>
/// <param name="Binding">The self-certification used, or null when none was accepted.</param>
public sealed record UserIdValidity(string UserId, bool IsValid, bool IsPrimary, IReadOnlyList<ValidationIssue> Reasons, BindingSignature? Binding);

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
