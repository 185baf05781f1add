
namespace CryptoMail.Core;

// Key lifecycle: user IDs, subkeys, expiry, revocation certificates, third-party certifications, merging.
// Each operation returns a new SecretKey (this one is unchanged) and needs the primary secret key: a protected key
// must be unlocked first (Unlock), else KeyNotUsableException. The result stays unlocked; new secret material of a
// protected key is protected with the passphrase the caller gives again (an unlocked key does not keep it).
public sealed partial class SecretKey
{
    /// <summary>Adds a user ID, self-certified with the key's current preferences, features and flags.</summary>
    /// <param name="userId">The user ID, e.g. <c>Alice &lt;alice@example.org&gt;</c>. Adding one that was revoked
    /// binds it again.</param>
    /// <param name="primary">Make it the primary user ID.</param>
    /// <returns>The key with the user ID.</returns>
    /// <exception cref="ArgumentException">The user ID is empty or already bound.</exception>
    /// <exception cref="KeyNotUsableException">The key is locked, or has no secret primary key.</exception>
    public SecretKey AddUserId(string userId, bool primary = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        if (UserIds.Contains(userId, StringComparer.Ordinal)) throw new ArgumentException($"Key {Fingerprint} already has the user ID '{userId}'.", nameof(userId));
        var priv = PrimaryPrivate("adding a user ID");
        return Edited(Guard.Run(() => KeyEditor.AddUserId(Ring, priv, Certificate.Validated.PrimarySelfSignature, userId, primary), "Adding a user ID"));
    }

    /// <summary>Revokes a user ID (certification revocation, signature type 0x30). Certificates that carry the
    /// revocation no longer list the user ID in <see cref="Certificate.UserIds"/>.</summary>
    /// <param name="userId">A bound user ID, exactly as listed.</param>
    /// <param name="reason"><see cref="RevocationReason.UserIdNoLongerValid"/> (the default) or
    /// <see cref="RevocationReason.Unspecified"/>.</param>
    /// <param name="description">A human-readable explanation; may be empty.</param>
    /// <returns>The key with the revocation.</returns>
    /// <exception cref="ArgumentException">The key has no such user ID, it is the last one binding a v4 key, or the
    /// reason is one for keys.</exception>
    /// <exception cref="KeyNotUsableException">The key is locked, or has no secret primary key.</exception>
    public SecretKey RevokeUserId(string userId, RevocationReason reason = RevocationReason.UserIdNoLongerValid, string description = "")
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentNullException.ThrowIfNull(description);
        if (reason is not (RevocationReason.UserIdNoLongerValid or RevocationReason.Unspecified))
            throw new ArgumentException($"A user ID is revoked as {RevocationReason.UserIdNoLongerValid} or {RevocationReason.Unspecified}, not {reason}.", nameof(reason));
        var uid = KeyEditor.FindUserId(Ring, userId, nameof(userId));
        if (Certificate.Version != 6 && Certificate.Validated.DirectKeySignature is null && UserIds.Count == 1 && UserIds[0] == userId)
            throw new ArgumentException($"'{userId}' is the last valid user ID of {Fingerprint}; add another before revoking it, or revoke the key.", nameof(userId));
        var priv = PrimaryPrivate("revoking a user ID");
        return Edited(Guard.Run(() => KeyEditor.RevokeUserId(Ring, priv, uid, reason, description), "Revoking a user ID"));
    }

    /// <summary>Generates and binds a new subkey. The algorithm follows the key's profile: v4 keys get Cv25519
    /// (encryption) or Ed25519 (signing) subkeys, or RSA when the primary key is RSA; v6 keys X25519/Ed25519, or
    /// X448/Ed448 under an Ed448 primary. A signing subkey carries the primary-key back-signature (0x19).</summary>
    /// <param name="usage">What the subkey may do: <see cref="KeyUsage.EncryptCommunications"/> and/or
    /// <see cref="KeyUsage.EncryptStorage"/>, or <see cref="KeyUsage.Sign"/> and/or <see cref="KeyUsage.Authenticate"/>.</param>
    /// <param name="expiration">When the subkey expires; null for never.</param>
    /// <param name="passphrase">For a protected key, its passphrase, which protects the new subkey too (an unlocked
    /// key does not keep it); ignored for an unprotected key.</param>
    /// <returns>The key with the subkey; the new subkey is its last one.</returns>
    /// <exception cref="ArgumentException">The usage is empty, mixes encryption with signing, or includes
    /// <see cref="KeyUsage.Certify"/>; or the expiration is not in the future.</exception>
    /// <exception cref="KeyNotUsableException">The key is locked, or has no secret primary key.</exception>
    public SecretKey AddSubkey(KeyUsage usage, DateTimeOffset? expiration = null, string? passphrase = null) =>
        AddSubkeyCore(usage, expiration, passphrase, postQuantum: false);

    /// <summary>Generates and binds a post-quantum encryption subkey (RFC 9980), the upgrade path for an existing key:
    /// ML-KEM-768+X25519 for a v4 key (the one RFC 9980 algorithm v4 keys may carry) or a v6 Curve25519 key,
    /// ML-KEM-1024+X448 for a v6 Ed448 or ML-DSA-87 key. From then on, messages to the key are encrypted to this subkey
    /// only (not also to the classical one) unless <see cref="EncryptOptions.PostQuantumCompatibility"/> is set; readers
    /// without RFC 9980 support can no longer decrypt them.</summary>
    /// <param name="expiration">When the subkey expires; null for never.</param>
    /// <param name="passphrase">For a protected key, its passphrase, which protects the new subkey too.</param>
    /// <returns>The key with the subkey; the new subkey is its last one.</returns>
    /// <exception cref="ArgumentException">The expiration is not in the future.</exception>
    /// <exception cref="KeyNotUsableException">The key is locked, or has no secret primary key.</exception>
    public SecretKey AddPostQuantumSubkey(DateTimeOffset? expiration = null, string? passphrase = null) =>
        AddSubkeyCore(KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage, expiration, passphrase, postQuantum: true);

    private SecretKey AddSubkeyCore(KeyUsage usage, DateTimeOffset? expiration, string? passphrase, bool postQuantum)
    {
        const KeyUsage encrypt = KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage;
        const KeyUsage sign = KeyUsage.Sign | KeyUsage.Authenticate;
        if (usage == KeyUsage.None || (usage & ~(encrypt | sign)) != 0 || ((usage & encrypt) != 0 && (usage & sign) != 0))
            throw new ArgumentException($"A subkey either encrypts (EncryptCommunications, EncryptStorage) or signs (Sign, Authenticate); {usage} is neither.", nameof(usage));
        if (expiration is { } e && e <= DateTimeOffset.UtcNow) throw new ArgumentOutOfRangeException(nameof(expiration), "The expiration must be in the future.");
        var priv = PrimaryPrivate("adding a subkey");
        if (IsProtected)
        {
            // An unlocked key keeps no passphrase: the caller gives it, and it must be the key's own.
            if (passphrase is null)
                throw new KeyNotUsableException($"Key {Fingerprint} is protected: give its passphrase to protect the new subkey with (an unlocked key does not keep it).");
            using var check = Utf8Passphrase.FromChars(passphrase);
            var primary = Ring.SecretFor(Ring.Primary.KeyId);
            var read = primary is null ? null : Guard.Run(() => primary.ReadMaterial(check, ReadLimits.Default.MaxArgon2MemoryBytes), "Adding a subkey");
            if (read is null) throw new BadPassphraseException($"The passphrase given for the new subkey is not the passphrase of key {Fingerprint}.");
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(read);
        }
        else
        {
            passphrase = null;
        }
        var (ring, keyId, subPrivate) = Guard.Run(() => KeyEditor.AddSubkey(Ring, priv, usage, expiration, passphrase, postQuantum), "Adding a subkey");
        byte[]? subMaterial = null;
        if (passphrase is not null && ring.SecretFor(keyId) is { } added)
        {
            using var octets = Utf8Passphrase.FromChars(passphrase);
            subMaterial = Guard.Run(() => added.ReadMaterial(octets, long.MaxValue), "Adding a subkey");
        }
        return Edited(ring, keyId, subPrivate, subMaterial);
    }

    /// <summary>Revokes a subkey (signature type 0x28).</summary>
    /// <param name="fingerprintOrKeyId">The subkey's fingerprint or key ID.</param>
    /// <param name="reason">Why: <see cref="RevocationReason.Superseded"/> or <see cref="RevocationReason.Retired"/>
    /// keep signatures made before the revocation valid; the others void them all.</param>
    /// <param name="description">A human-readable explanation; may be empty.</param>
    /// <returns>The key with the revocation.</returns>
    /// <exception cref="ArgumentException">No such subkey, or a user-ID reason.</exception>
    /// <exception cref="KeyNotUsableException">The key is locked, or has no secret primary key.</exception>
    public SecretKey RevokeSubkey(string fingerprintOrKeyId, RevocationReason reason = RevocationReason.Unspecified, string description = "")
    {
        ArgumentNullException.ThrowIfNull(fingerprintOrKeyId);
        ArgumentNullException.ThrowIfNull(description);
        CheckKeyRevocationReason(reason);
        var sub = KeyEditor.FindSubkey(Ring, fingerprintOrKeyId, nameof(fingerprintOrKeyId));
        var priv = PrimaryPrivate("revoking a subkey");
        return Edited(Guard.Run(() => KeyEditor.RevokeSubkey(Ring, priv, sub, reason, description), "Revoking a subkey"));
    }

    /// <summary>Replaces the encryption subkeys: adds a fresh one and revokes every encryption subkey alive now as
    /// <see cref="RevocationReason.Superseded"/>. Senders who refresh the certificate switch to the new subkey; the
    /// old secret keys stay, so mail already encrypted to them still decrypts.</summary>
    /// <param name="expiration">When the new subkey expires; null for never.</param>
    /// <param name="passphrase">For a protected key, its passphrase (see <see cref="AddSubkey"/>).</param>
    /// <returns>The key with the new subkey (its last one).</returns>
    /// <exception cref="KeyNotUsableException">The key is locked, or has no secret primary key.</exception>
    public SecretKey RotateEncryptionSubkey(DateTimeOffset? expiration = null, string? passphrase = null)
    {
        var now = DateTimeOffset.UtcNow;
        var old = Certificate.Subkeys.Where(k => k.IsAliveAt(now) && (k.Usage & (KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage)) != 0).ToList();
        var result = AddSubkey(KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage, expiration, passphrase);
        foreach (var k in old) result = result.RevokeSubkey(k.Fingerprint, RevocationReason.Superseded, "rotated");
        return result;
    }

    /// <summary>Sets or removes the primary key's expiration: fresh self-signatures on every bound user ID (and on
    /// the direct-key signature of v6 keys), keeping their preferences, features and flags. Subkeys cannot outlive
    /// the primary key.</summary>
    /// <param name="expiration">The new expiration time; null for never.</param>
    /// <returns>The key with the new expiration.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The expiration is not after the key's creation.</exception>
    /// <exception cref="KeyNotUsableException">The key is locked, or has no secret primary key.</exception>
    public SecretKey WithExpiration(DateTimeOffset? expiration)
    {
        var seconds = KeyEditor.ExpirySeconds(Ring.Primary, expiration, nameof(expiration));
        var priv = PrimaryPrivate("changing the expiration");
        return Edited(Guard.Run(() => KeyEditor.WithExpiration(Ring, priv, UserIds, seconds), "Changing the expiration"));
    }

    /// <summary>Sets or removes a subkey's expiration with a fresh binding signature (keeping its flags and, for a
    /// signing subkey, its back-signature).</summary>
    /// <param name="fingerprintOrKeyId">The subkey's fingerprint or key ID.</param>
    /// <param name="expiration">The new expiration time; null for never.</param>
    /// <returns>The key with the new binding.</returns>
    /// <exception cref="ArgumentException">No such subkey, or the expiration is not after its creation.</exception>
    /// <exception cref="KeyNotUsableException">The key is locked or has no secret primary key, or the subkey has no
    /// valid binding to renew.</exception>
    public SecretKey WithSubkeyExpiration(string fingerprintOrKeyId, DateTimeOffset? expiration)
    {
        ArgumentNullException.ThrowIfNull(fingerprintOrKeyId);
        var sub = KeyEditor.FindSubkey(Ring, fingerprintOrKeyId, nameof(fingerprintOrKeyId));
        var seconds = KeyEditor.ExpirySeconds(sub.Key, expiration, nameof(expiration));
        var priv = PrimaryPrivate("changing a subkey's expiration");
        return Edited(Guard.Run(() => KeyEditor.WithSubkeyExpiration(Ring, priv, sub, seconds), "Changing a subkey's expiration"));
    }

    /// <summary>Makes a stand-alone key revocation signature, armored, as GnuPG writes to
    /// <c>openpgp-revocs.d/FINGERPRINT.rev</c> at key creation: keep it safe, and publish it (or apply it with
    /// <see cref="Certificate.TryApplyRevocation"/>) when the key is lost or compromised.</summary>
    /// <param name="reason">Why the key is revoked.</param>
    /// <param name="description">A human-readable explanation; may be empty.</param>
    /// <returns>The armored signature (<c>PGP PUBLIC KEY BLOCK</c>, which GnuPG imports).</returns>
    /// <exception cref="ArgumentException">A user-ID reason.</exception>
    /// <exception cref="KeyNotUsableException">The key is locked, or has no secret primary key.</exception>
    public string CreateRevocationCertificate(RevocationReason reason = RevocationReason.Unspecified, string description = "")
    {
        ArgumentNullException.ThrowIfNull(description);
        CheckKeyRevocationReason(reason);
        var priv = PrimaryPrivate("making a revocation certificate");
        var sig = Guard.Run(() => KeyEditor.KeyRevocationSignature(Ring.Primary, priv, reason, description), "Making a revocation certificate");
        return ArmorWriter.ToArmoredString(sig.Encoded(), ArmorKind.PublicKey, writeCrc: Certificate.Version != 6);
    }

    /// <summary>Certifies a user ID of another certificate with this key's primary key (signature type 0x10-0x13).</summary>
    /// <param name="target">The certificate to certify.</param>
    /// <param name="userId">One of its bound user IDs.</param>
    /// <param name="level">How well the binding of user ID and key was checked.</param>
    /// <param name="expiration">When the certification expires; null for never.</param>
    /// <returns><paramref name="target"/> with the certification added (see <see cref="Certificate.Certifications"/>).</returns>
    /// <exception cref="ArgumentException"><paramref name="target"/> has no such bound user ID, or the expiration is
    /// not in the future.</exception>
    /// <exception cref="KeyNotUsableException">The key is locked, or has no secret primary key.</exception>
    public Certificate Certify(Certificate target, string userId, CertificationLevel level = CertificationLevel.Generic, DateTimeOffset? expiration = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(userId);
        if (!target.UserIds.Contains(userId, StringComparer.Ordinal))
            throw new ArgumentException($"Certificate {target.Fingerprint} has no valid user ID '{userId}'.", nameof(userId));
        if (level is < CertificationLevel.Generic or > CertificationLevel.Positive) throw new ArgumentOutOfRangeException(nameof(level));
        var uid = KeyEditor.FindUserId(target.Ring, userId, nameof(userId));
        var priv = PrimaryPrivate("certifying");
        return Guard.Run(() =>
        {
            var sig = KeyEditor.Certify(Ring.Primary, priv, target.Ring, uid.Data, (int)level, expiration);
            var certified = new KeyRing(target.Ring.Primary, null, target.Ring.Direct,
                target.Ring.UserIds.Select(u => ReferenceEquals(u, uid) ? u with { Signatures = u.Signatures.Append(sig).ToList() } : u).ToList(),
                target.Ring.Subkeys);
            return new Certificate(certified);
        }, "Certifying a user ID");
    }

    /// <summary>Combines this key with another copy of it: user IDs, subkeys and signatures from both without
    /// duplicates, secret material from whichever copy has it (real material wins over a stub).</summary>
    /// <param name="other">Another copy of the same key.</param>
    /// <returns>The merged key; unlocked when this one was.</returns>
    /// <exception cref="ArgumentException"><paramref name="other"/> has a different primary key.</exception>
    public SecretKey Merge(SecretKey other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return MergeRing(other.Ring, other.Fingerprint, nameof(other));
    }

    /// <summary>Takes a public update of this key (new self-signatures, subkeys, revocations, third-party
    /// certifications, as a keyserver or WKD delivers them) into it, keeping the secret material.</summary>
    /// <param name="update">A copy of this key's certificate.</param>
    /// <returns>The merged key; unlocked when this one was.</returns>
    /// <exception cref="ArgumentException"><paramref name="update"/> has a different primary key.</exception>
    public SecretKey Merge(Certificate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return MergeRing(update.Ring, update.Fingerprint, nameof(update));
    }

    private SecretKey MergeRing(KeyRing other, string otherFingerprint, string paramName)
    {
        if (!string.Equals(otherFingerprint, Fingerprint, StringComparison.Ordinal))
            throw new ArgumentException($"Key {otherFingerprint} is not a copy of {Fingerprint}.", paramName);
        return Edited(Guard.Run(() => Ring.Merge(other), "Merging keys"));
    }

    private static void CheckKeyRevocationReason(RevocationReason reason)
    {
        if (reason is not (RevocationReason.Unspecified or RevocationReason.Superseded or RevocationReason.Compromised or RevocationReason.Retired))
            throw new ArgumentException($"{reason} is not a reason for revoking a key.", nameof(reason));
    }

    /// <summary>The primary secret key, for making self-signatures.</summary>
    private AsymmetricPrivateKey PrimaryPrivate(string what)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!IsUnlocked) throw new KeyNotUsableException($"Key {Fingerprint} is locked: unlock it before {what}.");
        return GetPrivateKey(Ring.Primary.KeyId, null)
            ?? throw new KeyNotUsableException($"Key {Fingerprint} has no secret primary key here (only subkeys) for {what}.");
    }

    /// <summary>The edited ring as a key in the same unlocked state, with a new subkey's private key added.</summary>
    private SecretKey Edited(KeyRing ring, long? newKeyId = null, AsymmetricPrivateKey? newPrivate = null, byte[]? newMaterial = null)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (unlocked is null) return new SecretKey(ring);
            var keys = new Dictionary<long, AsymmetricPrivateKey>(unlocked);
            if (newKeyId is { } id && newPrivate is not null) keys[id] = newPrivate;
            // The copy owns its own copies of the material, so that disposing either leaves the other whole.
            var plain = material.ToDictionary(p => p.Key, p => (byte[])p.Value.Clone());
            if (newKeyId is { } nid && newMaterial is not null) plain[nid] = newMaterial;
            return new SecretKey(ring, keys, plain);
        }
    }
}
