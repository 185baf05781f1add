using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Crypto.PostQuantum;

/// <summary>The post-quantum public-key algorithms of RFC 9980 (Post-Quantum Cryptography in OpenPGP) and the fixed
/// octet lengths of their key, ciphertext and signature encodings (RFC 9980 sections 2.1, 4.1, 5.1 and 6.1). Every
/// field is a fixed-length octet string, so these lengths are the whole of the parsing rules.</summary>
internal static class PqAlgorithms
{
    /// <summary>The composite KEMs ML-KEM-768+X25519 (35) and ML-KEM-1024+X448 (36).</summary>
    public static bool IsCompositeKem(PublicKeyAlgorithmId a) => a is PublicKeyAlgorithmId.MlKem768X25519 or PublicKeyAlgorithmId.MlKem1024X448;

    /// <summary>The composite signatures ML-DSA-65+Ed25519 (30) and ML-DSA-87+Ed448 (31).</summary>
    public static bool IsCompositeSignature(PublicKeyAlgorithmId a) => a is PublicKeyAlgorithmId.MlDsa65Ed25519 or PublicKeyAlgorithmId.MlDsa87Ed448;

    /// <summary>The stand-alone SLH-DSA parameter sets (32, 33, 34).</summary>
    public static bool IsSlhDsa(PublicKeyAlgorithmId a) => a is PublicKeyAlgorithmId.SlhDsaShake128s or PublicKeyAlgorithmId.SlhDsaShake128f
        or PublicKeyAlgorithmId.SlhDsaShake256s;

    /// <summary>Any algorithm of RFC 9980.</summary>
    public static bool IsPostQuantum(PublicKeyAlgorithmId a) => IsCompositeKem(a) || IsCompositeSignature(a) || IsSlhDsa(a);

    /// <summary>Whether a key packet of <paramref name="version"/> may carry <paramref name="a"/>: ML-KEM-768+X25519 in
    /// v4 and v6 keys, every other RFC 9980 algorithm in v6 keys only (sections 4.3.2, 5.3.2 and 6.2.2).</summary>
    public static bool AllowedInKeyVersion(PublicKeyAlgorithmId a, int version) =>
        !IsPostQuantum(a) || version == 6 || (version == 4 && a == PublicKeyAlgorithmId.MlKem768X25519);

    /// <summary>Octets of the elliptic-curve half of a composite key (X25519 32, X448 56, Ed25519 32, Ed448 57): the
    /// public key and the secret key have the same length.</summary>
    public static int EccKeyLength(PublicKeyAlgorithmId a) => a switch
    {
        PublicKeyAlgorithmId.MlKem768X25519 or PublicKeyAlgorithmId.MlDsa65Ed25519 => 32,
        PublicKeyAlgorithmId.MlKem1024X448 => 56,
        PublicKeyAlgorithmId.MlDsa87Ed448 => 57,
        _ => 0,
    };

    /// <summary>Octets of the post-quantum public key: the ML-KEM encapsulation key, the ML-DSA or the SLH-DSA public key.</summary>
    private static int PqPublicLength(PublicKeyAlgorithmId a) => a switch
    {
        PublicKeyAlgorithmId.MlKem768X25519 => 1184,
        PublicKeyAlgorithmId.MlKem1024X448 => 1568,
        PublicKeyAlgorithmId.MlDsa65Ed25519 => 1952,
        PublicKeyAlgorithmId.MlDsa87Ed448 => 2592,
        PublicKeyAlgorithmId.SlhDsaShake128s or PublicKeyAlgorithmId.SlhDsaShake128f => 32,
        PublicKeyAlgorithmId.SlhDsaShake256s => 64,
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    /// <summary>Octets of the post-quantum secret key as OpenPGP stores it: the ML-KEM seed d || z (64), the ML-DSA
    /// seed xi (32), the SLH-DSA secret key (64 or 128).</summary>
    private static int PqSecretLength(PublicKeyAlgorithmId a) => a switch
    {
        PublicKeyAlgorithmId.MlKem768X25519 or PublicKeyAlgorithmId.MlKem1024X448 => 64,
        PublicKeyAlgorithmId.MlDsa65Ed25519 or PublicKeyAlgorithmId.MlDsa87Ed448 => 32,
        PublicKeyAlgorithmId.SlhDsaShake128s or PublicKeyAlgorithmId.SlhDsaShake128f => 64,
        PublicKeyAlgorithmId.SlhDsaShake256s => 128,
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    /// <summary>Octets of the whole public key material (elliptic-curve key first, then the post-quantum key).</summary>
    public static int PublicLength(PublicKeyAlgorithmId a) => EccKeyLength(a) + PqPublicLength(a);

    /// <summary>Octets of the whole secret key material (elliptic-curve secret first, then the post-quantum secret).</summary>
    public static int SecretLength(PublicKeyAlgorithmId a) => EccKeyLength(a) + PqSecretLength(a);

    /// <summary>Octets of the ML-KEM ciphertext of a composite KEM.</summary>
    public static int MlKemCiphertextLength(PublicKeyAlgorithmId a) => a == PublicKeyAlgorithmId.MlKem1024X448 ? 1568 : 1088;

    /// <summary>Octets of the elliptic-curve signature of a composite signature (Ed25519 64, Ed448 114).</summary>
    public static int EdDsaSignatureLength(PublicKeyAlgorithmId a) => a == PublicKeyAlgorithmId.MlDsa87Ed448 ? 114 : 64;

    /// <summary>Octets of a whole signature's algorithm-specific fields.</summary>
    public static int SignatureLength(PublicKeyAlgorithmId a) => a switch
    {
        PublicKeyAlgorithmId.MlDsa65Ed25519 => 64 + 3309,
        PublicKeyAlgorithmId.MlDsa87Ed448 => 114 + 4627,
        PublicKeyAlgorithmId.SlhDsaShake128s => 7856,
        PublicKeyAlgorithmId.SlhDsaShake128f => 17088,
        PublicKeyAlgorithmId.SlhDsaShake256s => 29792,
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    public static MLKemParameters MlKem(PublicKeyAlgorithmId a) =>
        a == PublicKeyAlgorithmId.MlKem1024X448 ? MLKemParameters.ml_kem_1024 : MLKemParameters.ml_kem_768;

    public static MLDsaParameters MlDsa(PublicKeyAlgorithmId a) =>
        a == PublicKeyAlgorithmId.MlDsa87Ed448 ? MLDsaParameters.ml_dsa_87 : MLDsaParameters.ml_dsa_65;

    public static SlhDsaParameters SlhDsa(PublicKeyAlgorithmId a) => a switch
    {
        PublicKeyAlgorithmId.SlhDsaShake128s => SlhDsaParameters.slh_dsa_shake_128s,
        PublicKeyAlgorithmId.SlhDsaShake128f => SlhDsaParameters.slh_dsa_shake_128f,
        PublicKeyAlgorithmId.SlhDsaShake256s => SlhDsaParameters.slh_dsa_shake_256s,
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };
}
