using System.Text;

namespace CryptoMail.Core;

// Key lifecycle on the public side: third-party certifications and the minimal export for mail headers.
public sealed partial class Certificate
{
    /// <summary>Third-party certifications (signature types 0x10-0x13 by other keys) on the user IDs of this
    /// certificate, in order, unchecked. Certifications of user IDs that are not bound are included.</summary>
    public IReadOnlyList<Certification> Certifications
    {
        get
        {
            var result = new List<Certification>();
            foreach (var u in Ring.UserIds)
            {
                if (u.IsAttribute) continue;
                var text = Encoding.UTF8.GetString(u.Data);
                foreach (var sig in u.Signatures)
                {
                    if (sig.IsOpaque || sig.Type is < 0x10 or > 0x13 || KeyValidation.IssuedBy(sig, Ring.Primary)) continue;
                    result.Add(new Certification(text, u.Data, sig));
                }
            }
            return result;
        }
    }

    /// <summary>Checks a certification of this certificate against its issuer: made by the issuer's primary key over
    /// this certificate's primary key and the user ID, with a hash the policy accepts for certifications made then,
    /// and not expired at <paramref name="time"/>. Whether the issuer is trusted is the caller's decision.</summary>
    /// <param name="certification">One of <see cref="Certifications"/>.</param>
    /// <param name="issuer">The issuer's certificate.</param>
    /// <param name="time">The reference time; null for now.</param>
    /// <param name="policy">The policy; null for <see cref="OpenPgpPolicy.Default"/>.</param>
    /// <returns>True when the certification is good.</returns>
    public bool VerifyCertification(Certification certification, Certificate issuer, DateTimeOffset? time = null, OpenPgpPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(certification);
        ArgumentNullException.ThrowIfNull(issuer);
        var t = time ?? DateTimeOffset.UtcNow;
        if (certification.ExpirationTime is { } e && e <= t) return false;
        if (!(policy ?? OpenPgpPolicy.Default).AcceptsCertificationHash((OpenPgpHashAlgorithm)(int)certification.Signature.Hash, certification.CreationTime)) return false;
        if (!issuer.PrimaryKey.IsBound || issuer.PrimaryKey.IsRevokedAt(certification.CreationTime)) return false;
        return KeyEditor.VerifyThirdParty(certification.Signature, issuer.Ring, Ring, certification.UserIdData);
    }

    /// <summary>The certifications of this certificate that <paramref name="issuer"/> made and that verify
    /// (<see cref="VerifyCertification"/>).</summary>
    /// <param name="issuer">The issuer's certificate.</param>
    /// <param name="time">The reference time; null for now.</param>
    /// <param name="policy">The policy; null for <see cref="OpenPgpPolicy.Default"/>.</param>
    /// <returns>The good certifications.</returns>
    public IReadOnlyList<Certification> CertificationsBy(Certificate issuer, DateTimeOffset? time = null, OpenPgpPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        return Certifications.Where(c => VerifyCertification(c, issuer, time, policy)).ToList();
    }

    /// <summary>The smallest useful copy of this certificate, for mail headers (Autocrypt) and WKD: the primary key
    /// with its newest direct-key signature and any key revocation, one user ID with its newest self-signature, and
    /// the subkeys alive at <paramref name="time"/> with their newest binding signatures. Older self-signatures,
    /// third-party certifications, other user IDs and dead subkeys are left out.</summary>
    /// <param name="userId">The user ID to keep; null for the primary user ID.</param>
    /// <param name="time">The reference time for which subkeys are alive; null for now.</param>
    /// <returns>The minimal certificate.</returns>
    /// <exception cref="ArgumentException"><paramref name="userId"/> is not a bound user ID.</exception>
    public Certificate Minimize(string? userId = null, DateTimeOffset? time = null)
    {
        if (userId is not null && !UserIds.Contains(userId, StringComparer.Ordinal))
            throw new ArgumentException($"Certificate {Fingerprint} has no valid user ID '{userId}'.", nameof(userId));
        var t = time ?? DateTimeOffset.UtcNow;
        return Minimize(userId ?? (UserIds.Count > 0 ? UserIds[0] : null), k => k.IsAliveAt(t));
    }

    /// <summary>The minimal certificate with the subkeys <paramref name="keep"/> accepts.</summary>
    internal Certificate Minimize(string? userId, Func<KeyInfo, bool> keep)
    {
        var uid = userId is null ? null : KeyEditor.FindUserId(Ring, userId, nameof(userId));
        var infos = new Dictionary<string, KeyInfo>(StringComparer.Ordinal);
        foreach (var k in Subkeys) infos.TryAdd(k.Fingerprint, k);
        return Guard.Run(() => new Certificate(KeyEditor.Minimize(Ring, uid,
            s => infos.TryGetValue(Hex.Of(s.Key.Fingerprint), out var info) && keep(info))), "Minimizing a certificate");
    }
}
