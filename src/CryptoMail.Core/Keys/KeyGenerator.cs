using System.Security.Cryptography;
using SignaturePacket = CryptoMail.Core.Packets.SignaturePacket;
using SecretKeyPacket = CryptoMail.Core.Packets.SecretKeyPacket;

namespace CryptoMail.Core.Keys;

/// <summary>Generates v4 and v6 keys on our own packet model; the key material comes from Crypto
/// (<see cref="KeyMaterial"/>).</summary>
internal static class KeyGenerator
{
    // Preferences we announce: AES-256 then AES-128; SHA-512 then SHA-256; no compression preferred.
    private static readonly byte[] SymmetricPrefs = { (byte)SymmetricAlgorithmId.Aes256, (byte)SymmetricAlgorithmId.Aes128 };
    private static readonly byte[] HashPrefs = { (byte)HashAlgorithmId.Sha512, (byte)HashAlgorithmId.Sha256 };
    private static readonly byte[] CompressionPrefs = { (byte)CompressionAlgorithmId.Uncompressed, (byte)CompressionAlgorithmId.Zip, (byte)CompressionAlgorithmId.Zlib };
    // AEAD ciphersuites (RFC 9580 section 5.2.3.15): AES-256/OCB, AES-128/OCB, AES-256/GCM, AES-128/GCM.
    private static readonly byte[] AeadPrefs = { 9, 2, 7, 2, 9, 3, 7, 3 };
    // Features: SEIPD v1 (0x01) and SEIPD v2 (0x08): we read both.
    private const byte FeatureBits = 0x01 | 0x08;
    private const int FlagCertify = 0x01, FlagSign = 0x02, FlagEncrypt = 0x04 | 0x08;

    /// <summary>A fresh key pair: the key packet, its secret material encoded as the packet holds it, and the
    /// private key for making the self-signatures.</summary>
    internal sealed record Pair(KeyPacket Public, byte[] Material, AsymmetricPrivateKey Private);

    /// <summary>A fresh key pair for a new subkey of <paramref name="primary"/>, in the family its profile uses: v6
    /// Ed448 keys get X448/Ed448, other v6 keys X25519/Ed25519; v4 RSA keys RSA of the primary's size (at least 3072
    /// bits); other v4 keys legacy Cv25519/Ed25519, as GnuPG makes them.</summary>
    public static Pair NewSubkeyPair(KeyPacket primary, bool signing, DateTimeOffset created)
    {
        // Under a post-quantum (composite ML-DSA) primary, subkeys of the same security level.
        if (primary.Algorithm == PublicKeyAlgorithmId.MlDsa65Ed25519)
            return PostQuantum(created, signing ? PublicKeyAlgorithmId.MlDsa65Ed25519 : PublicKeyAlgorithmId.MlKem768X25519);
        if (primary.Algorithm == PublicKeyAlgorithmId.MlDsa87Ed448)
            return PostQuantum(created, signing ? PublicKeyAlgorithmId.MlDsa87Ed448 : PublicKeyAlgorithmId.MlKem1024X448);
        if (primary.Version == 6)
        {
            bool x448 = primary.Algorithm is PublicKeyAlgorithmId.Ed448 or PublicKeyAlgorithmId.X448;
            return Native(created, (x448, signing) switch
            {
                (true, true) => PublicKeyAlgorithmId.Ed448,
                (true, false) => PublicKeyAlgorithmId.X448,
                (false, true) => PublicKeyAlgorithmId.Ed25519,
                _ => PublicKeyAlgorithmId.X25519,
            });
        }
        if (primary.Algorithm is PublicKeyAlgorithmId.RsaGeneral or PublicKeyAlgorithmId.RsaSign or PublicKeyAlgorithmId.RsaEncrypt)
            return Rsa(created, Math.Max(3072, primary.BitStrength));
        return signing ? Ed25519Legacy(created) : Cv25519Legacy(created);
    }

    /// <summary>Generates a key; <paramref name="token"/> is checked before each key pair is made, before each
    /// secret key is protected and every quarter pass of an Argon2 protection (a single RSA generation runs to its
    /// end once started).</summary>
    public static SecretKey Generate(string userId, KeyGenerationOptions options, CancellationToken token = default)
    {
        token.ThrowIfCancellationRequested();
        var created = options.CreationTime ?? DateTimeOffset.UtcNow;
        created = DateTimeOffset.FromUnixTimeSeconds(created.ToUnixTimeSeconds());
        uint expirySeconds = 0;
        if (options.Expiration is { } exp)
        {
            if (exp <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(options), "Expiration must be positive.");
            expirySeconds = (uint)Math.Min(uint.MaxValue, (long)exp.TotalSeconds);
        }

        Pair Make(bool sub) => options.Profile switch
        {
            KeyProfile.Curve25519 => sub ? Cv25519Legacy(created) : Ed25519Legacy(created),
            KeyProfile.Rsa3072 => Rsa(created, 3072),
            KeyProfile.Rsa4096 => Rsa(created, 4096),
            KeyProfile.V6Ed25519 => Native(created, sub ? PublicKeyAlgorithmId.X25519 : PublicKeyAlgorithmId.Ed25519),
            KeyProfile.V6Ed448 => Native(created, sub ? PublicKeyAlgorithmId.X448 : PublicKeyAlgorithmId.Ed448),
            KeyProfile.V6MlDsa65Ed25519 => PostQuantum(created, sub ? PublicKeyAlgorithmId.MlKem768X25519 : PublicKeyAlgorithmId.MlDsa65Ed25519),
            KeyProfile.V6MlDsa87Ed448 => PostQuantum(created, sub ? PublicKeyAlgorithmId.MlKem1024X448 : PublicKeyAlgorithmId.MlDsa87Ed448),
            _ => throw new ArgumentOutOfRangeException(nameof(options), $"Unknown key profile {options.Profile}."),
        };
        Pair primary = Make(sub: false);
        Pair? subkey = null;
        try
        {
            token.ThrowIfCancellationRequested();
            subkey = options.SigningOnly ? null : Make(sub: true);
            token.ThrowIfCancellationRequested();
            return Assemble(primary, subkey, userId, options.AdditionalUserIds, created, expirySeconds, options.Passphrase, options.Progress, token);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(primary.Material);
            if (subkey is not null) CryptographicOperations.ZeroMemory(subkey.Material);
        }
    }

    private static SecretKey Assemble(Pair primary, Pair? subkey, string userId, IEnumerable<string> moreUserIds,
        DateTimeOffset created, uint expirySeconds, string? passphrase, IProgress<double>? progress, CancellationToken token)
    {
        int protections = subkey is null ? 1 : 2;
        var key = primary.Public;
        bool v6 = key.Version == 6;
        const HashAlgorithmId hash = HashAlgorithmId.Sha512;

        // Key-wide settings: v6 keys keep them in a direct-key signature (RFC 9580 section 5.2.3.10); v4 keys in
        // their user ID self-signatures, where v4 implementations look. Both carry them on the user IDs too.
        List<Subpacket> Preferences()
        {
            var list = new List<Subpacket>
            {
                Subpacket.Time(SubpacketType.CreationTime, created),
                new(SubpacketType.KeyFlags, false, new[] { (byte)(FlagCertify | FlagSign) }),
                new(SubpacketType.PreferredSymmetric, false, SymmetricPrefs),
                new(SubpacketType.PreferredHash, false, HashPrefs),
                new(SubpacketType.PreferredCompression, false, CompressionPrefs),
                new(SubpacketType.Features, false, new[] { FeatureBits }),
            };
            if (v6) list.Add(new(SubpacketType.PreferredAeadCiphersuites, false, AeadPrefs));
            if (expirySeconds > 0) list.Add(Subpacket.Seconds(SubpacketType.KeyExpiration, expirySeconds));
            list.Add(Subpacket.Issuer(key));
            return list;
        }
        // v4 signatures also name the issuer's key ID (unhashed) for older readers; v6 ones need only the fingerprint.
        var unhashed = v6 ? null : new[] { Subpacket.IssuerId(key.KeyId) };

        var direct = new List<SignaturePacket>();
        if (v6) direct.Add(SignaturePacket.Certify(key, primary.Private, 0x1F, hash, Preferences(), key, null, null, unhashed));

        var uids = new List<UserIdComponent>();
        bool first = true;
        foreach (var uid in moreUserIds.Prepend(userId))
        {
            var data = System.Text.Encoding.UTF8.GetBytes(uid);
            var hashed = Preferences();
            if (first) hashed.Insert(hashed.Count - 1, new Subpacket(SubpacketType.PrimaryUserId, false, new byte[] { 1 }));
            first = false;
            uids.Add(new UserIdComponent(data, false, new[] { SignaturePacket.Certify(key, primary.Private, 0x13, hash, hashed, key, data, null, unhashed) }));
        }

        var subkeys = new List<SubkeyComponent>();
        if (subkey is not null)
        {
            var hashed = new List<Subpacket>
            {
                Subpacket.Time(SubpacketType.CreationTime, created),
                new(SubpacketType.KeyFlags, false, new[] { (byte)FlagEncrypt }),
            };
            if (expirySeconds > 0) hashed.Add(Subpacket.Seconds(SubpacketType.KeyExpiration, expirySeconds));
            hashed.Add(Subpacket.Issuer(key));
            var binding = SignaturePacket.Certify(key, primary.Private, 0x18, hash, hashed, key, null, subkey.Public, unhashed);
            token.ThrowIfCancellationRequested();
            subkeys.Add(new SubkeyComponent(subkey.Public, SecretKeyPacket.Create(subkey.Public, subkey.Material, true, passphrase, PartOf(progress, 0, protections), token), new[] { binding }));
        }
        token.ThrowIfCancellationRequested();
        var ring = new KeyRing(key, SecretKeyPacket.Create(key, primary.Material, false, passphrase, PartOf(progress, protections - 1, protections), token), direct, uids, subkeys);
        return new SecretKey(ring);
    }

    /// <summary>Reports the fraction done of one of <paramref name="count"/> protections, <paramref name="done"/>
    /// finished before it (the subkey is protected first, then the primary key), as the fraction of all of them.</summary>
    private static PartProgress? PartOf(IProgress<double>? whole, int done, int count) =>
        whole is null ? null : new PartProgress(whole, done, count);

    private sealed class PartProgress(IProgress<double> whole, int done, int count) : IProgress<double>
    {
        public void Report(double value) => whole.Report((done + value) / count);
    }

    /// <summary>A fresh post-quantum encryption subkey for <paramref name="primary"/> (RFC 9980): ML-KEM-768+X25519
    /// for v4 keys (the one RFC 9980 algorithm a v4 key may carry) and v6 keys of the Curve25519 family;
    /// ML-KEM-1024+X448 for v6 keys of the Ed448 family.</summary>
    public static Pair NewPostQuantumEncryptionPair(KeyPacket primary, DateTimeOffset created)
    {
        bool x448 = primary.Version == 6 && primary.Algorithm is PublicKeyAlgorithmId.Ed448 or PublicKeyAlgorithmId.MlDsa87Ed448
            or PublicKeyAlgorithmId.SlhDsaShake256s;
        var algorithm = x448 ? PublicKeyAlgorithmId.MlKem1024X448 : PublicKeyAlgorithmId.MlKem768X25519;
        return Packed(KeyMaterial.PostQuantum(algorithm), primary.Version, created, algorithm);
    }

    /// <summary>A v6 key of an RFC 9980 algorithm.</summary>
    private static Pair PostQuantum(DateTimeOffset created, PublicKeyAlgorithmId algorithm) =>
        Packed(KeyMaterial.PostQuantum(algorithm), 6, created, algorithm);

    private static Pair Native(DateTimeOffset created, PublicKeyAlgorithmId algorithm) =>
        Packed(KeyMaterial.Native(algorithm), 6, created, algorithm);

    /// <summary>v4 legacy EdDSA (algorithm 22) over Ed25519.</summary>
    private static Pair Ed25519Legacy(DateTimeOffset created) =>
        Packed(KeyMaterial.Ed25519Legacy(), 4, created, PublicKeyAlgorithmId.EdDsaLegacy);

    /// <summary>v4 ECDH over Curve25519 with the KDF parameters GnuPG uses (SHA-256, AES-128 key wrap).</summary>
    private static Pair Cv25519Legacy(DateTimeOffset created) =>
        Packed(KeyMaterial.Cv25519Legacy(HashAlgorithmId.Sha256, SymmetricAlgorithmId.Aes128), 4, created, PublicKeyAlgorithmId.Ecdh);

    private static Pair Rsa(DateTimeOffset created, int bits) =>
        Packed(KeyMaterial.Rsa(bits), 4, created, PublicKeyAlgorithmId.RsaGeneral);

    private static Pair Packed(KeyMaterial.Generated key, int version, DateTimeOffset created, PublicKeyAlgorithmId algorithm) =>
        new(KeyPacket.Create(version, created, algorithm, key.Public), key.Secret, key.Private);
}
