using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using SignaturePacket = CryptoMail.Core.Packets.SignaturePacket;
using SecretKeyPacket = CryptoMail.Core.Packets.SecretKeyPacket;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;

namespace CryptoMail.Core.Keys;

/// <summary>Generates v4 and v6 keys on our own packet model, with BouncyCastle's key-pair generators for the key
/// material only.</summary>
internal static class KeyGenerator
{
    // Preferences we announce: AES-256 then AES-128; SHA-512 then SHA-256; no compression preferred.
    private static readonly byte[] SymmetricPrefs = { (byte)SymmetricKeyAlgorithmTag.Aes256, (byte)SymmetricKeyAlgorithmTag.Aes128 };
    private static readonly byte[] HashPrefs = { (byte)HashAlgorithmTag.Sha512, (byte)HashAlgorithmTag.Sha256 };
    private static readonly byte[] CompressionPrefs = { (byte)CompressionAlgorithmTag.Uncompressed, (byte)CompressionAlgorithmTag.Zip, (byte)CompressionAlgorithmTag.ZLib };
    // AEAD ciphersuites (RFC 9580 section 5.2.3.15): AES-256/OCB, AES-128/OCB, AES-256/GCM, AES-128/GCM.
    private static readonly byte[] AeadPrefs = { 9, 2, 7, 2, 9, 3, 7, 3 };
    // Features: SEIPD v1 (0x01) and SEIPD v2 (0x08): we read both.
    private const byte FeatureBits = 0x01 | 0x08;
    private const int FlagCertify = 0x01, FlagSign = 0x02, FlagEncrypt = 0x04 | 0x08;

    /// <summary>A fresh key pair: the key packet, its secret material encoded as the packet holds it, and the
    /// BouncyCastle private key for making the self-signatures.</summary>
    internal sealed record Pair(KeyPacket Public, byte[] Material, AsymmetricKeyParameter Private);

    /// <summary>A fresh key pair for a new subkey of <paramref name="primary"/>, in the family its profile uses: v6
    /// Ed448 keys get X448/Ed448, other v6 keys X25519/Ed25519; v4 RSA keys RSA of the primary's size (at least 3072
    /// bits); other v4 keys legacy Cv25519/Ed25519, as GnuPG makes them.</summary>
    public static Pair NewSubkeyPair(KeyPacket primary, bool signing, DateTimeOffset created)
    {
        if (primary.Version == 6)
        {
            bool x448 = primary.Algorithm is PublicKeyAlgorithmTag.Ed448 or PublicKeyAlgorithmTag.X448;
            return Native(created, (x448, signing) switch
            {
                (true, true) => PublicKeyAlgorithmTag.Ed448,
                (true, false) => PublicKeyAlgorithmTag.X448,
                (false, true) => PublicKeyAlgorithmTag.Ed25519,
                _ => PublicKeyAlgorithmTag.X25519,
            });
        }
        if (primary.Algorithm is PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign or PublicKeyAlgorithmTag.RsaEncrypt)
            return Rsa(created, Math.Max(3072, primary.BitStrength));
        return signing ? Ed25519Legacy(created) : Cv25519Legacy(created);
    }

    public static SecretKey Generate(string userId, KeyGenerationOptions options)
    {
        var created = options.CreationTime ?? DateTimeOffset.UtcNow;
        created = DateTimeOffset.FromUnixTimeSeconds(created.ToUnixTimeSeconds());
        uint expirySeconds = 0;
        if (options.Expiration is { } exp)
        {
            if (exp <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(options), "Expiration must be positive.");
            expirySeconds = (uint)Math.Min(uint.MaxValue, (long)exp.TotalSeconds);
        }

        var (primary, subkey) = options.Profile switch
        {
            KeyProfile.Curve25519 => (Ed25519Legacy(created), Cv25519Legacy(created)),
            KeyProfile.Rsa3072 => (Rsa(created, 3072), Rsa(created, 3072)),
            KeyProfile.Rsa4096 => (Rsa(created, 4096), Rsa(created, 4096)),
            KeyProfile.V6Ed25519 => (Native(created, PublicKeyAlgorithmTag.Ed25519), Native(created, PublicKeyAlgorithmTag.X25519)),
            KeyProfile.V6Ed448 => (Native(created, PublicKeyAlgorithmTag.Ed448), Native(created, PublicKeyAlgorithmTag.X448)),
            _ => throw new ArgumentOutOfRangeException(nameof(options), $"Unknown key profile {options.Profile}."),
        };
        try
        {
            return Assemble(primary, options.SigningOnly ? null : subkey, userId, options.AdditionalUserIds, created, expirySeconds, options.Passphrase);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(primary.Material);
            CryptographicOperations.ZeroMemory(subkey.Material);
        }
    }

    private static SecretKey Assemble(Pair primary, Pair? subkey, string userId, IEnumerable<string> moreUserIds,
        DateTimeOffset created, uint expirySeconds, string? passphrase)
    {
        var key = primary.Public;
        bool v6 = key.Version == 6;
        const HashAlgorithmTag hash = HashAlgorithmTag.Sha512;

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
            subkeys.Add(new SubkeyComponent(subkey.Public, SecretKeyPacket.Create(subkey.Public, subkey.Material, true, passphrase), new[] { binding }));
        }
        var ring = new KeyRing(key, SecretKeyPacket.Create(key, primary.Material, false, passphrase), direct, uids, subkeys);
        return new SecretKey(ring);
    }

    private static Pair Native(DateTimeOffset created, PublicKeyAlgorithmTag algorithm)
    {
        var random = Randomness.Secure;
        switch (algorithm)
        {
            case PublicKeyAlgorithmTag.Ed25519:
            {
                var k = new Ed25519PrivateKeyParameters(random);
                return new Pair(KeyPacket.Create(6, created, algorithm, k.GeneratePublicKey().GetEncoded()), k.GetEncoded(), k);
            }
            case PublicKeyAlgorithmTag.X25519:
            {
                var k = new X25519PrivateKeyParameters(random);
                return new Pair(KeyPacket.Create(6, created, algorithm, k.GeneratePublicKey().GetEncoded()), k.GetEncoded(), k);
            }
            case PublicKeyAlgorithmTag.Ed448:
            {
                var k = new Ed448PrivateKeyParameters(random);
                return new Pair(KeyPacket.Create(6, created, algorithm, k.GeneratePublicKey().GetEncoded()), k.GetEncoded(), k);
            }
            case PublicKeyAlgorithmTag.X448:
            {
                var k = new X448PrivateKeyParameters(random);
                return new Pair(KeyPacket.Create(6, created, algorithm, k.GeneratePublicKey().GetEncoded()), k.GetEncoded(), k);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm));
        }
    }

    /// <summary>v4 legacy EdDSA (algorithm 22) over Ed25519: OID, then the point as an MPI with the 0x40 prefix.</summary>
    private static Pair Ed25519Legacy(DateTimeOffset created)
    {
        var k = new Ed25519PrivateKeyParameters(Randomness.Secure);
        using var pub = new MemoryStream();
        WriteOid(pub, KeyPacket.Ed25519LegacyOid);
        Mpi.Write(pub, Prefixed(k.GeneratePublicKey().GetEncoded()));
        using var sec = new MemoryStream();
        Mpi.Write(sec, k.GetEncoded());
        return new Pair(KeyPacket.Create(4, created, PublicKeyAlgorithmTag.EdDsa_Legacy, pub.ToArray()), sec.ToArray(), k);
    }

    /// <summary>v4 ECDH over Curve25519 with the KDF parameters GnuPG uses (SHA-256, AES-128 key wrap); the secret
    /// is stored as the big-endian MPI of the little-endian native key.</summary>
    private static Pair Cv25519Legacy(DateTimeOffset created)
    {
        var k = new X25519PrivateKeyParameters(Randomness.Secure);
        using var pub = new MemoryStream();
        WriteOid(pub, KeyPacket.Cv25519Oid);
        Mpi.Write(pub, Prefixed(k.GeneratePublicKey().GetEncoded()));
        pub.Write(new byte[] { 3, 1, (byte)HashAlgorithmTag.Sha256, (byte)SymmetricKeyAlgorithmTag.Aes128 });
        var native = k.GetEncoded();
        Array.Reverse(native);
        using var sec = new MemoryStream();
        Mpi.Write(sec, native);
        CryptographicOperations.ZeroMemory(native);
        return new Pair(KeyPacket.Create(4, created, PublicKeyAlgorithmTag.ECDH, pub.ToArray()), sec.ToArray(), k);
    }

    private static Pair Rsa(DateTimeOffset created, int bits)
    {
        var g = new RsaKeyPairGenerator();
        g.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), Randomness.Secure, bits, 100));
        var pair = g.GenerateKeyPair();
        var priv = (RsaPrivateCrtKeyParameters)pair.Private;
        // OpenPGP stores p < q and u = p^-1 mod q.
        var (p, q) = priv.P.CompareTo(priv.Q) < 0 ? (priv.P, priv.Q) : (priv.Q, priv.P);
        using var pub = new MemoryStream();
        Mpi.Write(pub, priv.Modulus.ToByteArrayUnsigned());
        Mpi.Write(pub, priv.PublicExponent.ToByteArrayUnsigned());
        using var sec = new MemoryStream();
        Mpi.Write(sec, priv.Exponent.ToByteArrayUnsigned());
        Mpi.Write(sec, p.ToByteArrayUnsigned());
        Mpi.Write(sec, q.ToByteArrayUnsigned());
        Mpi.Write(sec, p.ModInverse(q).ToByteArrayUnsigned());
        return new Pair(KeyPacket.Create(4, created, PublicKeyAlgorithmTag.RsaGeneral, pub.ToArray()), sec.ToArray(), priv);
    }

    private static void WriteOid(Stream s, byte[] oid)
    {
        s.WriteByte((byte)oid.Length);
        s.Write(oid);
    }

    private static byte[] Prefixed(byte[] point)
    {
        var r = new byte[point.Length + 1];
        r[0] = 0x40;
        point.CopyTo(r, 1);
        return r;
    }
}
