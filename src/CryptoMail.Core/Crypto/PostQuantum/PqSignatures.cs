using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace CryptoMail.Core.Crypto.PostQuantum;

/// <summary>Signatures of RFC 9980 over a finished digest (the data digest of RFC 9580 section 5.2.4): the composite
/// ML-DSA-65+Ed25519 and ML-DSA-87+Ed448 (section 5.2: the EdDSA signature, then the ML-DSA signature, both pure with
/// an empty context, both must verify), and SLH-DSA-SHAKE (section 6, pure, empty context). All need a digest of at
/// least 256 bits.</summary>
internal static class PqSignatures
{
    /// <summary>Whether <paramref name="material"/> is a valid signature of <paramref name="algorithm"/> by
    /// <paramref name="key"/> over <paramref name="digest"/>: false for fields of the wrong length, a digest under 256
    /// bits, or either half of a composite signature failing.</summary>
    public static bool Verify(PublicKeyAlgorithmId algorithm, AsymmetricKeyParameter key, byte[] digest, ReadOnlySpan<byte> material)
    {
        if (digest.Length < 32 || material.Length != PqAlgorithms.SignatureLength(algorithm)) return false;
        if (PqAlgorithms.IsCompositeSignature(algorithm))
        {
            if (key is not CompositeSignaturePublicKey pub || pub.Algorithm != algorithm) return false;
            int n = PqAlgorithms.EdDsaSignatureLength(algorithm);
            // Both halves are checked (no short cut), and both must hold.
            bool ed = VerifyWith(EdDsaSigner(algorithm), pub.EdDsa, digest, material[..n]);
            bool ml = VerifyWith(new MLDsaSigner(PqAlgorithms.MlDsa(algorithm), deterministic: false), pub.MlDsa, digest, material[n..]);
            return ed & ml;
        }
        if (PqAlgorithms.IsSlhDsa(algorithm))
        {
            if (key is not SlhDsaPublicKeyParameters slh || slh.Parameters != PqAlgorithms.SlhDsa(algorithm)) return false;
            return VerifyWith(new SlhDsaSigner(slh.Parameters, deterministic: false), slh, digest, material);
        }
        return false;
    }

    /// <summary>The signature fields of <paramref name="algorithm"/> by <paramref name="key"/> over
    /// <paramref name="digest"/> (hedged ML-DSA and SLH-DSA, with fresh randomness).</summary>
    /// <exception cref="UnusableKeyException">A key of another algorithm, or a digest under 256 bits.</exception>
    public static byte[] Sign(PublicKeyAlgorithmId algorithm, AsymmetricKeyParameter key, byte[] digest)
    {
        if (digest.Length < 32) throw new UnusableKeyException("RFC 9980 signatures need a hash of at least 256 bits.");
        if (PqAlgorithms.IsCompositeSignature(algorithm) && key is CompositeSignaturePrivateKey priv && priv.Algorithm == algorithm)
        {
            var ed = SignWith(EdDsaSigner(algorithm), priv.EdDsa, digest, random: false);
            var ml = SignWith(new MLDsaSigner(PqAlgorithms.MlDsa(algorithm), deterministic: false), priv.MlDsa, digest, random: true);
            return ed.Concat(ml).ToArray();
        }
        if (PqAlgorithms.IsSlhDsa(algorithm) && key is SlhDsaPrivateKeyParameters slh && slh.Parameters == PqAlgorithms.SlhDsa(algorithm))
            return SignWith(new SlhDsaSigner(slh.Parameters, deterministic: false), slh, digest, random: true);
        throw new UnusableKeyException($"The key does not sign with algorithm {(int)algorithm}.");
    }

    private static ISigner EdDsaSigner(PublicKeyAlgorithmId algorithm) =>
        algorithm == PublicKeyAlgorithmId.MlDsa87Ed448 ? new Ed448Signer(Array.Empty<byte>()) : new Ed25519Signer();

    private static bool VerifyWith(ISigner signer, AsymmetricKeyParameter key, byte[] digest, ReadOnlySpan<byte> signature)
    {
        signer.Init(false, key);
        signer.BlockUpdate(digest, 0, digest.Length);
        return signer.VerifySignature(signature.ToArray());
    }

    private static byte[] SignWith(ISigner signer, AsymmetricKeyParameter key, byte[] digest, bool random)
    {
        signer.Init(true, random ? new ParametersWithRandom(key, Randomness.Secure) : key);
        signer.BlockUpdate(digest, 0, digest.Length);
        return signer.GenerateSignature();
    }
}
