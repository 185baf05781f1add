using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace CryptoMail.Core.Internal;

/// <summary>A signature being checked: the key found for it (if any), and the verdict once the data is hashed.</summary>
internal sealed class PendingSignature
{
    public required long KeyId { get; init; }
    public Certificate? Signer { get; init; }
    public PgpPublicKey? Key { get; init; }
    public PgpOnePassSignature? OnePass { get; init; }
    public PgpSignature? Signature { get; set; }
    public TextCanonicalizer? Text { get; set; }
    public int SignatureType { get; init; }
    /// <summary>The platform hash, when <see cref="FastSignatures"/> handles the key and hash algorithms.</summary>
    public System.Security.Cryptography.IncrementalHash? Hasher { get; init; }

    public void Update(ReadOnlySpan<byte> data)
    {
        if (Key is null) return;
        if (Text is not null) Text.Update(data);
        else Feed(data);
    }

    public void Feed(ReadOnlySpan<byte> data)
    {
        if (Hasher is not null) Hasher.AppendData(data);
        else if (OnePass is not null) OnePass.Update(data);
        else Signature?.Update(data);
    }
}

/// <summary>Finds signing keys among the caller's certificates and turns a checked signature into a verdict.</summary>
internal static class SignatureChecker
{
    /// <summary>Prepares a one-pass signature for hashing, when its key is known.</summary>
    public static PendingSignature ForOnePass(PgpOnePassSignature ops, IEnumerable<Certificate> verifiers)
    {
        var (cert, key) = Find(ops.KeyId, null, verifiers);
        var hasher = key is not null && FastSignatures.Supports(key.Algorithm, ops.HashAlgorithm) ? FastSignatures.CreateHash(ops.HashAlgorithm) : null;
        if (key is not null && hasher is null)
        {
            try { ops.InitVerify(key); }
            catch (Exception) { key = null; }
        }
        var p = new PendingSignature { KeyId = ops.KeyId, Signer = cert, Key = key, OnePass = key is null ? null : ops, SignatureType = ops.SignatureType, Hasher = hasher };
        if (key is not null && ops.SignatureType == PgpSignature.CanonicalTextDocument) p.Text = new TextCanonicalizer(p.Feed);
        return p;
    }

    /// <summary>Prepares a signature that precedes the data (detached, or old-style signed message).</summary>
    public static PendingSignature ForSignature(PgpSignature sig, IEnumerable<Certificate> verifiers)
    {
        var (cert, key) = Find(sig.KeyId, IssuerFingerprint(sig), verifiers);
        var hasher = key is not null && sig.Version is 3 or 4 && FastSignatures.Supports(key.Algorithm, sig.HashAlgorithm) ? FastSignatures.CreateHash(sig.HashAlgorithm) : null;
        if (key is not null && hasher is null)
        {
            try { sig.InitVerify(key); }
            catch (Exception) { key = null; }
        }
        var p = new PendingSignature { KeyId = sig.KeyId, Signer = cert, Key = key, Signature = sig, SignatureType = sig.SignatureType, Hasher = hasher };
        if (key is not null && sig.SignatureType == PgpSignature.CanonicalTextDocument) p.Text = new TextCanonicalizer(p.Feed);
        return p;
    }

    /// <summary>The verdict, once all data was hashed (and, for one-pass signatures, the trailing signature was read).</summary>
    public static SignatureVerification Verdict(PendingSignature p, DateTimeOffset? notBefore, DateTimeOffset? notAfter)
    {
        var sig = p.Signature;
        string keyId = Hex.KeyId(p.KeyId);
        var mode = p.SignatureType == PgpSignature.CanonicalTextDocument ? SignatureMode.Text : SignatureMode.Binary;
        if (sig is null)
        {
            return new SignatureVerification(SignatureStatus.Bad, keyId, null, p.Signer?.Fingerprint, p.Signer, DateTimeOffset.MinValue, "unknown", mode,
                "The one-pass signature has no matching signature packet.");
        }
        var created = new DateTimeOffset(DateTime.SpecifyKind(sig.CreationTime, DateTimeKind.Utc));
        string hash = HashName(sig.HashAlgorithm);
        if (p.Key is null || p.Signer is null)
        {
            return new SignatureVerification(SignatureStatus.UnknownKey, keyId, null, null, null, created, hash, mode,
                $"No supplied certificate holds key {keyId}.");
        }
        string signingFpr = Hex.Of(p.Key.GetFingerprint());
        SignatureVerification V(SignatureStatus s, string reason) =>
            new(s, keyId, signingFpr, p.Signer.Fingerprint, p.Signer, created, hash, mode, reason);

        if (sig.SignatureType is not (PgpSignature.BinaryDocument or PgpSignature.CanonicalTextDocument))
            return V(SignatureStatus.Bad, $"Signature type 0x{sig.SignatureType:X2} is not a data signature.");

        bool valid;
        try
        {
            valid = p.Hasher is not null ? FastSignatures.Verify(p.Hasher, sig, p.Key)
                : p.OnePass is not null ? p.OnePass.Verify(sig) : sig.Verify();
        }
        catch (Exception e)
        {
            return V(SignatureStatus.Bad, $"The signature could not be checked ({e.Message}).");
        }
        if (!valid) return V(SignatureStatus.Bad, "The signature does not match the data.");

        if (IsWeak(sig.HashAlgorithm))
            return V(SignatureStatus.WeakAlgorithm, $"The signature uses {hash}, which is not accepted for data signatures.");

        var info = p.Signer.Validated.InfoByKeyId.TryGetValue(p.Key.KeyId, out var i) ? i : null;
        if (info is null || !info.IsBound)
            return V(SignatureStatus.KeyNotUsable, "The signing key is not bound to the certificate by a valid signature.");
        // Checked as the certificate was when the signature was made: a soft revocation (superseded, retired) leaves
        // earlier signatures valid; a hard one (compromised, or no reason) invalidates every signature.
        if (info.IsRevokedAt(created) || p.Signer.PrimaryKey.IsRevokedAt(created))
            return V(SignatureStatus.Revoked, info.IsHardRevoked || p.Signer.PrimaryKey.IsHardRevoked
                ? "The signing key is revoked (compromised or without a reason): none of its signatures can be trusted."
                : "The signature was made after the signing key was revoked.");
        if ((info.Usage & KeyUsage.Sign) == 0)
            return V(SignatureStatus.KeyNotUsable, "The signing key is not allowed to sign data.");
        if (info.CreationTime > created.AddMinutes(5))
            return V(SignatureStatus.KeyNotUsable, "The signature is older than the signing key.");
        if (info.ExpirationTime is { } exp && exp <= created)
            return V(SignatureStatus.Expired, $"The signing key expired on {exp:u}, before the signature was made.");
        var hashed = sig.GetHashedSubPackets();
        if (hashed is not null && hashed.HasSignatureExpirationTime())
        {
            long secs = hashed.GetSignatureExpirationTime();
            if (secs > 0 && created.AddSeconds(secs) <= DateTimeOffset.UtcNow)
                return V(SignatureStatus.Expired, "The signature has expired.");
        }
        if (notBefore is { } nb && created < nb)
            return V(SignatureStatus.OutOfWindow, $"The signature was made before {nb:u}.");
        if (notAfter is { } na && created > na)
            return V(SignatureStatus.OutOfWindow, $"The signature was made after {na:u}.");
        return V(SignatureStatus.Good, $"Good signature by {p.Signer}.");
    }

    public static bool IsWeak(HashAlgorithmTag h) => h is HashAlgorithmTag.MD5 or HashAlgorithmTag.Sha1 or HashAlgorithmTag.RipeMD160
        or HashAlgorithmTag.MD2 or HashAlgorithmTag.Tiger192 or HashAlgorithmTag.Haval5pass160;

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

    private static byte[]? IssuerFingerprint(PgpSignature sig)
    {
        try
        {
            return (sig.GetHashedSubPackets()?.GetIssuerFingerprint() ?? sig.GetUnhashedSubPackets()?.GetIssuerFingerprint())?.GetFingerprint();
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static (Certificate?, PgpPublicKey?) Find(long keyId, byte[]? fingerprint, IEnumerable<Certificate> verifiers)
    {
        foreach (var cert in verifiers)
        {
            PgpPublicKey? key = null;
            if (fingerprint is not null)
            {
                key = cert.Validated.ByKeyId.Values.FirstOrDefault(k => k.GetFingerprint().AsSpan().SequenceEqual(fingerprint));
            }
            if (key is null && keyId != 0) cert.Validated.ByKeyId.TryGetValue(keyId, out key);
            if (key is not null) return (cert, key);
        }
        return (null, null);
    }
}
