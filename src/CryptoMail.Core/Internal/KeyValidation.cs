using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Internal;

/// <summary>The result of checking every binding signature of a certificate once.</summary>
internal sealed class ValidatedKeys
{
    public required KeyInfo Primary { get; init; }
    public required IReadOnlyList<KeyInfo> Subkeys { get; init; }
    public required IReadOnlyList<string> UserIds { get; init; }
    /// <summary>BouncyCastle key by key ID, for every key of the certificate.</summary>
    public required IReadOnlyDictionary<long, PgpPublicKey> ByKeyId { get; init; }
    public required IReadOnlyDictionary<long, KeyInfo> InfoByKeyId { get; init; }
    /// <summary>Newest valid self-signature (for preferences and features).</summary>
    public PgpSignature? PrimarySelfSignature { get; init; }
}

/// <summary>Checks self-signatures, subkey bindings (with back-signatures for signing subkeys) and revocations.</summary>
internal static class KeyValidation
{
    public static ValidatedKeys Validate(PgpPublicKeyRing ring)
    {
        var keys = ring.GetPublicKeys().ToList();
        var primary = keys[0];
        var byId = new Dictionary<long, PgpPublicKey>();
        foreach (var k in keys) byId.TryAdd(k.KeyId, k);

        // User IDs: bound by a valid self-certification, not revoked after it.
        var userIds = new List<string>();
        PgpSignature? best = null;
        bool bestIsPrimaryUid = false;
        foreach (var raw in primary.GetRawUserIds())
        {
            string uid;
            try { uid = System.Text.Encoding.UTF8.GetString(raw); }
            catch (ArgumentException) { continue; }
            PgpSignature? newest = null;
            DateTime? revokedAt = null;
            foreach (var sig in primary.GetSignaturesForId(uid))
            {
                if (sig.KeyId != primary.KeyId && !IssuerIs(sig, primary)) continue;
                bool isCert = sig.SignatureType is >= 0x10 and <= 0x13;
                bool isRevoke = sig.SignatureType == PgpSignature.CertificationRevocation;
                if (!isCert && !isRevoke) continue;
                if (!Check(() => { sig.InitVerify(primary); return sig.VerifyCertification(uid, primary); })) continue;
                if (isRevoke) { if (revokedAt is null || sig.CreationTime > revokedAt) revokedAt = sig.CreationTime; continue; }
                if (newest is null || sig.CreationTime > newest.CreationTime) newest = sig;
            }
            // Unbound when there is no valid self-certification, or a revocation is at least as new as it.
            if (newest is null || (revokedAt is { } r && r >= newest.CreationTime)) continue;
            userIds.Add(uid);
            bool isPrimaryUid = newest.GetHashedSubPackets()?.IsPrimaryUserId() == true;
            if (best is null || (isPrimaryUid && !bestIsPrimaryUid) || (isPrimaryUid == bestIsPrimaryUid && newest.CreationTime > best.CreationTime))
            {
                best = newest;
                bestIsPrimaryUid = isPrimaryUid;
            }
        }

        // A direct-key signature may carry flags and expiry too.
        PgpSignature? direct = null;
        foreach (var sig in primary.GetSignaturesOfType(PgpSignature.DirectKey))
        {
            if (!Check(() => { sig.InitVerify(primary); return sig.VerifyCertification(primary); })) continue;
            if (direct is null || sig.CreationTime > direct.CreationTime) direct = sig;
        }
        var primaryRevocation = Revocation(primary.GetSignaturesOfType(PgpSignature.KeyRevocation)
            .Where(sig => Check(() => { sig.InitVerify(primary); return sig.VerifyCertification(primary); })));
        bool primaryRevoked = primaryRevocation.Revoked;

        var selfSig = best ?? direct;
        var primaryUsage = Usage(selfSig, direct, primary, isPrimary: true);
        var primaryInfo = Info(primary, selfSig, direct, primaryUsage, primaryRevoked, bound: selfSig is not null)
            with { IsHardRevoked = primaryRevocation.Hard, RevokedSince = primaryRevocation.Since };

        var subkeys = new List<KeyInfo>();
        var infoById = new Dictionary<long, KeyInfo> { [primary.KeyId] = primaryInfo };
        foreach (var sub in keys.Skip(1))
        {
            PgpSignature? binding = null;
            foreach (var sig in sub.GetSignaturesOfType(PgpSignature.SubkeyBinding))
            {
                if (!Check(() => { sig.InitVerify(primary); return sig.VerifyCertification(primary, sub); })) continue;
                if (binding is null || sig.CreationTime > binding.CreationTime) binding = sig;
            }
            var subRevocation = Revocation(sub.GetSignaturesOfType(PgpSignature.SubkeyRevocation)
                .Where(sig => Check(() => { sig.InitVerify(primary); return sig.VerifyCertification(primary, sub); })));
            bool revoked = subRevocation.Revoked;
            var usage = Usage(binding, null, sub, isPrimary: false);
            if ((usage & KeyUsage.Sign) != 0 && binding is not null && !HasValidBackSignature(binding, primary, sub))
            {
                usage &= ~KeyUsage.Sign;
            }
            // The subkey is revoked by its own revocation or its primary's; a hard one wins, else the earlier soft one.
            bool hard = subRevocation.Hard || primaryRevocation.Hard;
            DateTimeOffset? since = hard ? null : Earlier(subRevocation.Since, primaryRevocation.Since);
            var info = Info(sub, binding, null, usage, revoked || primaryRevoked, bound: binding is not null && selfSig is not null)
                with { IsHardRevoked = hard, RevokedSince = since };
            // A subkey cannot outlive its primary.
            if (primaryInfo.ExpirationTime is { } pe && (info.ExpirationTime is null || info.ExpirationTime > pe))
                info = info with { ExpirationTime = pe };
            subkeys.Add(info);
            infoById.TryAdd(sub.KeyId, info);
        }

        return new ValidatedKeys
        {
            Primary = primaryInfo,
            Subkeys = subkeys,
            UserIds = userIds,
            ByKeyId = byId,
            InfoByKeyId = infoById,
            PrimarySelfSignature = selfSig,
        };
    }

    /// <summary>Folds valid revocation signatures: hard when any has no reason, "unspecified", "compromised" or an
    /// unknown reason (RFC 9580 section 5.2.3.31); otherwise soft, effective from the earliest.</summary>
    private static (bool Revoked, bool Hard, DateTimeOffset? Since) Revocation(IEnumerable<PgpSignature> valid)
    {
        bool any = false;
        bool hard = false;
        DateTimeOffset? since = null;
        foreach (var sig in valid)
        {
            any = true;
            RevocationReasonTag? code = null;
            try { code = sig.GetHashedSubPackets()?.GetRevocationReason()?.GetRevocationReason(); }
            catch (Exception) { }
            if (code is not (RevocationReasonTag.KeySuperseded or RevocationReasonTag.KeyRetired)) hard = true;
            var at = new DateTimeOffset(DateTime.SpecifyKind(sig.CreationTime, DateTimeKind.Utc));
            since = Earlier(since, at);
        }
        return (any, hard, hard ? null : since);
    }

    private static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : (a < b ? a : b);

    private static bool IssuerIs(PgpSignature sig, PgpPublicKey key)
    {
        var fp = sig.GetHashedSubPackets()?.GetIssuerFingerprint() ?? sig.GetUnhashedSubPackets()?.GetIssuerFingerprint();
        return fp is not null && fp.GetFingerprint().AsSpan().SequenceEqual(key.GetFingerprint());
    }

    private static bool HasValidBackSignature(PgpSignature binding, PgpPublicKey primary, PgpPublicKey sub)
    {
        foreach (var vector in new[] { binding.GetHashedSubPackets(), binding.GetUnhashedSubPackets() })
        {
            if (vector is null) continue;
            PgpSignatureList embedded;
            try { embedded = vector.GetEmbeddedSignatures(); }
            catch (Exception) { continue; }
            for (int i = 0; i < embedded.Count; i++)
            {
                var back = embedded[i];
                if (back.SignatureType != PgpSignature.PrimaryKeyBinding) continue;
                if (Check(() => { back.InitVerify(sub); return back.VerifyCertification(primary, sub); })) return true;
            }
        }
        return false;
    }

    private static KeyUsage Usage(PgpSignature? sig, PgpSignature? fallback, PgpPublicKey key, bool isPrimary)
    {
        foreach (var s in new[] { sig, fallback })
        {
            var hashed = s?.GetHashedSubPackets();
            if (hashed is not null && hashed.HasSubpacket(SignatureSubpacketTag.KeyFlags))
                return (KeyUsage)(hashed.GetKeyFlags() & 0x2F);
        }
        // No key flags: infer from the algorithm, as older implementations did.
        bool canSign = key.Algorithm is PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign or PublicKeyAlgorithmTag.Dsa
            or PublicKeyAlgorithmTag.ECDsa or PublicKeyAlgorithmTag.EdDsa_Legacy or PublicKeyAlgorithmTag.Ed25519 or PublicKeyAlgorithmTag.Ed448;
        var encrypt = key.IsEncryptionKey ? KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage : KeyUsage.None;
        if (isPrimary) return KeyUsage.Certify | (canSign ? KeyUsage.Sign : KeyUsage.None) | encrypt;
        return key.IsEncryptionKey ? KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage : (canSign ? KeyUsage.Sign : KeyUsage.None);
    }

    private static KeyInfo Info(PgpPublicKey key, PgpSignature? sig, PgpSignature? fallback, KeyUsage usage, bool revoked, bool bound)
    {
        var created = new DateTimeOffset(DateTime.SpecifyKind(key.CreationTime, DateTimeKind.Utc));
        DateTimeOffset? expires = null;
        foreach (var s in new[] { sig, fallback })
        {
            var hashed = s?.GetHashedSubPackets();
            if (hashed is not null && hashed.HasSubpacket(SignatureSubpacketTag.KeyExpireTime))
            {
                long seconds = hashed.GetKeyExpirationTime();
                if (seconds > 0) expires = created.AddSeconds(seconds);
                break;
            }
        }
        return new KeyInfo(
            Fingerprint: Hex.Of(key.GetFingerprint()),
            KeyId: Hex.KeyId(key.KeyId),
            Algorithm: AlgorithmName(key),
            BitStrength: SafeBitStrength(key),
            Version: key.Version,
            CreationTime: created,
            ExpirationTime: expires,
            Usage: usage,
            IsRevoked: revoked,
            IsBound: bound);
    }

    private static int SafeBitStrength(PgpPublicKey key)
    {
        try { return key.BitStrength; }
        catch (Exception) { return 0; }
    }

    public static string AlgorithmName(PgpPublicKey key)
    {
        switch (key.Algorithm)
        {
            case PublicKeyAlgorithmTag.RsaGeneral:
            case PublicKeyAlgorithmTag.RsaEncrypt:
            case PublicKeyAlgorithmTag.RsaSign:
                return "RSA";
            case PublicKeyAlgorithmTag.EdDsa_Legacy:
                return "Ed25519";
            case PublicKeyAlgorithmTag.Ed25519: return "Ed25519";
            case PublicKeyAlgorithmTag.Ed448: return "Ed448";
            case PublicKeyAlgorithmTag.X25519: return "X25519";
            case PublicKeyAlgorithmTag.X448: return "X448";
            case PublicKeyAlgorithmTag.ECDH:
                try { return key.GetKey() is X25519PublicKeyParameters ? "Cv25519" : "ECDH"; }
                catch (Exception) { return "ECDH"; }
            case PublicKeyAlgorithmTag.ECDsa: return "ECDSA";
            case PublicKeyAlgorithmTag.Dsa: return "DSA";
            case PublicKeyAlgorithmTag.ElGamalEncrypt:
            case PublicKeyAlgorithmTag.ElGamalGeneral:
                return "ElGamal";
            default: return "Unknown(" + (int)key.Algorithm + ")";
        }
    }

    private static bool Check(Func<bool> verify)
    {
        try { return verify(); }
        catch (Exception) { return false; }
    }
}
