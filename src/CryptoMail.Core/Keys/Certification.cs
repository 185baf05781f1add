
namespace CryptoMail.Core;

/// <summary>How carefully a certifier checked that a user ID belongs to the key (signature types 0x10-0x13,
/// RFC 9580 section 5.2.1).</summary>
public enum CertificationLevel
{
    /// <summary>No statement about how well the binding was checked (0x10); what GnuPG makes by default.</summary>
    Generic = 0x10,
    /// <summary>No check at all (0x11).</summary>
    Persona = 0x11,
    /// <summary>Some casual check (0x12).</summary>
    Casual = 0x12,
    /// <summary>A substantial check, e.g. an identity document (0x13).</summary>
    Positive = 0x13,
}

/// <summary>A third-party certification of one of a certificate's user IDs, as found on the certificate: not yet
/// checked. Check it with <see cref="Certificate.VerifyCertification"/> against the issuer's certificate, or list
/// only the good ones with <see cref="Certificate.CertificationsBy"/>.</summary>
public sealed class Certification
{
    internal Certification(string userId, byte[] userIdData, SignaturePacket signature)
    {
        UserId = userId;
        UserIdData = userIdData;
        Signature = signature;
    }

    internal byte[] UserIdData { get; }

    internal SignaturePacket Signature { get; }

    /// <summary>The certified user ID.</summary>
    public string UserId { get; }

    /// <summary>The issuer's fingerprint, uppercase hex, when the signature names it (v6 and modern v4 signatures do).</summary>
    public string? IssuerFingerprint => Signature.IssuerFingerprint is { } f ? Convert.ToHexString(f) : null;

    /// <summary>The issuer's key ID, 16 uppercase hex digits (derived from the fingerprint when only that is given).</summary>
    public string IssuerKeyId => Hex.KeyId(Signature.IssuerKeyId);

    /// <summary>The certification level.</summary>
    public CertificationLevel Level => (CertificationLevel)Signature.Type;

    /// <summary>When the certification was made.</summary>
    public DateTimeOffset CreationTime => Signature.Created;

    /// <summary>When the certification expires, or null if it does not.</summary>
    public DateTimeOffset? ExpirationTime => Signature.HashedSeconds(SubpacketType.SignatureExpiration) is { } s and > 0 ? CreationTime.AddSeconds(s) : null;

    /// <inheritdoc />
    public override string ToString() => $"{Level} certification of '{UserId}' by {IssuerFingerprint ?? IssuerKeyId} at {CreationTime:u}";
}
