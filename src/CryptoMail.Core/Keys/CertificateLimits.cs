namespace CryptoMail.Core.Keys;

/// <summary>
/// How many signatures a certificate may carry, enforced where key rings are read and merged
/// (<see cref="KeyRing.ReadAll"/>, <see cref="KeyRing.Merge"/>), so reading, merging and validating a certificate stay
/// linear in its size and the signature checks of validation are bounded (issue #13, certificate flooding).
/// </summary>
/// <remarks>
/// <para>Identical copies of a signature, user ID or subkey are combined first (anyone can repeat a packet).</para>
/// <para>Signatures by other keys (third-party certifications, which anyone can make and keyservers were flooded with
/// in 2019) are never checked during validation; at most <see cref="MaxOtherSignaturesPerComponent"/> are kept per
/// component, the first ones read (a merge reads the local copy first), and the rest are dropped unread, so a flood
/// cannot make a certificate unusable.</para>
/// <para>Signatures that name the primary key as issuer (or no issuer) are self-signatures: validation checks each
/// once. Only the key's owner can make valid ones, and real certificates carry a handful per component (a yearly
/// expiry extension for a century is a hundred), so more than <see cref="MaxSelfSignaturesPerComponent"/> on one
/// component or <see cref="MaxSelfSignaturesPerCertificate"/> in all refuses the certificate with a
/// <see cref="LimitExceededException"/>: dropping some could drop the genuine ones among forged copies. A merge that
/// would exceed them fails and leaves the copies as they were.</para>
/// <para>At most <see cref="MaxBackSignaturesPerBinding"/> embedded primary-key bindings (back-signatures, type 0x19)
/// are checked per subkey binding, hashed area first.</para>
/// <para>So validation makes at most 2,000 + 2,000 x 4 public-key checks, and typically a few.</para>
/// </remarks>
internal static class CertificateLimits
{
    public const int MaxOtherSignaturesPerComponent = 1000;
    public const int MaxSelfSignaturesPerComponent = 128;
    public const int MaxSelfSignaturesPerCertificate = 2000;
    public const int MaxBackSignaturesPerBinding = 4;
}
