using CryptoMail.Core.Internal.Packets;

namespace CryptoMail.Core.Internal;

/// <summary>The result of checking every binding signature of a certificate once.</summary>
internal sealed class ValidatedKeys
{
    public required KeyInfo Primary { get; init; }
    public required IReadOnlyList<KeyInfo> Subkeys { get; init; }
    public required IReadOnlyList<string> UserIds { get; init; }
    /// <summary>Key packet by key ID, for every key of the certificate.</summary>
    public required IReadOnlyDictionary<long, KeyPacket> ByKeyId { get; init; }
    public required IReadOnlyDictionary<long, KeyInfo> InfoByKeyId { get; init; }
    /// <summary>Newest valid self-signature (for preferences and features): the primary user ID's certification,
    /// else the direct-key signature.</summary>
    public SignaturePacket? PrimarySelfSignature { get; init; }
    /// <summary>Newest valid direct-key signature (where v6 keys keep their preferences).</summary>
    public SignaturePacket? DirectKeySignature { get; init; }
}

/// <summary>Checks self-signatures, subkey bindings (with back-signatures for signing subkeys) and revocations on our
/// own key model, for v4 and v6 keys alike.</summary>
internal static class KeyValidation
{
    private const int PositiveCertification = 0x13;
    private const int CertificationRevocation = 0x30;
    private const int DirectKey = 0x1F;
    private const int KeyRevocation = 0x20;
    private const int SubkeyBinding = 0x18;
    private const int PrimaryKeyBinding = 0x19;
    private const int SubkeyRevocation = 0x28;

    public static ValidatedKeys Validate(KeyRing ring)
    {
        var primary = ring.Primary;
        var byId = new Dictionary<long, KeyPacket>();
        foreach (var k in ring.AllKeys) byId.TryAdd(k.KeyId, k);

        // User IDs: bound by a valid self-certification, not revoked after it.
        var userIds = new List<string>();
        SignaturePacket? best = null;
        bool bestIsPrimaryUid = false;
        foreach (var u in ring.UserIds)
        {
            if (u.IsAttribute) continue;
            string uid;
            try { uid = new System.Text.UTF8Encoding(false, true).GetString(u.Data); }
            catch (ArgumentException) { continue; }
            SignaturePacket? newest = null;
            DateTimeOffset? revokedAt = null;
            foreach (var sig in u.Signatures)
            {
                if (!IssuedBy(sig, primary)) continue;
                bool isCert = sig.Type is >= 0x10 and <= PositiveCertification;
                bool isRevoke = sig.Type == CertificationRevocation;
                if (!isCert && !isRevoke) continue;
                if (!sig.VerifyCertification(primary, primary, u.Data, false, null)) continue;
                if (isRevoke) { if (revokedAt is null || sig.Created > revokedAt) revokedAt = sig.Created; continue; }
                if (newest is null || sig.Created > newest.Created) newest = sig;
            }
            // Unbound when there is no valid self-certification, or a revocation is at least as new as it.
            if (newest is null || (revokedAt is { } r && r >= newest.Created)) continue;
            if (userIds.Contains(uid)) continue;
            userIds.Add(uid);
            bool isPrimaryUid = newest.IsPrimaryUserId;
            if (best is null || (isPrimaryUid && !bestIsPrimaryUid) || (isPrimaryUid == bestIsPrimaryUid && newest.Created > best.Created))
            {
                best = newest;
                bestIsPrimaryUid = isPrimaryUid;
            }
        }
        // A direct-key signature may carry flags, expiry and (for v6) the preferences.
        SignaturePacket? direct = null;
        var revocations = new List<SignaturePacket>();
        foreach (var sig in ring.Direct)
        {
            if (sig.Type is not (DirectKey or KeyRevocation)) continue;
            if (!sig.VerifyCertification(primary, primary, null, false, null)) continue;
            if (sig.Type == KeyRevocation) { revocations.Add(sig); continue; }
            if (direct is null || sig.Created > direct.Created) direct = sig;
        }
        var primaryRevocation = Revocation(revocations);

        // v6 keys are bound by their direct-key signature alone; v4 keys need a user ID (or a direct-key signature).
        var selfSig = best ?? direct;
        var primaryUsage = Usage(selfSig, direct, primary, isPrimary: true);
        var primaryInfo = Info(primary, selfSig, direct, primaryUsage, primaryRevocation.Revoked, bound: selfSig is not null)
            with { IsHardRevoked = primaryRevocation.Hard, RevokedSince = primaryRevocation.Since };

        var subkeys = new List<KeyInfo>();
        var infoById = new Dictionary<long, KeyInfo> { [primary.KeyId] = primaryInfo };
        foreach (var sub in ring.Subkeys)
        {
            SignaturePacket? binding = null;
            var subRevocations = new List<SignaturePacket>();
            foreach (var sig in sub.Signatures)
            {
                if (sig.Type is not (SubkeyBinding or SubkeyRevocation)) continue;
                if (!sig.VerifyCertification(primary, primary, null, false, sub.Key)) continue;
                if (sig.Type == SubkeyRevocation) { subRevocations.Add(sig); continue; }
                if (binding is null || sig.Created > binding.Created) binding = sig;
            }
            var subRevocation = Revocation(subRevocations);
            var usage = Usage(binding, null, sub.Key, isPrimary: false);
            if ((usage & KeyUsage.Sign) != 0 && binding is not null && !HasValidBackSignature(binding, primary, sub.Key))
            {
                usage &= ~KeyUsage.Sign;
            }
            // The subkey is revoked by its own revocation or its primary's; a hard one wins, else the earlier soft one.
            bool hard = subRevocation.Hard || primaryRevocation.Hard;
            DateTimeOffset? since = hard ? null : Earlier(subRevocation.Since, primaryRevocation.Since);
            var info = Info(sub.Key, binding, null, usage, subRevocation.Revoked || primaryRevocation.Revoked, bound: binding is not null && selfSig is not null)
                with { IsHardRevoked = hard, RevokedSince = since };
            // A subkey cannot outlive its primary.
            if (primaryInfo.ExpirationTime is { } pe && (info.ExpirationTime is null || info.ExpirationTime > pe))
                info = info with { ExpirationTime = pe };
            subkeys.Add(info);
            infoById.TryAdd(sub.Key.KeyId, info);
        }

        return new ValidatedKeys
        {
            Primary = primaryInfo,
            Subkeys = subkeys,
            UserIds = userIds,
            ByKeyId = byId,
            InfoByKeyId = infoById,
            PrimarySelfSignature = selfSig,
            DirectKeySignature = direct,
        };
    }

    /// <summary>Whether the signature names <paramref name="key"/> as issuer (or names no issuer at all).</summary>
    public static bool IssuedBy(SignaturePacket sig, KeyPacket key)
    {
        var fp = sig.IssuerFingerprint;
        if (fp is not null) return fp.AsSpan().SequenceEqual(key.Fingerprint);
        long id = sig.IssuerKeyId;
        return id == 0 || id == key.KeyId;
    }

    /// <summary>Folds valid revocation signatures: hard when any has no reason, "unspecified", "compromised" or an
    /// unknown reason (RFC 9580 section 5.2.3.31); otherwise soft, effective from the earliest.</summary>
    private static (bool Revoked, bool Hard, DateTimeOffset? Since) Revocation(IEnumerable<SignaturePacket> valid)
    {
        bool any = false;
        bool hard = false;
        DateTimeOffset? since = null;
        foreach (var sig in valid)
        {
            any = true;
            // 1 = superseded, 3 = retired: soft.
            if (sig.RevocationCode is not (1 or 3)) hard = true;
            since = Earlier(since, sig.Created);
        }
        return (any, hard, hard ? null : since);
    }

    private static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : (a < b ? a : b);

    private static bool HasValidBackSignature(SignaturePacket binding, KeyPacket primary, KeyPacket sub)
    {
        foreach (var back in binding.EmbeddedSignatures())
        {
            if (back.Type != PrimaryKeyBinding) continue;
            if (back.VerifyCertification(sub, primary, null, false, sub)) return true;
        }
        return false;
    }

    private static KeyUsage Usage(SignaturePacket? sig, SignaturePacket? fallback, KeyPacket key, bool isPrimary)
    {
        foreach (var s in new[] { sig, fallback })
        {
            if (s?.KeyFlags is { } flags) return (KeyUsage)(flags & 0x2F);
        }
        // No key flags: infer from the algorithm, as older implementations did.
        var encrypt = key.CanEncryptAlgorithm ? KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage : KeyUsage.None;
        if (isPrimary) return KeyUsage.Certify | (key.CanSignAlgorithm ? KeyUsage.Sign : KeyUsage.None) | encrypt;
        return key.CanEncryptAlgorithm ? encrypt : (key.CanSignAlgorithm ? KeyUsage.Sign : KeyUsage.None);
    }

    private static KeyInfo Info(KeyPacket key, SignaturePacket? sig, SignaturePacket? fallback, KeyUsage usage, bool revoked, bool bound)
    {
        var created = key.Created;
        DateTimeOffset? expires = null;
        foreach (var s in new[] { sig, fallback })
        {
            if (s?.HashedSeconds(SubpacketType.KeyExpiration) is { } seconds)
            {
                if (seconds > 0) expires = created.AddSeconds(seconds);
                break;
            }
        }
        return new KeyInfo(
            Fingerprint: Hex.Of(key.Fingerprint),
            KeyId: Hex.KeyId(key.KeyId),
            Algorithm: key.AlgorithmName,
            BitStrength: key.BitStrength,
            Version: key.Version,
            CreationTime: created,
            ExpirationTime: expires,
            Usage: usage,
            IsRevoked: revoked,
            IsBound: bound);
    }
}
