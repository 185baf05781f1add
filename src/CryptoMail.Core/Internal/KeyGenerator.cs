using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Bcpg.Sig;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;

namespace CryptoMail.Core.Internal;

/// <summary>Generates v4 keys with BouncyCastle's generators and our self-signature content.</summary>
internal static class KeyGenerator
{
    // Preferences we announce: AES-256 then AES-128; SHA-512 then SHA-256; no compression preferred.
    private static readonly int[] SymmetricPrefs = { (int)SymmetricKeyAlgorithmTag.Aes256, (int)SymmetricKeyAlgorithmTag.Aes128 };
    private static readonly int[] HashPrefs = { (int)HashAlgorithmTag.Sha512, (int)HashAlgorithmTag.Sha256 };
    private static readonly int[] CompressionPrefs = { (int)CompressionAlgorithmTag.Uncompressed, (int)CompressionAlgorithmTag.Zip, (int)CompressionAlgorithmTag.ZLib };

    public static SecretKey Generate(string userId, KeyGenerationOptions options)
    {
        var random = Randomness.Secure;
        var created = (options.CreationTime ?? DateTimeOffset.UtcNow).UtcDateTime;
        created = created.AddTicks(-(created.Ticks % TimeSpan.TicksPerSecond));
        long expirySeconds = 0;
        if (options.Expiration is { } exp)
        {
            if (exp <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(options), "Expiration must be positive.");
            expirySeconds = (long)exp.TotalSeconds;
        }

        PgpKeyPair primary, subkey;
        switch (options.Profile)
        {
            case KeyProfile.Curve25519:
                primary = new PgpKeyPair(PublicKeyAlgorithmTag.EdDsa_Legacy, Ed25519Pair(random), created);
                subkey = new PgpKeyPair(PublicKeyAlgorithmTag.ECDH, X25519Pair(random), created);
                break;
            case KeyProfile.Rsa3072:
            case KeyProfile.Rsa4096:
                int bits = options.Profile == KeyProfile.Rsa3072 ? 3072 : 4096;
                primary = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, RsaPair(random, bits), created);
                subkey = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, RsaPair(random, bits), created);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), $"Unknown key profile {options.Profile}.");
        }

        var primaryHashed = SelfSignatureSubpackets(created, KeyFlags.CertifyOther | KeyFlags.SignData, expirySeconds, primary.PublicKey, isPrimaryUid: true);
        var generator = new PgpKeyRingGenerator(
            PgpSignature.PositiveCertification, primary, userId, SymmetricKeyAlgorithmTag.Null, HashAlgorithmTag.Sha512,
            utf8PassPhrase: true, passPhrase: null, useSha1: false, primaryHashed, null, random);

        if (!options.SigningOnly)
        {
            var subHashed = new PgpSignatureSubpacketGenerator();
            subHashed.SetSignatureCreationTime(false, created);
            subHashed.SetKeyFlags(false, KeyFlags.EncryptComms | KeyFlags.EncryptStorage);
            if (expirySeconds > 0) subHashed.SetKeyExpirationTime(false, expirySeconds);
            subHashed.SetIssuerFingerprint(false, primary.PublicKey);
            generator.AddSubKey(subkey, subHashed.Generate(), null, HashAlgorithmTag.Sha512);
        }

        var secretRing = generator.GenerateSecretKeyRing();
        foreach (var extra in options.AdditionalUserIds)
        {
            secretRing = AddUserId(secretRing, primary, extra, created, expirySeconds);
        }
        if (!string.IsNullOrEmpty(options.Passphrase))
        {
            secretRing = SecretKeyProtection.Protect(secretRing, options.Passphrase, random);
        }
        return new SecretKey(secretRing);
    }

    private static PgpSignatureSubpacketVector SelfSignatureSubpackets(DateTime created, int flags, long expirySeconds, PgpPublicKey primary, bool isPrimaryUid)
    {
        var hashed = new PgpSignatureSubpacketGenerator();
        hashed.SetSignatureCreationTime(false, created);
        hashed.SetKeyFlags(false, flags);
        hashed.SetPreferredSymmetricAlgorithms(false, SymmetricPrefs);
        hashed.SetPreferredHashAlgorithms(false, HashPrefs);
        hashed.SetPreferredCompressionAlgorithms(false, CompressionPrefs);
        // SEIPD v1 (MDC) and SEIPD v2 (AEAD): we read both, so peers that write v2 may use it.
        hashed.SetFeature(false, (byte)(Features.FEATURE_MODIFICATION_DETECTION | Features.FEATURE_SEIPD_V2));
        if (expirySeconds > 0) hashed.SetKeyExpirationTime(false, expirySeconds);
        if (isPrimaryUid) hashed.SetPrimaryUserId(false, true);
        hashed.SetIssuerFingerprint(false, primary);
        return hashed.Generate();
    }

    private static PgpSecretKeyRing AddUserId(PgpSecretKeyRing ring, PgpKeyPair primary, string userId, DateTime created, long expirySeconds)
    {
        var sigGen = new PgpSignatureGenerator(primary.PublicKey.Algorithm, HashAlgorithmTag.Sha512);
        sigGen.InitSign(PgpSignature.PositiveCertification, primary.PrivateKey, Randomness.Secure);
        sigGen.SetHashedSubpackets(SelfSignatureSubpackets(created, KeyFlags.CertifyOther | KeyFlags.SignData, expirySeconds, primary.PublicKey, isPrimaryUid: false));
        var cert = sigGen.GenerateCertification(userId, primary.PublicKey);
        var updated = PgpPublicKey.AddCertification(ring.GetPublicKey(), userId, cert);
        // Replace only the primary: rebuilding the whole public ring and calling ReplacePublicKeys threw a
        // NullReferenceException inside BouncyCastle 2.7.0 for every second user ID.
        var primarySecret = PgpSecretKey.ReplacePublicKey(ring.GetSecretKey(), updated);
        return PgpSecretKeyRing.InsertSecretKey(ring, primarySecret);
    }

    private static AsymmetricCipherKeyPair Ed25519Pair(Org.BouncyCastle.Security.SecureRandom random)
    {
        var g = new Ed25519KeyPairGenerator();
        g.Init(new Ed25519KeyGenerationParameters(random));
        return g.GenerateKeyPair();
    }

    private static AsymmetricCipherKeyPair X25519Pair(Org.BouncyCastle.Security.SecureRandom random)
    {
        var g = new X25519KeyPairGenerator();
        g.Init(new X25519KeyGenerationParameters(random));
        return g.GenerateKeyPair();
    }

    private static AsymmetricCipherKeyPair RsaPair(Org.BouncyCastle.Security.SecureRandom random, int bits)
    {
        var g = new RsaKeyPairGenerator();
        g.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), random, bits, 100));
        return g.GenerateKeyPair();
    }
}
