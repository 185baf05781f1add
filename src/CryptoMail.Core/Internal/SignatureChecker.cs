using System.Security.Cryptography;
using CryptoMail.Core.Internal.Packets;
using Org.BouncyCastle.Bcpg;
using SignaturePacket = CryptoMail.Core.Internal.Packets.SignaturePacket;

namespace CryptoMail.Core.Internal;

/// <summary>A one-pass signature packet (tag 4), version 3 or 6 (RFC 9580 section 5.4).</summary>
internal sealed record OnePassSignature(int Version, int Type, HashAlgorithmTag Hash, PublicKeyAlgorithmTag KeyAlgorithm,
    long KeyId, byte[]? Fingerprint, byte[] Salt, bool Last)
{
    public static OnePassSignature Parse(byte[] b)
    {
        if (b.Length < 4) throw new MalformedDataException("The one-pass signature packet is truncated.");
        switch (b[0])
        {
            case 3 when b.Length == 13:
                return new OnePassSignature(3, b[1], (HashAlgorithmTag)b[2], (PublicKeyAlgorithmTag)b[3],
                    System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(b.AsSpan(4)), null, Array.Empty<byte>(), b[12] != 0);
            case 6:
            {
                if (b.Length < 5) throw new MalformedDataException("The v6 one-pass signature packet is malformed.");
                int saltLen = b[4];
                if (b.Length != 5 + saltLen + 32 + 1) throw new MalformedDataException("The v6 one-pass signature packet is malformed.");
                var fpr = b[(5 + saltLen)..(5 + saltLen + 32)];
                return new OnePassSignature(6, b[1], (HashAlgorithmTag)b[2], (PublicKeyAlgorithmTag)b[3],
                    System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(fpr), fpr, b[5..(5 + saltLen)], b[^1] != 0);
            }
            default:
                throw new UnsupportedPacketException($"One-pass signature version {b[0]} is not supported.");
        }
    }

    /// <summary>The packet body announcing a signature by <paramref name="key"/>: v6 (with the salt and the
    /// fingerprint) for v6 keys, v3 otherwise.</summary>
    public static byte[] Encode(int type, HashAlgorithmTag hash, KeyPacket key, byte[] salt, bool nested)
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

/// <summary>A signature being checked: the key found for it (if any), the running hash, and the signature packet
/// once read. A signature that cannot be parsed or hashed keeps a <see cref="Problem"/> and becomes a bad verdict,
/// never a silent "unsigned".</summary>
internal sealed class PendingSignature
{
    public required long KeyId { get; init; }
    public Certificate? Signer { get; set; }
    public KeyPacket? Key { get; set; }
    public OnePassSignature? OnePass { get; init; }
    public SignaturePacket? Signature { get; set; }
    public TextCanonicalizer? Text { get; set; }
    public int SignatureType { get; init; }
    public HashAlgorithmTag Hash { get; init; }
    public IncrementalHash? Hasher { get; set; }
    public string? Problem { get; set; }

    public void Update(ReadOnlySpan<byte> data)
    {
        if (Hasher is null) return;
        if (Text is not null) Text.Update(data);
        else Feed(data);
    }

    public void Feed(ReadOnlySpan<byte> data) => Hasher?.AppendData(data);
}

/// <summary>Finds signing keys among the caller's certificates and turns a checked signature into a verdict.</summary>
internal static class SignatureChecker
{
    /// <summary>Prepares a one-pass signature for hashing, when its key is known.</summary>
    public static PendingSignature ForOnePass(OnePassSignature ops, IEnumerable<Certificate> verifiers)
    {
        var (cert, key) = Find(ops.KeyId, ops.Fingerprint, verifiers);
        var p = new PendingSignature { KeyId = ops.KeyId, Signer = cert, Key = key, OnePass = ops, SignatureType = ops.Type, Hash = ops.Hash };
        if (key is not null) StartHash(p, ops.Hash, ops.Version == 6 ? ops.Salt : null);
        return p;
    }

    /// <summary>A one-pass signature packet we could not parse: kept so the message is not taken as unsigned.</summary>
    public static PendingSignature Unreadable(string problem) =>
        new() { KeyId = 0, Problem = problem, SignatureType = 0 };

    /// <summary>Prepares a signature that precedes the data (detached, or old-style signed message).</summary>
    public static PendingSignature ForSignature(SignaturePacket sig, IEnumerable<Certificate> verifiers)
    {
        var p = new PendingSignature { KeyId = sig.IssuerKeyId, Signature = sig, SignatureType = sig.Type, Hash = sig.Hash };
        if (sig.IsOpaque)
        {
            p.Problem = $"The signature cannot be read ({sig.OpaqueReason}).";
            return p;
        }
        (p.Signer, p.Key) = Find(sig.IssuerKeyId, sig.IssuerFingerprint, verifiers);
        if (p.Key is not null) StartHash(p, sig.Hash, sig.Version == 6 ? sig.Salt : null);
        return p;
    }

    private static void StartHash(PendingSignature p, HashAlgorithmTag hash, byte[]? salt)
    {
        if (!Hashes.IsSupported(hash))
        {
            p.Problem = $"The signature uses hash algorithm {HashName(hash)}, which is not supported.";
            return;
        }
        p.Hasher = Hashes.Create(hash);
        if (salt is not null) p.Hasher.AppendData(salt);
        if (p.SignatureType == 0x01) p.Text = new TextCanonicalizer(p.Feed);
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
    /// the signature is checked against the certificate as it was when the signature was made, under
    /// <paramref name="policy"/> (null for <see cref="Policy.Default"/>).</summary>
    public static SignatureVerification Verdict(PendingSignature p, DateTimeOffset? notBefore, DateTimeOffset? notAfter, Policy? policy)
    {
        policy ??= Policy.Default;
        var sig = p.Signature;
        string keyId = Hex.KeyId(p.KeyId);
        var mode = p.SignatureType == 0x01 ? SignatureMode.Text : SignatureMode.Binary;
        if (sig is null)
        {
            return new SignatureVerification(SignatureStatus.Bad, keyId, null, p.Signer?.Fingerprint, p.Signer, DateTimeOffset.MinValue, "unknown", mode,
                p.Problem ?? "The one-pass signature has no matching signature packet.") { RejectionReason = ValidationReason.BadSignature };
        }
        var created = sig.IsOpaque ? DateTimeOffset.MinValue : sig.Created;
        string hash = HashName(sig.Hash);
        if (p.Problem is not null && (sig.IsOpaque || p.Key is null))
            return new SignatureVerification(SignatureStatus.Bad, keyId, null, p.Signer?.Fingerprint, p.Signer, created, hash, mode, p.Problem)
                { RejectionReason = ValidationReason.BadSignature };
        if (p.Key is null || p.Signer is null)
        {
            return new SignatureVerification(SignatureStatus.UnknownKey, keyId, null, null, null, created, hash, mode,
                $"No supplied certificate holds key {keyId}.") { RejectionReason = ValidationReason.UnknownKey };
        }
        string signingFpr = Hex.Of(p.Key.Fingerprint);
        SignatureVerification V(SignatureStatus s, ValidationReason? why, string reason) =>
            new(s, keyId, signingFpr, p.Signer.Fingerprint, p.Signer, created, hash, mode, reason) { RejectionReason = why };
        SignatureVerification Bad(string reason) => V(SignatureStatus.Bad, ValidationReason.BadSignature, reason);

        if (p.Problem is not null) return Bad(p.Problem);
        if (sig.Type is not (0x00 or 0x01))
            return Bad($"Signature type 0x{sig.Type:X2} is not a data signature.");
        if (p.OnePass is { } ops && (ops.Type != sig.Type || ops.Hash != sig.Hash || (ops.Version == 6 && !ops.Salt.AsSpan().SequenceEqual(sig.Salt))))
            return Bad("The signature does not match its one-pass signature packet.");
        if (!sig.HasCreationTime)
            return Bad("The signature has no creation time.");

        bool valid;
        try
        {
            valid = p.Hasher is not null && sig.Verify(p.Hasher, p.Key);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Bad($"The signature could not be checked ({e.Message}).");
        }
        if (!valid) return Bad("The signature does not match the data.");

        if (!policy.AcceptsDataSignatureHash((HashAlgorithm)(int)sig.Hash, created))
            return V(SignatureStatus.WeakAlgorithm, ValidationReason.WeakHash, $"The signature uses {hash}, which the policy does not accept for data signatures made on {created:u}.");

        // Checked as the certificate was when the signature was made: a soft revocation (superseded, retired) leaves
        // earlier signatures valid; a hard one (compromised, or no reason) invalidates every signature.
        var then = p.Signer.Validate(policy, created);
        var key = then.Subkeys.Append(then.PrimaryKey).FirstOrDefault(k => k.Key.Fingerprint == signingFpr);
        if (key is null)
            return V(SignatureStatus.KeyNotUsable, ValidationReason.NoBindingSignature, "The signing key is not bound to the certificate by a valid signature.");
        if (!key.IsValid)
        {
            var first = key.Reasons[0];
            var status = first.Reason switch
            {
                ValidationReason.HardRevoked or ValidationReason.SoftRevoked => SignatureStatus.Revoked,
                ValidationReason.Expired => SignatureStatus.Expired,
                ValidationReason.WeakKey or ValidationReason.RejectedAlgorithm => SignatureStatus.WeakAlgorithm,
                _ => SignatureStatus.KeyNotUsable,
            };
            string message = first.Reason switch
            {
                ValidationReason.HardRevoked => "The signing key is revoked (compromised or without a reason): none of its signatures can be trusted.",
                ValidationReason.SoftRevoked => "The signature was made after the signing key was revoked.",
                ValidationReason.Expired => $"The signing key had expired when the signature was made ({first.Message})",
                ValidationReason.NotYetValid => $"The signature is older than the signing key or its binding ({first.Message})",
                _ => $"The signing key was not valid when the signature was made: {first.Message}",
            };
            return V(status, first.Reason, message);
        }
        if ((key.Key.Usage & KeyUsage.Sign) == 0)
            return V(SignatureStatus.KeyNotUsable, ValidationReason.UsageNotAllowed, "The signing key is not allowed to sign data.");
        if (sig.HashedSeconds(SubpacketType.SignatureExpiration) is { } secs && secs > 0 && created.AddSeconds(secs) <= DateTimeOffset.UtcNow)
            return V(SignatureStatus.Expired, ValidationReason.Expired, "The signature has expired.");
        if (notBefore is { } nb && created < nb)
            return V(SignatureStatus.OutOfWindow, ValidationReason.OutOfWindow, $"The signature was made before {nb:u}.");
        if (notAfter is { } na && created > na)
            return V(SignatureStatus.OutOfWindow, ValidationReason.OutOfWindow, $"The signature was made after {na:u}.");
        return V(SignatureStatus.Good, null, $"Good signature by {p.Signer}.");
    }

    public static string HashName(HashAlgorithmTag h) => h switch
    {
        HashAlgorithmTag.Sha1 => "SHA1",
        HashAlgorithmTag.Sha224 => "SHA224",
        HashAlgorithmTag.Sha256 => "SHA256",
        HashAlgorithmTag.Sha384 => "SHA384",
        HashAlgorithmTag.Sha512 => "SHA512",
        HashAlgorithmTag.MD5 => "MD5",
        HashAlgorithmTag.RipeMD160 => "RIPEMD160",
        HashAlgorithmTag.Sha3_256 => "SHA3-256",
        HashAlgorithmTag.Sha3_512 => "SHA3-512",
        _ => h.ToString().ToUpperInvariant(),
    };

    private static (Certificate?, KeyPacket?) Find(long keyId, byte[]? fingerprint, IEnumerable<Certificate> verifiers)
    {
        foreach (var cert in verifiers)
        {
            KeyPacket? key = null;
            if (fingerprint is not null)
            {
                key = cert.Validated.ByKeyId.Values.FirstOrDefault(k => k.Fingerprint.AsSpan().SequenceEqual(fingerprint));
            }
            if (key is null && keyId != 0) cert.Validated.ByKeyId.TryGetValue(keyId, out key);
            if (key is not null) return (cert, key);
        }
        return (null, null);
    }
}
