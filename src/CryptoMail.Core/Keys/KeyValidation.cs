
namespace CryptoMail.Core.Keys;

/// <summary>Every self-signature of a certificate that verifies cryptographically, per component. Checking the
/// signatures is the expensive part and does not depend on the policy or the time, so it is done once per
/// certificate; <see cref="KeyValidation.Evaluate"/> then picks among them for any policy and reference time.</summary>
internal sealed class VerifiedRing
{
    public required KeyPacket Primary { get; init; }
    /// <summary>Direct-key signatures (0x1F) by the primary key.</summary>
    public required IReadOnlyList<SignaturePacket> DirectKey { get; init; }
    /// <summary>Key revocations (0x20) by the primary key.</summary>
    public required IReadOnlyList<SignaturePacket> Revocations { get; init; }
    public required IReadOnlyList<VerifiedUserId> UserIds { get; init; }
    public required IReadOnlyList<VerifiedSubkey> Subkeys { get; init; }
    /// <summary>Key packet by key ID, for every key of the certificate.</summary>
    public required IReadOnlyDictionary<long, KeyPacket> ByKeyId { get; init; }
}

/// <summary>A user ID with its verified self-certifications and revocations; <see cref="Unverified"/> counts the
/// self-signatures that did not verify.</summary>
internal sealed record VerifiedUserId(string Text, IReadOnlyList<SignaturePacket> Certifications, IReadOnlyList<SignaturePacket> Revocations, int Unverified);

/// <summary>A verified subkey binding, with the verified primary-key back-signatures embedded in it.</summary>
internal sealed record VerifiedBinding(SignaturePacket Signature, IReadOnlyList<SignaturePacket> BackSignatures);

/// <summary>A subkey with its verified bindings and revocations.</summary>
internal sealed record VerifiedSubkey(KeyPacket Key, IReadOnlyList<VerifiedBinding> Bindings, IReadOnlyList<SignaturePacket> Revocations, int Unverified);

/// <summary>The default view of a certificate (<see cref="OpenPgpPolicy.Default"/>, the newest binding of each component)
/// that the <see cref="Certificate"/> properties and the message layer use.</summary>
internal sealed class ValidatedKeys
{
    public required KeyInfo Primary { get; init; }
    public required IReadOnlyList<KeyInfo> Subkeys { get; init; }
    public required IReadOnlyList<string> UserIds { get; init; }
    /// <summary>Key packet by key ID, for every key of the certificate.</summary>
    public required IReadOnlyDictionary<long, KeyPacket> ByKeyId { get; init; }
    public required IReadOnlyDictionary<long, KeyInfo> InfoByKeyId { get; init; }
    /// <summary>Newest accepted self-signature (for preferences and features): the primary user ID's certification,
    /// else the direct-key signature.</summary>
    public SignaturePacket? PrimarySelfSignature { get; init; }
    /// <summary>Newest accepted direct-key signature (where v6 keys keep their preferences).</summary>
    public SignaturePacket? DirectKeySignature { get; init; }
}

/// <summary>The one validator of certificates, for v4 and v6 keys alike: self-signatures, subkey bindings (with
/// back-signatures for signing subkeys), expiry and revocations, judged under a <see cref="OpenPgpPolicy"/> at a reference
/// time.</summary>
internal static class KeyValidation
{
    private const int PositiveCertification = 0x13;
    private const int CertificationRevocation = 0x30;
    private const int DirectKey = 0x1F;
    private const int KeyRevocation = 0x20;
    private const int SubkeyBinding = 0x18;
    private const int PrimaryKeyBinding = 0x19;
    private const int SubkeyRevocation = 0x28;

    /// <summary>Signature checks <see cref="Verify"/> made on this thread: a test hook, so flooding tests count work
    /// instead of timing it.</summary>
    [ThreadStatic] private static int checksOnThisThread;

    internal static int ChecksOnThisThread => checksOnThisThread;

    private static bool Checked(SignaturePacket sig, KeyPacket signer, KeyPacket primary, byte[]? userId, KeyPacket? subkey)
    {
        checksOnThisThread++;
        return sig.VerifyCertification(signer, primary, userId, false, subkey);
    }

    /// <summary>Checks every self-signature of the ring once (signatures naming another issuer are not checked); the
    /// reader's <see cref="CertificateLimits"/> bound how many there are.</summary>
    public static VerifiedRing Verify(KeyRing ring)
    {
        var primary = ring.Primary;
        var byId = new Dictionary<long, KeyPacket>();
        foreach (var k in ring.AllKeys) byId.TryAdd(k.KeyId, k);
        var strict = new System.Text.UTF8Encoding(false, true);

        var userIds = new List<VerifiedUserId>();
        foreach (var u in ring.UserIds)
        {
            if (u.IsAttribute) continue;
            string text;
            try { text = strict.GetString(u.Data); }
            catch (ArgumentException) { continue; }
            var certs = new List<SignaturePacket>();
            var revocations = new List<SignaturePacket>();
            int unverified = 0;
            foreach (var sig in u.Signatures)
            {
                bool isCert = sig.Type is >= 0x10 and <= PositiveCertification;
                if ((!isCert && sig.Type != CertificationRevocation) || !IssuedBy(sig, primary)) continue;
                if (!Checked(sig, primary, primary, u.Data, null)) { unverified++; continue; }
                (isCert ? certs : revocations).Add(sig);
            }
            userIds.Add(new VerifiedUserId(text, certs, revocations, unverified));
        }

        var direct = new List<SignaturePacket>();
        var keyRevocations = new List<SignaturePacket>();
        foreach (var sig in ring.Direct)
        {
            if (sig.Type is not (DirectKey or KeyRevocation) || !IssuedBy(sig, primary)) continue;
            if (!Checked(sig, primary, primary, null, null)) continue;
            (sig.Type == KeyRevocation ? keyRevocations : direct).Add(sig);
        }

        var subkeys = new List<VerifiedSubkey>();
        foreach (var sub in ring.Subkeys)
        {
            var bindings = new List<VerifiedBinding>();
            var revocations = new List<SignaturePacket>();
            int unverified = 0;
            foreach (var sig in sub.Signatures)
            {
                if (sig.Type is not (SubkeyBinding or SubkeyRevocation) || !IssuedBy(sig, primary)) continue;
                if (!Checked(sig, primary, primary, null, sub.Key)) { unverified++; continue; }
                if (sig.Type == SubkeyRevocation) { revocations.Add(sig); continue; }
                var backs = sig.EmbeddedSignatures()
                    .Where(b => b.Type == PrimaryKeyBinding && IssuedBy(b, sub.Key))
                    .Take(CertificateLimits.MaxBackSignaturesPerBinding)
                    .Where(b => Checked(b, sub.Key, primary, null, sub.Key))
                    .ToList();
                bindings.Add(new VerifiedBinding(sig, backs));
            }
            subkeys.Add(new VerifiedSubkey(sub.Key, bindings, revocations, unverified));
        }

        return new VerifiedRing
        {
            Primary = primary,
            DirectKey = direct,
            Revocations = keyRevocations,
            UserIds = userIds,
            Subkeys = subkeys,
            ByKeyId = byId,
        };
    }

    /// <summary>The default view: <see cref="OpenPgpPolicy.Default"/>, with the newest binding of each component.</summary>
    public static ValidatedKeys Latest(Certificate certificate, VerifiedRing ring)
    {
        var view = EvaluateCore(certificate, ring, OpenPgpPolicy.Default, DateTimeOffset.MaxValue, out var primarySelf, out var directSelf);
        var infoById = new Dictionary<long, KeyInfo>();
        foreach (var k in view.Subkeys.Prepend(view.PrimaryKey))
            infoById.TryAdd(Certificate.KeyIdOf(k.Key), k.Key);
        return new ValidatedKeys
        {
            Primary = view.PrimaryKey.Key,
            Subkeys = view.Subkeys.Select(k => k.Key).ToList(),
            UserIds = view.UserIds.Where(u => u.IsValid).Select(u => u.UserId).Distinct(StringComparer.Ordinal).ToList(),
            ByKeyId = ring.ByKeyId,
            InfoByKeyId = infoById,
            PrimarySelfSignature = primarySelf,
            DirectKeySignature = directSelf,
        };
    }

    /// <summary>The certificate at <paramref name="time"/> under <paramref name="policy"/>: for each component the
    /// newest verified binding made at or before the time that the policy accepts.</summary>
    public static CertificateValidity Evaluate(Certificate certificate, VerifiedRing ring, OpenPgpPolicy policy, DateTimeOffset time) =>
        EvaluateCore(certificate, ring, policy, time, out _, out _);

    private static CertificateValidity EvaluateCore(Certificate certificate, VerifiedRing ring, OpenPgpPolicy policy, DateTimeOffset time,
        out SignaturePacket? primarySelf, out SignaturePacket? directSelf)
    {
        var primary = ring.Primary;
        string primaryFpr = Hex.Of(primary.Fingerprint);
        bool Accepted(SignaturePacket s) => policy.AcceptsCertificationHash((OpenPgpHashAlgorithm)(int)s.Hash, s.Created);

        // User IDs: bound by the newest accepted self-certification, unless a revocation at least as new withdraws it.
        var userIds = new List<UserIdValidity>();
        SignaturePacket? best = null;
        int bestIndex = -1;
        foreach (var u in ring.UserIds)
        {
            var (cert, why) = Pick(u.Certifications, time, Accepted, null, u.Unverified);
            var reasons = new List<ValidationIssue>();
            if (cert is null)
            {
                reasons.Add(Issue(why, $"User ID \"{u.Text}\"", primaryFpr, u.Text));
            }
            else if (u.Revocations.Any(r => Accepted(r) && r.Created <= time && r.Created >= cert.Created))
            {
                reasons.Add(new ValidationIssue(ValidationReason.Revoked, $"User ID \"{u.Text}\" is revoked.", primaryFpr, u.Text));
            }
            bool valid = reasons.Count == 0;
            userIds.Add(new UserIdValidity(u.Text, valid, cert?.IsPrimaryUserId == true, reasons, Binding(cert)));
            if (valid && cert is not null && (best is null || (cert.IsPrimaryUserId && !best.IsPrimaryUserId)
                || (cert.IsPrimaryUserId == best.IsPrimaryUserId && cert.Created > best.Created)))
            {
                best = cert;
                bestIndex = userIds.Count - 1;
            }
        }
        // The primary user ID goes first, whatever the packet order (a merge keeps the older copy's order).
        if (bestIndex > 0)
        {
            var primaryUserId = userIds[bestIndex];
            userIds.RemoveAt(bestIndex);
            userIds.Insert(0, primaryUserId);
        }
        var (direct, directWhy) = Pick(ring.DirectKey, time, Accepted, null, 0);
        var primaryRevocation = Revocation(ring.Revocations, Accepted, time);

        // v6 keys are bound by their direct-key signature; v4 keys by the primary user ID's (or a direct-key signature).
        SignaturePacket? binding = primary.Version == 6 ? direct : best ?? direct;
        SignaturePacket? fallback = primary.Version == 6 ? best : direct;
        var primaryReasons = new List<ValidationIssue>();
        if (binding is null)
        {
            var why = primary.Version == 6 ? directWhy
                : userIds.Count > 0 && userIds.All(u => u.Reasons.Count > 0) ? userIds[0].Reasons[0].Reason : directWhy;
            primaryReasons.Add(Issue(why, $"Primary key {primaryFpr}", primaryFpr, null));
        }
        var usage = Usage(binding, fallback, primary, isPrimary: true);
        var primaryInfo = Info(primary, binding, fallback, usage, primaryRevocation, bound: binding is not null);
        CheckKey(policy, primary, primaryFpr, "Primary key", primaryReasons);
        CheckState(primaryInfo, time, "Primary key", primaryReasons);
        var primaryValidity = new KeyValidity(primaryInfo, primaryReasons.Count == 0, primaryReasons, Binding(binding));

        var subkeys = new List<KeyValidity>();
        foreach (var sub in ring.Subkeys)
        {
            string fpr = Hex.Of(sub.Key.Fingerprint);
            // A binding that lets the subkey sign counts only with an accepted back-signature by the subkey.
            bool BackSigned(VerifiedBinding b) =>
                (Usage(b.Signature, null, sub.Key, isPrimary: false) & KeyUsage.Sign) == 0 || b.BackSignatures.Any(Accepted);
            // RFC 9980 section 7.2: a binding of a post-quantum subkey made with MD5, SHA-1 or RIPEMD-160 is invalid,
            // whatever the policy accepts for older bindings.
            bool pqSubkey = PqAlgorithms.IsPostQuantum(sub.Key.Algorithm);
            var (chosen, why) = Pick(sub.Bindings, time, b => Accepted(b.Signature) && !(pqSubkey && b.Signature.Hash is HashAlgorithmId.Md5
                or HashAlgorithmId.Sha1 or HashAlgorithmId.RipeMd160), BackSigned, sub.Unverified);
            var sig = chosen?.Signature;
            var reasons = new List<ValidationIssue>();
            if (sig is null) reasons.Add(Issue(why, $"Subkey {fpr}", fpr, null));
            var own = Revocation(sub.Revocations, Accepted, time);
            // The subkey is revoked by its own revocation or its primary's; a hard one wins, else the earlier soft one.
            var revocation = own.Hard || primaryRevocation.Hard ? (true, true, (DateTimeOffset?)null)
                : (own.Revoked || primaryRevocation.Revoked, false, Earlier(own.Since, primaryRevocation.Since));
            var info = Info(sub.Key, sig, null, Usage(sig, null, sub.Key, isPrimary: false), revocation, bound: sig is not null && binding is not null);
            // A subkey cannot outlive its primary.
            if (primaryInfo.ExpirationTime is { } pe && (info.ExpirationTime is null || info.ExpirationTime > pe))
                info = info with { ExpirationTime = pe };
            CheckKey(policy, sub.Key, fpr, "Subkey", reasons);
            CheckState(info, time, "Subkey", reasons);
            // The primary key's own failures (weak key, no binding...) make every subkey unusable too.
            foreach (var r in primaryReasons)
                if (r.Reason is not (ValidationReason.Expired or ValidationReason.HardRevoked or ValidationReason.SoftRevoked or ValidationReason.NotYetValid))
                    reasons.Add(r);
            subkeys.Add(new KeyValidity(info, reasons.Count == 0, reasons, Binding(sig)));
        }

        primarySelf = binding ?? fallback;
        directSelf = direct;
        return new CertificateValidity(certificate, policy, time, primaryValidity, userIds, subkeys);
    }

    /// <summary>How far a binding may be dated after the reference time and still count, as for a key's creation time
    /// (<see cref="KeyInfo.IsAliveAt"/>): clocks differ, and an edit made in the same second as the self-signature it
    /// replaces is dated a second later. Without it, quick successive edits left a new user ID unbound for a second.</summary>
    internal static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The newest candidate made at or before <paramref name="time"/> (within <see cref="ClockSkew"/>) that
    /// the policy accepts and that
    /// passes <paramref name="extra"/>; when there is none, the reason that best explains it.</summary>
    private static (T? Chosen, ValidationReason Why) Pick<T>(IReadOnlyList<T> candidates, DateTimeOffset time, Func<T, bool> accepted,
        Func<T, bool>? extra, int unverified) where T : class
    {
        T? chosen = null;
        DateTimeOffset chosenAt = DateTimeOffset.MinValue;
        bool weak = false, future = false, noBack = false;
        var latest = time >= DateTimeOffset.MaxValue - ClockSkew ? DateTimeOffset.MaxValue : time + ClockSkew;
        foreach (var c in candidates)
        {
            var created = SignatureOf(c).Created;
            if (created > latest) { future = true; continue; }
            if (!accepted(c)) { weak = true; continue; }
            if (extra is not null && !extra(c)) { noBack = true; continue; }
            if (chosen is null || created > chosenAt) { chosen = c; chosenAt = created; }
        }
        if (chosen is not null) return (chosen, default);
        var why = noBack ? ValidationReason.MissingBackSignature
            : weak ? ValidationReason.WeakHash
            : future ? ValidationReason.NotYetValid
            : unverified > 0 ? ValidationReason.BadSignature
            : ValidationReason.NoBindingSignature;
        return (null, why);
    }

    private static SignaturePacket SignatureOf<T>(T c) => c switch
    {
        SignaturePacket s => s,
        VerifiedBinding b => b.Signature,
        _ => throw new InvalidOperationException("Not a signature."),
    };

    private static ValidationIssue Issue(ValidationReason why, string what, string? fingerprint, string? userId) => new(why, why switch
    {
        ValidationReason.MissingBackSignature => $"{what} may sign, but its binding lacks a valid back-signature by the subkey.",
        ValidationReason.WeakHash => $"{what} is bound only by signatures whose hash algorithm the policy refuses.",
        ValidationReason.NotYetValid => $"{what} is bound only by signatures made after the reference time.",
        ValidationReason.BadSignature => $"{what} has binding signatures, but none of them verifies.",
        _ => $"{what} has no valid binding signature.",
    }, fingerprint, userId);

    private static void CheckKey(OpenPgpPolicy policy, KeyPacket key, string fpr, string what, List<ValidationIssue> reasons)
    {
        switch (policy.CheckKey(key.KeyAlgorithm, key.BitStrength))
        {
            case ValidationReason.WeakKey:
                reasons.Add(new ValidationIssue(ValidationReason.WeakKey,
                    $"{what} {fpr} is {key.AlgorithmName}-{key.BitStrength}, smaller than the policy accepts.", fpr));
                break;
            case ValidationReason.RejectedAlgorithm:
                reasons.Add(new ValidationIssue(ValidationReason.RejectedAlgorithm, $"{what} {fpr} uses {key.AlgorithmName}, which the policy refuses.", fpr));
                break;
        }
    }

    /// <summary>Revocation first (a hard one is the strongest statement), then creation and expiry.</summary>
    private static void CheckState(KeyInfo info, DateTimeOffset time, string what, List<ValidationIssue> reasons)
    {
        string fpr = info.Fingerprint;
        if (info.IsHardRevoked)
            reasons.Insert(0, new ValidationIssue(ValidationReason.HardRevoked, $"{what} {fpr} is revoked (compromised, or no reason given): it is not valid at any time.", fpr));
        else if (info.IsRevokedAt(time))
            reasons.Insert(0, new ValidationIssue(ValidationReason.SoftRevoked, $"{what} {fpr} was retired or superseded on {info.RevokedSince:u}.", fpr));
        if (info.CreationTime.AddMinutes(-5) > time)
            reasons.Add(new ValidationIssue(ValidationReason.NotYetValid, $"{what} {fpr} was created on {info.CreationTime:u}, after the reference time.", fpr));
        if (info.ExpirationTime is { } exp && exp <= time)
            reasons.Add(new ValidationIssue(ValidationReason.Expired, $"{what} {fpr} expired on {exp:u}.", fpr));
    }

    private static BindingSignature? Binding(SignaturePacket? sig) =>
        sig is null ? null : new BindingSignature((SignatureType)sig.Type, sig.Created, (OpenPgpHashAlgorithm)(int)sig.Hash);

    /// <summary>Whether the signature names <paramref name="key"/> as issuer (or names no issuer at all).</summary>
    public static bool IssuedBy(SignaturePacket sig, KeyPacket key)
    {
        var fp = sig.IssuerFingerprint;
        if (fp is not null) return fp.AsSpan().SequenceEqual(key.Fingerprint);
        long id = sig.IssuerKeyId;
        return id == 0 || id == key.KeyId;
    }

    /// <summary>Folds verified revocation signatures the policy accepts: hard when any has no reason,
    /// "unspecified", "compromised" or an unknown reason (RFC 9580 section 5.2.3.31), whenever it was made; otherwise
    /// soft, effective from the earliest one made at or before <paramref name="time"/>.</summary>
    private static (bool Revoked, bool Hard, DateTimeOffset? Since) Revocation(IEnumerable<SignaturePacket> verified,
        Func<SignaturePacket, bool> accepted, DateTimeOffset time)
    {
        bool hard = false;
        DateTimeOffset? since = null;
        foreach (var sig in verified)
        {
            if (!accepted(sig)) continue;
            // 1 = superseded, 3 = retired: soft.
            if (sig.RevocationCode is not (1 or 3)) hard = true;
            else if (sig.Created <= time) since = Earlier(since, sig.Created);
        }
        return (hard || since is not null, hard, hard ? null : since);
    }

    private static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : (a < b ? a : b);

    private static KeyUsage Usage(SignaturePacket? sig, SignaturePacket? fallback, KeyPacket key, bool isPrimary)
    {
        foreach (var s in new[] { sig, fallback })
        {
            if (s?.KeyFlags is { } flags) return (KeyUsage)(flags & 0x2F) & (key.Version == 3 ? ~(KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage) : ~KeyUsage.None);
        }
        // No key flags: infer from the algorithm, as older implementations did. Never encrypt to a v3 key (RFC 9580
        // section 5.5.2.1: MUST NOT), whatever its algorithm allows; it may still sign and certify.
        var encrypt = key.CanEncryptAlgorithm && key.Version != 3 ? KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage : KeyUsage.None;
        if (isPrimary) return KeyUsage.Certify | (key.CanSignAlgorithm ? KeyUsage.Sign : KeyUsage.None) | encrypt;
        return key.CanEncryptAlgorithm ? encrypt : (key.CanSignAlgorithm ? KeyUsage.Sign : KeyUsage.None);
    }

    private static KeyInfo Info(KeyPacket key, SignaturePacket? sig, SignaturePacket? fallback, KeyUsage usage,
        (bool Revoked, bool Hard, DateTimeOffset? Since) revocation, bool bound)
    {
        var created = key.Created;
        // A v3 key carries its validity period in days in the key packet (RFC 4880 section 5.5.2).
        DateTimeOffset? expires = key.V3ValidityDays > 0 ? created.AddDays(key.V3ValidityDays) : null;
        foreach (var s in new[] { sig, fallback })
        {
            if (s?.HashedSeconds(SubpacketType.KeyExpiration) is { } seconds)
            {
                if (seconds > 0) expires = created.AddSeconds(seconds);
                break;
            }
        }
        return new KeyInfo(
            fingerprint: Hex.Of(key.Fingerprint),
            keyId: Hex.KeyId(key.KeyId),
            algorithm: key.KeyAlgorithm,
            bitStrength: key.BitStrength,
            version: key.Version,
            creationTime: created,
            expirationTime: expires,
            usage: usage,
            isRevoked: revocation.Revoked,
            isBound: bound)
        {
            IsHardRevoked = revocation.Hard,
            RevokedSince = revocation.Since,
        };
    }
}
