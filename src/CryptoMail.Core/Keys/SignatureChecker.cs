using System.Security.Cryptography;
using SignaturePacket = CryptoMail.Core.Packets.SignaturePacket;

namespace CryptoMail.Core.Keys;

/// <summary>A one-pass signature packet (tag 4), version 3 or 6 (RFC 9580 section 5.4).</summary>
internal sealed record OnePassSignature(int Version, int Type, HashAlgorithmId Hash, PublicKeyAlgorithmId KeyAlgorithm,
    long KeyId, byte[]? Fingerprint, byte[] Salt, bool Last)
{
    public static OnePassSignature Parse(byte[] b)
    {
        if (b.Length < 4) throw new MalformedDataException("The one-pass signature packet is truncated.");
        switch (b[0])
        {
            case 3 when b.Length == 13:
                return new OnePassSignature(3, b[1], (HashAlgorithmId)b[2], (PublicKeyAlgorithmId)b[3],
                    System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(b.AsSpan(4)), null, Array.Empty<byte>(), b[12] != 0);
            case 6:
            {
                if (b.Length < 5) throw new MalformedDataException("The v6 one-pass signature packet is malformed.");
                int saltLen = b[4];
                if (b.Length != 5 + saltLen + 32 + 1) throw new MalformedDataException("The v6 one-pass signature packet is malformed.");
                var fpr = b[(5 + saltLen)..(5 + saltLen + 32)];
                return new OnePassSignature(6, b[1], (HashAlgorithmId)b[2], (PublicKeyAlgorithmId)b[3],
                    System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(fpr), fpr, b[5..(5 + saltLen)], b[^1] != 0);
            }
            default:
                throw new UnsupportedPacketException($"One-pass signature version {b[0]} is not supported.");
        }
    }

    /// <summary>The packet body announcing a signature by <paramref name="key"/>: v6 (with the salt and the
    /// fingerprint) for v6 keys, v3 otherwise.</summary>
    public static byte[] Encode(int type, HashAlgorithmId hash, KeyPacket key, byte[] salt, bool nested)
    {
        using var ms = new MemoryStream();
        ms.WriteByte((byte)(key.Version == 6 ? 6 : 3));
        ms.WriteByte((byte)type);
        ms.WriteByte((byte)hash);
        ms.WriteByte((byte)key.Algorithm);
        if (key.Version == 6)
        {
            ms.WriteByte((byte)salt.Length);
            ms.Write(salt);
            ms.Write(key.Fingerprint);
        }
        else
        {
            Span<byte> id = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(id, key.KeyId);
            ms.Write(id);
        }
        ms.WriteByte((byte)(nested ? 0 : 1));
        return ms.ToArray();
    }
}

/// <summary>One running hash of the signed data, shared by every signature that hashes the same octets: same
/// algorithm, same mode (binary, or canonical text for type 0x01), same salt (v6 signatures are salted, RFC 9580
/// section 5.2.4). Each signature finishes a copy of it with its own fields and trailer, so the data is hashed once
/// however many signatures name it.</summary>
internal sealed class SharedHash
{
    private readonly IncrementalHash hash;
    private readonly TextCanonicalizer? text;

    public SharedHash(HashAlgorithmId algorithm, bool textMode, byte[] salt)
    {
        Algorithm = algorithm;
        TextMode = textMode;
        Salt = salt;
        hash = Hashes.Create(algorithm);
        if (salt.Length > 0) hash.AppendData(salt);
        if (textMode) text = new TextCanonicalizer(Feed);
    }

    public HashAlgorithmId Algorithm { get; }
    public bool TextMode { get; }
    public byte[] Salt { get; }

    /// <summary>Hashes data as the mode requires (canonical line endings for text).</summary>
    public void Update(ReadOnlySpan<byte> data)
    {
        if (text is not null) text.Update(data);
        else Feed(data);
    }

    /// <summary>Hashes data as given (already canonical).</summary>
    public void Feed(ReadOnlySpan<byte> data) => hash.AppendData(data);

    /// <summary>A copy of the state so far, for one signature to finish.</summary>
    public IncrementalHash Fork() => hash.Clone();
}

/// <summary>The shared hashes of one verification (see <see cref="SharedHash"/>).</summary>
internal sealed class HashPool
{
    private readonly List<SharedHash> hashes = new();

    public bool IsEmpty => hashes.Count == 0;

    public SharedHash Get(HashAlgorithmId algorithm, bool textMode, byte[]? salt)
    {
        salt ??= Array.Empty<byte>();
        foreach (var h in hashes)
        {
            if (h.Algorithm == algorithm && h.TextMode == textMode && h.Salt.AsSpan().SequenceEqual(salt)) return h;
        }
        var created = new SharedHash(algorithm, textMode, salt);
        hashes.Add(created);
        return created;
    }

    /// <summary>Hashes data into every shared hash, each in its own mode.</summary>
    public void Update(ReadOnlySpan<byte> data)
    {
        foreach (var h in hashes) h.Update(data);
    }

    /// <summary>Hashes already canonical data into every shared hash.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        foreach (var h in hashes) h.Feed(data);
    }
}

/// <summary>A signature being checked: the keys found for it (if any), the shared hash it finishes, and the signature
/// packet once read. A signature that cannot be parsed or hashed keeps a <see cref="Problem"/> and becomes a bad
/// verdict, never a silent "unsigned".</summary>
internal sealed class PendingSignature
{
    public required long KeyId { get; init; }

    /// <summary>Every supplied certificate holding the signing key, with the key, in the order given.</summary>
    public IReadOnlyList<(Certificate Cert, KeyPacket Key)> Candidates { get; set; } = Array.Empty<(Certificate, KeyPacket)>();
    public OnePassSignature? OnePass { get; init; }
    public SignaturePacket? Signature { get; set; }
    public int SignatureType { get; init; }
    public HashAlgorithmId Hash { get; init; }
    public SharedHash? Hasher { get; set; }
    public string? Problem { get; set; }

    /// <summary>The <see cref="Problem"/> is a hash this library cannot compute: the verdict is
    /// <see cref="SignatureStatus.Unsupported"/>, not <see cref="SignatureStatus.Bad"/>, which would call a signature
    /// nobody checked a forgery.</summary>
    public bool UnsupportedHash { get; set; }
}

/// <summary>The context a verdict is given in.</summary>
/// <param name="NotBefore">Signatures made before this are out of the caller's window.</param>
/// <param name="NotAfter">Signatures made after this are out of the caller's window.</param>
/// <param name="Policy">The policy (null for <see cref="OpenPgpPolicy.Default"/>).</param>
/// <param name="DecryptedBy">For a message decrypted by a key: the fingerprints (uppercase hex) of that key and its
/// certificate's primary key, against which Intended Recipient Fingerprint subpackets are checked; null when the data
/// was not decrypted with a key (unencrypted, or a password or session key).</param>
/// <param name="CleartextHashes">For the cleartext signature framework: the hash algorithms its Hash headers list.</param>
internal sealed record VerdictContext(DateTimeOffset? NotBefore, DateTimeOffset? NotAfter, OpenPgpPolicy? Policy,
    IReadOnlyCollection<string>? DecryptedBy = null, IReadOnlyCollection<HashAlgorithmId>? CleartextHashes = null);

/// <summary>Finds signing keys among the caller's certificates and turns a checked signature into a verdict.</summary>
internal static class SignatureChecker
{
    /// <summary>Prepares a one-pass signature for hashing, when its key is known.</summary>
    public static PendingSignature ForOnePass(OnePassSignature ops, VerifierSet verifiers, HashPool pool)
    {
        var p = new PendingSignature { KeyId = ops.KeyId, OnePass = ops, SignatureType = ops.Type, Hash = ops.Hash, Candidates = Find(ops.KeyId, ops.Fingerprint, verifiers.For(ops.KeyId, ops.Fingerprint)) };
        if (p.Candidates.Count > 0) StartHash(p, pool, ops.Hash, ops.Version == 6 ? ops.Salt : null);
        return p;
    }

    /// <summary>A one-pass signature packet we could not parse: kept so the message is not taken as unsigned.</summary>
    public static PendingSignature Unreadable(string problem) =>
        new() { KeyId = 0, Problem = problem, SignatureType = 0 };

    /// <summary>Prepares a signature that precedes the data (detached, or old-style signed message).</summary>
    public static PendingSignature ForSignature(SignaturePacket sig, VerifierSet verifiers, HashPool pool)
    {
        var p = new PendingSignature { KeyId = sig.IssuerKeyId, Signature = sig, SignatureType = sig.Type, Hash = sig.Hash };
        if (sig.IsOpaque)
        {
            p.Problem = $"The signature cannot be read ({sig.OpaqueReason}).";
            return p;
        }
        p.Candidates = Find(sig.IssuerKeyId, sig.IssuerFingerprint, verifiers.For(sig.IssuerKeyId, sig.IssuerFingerprint));
        if (p.Candidates.Count > 0) StartHash(p, pool, sig.Hash, sig.Version == 6 ? sig.Salt : null);
        return p;
    }

    private static void StartHash(PendingSignature p, HashPool pool, HashAlgorithmId hash, byte[]? salt)
    {
        if (!Hashes.IsSupported(hash))
        {
            p.Problem = $"The signature uses hash algorithm {HashName(hash)}, which this library cannot compute; it was not checked.";
            p.UnsupportedHash = true;
            return;
        }
        p.Hasher = pool.Get(hash, p.SignatureType == 0x01, salt);
    }

    /// <summary>Matches a trailing signature to the innermost open one-pass signature with the same issuer.</summary>
    public static void Close(List<PendingSignature> onePass, SignaturePacket sig)
    {
        var match = onePass.LastOrDefault(p => p.Signature is null && p.OnePass is not null && p.KeyId == sig.IssuerKeyId && p.Problem is null)
            ?? onePass.LastOrDefault(p => p.Signature is null && p.KeyId == sig.IssuerKeyId)
            ?? onePass.LastOrDefault(p => p.Signature is null && (sig.IsOpaque || sig.IssuerKeyId == 0));
        if (match is null) return;
        match.Signature = sig;
        if (sig.IsOpaque) match.Problem = $"The signature cannot be read ({sig.OpaqueReason}).";
    }

    /// <summary>The verdict, once all data was hashed (and, for one-pass signatures, the trailing signature was read):
    /// the signature is checked against the certificate as it was when the signature was made. When several supplied
    /// certificates hold the signing key, the first one under which the signature is good decides (a certificate that
    /// merely carries the key without binding it cannot shadow the one that binds it); else the first one.</summary>
    public static SignatureVerification Verdict(PendingSignature p, VerdictContext context)
    {
        var verdict = FirstGoodVerdict(p, context);
        KeyDiagnostics.SignatureVerdict(verdict);
        return verdict;
    }

    private static SignatureVerification FirstGoodVerdict(PendingSignature p, VerdictContext context)
    {
        SignatureVerification? first = null;
        foreach (var (cert, key) in p.Candidates)
        {
            var v = Verdict(p, cert, key, context);
            if (v.IsGood) return v;
            first ??= v;
        }
        return first ?? Verdict(p, null, null, context);
    }

    private static SignatureVerification Verdict(PendingSignature p, Certificate? signer, KeyPacket? signingKey, VerdictContext context)
    {
        var policy = context.Policy ?? OpenPgpPolicy.Default;
        var sig = p.Signature;
        string keyId = Hex.KeyId(p.KeyId);
        var mode = p.SignatureType == 0x01 ? SignatureMode.Text : SignatureMode.Binary;
        if (sig is null)
        {
            return new SignatureVerification(SignatureStatus.Bad, keyId, null, signer?.Fingerprint, signer, DateTimeOffset.MinValue, OpenPgpHashAlgorithm.Unknown, mode,
                p.Problem ?? "The one-pass signature has no matching signature packet.") { RejectionReason = ValidationReason.BadSignature };
        }
        var created = sig.IsOpaque ? DateTimeOffset.MinValue : sig.Created;
        var hash = (OpenPgpHashAlgorithm)(int)sig.Hash;
        string? issuerFpr = !sig.IsOpaque && sig.IssuerFingerprint is { } f ? Hex.Of(f) : null;
        if (p.Problem is not null && (sig.IsOpaque || signingKey is null))
            return new SignatureVerification(SignatureStatus.Bad, keyId, null, signer?.Fingerprint, signer, created, hash, mode, p.Problem)
                { RejectionReason = ValidationReason.BadSignature, IssuerFingerprint = issuerFpr };
        if (signingKey is null || signer is null)
        {
            return new SignatureVerification(SignatureStatus.UnknownKey, keyId, null, null, null, created, hash, mode,
                issuerFpr is null ? $"No supplied certificate holds key {keyId}." : $"No supplied certificate holds key {issuerFpr}.")
                { RejectionReason = ValidationReason.UnknownKey, IssuerFingerprint = issuerFpr };
        }
        string signingFpr = Hex.Of(signingKey.Fingerprint);
        SignatureVerification V(SignatureStatus s, ValidationReason? why, string reason) =>
            new(s, keyId, signingFpr, signer.Fingerprint, signer, created, hash, mode, reason) { RejectionReason = why, IssuerFingerprint = issuerFpr };
        SignatureVerification Bad(string reason, ValidationReason why = ValidationReason.BadSignature) => V(SignatureStatus.Bad, why, reason);

        if (p.UnsupportedHash && p.Problem is not null)
            return V(SignatureStatus.Unsupported, ValidationReason.UnsupportedAlgorithm, p.Problem);
        if (p.Problem is not null) return Bad(p.Problem);
        if (sig.Type is not (0x00 or 0x01))
            return Bad($"Signature type 0x{sig.Type:X2} is not a data signature.");
        if (p.OnePass is { } ops && (ops.Type != sig.Type || ops.Hash != sig.Hash || (ops.Version == 6 && !ops.Salt.AsSpan().SequenceEqual(sig.Salt))))
            return Bad("The signature does not match its one-pass signature packet.");
        if (!sig.HasCreationTime)
            return Bad("The signature has no creation time.");
        if (context.CleartextHashes is { } listed)
        {
            // RFC 9580 section 7: the framework carries text signatures, and its Hash headers name their digests.
            if (sig.Type != 0x01)
                return Bad("A cleartext-signed message carries a binary (0x00) signature; only text signatures (0x01) belong there.");
            if (!listed.Contains(sig.Hash) && !(listed.Count == 0 && sig.Version == 6))
                return Bad($"The signature uses {HashName(sig.Hash)}, which the message's Hash header does not name.");
        }

        bool valid;
        try
        {
            if (p.Hasher is null)
            {
                valid = false;
            }
            else
            {
                using var h = p.Hasher.Fork();
                valid = sig.Verify(h, signingKey);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Bad($"The signature could not be checked ({e.Message}).");
        }
        if (!valid) return Bad("The signature does not match the data.");

        // A creation time beyond the allowed clock difference cannot be true (the skew key validation allows).
        if (created > DateTimeOffset.UtcNow + KeyValidation.ClockSkew)
            return Bad($"The signature claims to be made in the future ({created:u}).", ValidationReason.NotYetValid);

        // RFC 9580 section 5.2.3.36: a signature naming its intended recipients is valid only in an encrypted message
        // whose decrypting key is one of them (or of their subkeys).
        var intended = sig.HashedAll(SubpacketType.IntendedRecipient).Where(d => d.Length > 1).Select(d => Hex.Of(d[1..])).ToList();
        if (intended.Count > 0 && !(context.DecryptedBy is { } by && intended.Any(by.Contains)))
        {
            return Bad(context.DecryptedBy is null
                ? "The signature names intended recipients, but the message was not decrypted with a recipient's key."
                : "The signature was meant for other recipients (Intended Recipient Fingerprint): the message was re-encrypted by someone else.",
                ValidationReason.NotIntendedRecipient);
        }

        if (!policy.AcceptsDataSignatureHash((OpenPgpHashAlgorithm)(int)sig.Hash, created))
            return V(SignatureStatus.WeakAlgorithm, ValidationReason.WeakHash, $"The signature uses {HashName(sig.Hash)}, which the policy does not accept for data signatures made on {created:u}.");

        // Checked as the certificate was when the signature was made: a soft revocation (superseded, retired) leaves
        // earlier signatures valid; a hard one (compromised, or no reason) invalidates every signature.
        var then = signer.Validate(policy, created);
        var key = then.Subkeys.Append(then.PrimaryKey).FirstOrDefault(k => k.Key.Fingerprint == signingFpr);
        if (key is null)
            return V(SignatureStatus.KeyNotUsable, ValidationReason.NoBindingSignature, "The signing key is not bound to the certificate by a valid signature.");
        if (!key.IsValid)
        {
            var firstReason = key.Reasons[0];
            var status = firstReason.Reason switch
            {
                ValidationReason.HardRevoked or ValidationReason.SoftRevoked => SignatureStatus.Revoked,
                ValidationReason.Expired => SignatureStatus.Expired,
                ValidationReason.WeakKey or ValidationReason.RejectedAlgorithm => SignatureStatus.WeakAlgorithm,
                _ => SignatureStatus.KeyNotUsable,
            };
            string message = firstReason.Reason switch
            {
                ValidationReason.HardRevoked => "The signing key is revoked (compromised or without a reason): none of its signatures can be trusted.",
                ValidationReason.SoftRevoked => "The signature was made after the signing key was revoked.",
                ValidationReason.Expired => $"The signing key had expired when the signature was made ({firstReason.Message})",
                ValidationReason.NotYetValid => $"The signature is older than the signing key or its binding ({firstReason.Message})",
                _ => $"The signing key was not valid when the signature was made: {firstReason.Message}",
            };
            return V(status, firstReason.Reason, message);
        }
        if ((key.Key.Usage & KeyUsage.Sign) == 0)
            return V(SignatureStatus.KeyNotUsable, ValidationReason.UsageNotAllowed, "The signing key is not allowed to sign data.");
        if (sig.HashedSeconds(SubpacketType.SignatureExpiration) is { } secs && secs > 0 && created.AddSeconds(secs) <= DateTimeOffset.UtcNow)
            return V(SignatureStatus.Expired, ValidationReason.Expired, "The signature has expired.");
        if (context.NotBefore is { } nb && created < nb)
            return V(SignatureStatus.OutOfWindow, ValidationReason.OutOfWindow, $"The signature was made before {nb:u}.");
        if (context.NotAfter is { } na && created > na)
            return V(SignatureStatus.OutOfWindow, ValidationReason.OutOfWindow, $"The signature was made after {na:u}.");
        var expiredAt = ExpiredSince(signer, policy, signingFpr);
        return V(SignatureStatus.Good, null, expiredAt is { } at
            ? $"Good signature by {signer}, made before the signing key expired on {at:u}."
            : $"Good signature by {signer}.") with { SigningKeyExpiredAt = expiredAt };
    }

    /// <summary>When a key that was alive at the signature's time has expired by now, the time it expired.</summary>
    private static DateTimeOffset? ExpiredSince(Certificate signer, OpenPgpPolicy policy, string signingFpr)
    {
        // The binding in force now decides (a later binding may have extended the key).
        var now = DateTimeOffset.UtcNow;
        var current = signer.Validate(policy, now);
        var key = current.Subkeys.Append(current.PrimaryKey).FirstOrDefault(k => k.Key.Fingerprint == signingFpr);
        if (key is null || key.IsValid || key.Reasons.All(r => r.Reason != ValidationReason.Expired)) return null;
        return key.Key.ExpirationTime is { } at && at <= now ? at : null;
    }

    public static string HashName(HashAlgorithmId h) => h switch
    {
        HashAlgorithmId.Sha1 => "SHA1",
        HashAlgorithmId.Sha224 => "SHA224",
        HashAlgorithmId.Sha256 => "SHA256",
        HashAlgorithmId.Sha384 => "SHA384",
        HashAlgorithmId.Sha512 => "SHA512",
        HashAlgorithmId.Md5 => "MD5",
        HashAlgorithmId.RipeMd160 => "RIPEMD160",
        HashAlgorithmId.Sha3_256 => "SHA3-256",
        HashAlgorithmId.Sha3_512 => "SHA3-512",
        _ => h.ToString().ToUpperInvariant(),
    };

    /// <summary>The hash algorithm a <c>Hash:</c> armor header names (RFC 9580 sections 6.2.2.3 and 7.1), or null.</summary>
    public static HashAlgorithmId? HashByName(string name)
    {
        foreach (var h in new[] { HashAlgorithmId.Sha1, HashAlgorithmId.Sha224, HashAlgorithmId.Sha256, HashAlgorithmId.Sha384,
                     HashAlgorithmId.Sha512, HashAlgorithmId.Md5, HashAlgorithmId.RipeMd160, HashAlgorithmId.Sha3_256, HashAlgorithmId.Sha3_512 })
        {
            if (string.Equals(HashName(h), name, StringComparison.OrdinalIgnoreCase)) return h;
        }
        return null;
    }

    private static List<(Certificate, KeyPacket)> Find(long keyId, byte[]? fingerprint, IEnumerable<Certificate> verifiers)
    {
        var found = new List<(Certificate, KeyPacket)>();
        foreach (var cert in verifiers)
        {
            KeyPacket? key = null;
            if (fingerprint is not null)
            {
                key = cert.Validated.ByKeyId.Values.FirstOrDefault(k => k.Fingerprint.AsSpan().SequenceEqual(fingerprint));
            }
            if (key is null && keyId != 0) cert.Validated.ByKeyId.TryGetValue(keyId, out key);
            if (key is not null) found.Add((cert, key));
        }
        return found;
    }
}
