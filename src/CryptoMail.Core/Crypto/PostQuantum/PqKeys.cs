using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Crypto.PostQuantum;

/// <summary>The public key of a composite KEM (RFC 9980 section 4.3.2): the X25519 or X448 public key and the ML-KEM
/// encapsulation key, kept as octets too because the key combiner hashes the elliptic-curve key as encoded.</summary>
internal sealed class CompositeKemPublicKey(PublicKeyAlgorithmId algorithm, byte[] ecdh, MLKemPublicKeyParameters mlKem)
    : AsymmetricKeyParameter(false)
{
    public PublicKeyAlgorithmId Algorithm { get; } = algorithm;
    public byte[] Ecdh { get; } = ecdh;
    public MLKemPublicKeyParameters MlKem { get; } = mlKem;
}

/// <summary>The secret key of a composite KEM: the X25519 or X448 secret key, the ML-KEM decapsulation key expanded
/// from its 64-octet seed, and the public elliptic-curve key the combiner needs.</summary>
internal sealed class CompositeKemPrivateKey(PublicKeyAlgorithmId algorithm, AsymmetricKeyParameter ecdh, byte[] ecdhPublic, MLKemPrivateKeyParameters mlKem)
    : AsymmetricKeyParameter(true)
{
    public PublicKeyAlgorithmId Algorithm { get; } = algorithm;
    public AsymmetricKeyParameter Ecdh { get; } = ecdh;
    public byte[] EcdhPublic { get; } = ecdhPublic;
    public MLKemPrivateKeyParameters MlKem { get; } = mlKem;
}

/// <summary>The public key of a composite signature (RFC 9980 section 5.3.2): Ed25519 or Ed448, and ML-DSA.</summary>
internal sealed class CompositeSignaturePublicKey(PublicKeyAlgorithmId algorithm, AsymmetricKeyParameter edDsa, MLDsaPublicKeyParameters mlDsa)
    : AsymmetricKeyParameter(false)
{
    public PublicKeyAlgorithmId Algorithm { get; } = algorithm;
    public AsymmetricKeyParameter EdDsa { get; } = edDsa;
    public MLDsaPublicKeyParameters MlDsa { get; } = mlDsa;
}

/// <summary>The secret key of a composite signature: Ed25519 or Ed448, and ML-DSA expanded from its 32-octet seed.</summary>
internal sealed class CompositeSignaturePrivateKey(PublicKeyAlgorithmId algorithm, AsymmetricKeyParameter edDsa, MLDsaPrivateKeyParameters mlDsa)
    : AsymmetricKeyParameter(true)
{
    public PublicKeyAlgorithmId Algorithm { get; } = algorithm;
    public AsymmetricKeyParameter EdDsa { get; } = edDsa;
    public MLDsaPrivateKeyParameters MlDsa { get; } = mlDsa;
}

/// <summary>Key material of the RFC 9980 algorithms: parsing the public and secret fields (fixed-length octet strings,
/// elliptic-curve part first), the consistency check of a secret key against its public key, and generation.</summary>
internal static class PqKeys
{
    /// <summary>The public key from its material, which must have exactly the algorithm's length.</summary>
    /// <exception cref="MalformedDataException">Material of the wrong length, or a key BouncyCastle refuses.</exception>
    public static AsymmetricKeyParameter Public(PublicKeyAlgorithmId a, ReadOnlySpan<byte> material)
    {
        if (material.Length != PqAlgorithms.PublicLength(a))
            throw new MalformedDataException($"The public key material of algorithm {(int)a} has {material.Length} octets; RFC 9980 fixes {PqAlgorithms.PublicLength(a)}.");
        int e = PqAlgorithms.EccKeyLength(a);
        var ecc = material[..e].ToArray();
        var pq = material[e..].ToArray();
        try
        {
            // FromEncoding also runs the FIPS 203 encapsulation key check (every coefficient of t below q = 3329) and
            // throws ArgumentException for a key that fails it; PostQuantumMalformedInputTests pins that behaviour.
            if (PqAlgorithms.IsCompositeKem(a))
                return new CompositeKemPublicKey(a, ecc, MLKemPublicKeyParameters.FromEncoding(PqAlgorithms.MlKem(a), pq));
            if (PqAlgorithms.IsCompositeSignature(a))
            {
                AsymmetricKeyParameter ed = a == PublicKeyAlgorithmId.MlDsa87Ed448 ? new Ed448PublicKeyParameters(ecc) : new Ed25519PublicKeyParameters(ecc);
                return new CompositeSignaturePublicKey(a, ed, MLDsaPublicKeyParameters.FromEncoding(PqAlgorithms.MlDsa(a), pq));
            }
            return SlhDsaPublicKeyParameters.FromEncoding(PqAlgorithms.SlhDsa(a), pq);
        }
        catch (Exception x) when (x is ArgumentException or InvalidOperationException)
        {
            throw new MalformedDataException($"The public key material of algorithm {(int)a} is malformed.", x);
        }
    }

    /// <summary>The secret key from its plain material (exactly the algorithm's length), or null when it does not
    /// belong to <paramref name="publicKey"/>.</summary>
    /// <exception cref="MalformedDataException">Material of the wrong length.</exception>
    public static AsymmetricKeyParameter? Private(PublicKeyAlgorithmId a, AsymmetricKeyParameter publicKey, ReadOnlySpan<byte> material)
    {
        if (material.Length != PqAlgorithms.SecretLength(a))
            throw new MalformedDataException($"The secret key material of algorithm {(int)a} has {material.Length} octets; RFC 9980 fixes {PqAlgorithms.SecretLength(a)}.");
        int e = PqAlgorithms.EccKeyLength(a);
        var ecc = material[..e].ToArray();
        var pq = material[e..].ToArray();
        try
        {
            AsymmetricKeyParameter secret;
            if (PqAlgorithms.IsCompositeKem(a))
            {
                AsymmetricKeyParameter x = a == PublicKeyAlgorithmId.MlKem1024X448 ? new X448PrivateKeyParameters(ecc) : new X25519PrivateKeyParameters(ecc);
                var ecdhPublic = a == PublicKeyAlgorithmId.MlKem1024X448
                    ? ((X448PrivateKeyParameters)x).GeneratePublicKey().GetEncoded()
                    : ((X25519PrivateKeyParameters)x).GeneratePublicKey().GetEncoded();
                secret = new CompositeKemPrivateKey(a, x, ecdhPublic, MLKemPrivateKeyParameters.FromSeed(PqAlgorithms.MlKem(a), pq));
            }
            else if (PqAlgorithms.IsCompositeSignature(a))
            {
                AsymmetricKeyParameter ed = a == PublicKeyAlgorithmId.MlDsa87Ed448 ? new Ed448PrivateKeyParameters(ecc) : new Ed25519PrivateKeyParameters(ecc);
                secret = new CompositeSignaturePrivateKey(a, ed, MLDsaPrivateKeyParameters.FromSeed(PqAlgorithms.MlDsa(a), pq));
            }
            else
            {
                secret = SlhDsaPrivateKeyParameters.FromEncoding(PqAlgorithms.SlhDsa(a), pq);
            }
            return Matches(publicKey, secret) ? secret : null;
        }
        catch (Exception x) when (x is ArgumentException or InvalidOperationException)
        {
            throw new MalformedDataException($"The secret key material of algorithm {(int)a} is malformed.", x);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ecc);
            CryptographicOperations.ZeroMemory(pq);
        }
    }

    /// <summary>Whether <paramref name="secret"/> is the secret half of <paramref name="publicKey"/>: both halves of a
    /// composite key are derived again from the secret and compared with the stored public key.</summary>
    public static bool Matches(AsymmetricKeyParameter publicKey, AsymmetricKeyParameter secret) => (publicKey, secret) switch
    {
        (CompositeKemPublicKey p, CompositeKemPrivateKey s) => p.Algorithm == s.Algorithm
            && Same(p.Ecdh, s.EcdhPublic) && Same(p.MlKem.GetEncoded(), s.MlKem.GetPublicKeyEncoded()),
        (CompositeSignaturePublicKey p, CompositeSignaturePrivateKey s) => p.Algorithm == s.Algorithm
            && Same(EdPublic(p.EdDsa), EdPublic(s.EdDsa)) && Same(p.MlDsa.GetEncoded(), s.MlDsa.GetPublicKeyEncoded()),
        (SlhDsaPublicKeyParameters p, SlhDsaPrivateKeyParameters s) => p.Parameters == s.Parameters && Same(p.GetEncoded(), s.GetPublicKeyEncoded()),
        _ => false,
    };

    private static byte[] EdPublic(AsymmetricKeyParameter k) => k switch
    {
        Ed25519PublicKeyParameters p => p.GetEncoded(),
        Ed448PublicKeyParameters p => p.GetEncoded(),
        Ed25519PrivateKeyParameters s => s.GeneratePublicKey().GetEncoded(),
        Ed448PrivateKeyParameters s => s.GeneratePublicKey().GetEncoded(),
        _ => Array.Empty<byte>(),
    };

    private static bool Same(byte[] a, byte[] b) => a.Length == b.Length && CryptographicOperations.FixedTimeEquals(a, b);

    /// <summary>A fresh key of a composite algorithm, both halves generated independently (RFC 9980 sections 4.2.2 and
    /// 5.2.1); or of an SLH-DSA parameter set. Returns the public material, the secret material and the secret key.</summary>
    public static (byte[] Public, byte[] Secret, AsymmetricKeyParameter Private) Generate(PublicKeyAlgorithmId a)
    {
        var random = Randomness.Secure;
        byte[] eccPublic, eccSecret, pqPublic, pqSecret;
        AsymmetricKeyParameter priv;
        if (PqAlgorithms.IsCompositeKem(a))
        {
            AsymmetricKeyParameter x;
            if (a == PublicKeyAlgorithmId.MlKem1024X448)
            {
                var k = new X448PrivateKeyParameters(random);
                (x, eccPublic, eccSecret) = (k, k.GeneratePublicKey().GetEncoded(), k.GetEncoded());
            }
            else
            {
                var k = new X25519PrivateKeyParameters(random);
                (x, eccPublic, eccSecret) = (k, k.GeneratePublicKey().GetEncoded(), k.GetEncoded());
            }
            var g = new MLKemKeyPairGenerator();
            g.Init(new MLKemKeyGenerationParameters(random, PqAlgorithms.MlKem(a)));
            var mlKem = (MLKemPrivateKeyParameters)g.GenerateKeyPair().Private;
            pqPublic = mlKem.GetPublicKeyEncoded();
            pqSecret = mlKem.GetSeed();
            priv = new CompositeKemPrivateKey(a, x, eccPublic, mlKem);
        }
        else if (PqAlgorithms.IsCompositeSignature(a))
        {
            AsymmetricKeyParameter ed;
            if (a == PublicKeyAlgorithmId.MlDsa87Ed448)
            {
                var k = new Ed448PrivateKeyParameters(random);
                (ed, eccPublic, eccSecret) = (k, k.GeneratePublicKey().GetEncoded(), k.GetEncoded());
            }
            else
            {
                var k = new Ed25519PrivateKeyParameters(random);
                (ed, eccPublic, eccSecret) = (k, k.GeneratePublicKey().GetEncoded(), k.GetEncoded());
            }
            var g = new MLDsaKeyPairGenerator();
            g.Init(new MLDsaKeyGenerationParameters(random, PqAlgorithms.MlDsa(a)));
            var mlDsa = (MLDsaPrivateKeyParameters)g.GenerateKeyPair().Private;
            pqPublic = mlDsa.GetPublicKeyEncoded();
            pqSecret = mlDsa.GetSeed();
            priv = new CompositeSignaturePrivateKey(a, ed, mlDsa);
        }
        else
        {
            var g = new SlhDsaKeyPairGenerator();
            g.Init(new SlhDsaKeyGenerationParameters(random, PqAlgorithms.SlhDsa(a)));
            var slh = (SlhDsaPrivateKeyParameters)g.GenerateKeyPair().Private;
            (eccPublic, eccSecret, pqPublic, pqSecret, priv) = (Array.Empty<byte>(), Array.Empty<byte>(), slh.GetPublicKeyEncoded(), slh.GetEncoded(), slh);
        }
        var secret = eccSecret.Concat(pqSecret).ToArray();
        CryptographicOperations.ZeroMemory(eccSecret);
        CryptographicOperations.ZeroMemory(pqSecret);
        return (eccPublic.Concat(pqPublic).ToArray(), secret, priv);
    }
}
