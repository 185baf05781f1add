using System.Security.Cryptography;
using System.Text;
using SignaturePacket = CryptoMail.Core.Packets.SignaturePacket;
using SecretKeyPacket = CryptoMail.Core.Packets.SecretKeyPacket;

namespace CryptoMail.Core.Keys;

/// <summary>Lifecycle edits on our key model (user IDs, subkeys, expiry, revocations, certifications, minimal
/// export): each returns a new <see cref="KeyRing"/>. New self-signatures copy the hashed subpackets of the one they
/// replace (preferences, features, flags), so an edit never drops what the key announced.</summary>
internal static class KeyEditor
{
    private const HashAlgorithmId Hash = HashAlgorithmId.Sha512;
    public const int CertificationRevocation = 0x30, DirectKey = 0x1F, KeyRevocation = 0x20;
    public const int SubkeyBinding = 0x18, PrimaryKeyBinding = 0x19, SubkeyRevocation = 0x28, PositiveCertification = 0x13;

    /// <summary>The creation time of a new signature: now, whole seconds, but one second after the newest signature
    /// it supersedes. Self-signatures are ordered by their creation time (to the second), so a replacement made in
    /// the same second as its predecessor would otherwise tie with it.</summary>
    public static DateTimeOffset NextTime(IEnumerable<SignaturePacket> superseded)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        foreach (var s in superseded)
            if (s.Created >= now) now = s.Created.AddSeconds(1);
        return now;
    }

    /// <summary>The creation time of a revocation: now, but not before the newest signature it revokes (a revocation
    /// of a user ID counts only when it is at least as new as the self-signature).</summary>
    private static DateTimeOffset RevocationTime(IEnumerable<SignaturePacket> revoked)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        foreach (var s in revoked)
            if (s.Created > now) now = s.Created;
        return now;
    }

    /// <summary>v4 signatures also name the issuer's key ID (unhashed) for older readers; v6 ones need only the fingerprint.</summary>
    private static Subpacket[]? Unhashed(KeyPacket signer) => signer.Version == 6 ? null : new[] { Subpacket.IssuerId(signer.KeyId) };

    /// <summary>Hashed subpackets for a signature replacing <paramref name="template"/>: its subpackets except the
    /// creation time, issuer and the types in <paramref name="replaced"/>, then <paramref name="added"/>.</summary>
    private static List<Subpacket> Reissue(SignaturePacket? template, KeyPacket issuer, DateTimeOffset time, int[] replaced, params Subpacket?[] added)
    {
        var list = new List<Subpacket> { Subpacket.Time(SubpacketType.CreationTime, time) };
        if (template is not null)
        {
            list.AddRange(template.Hashed.Where(s => s.Type is not (SubpacketType.CreationTime or SubpacketType.IssuerFingerprint or SubpacketType.IssuerKeyId)
                && !replaced.Contains(s.Type)));
        }
        list.AddRange(added.OfType<Subpacket>());
        list.Add(Subpacket.Issuer(issuer));
        return list;
    }

    private static Subpacket? Expiry(uint? seconds) => seconds is { } s ? Subpacket.Seconds(SubpacketType.KeyExpiration, s) : null;

    /// <summary>Seconds from the key's creation to <paramref name="expiration"/>, or null for none.</summary>
    public static uint? ExpirySeconds(KeyPacket key, DateTimeOffset? expiration, string paramName)
    {
        if (expiration is not { } e) return null;
        long seconds = e.ToUnixTimeSeconds() - key.CreatedSeconds;
        if (seconds <= 0) throw new ArgumentOutOfRangeException(paramName, $"The expiration {e:u} is not after the key's creation {key.Created:u}.");
        return (uint)Math.Min(uint.MaxValue, seconds);
    }

    private static byte[] ReasonData(RevocationReason reason, string description)
    {
        var text = Encoding.UTF8.GetBytes(description);
        var data = new byte[1 + text.Length];
        data[0] = (byte)reason;
        text.CopyTo(data, 1);
        return data;
    }

    /// <summary>Signatures of the given types by the primary key over a component that verify, newest first.</summary>
    public static List<SignaturePacket> ValidSelfSignatures(KeyRing ring, IEnumerable<SignaturePacket> signatures, Func<int, bool> type, byte[]? userId, KeyPacket? subkey) =>
        signatures.Where(s => type(s.Type) && s.VerifyCertification(ring.Primary, ring.Primary, userId, false, subkey))
            .OrderByDescending(s => s.Created).ToList();

    private static bool IsSelfCertification(int type) => type is >= 0x10 and <= PositiveCertification;

    public static UserIdComponent FindUserId(KeyRing ring, string userId, string paramName)
    {
        var data = Encoding.UTF8.GetBytes(userId);
        return ring.UserIds.FirstOrDefault(u => !u.IsAttribute && u.Data.AsSpan().SequenceEqual(data))
            ?? throw new ArgumentException($"Key {Hex.Of(ring.Primary.Fingerprint)} has no user ID '{userId}'.", paramName);
    }

    public static SubkeyComponent FindSubkey(KeyRing ring, string fingerprintOrKeyId, string paramName)
    {
        var s = fingerprintOrKeyId.Replace(" ", "", StringComparison.Ordinal);
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) s = s[2..];
        return ring.Subkeys.FirstOrDefault(k => string.Equals(Hex.Of(k.Key.Fingerprint), s, StringComparison.OrdinalIgnoreCase)
                || string.Equals(Hex.KeyId(k.Key.KeyId), s, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Key {Hex.Of(ring.Primary.Fingerprint)} has no subkey '{fingerprintOrKeyId}'.", paramName);
    }

    private static KeyRing ReplaceUserId(KeyRing ring, UserIdComponent old, UserIdComponent updated) =>
        new(ring.Primary, ring.PrimarySecret, ring.Direct, ring.UserIds.Select(u => ReferenceEquals(u, old) ? updated : u).ToList(), ring.Subkeys);

    private static KeyRing ReplaceSubkey(KeyRing ring, SubkeyComponent old, SubkeyComponent updated) =>
        new(ring.Primary, ring.PrimarySecret, ring.Direct, ring.UserIds, ring.Subkeys.Select(s => ReferenceEquals(s, old) ? updated : s).ToList());

    // ---- user IDs ----

    /// <summary>Adds a user ID with a positive self-certification that carries the key's current preferences
    /// (those of <paramref name="template"/>, the newest primary self-signature). An existing but unbound user ID
    /// (e.g. revoked) gets the new self-signature, which is newer than its revocation.</summary>
    public static KeyRing AddUserId(KeyRing ring, AsymmetricPrivateKey primaryKey, SignaturePacket? template, string userId, bool primary)
    {
        var key = ring.Primary;
        var data = Encoding.UTF8.GetBytes(userId);
        var existing = ring.UserIds.FirstOrDefault(u => !u.IsAttribute && u.Data.AsSpan().SequenceEqual(data));
        // A new primary user ID must be newer than the self-signatures of the user ID it displaces.
        var time = NextTime(primary ? ring.UserIds.SelectMany(u => u.Signatures) : existing?.Signatures ?? Array.Empty<SignaturePacket>());
        var hashed = Reissue(template, key, time, new[] { SubpacketType.PrimaryUserId, SubpacketType.RevocationReason, SubpacketType.SignatureExpiration },
            primary ? new Subpacket(SubpacketType.PrimaryUserId, false, new byte[] { 1 }) : null);
        var sig = Certified(key, primaryKey, PositiveCertification, Hash, hashed, key, data, null, Unhashed(key));
        var updated = existing is null ? new UserIdComponent(data, false, new[] { sig }) : existing with { Signatures = existing.Signatures.Append(sig).ToList() };
        if (!primary) return existing is null ? ring.WithUserId(updated) : ReplaceUserId(ring, existing, updated);
        // The primary user ID goes first: readers that list user IDs in packet order then show it first too.
        return new KeyRing(key, ring.PrimarySecret, ring.Direct, ring.UserIds.Where(u => !ReferenceEquals(u, existing)).Prepend(updated).ToList(), ring.Subkeys);
    }

    public static KeyRing RevokeUserId(KeyRing ring, AsymmetricPrivateKey primaryKey, UserIdComponent uid, RevocationReason reason, string description)
    {
        var key = ring.Primary;
        var time = RevocationTime(ValidSelfSignatures(ring, uid.Signatures, IsSelfCertification, uid.Data, null).Take(1));
        var hashed = new List<Subpacket>
        {
            Subpacket.Time(SubpacketType.CreationTime, time),
            new(SubpacketType.RevocationReason, false, ReasonData(reason, description)),
            Subpacket.Issuer(key),
        };
        var sig = Certified(key, primaryKey, CertificationRevocation, Hash, hashed, key, uid.Data, null, Unhashed(key));
        return ReplaceUserId(ring, uid, uid with { Signatures = uid.Signatures.Append(sig).ToList() });
    }

    // ---- the primary key ----

    public static SignaturePacket KeyRevocationSignature(KeyPacket key, AsymmetricPrivateKey primaryKey, RevocationReason reason, string description)
    {
        var hashed = new List<Subpacket>
        {
            Subpacket.Time(SubpacketType.CreationTime, DateTimeOffset.UtcNow),
            Subpacket.Issuer(key),
            new(SubpacketType.RevocationReason, false, ReasonData(reason, description)),
        };
        return Certified(key, primaryKey, KeyRevocation, Hash, hashed, key, null, null, Unhashed(key));
    }

    /// <summary>Fresh self-signatures with the new key expiration time on every user ID in <paramref name="boundUserIds"/>
    /// and on the direct-key signature when there is one (v6 keys keep their expiry there).</summary>
    public static KeyRing WithExpiration(KeyRing ring, AsymmetricPrivateKey primaryKey, IReadOnlyList<string> boundUserIds, uint? seconds)
    {
        var key = ring.Primary;
        var replaced = new[] { SubpacketType.KeyExpiration };
        var direct = ring.Direct.ToList();
        var newestDirect = ValidSelfSignatures(ring, ring.Direct, t => t == DirectKey, null, null).FirstOrDefault();
        if (newestDirect is not null || key.Version == 6)
        {
            var time = NextTime(ring.Direct);
            direct.Add(Certified(key, primaryKey, DirectKey, Hash, Reissue(newestDirect, key, time, replaced, Expiry(seconds)), key, null, null, Unhashed(key)));
        }
        var uids = new List<UserIdComponent>();
        foreach (var u in ring.UserIds)
        {
            if (u.IsAttribute || !boundUserIds.Contains(Encoding.UTF8.GetString(u.Data)))
            {
                uids.Add(u);
                continue;
            }
            var newest = ValidSelfSignatures(ring, u.Signatures, IsSelfCertification, u.Data, null).FirstOrDefault();
            var time = NextTime(u.Signatures);
            var sig = Certified(key, primaryKey, newest?.Type ?? PositiveCertification, Hash,
                Reissue(newest, key, time, replaced, Expiry(seconds)), key, u.Data, null, Unhashed(key));
            uids.Add(u with { Signatures = u.Signatures.Append(sig).ToList() });
        }
        return new KeyRing(key, ring.PrimarySecret, direct, uids, ring.Subkeys);
    }

    // ---- subkeys ----

    /// <summary>Generates a subkey for <paramref name="usage"/>, binds it (with a back-signature when it signs) and
    /// protects its secret like the rest of the key.</summary>
    public static (KeyRing Ring, long KeyId, AsymmetricPrivateKey Private) AddSubkey(KeyRing ring, AsymmetricPrivateKey primaryKey,
        KeyUsage usage, DateTimeOffset? expiration, string? passphrase, bool postQuantum = false)
    {
        var key = ring.Primary;
        bool signing = (usage & (KeyUsage.Sign | KeyUsage.Authenticate)) != 0;
        var time = NextTime(Array.Empty<SignaturePacket>());
        var pair = postQuantum && !signing ? KeyGenerator.NewPostQuantumEncryptionPair(key, time) : KeyGenerator.NewSubkeyPair(key, signing, time);
        try
        {
            var sub = pair.Public;
            uint? expiry = ExpirySeconds(sub, expiration, nameof(expiration));
            var hashed = new List<Subpacket>
            {
                Subpacket.Time(SubpacketType.CreationTime, time),
                new(SubpacketType.KeyFlags, false, new[] { (byte)usage }),
            };
            if (Expiry(expiry) is { } x) hashed.Add(x);
            hashed.Add(Subpacket.Issuer(key));
            if (signing) hashed.Add(new Subpacket(SubpacketType.EmbeddedSignature, false, BackSignature(key, sub, pair.Private, time).Body));
            var binding = Certified(key, primaryKey, SubkeyBinding, Hash, hashed, key, null, sub, Unhashed(key));
            var secret = SecretKeyPacket.Create(sub, pair.Material, true, passphrase);
            var updated = new KeyRing(key, ring.PrimarySecret, ring.Direct, ring.UserIds,
                ring.Subkeys.Append(new SubkeyComponent(sub, secret, new[] { binding })).ToList());
            return (updated, sub.KeyId, pair.Private);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pair.Material);
        }
    }

    /// <summary>The primary-key binding signature (0x19) a signing subkey makes over the primary and itself.</summary>
    private static SignaturePacket BackSignature(KeyPacket primary, KeyPacket sub, AsymmetricPrivateKey subKey, DateTimeOffset time)
    {
        var hashed = new List<Subpacket> { Subpacket.Time(SubpacketType.CreationTime, time), Subpacket.Issuer(sub) };
        return Certified(sub, subKey, PrimaryKeyBinding, Hash, hashed, primary, null, sub, Unhashed(sub));
    }

    public static KeyRing RevokeSubkey(KeyRing ring, AsymmetricPrivateKey primaryKey, SubkeyComponent sub, RevocationReason reason, string description)
    {
        var key = ring.Primary;
        var time = RevocationTime(ValidSelfSignatures(ring, sub.Signatures, t => t == SubkeyBinding, null, sub.Key).Take(1));
        var hashed = new List<Subpacket>
        {
            Subpacket.Time(SubpacketType.CreationTime, time),
            new(SubpacketType.RevocationReason, false, ReasonData(reason, description)),
            Subpacket.Issuer(key),
        };
        var sig = Certified(key, primaryKey, SubkeyRevocation, Hash, hashed, key, null, sub.Key, Unhashed(key));
        return ReplaceSubkey(ring, sub, sub with { Signatures = sub.Signatures.Append(sig).ToList() });
    }

    /// <summary>A fresh binding signature with a new expiry, keeping the flags and the back-signature (which covers
    /// only the two keys, so the old one stays valid) of the newest valid binding.</summary>
    public static KeyRing WithSubkeyExpiration(KeyRing ring, AsymmetricPrivateKey primaryKey, SubkeyComponent sub, uint? seconds)
    {
        var key = ring.Primary;
        var newest = ValidSelfSignatures(ring, sub.Signatures, t => t == SubkeyBinding, null, sub.Key).FirstOrDefault()
            ?? throw new KeyNotUsableException($"Subkey {Hex.Of(sub.Key.Fingerprint)} has no valid binding signature to renew.");
        var hashed = Reissue(newest, key, NextTime(sub.Signatures), new[] { SubpacketType.KeyExpiration, SubpacketType.EmbeddedSignature }, Expiry(seconds));
        // The back-signature may sit in either area of the old binding; the new binding carries it hashed.
        foreach (var back in newest.Hashed.Concat(newest.Unhashed).Where(s => s.Type == SubpacketType.EmbeddedSignature)) hashed.Add(back);
        var sig = Certified(key, primaryKey, SubkeyBinding, Hash, hashed, key, null, sub.Key, Unhashed(key));
        return ReplaceSubkey(ring, sub, sub with { Signatures = sub.Signatures.Append(sig).ToList() });
    }

    // ---- third-party certifications ----

    public static SignaturePacket Certify(KeyPacket issuer, AsymmetricPrivateKey issuerKey, KeyRing target, byte[] userId, int type, DateTimeOffset? expiration)
    {
        var time = NextTime(Array.Empty<SignaturePacket>());
        var hashed = new List<Subpacket> { Subpacket.Time(SubpacketType.CreationTime, time) };
        if (expiration is { } e)
        {
            long seconds = e.ToUnixTimeSeconds() - time.ToUnixTimeSeconds();
            if (seconds <= 0) throw new ArgumentOutOfRangeException(nameof(expiration), "The certification's expiration must be in the future.");
            hashed.Add(Subpacket.Seconds(SubpacketType.SignatureExpiration, (uint)Math.Min(uint.MaxValue, seconds)));
        }
        hashed.Add(Subpacket.Issuer(issuer));
        return Certified(issuer, issuerKey, type, Hash, hashed, target.Primary, userId, null, Unhashed(issuer));
    }

    /// <summary>Whether <paramref name="sig"/> was made by the primary key of <paramref name="issuer"/> over
    /// <paramref name="userId"/> of <paramref name="target"/>.</summary>
    public static bool VerifyThirdParty(SignaturePacket sig, KeyRing issuer, KeyRing target, byte[] userId) =>
        KeyValidation.IssuedBy(sig, issuer.Primary) && sig.VerifyCertification(issuer.Primary, target.Primary, userId, false, null);

    // ---- minimal export ----

    /// <summary>The primary key with its newest valid direct-key signature and valid key revocations, one user ID
    /// with its newest valid self-signature, and the subkeys <paramref name="keep"/> accepts with their newest valid
    /// binding signature (and valid revocations).</summary>
    public static KeyRing Minimize(KeyRing ring, UserIdComponent? uid, Func<SubkeyComponent, bool> keep)
    {
        var direct = ValidSelfSignatures(ring, ring.Direct, t => t == DirectKey, null, null).Take(1)
            .Concat(ValidSelfSignatures(ring, ring.Direct, t => t == KeyRevocation, null, null)).ToList();
        var uids = new List<UserIdComponent>();
        if (uid is not null)
            uids.Add(uid with { Signatures = ValidSelfSignatures(ring, uid.Signatures, IsSelfCertification, uid.Data, null).Take(1).ToList() });
        var subs = ring.Subkeys.Where(keep).Select(s => s with
        {
            Secret = null,
            Signatures = ValidSelfSignatures(ring, s.Signatures, t => t == SubkeyBinding, null, s.Key).Take(1)
                .Concat(ValidSelfSignatures(ring, s.Signatures, t => t == SubkeyRevocation, null, s.Key)).ToList(),
        }).ToList();
        return new KeyRing(ring.Primary, null, direct, uids, subs);
    }

    /// <summary><see cref="SignaturePacket.Certify"/>, with the public exception for a key that cannot sign.</summary>
    private static SignaturePacket Certified(KeyPacket signer, AsymmetricPrivateKey key, int type, HashAlgorithmId hash, IEnumerable<Subpacket> hashed,
        KeyPacket primary, byte[]? userId, KeyPacket? subkey, IEnumerable<Subpacket>? unhashed = null) =>
        UnusableKeys.Surface(() => SignaturePacket.Certify(signer, key, type, hash, hashed, primary, userId, subkey, unhashed));
}
