using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;

namespace CryptoMail.Core.Crypto;

/// <summary>The public-key step of a signature over a finished digest (RFC 9580 section 5.2.3): RSA PKCS#1 v1.5,
/// DSA, ECDSA, EdDSA legacy (Ed25519 as two MPIs), Ed25519 and Ed448 (native octet strings). Hashing is done by the
/// caller with the platform's hash functions.</summary>
internal static class SignatureAlgorithms
{
    /// <summary>DER DigestInfo prefixes for PKCS#1 v1.5 (RFC 8017 section 9.2).</summary>
    private static byte[] DigestInfoPrefix(HashAlgorithmId hash) => hash switch
    {
        HashAlgorithmId.Sha1 => Convert.FromHexString("3021300906052B0E03021A05000414"),
        HashAlgorithmId.Sha256 => Convert.FromHexString("3031300D060960864801650304020105000420"),
        HashAlgorithmId.Sha384 => Convert.FromHexString("3041300D060960864801650304020205000430"),
        HashAlgorithmId.Sha512 => Convert.FromHexString("3051300D060960864801650304020305000440"),
        HashAlgorithmId.Sha3_256 => Convert.FromHexString("3031300D060960864801650304020805000420"),
        HashAlgorithmId.Sha3_512 => Convert.FromHexString("3051300D060960864801650304020A05000440"),
        _ => throw new UnsupportedPacketException($"Hash algorithm {(int)hash} is not supported with RSA."),
    };

    /// <summary>Whether <paramref name="material"/> (the signature's algorithm-specific fields) is a signature of
    /// <paramref name="algorithm"/> by <paramref name="key"/> over <paramref name="digest"/>.</summary>
    public static bool Verify(PublicKeyAlgorithmId algorithm, AsymmetricPublicKey key, HashAlgorithmId hash, byte[] digest, ReadOnlySpan<byte> material)
    {
        var pub = key.Key;
        switch (algorithm)
        {
            case PublicKeyAlgorithmId.RsaGeneral or PublicKeyAlgorithmId.RsaSign:
            {
                var sig = Mpi.Read(ref material).ToArray();
                var rsa = new Pkcs1Encoding(new RsaBlindedEngine());
                rsa.Init(false, pub);
                byte[] recovered;
                try { recovered = rsa.ProcessBlock(sig, 0, sig.Length); }
                catch (InvalidCipherTextException) { return false; }
                var expected = DigestInfoPrefix(hash).Concat(digest).ToArray();
                return CryptographicOperations.FixedTimeEquals(recovered, expected);
            }
            case PublicKeyAlgorithmId.Dsa or PublicKeyAlgorithmId.Ecdsa:
            {
                var r = new BigInteger(1, Mpi.Read(ref material));
                var s = new BigInteger(1, Mpi.Read(ref material));
                IDsa dsa = algorithm == PublicKeyAlgorithmId.Dsa ? new DsaSigner() : new ECDsaSigner();
                dsa.Init(false, pub);
                return dsa.VerifySignature(digest, r, s);
            }
            case PublicKeyAlgorithmId.EdDsaLegacy:
            {
                var r = Mpi.Read(ref material);
                var s = Mpi.Read(ref material);
                if (r.Length > 32 || s.Length > 32) return false;
                var sig = new byte[64];
                r.CopyTo(sig.AsSpan(32 - r.Length));
                s.CopyTo(sig.AsSpan(64 - s.Length));
                return VerifyEdDsa(new Ed25519Signer(), pub, digest, sig);
            }
            case PublicKeyAlgorithmId.Ed25519:
                // RFC 9580 section 5.2.3.4: the hash must be at least 256 bits.
                return material.Length == 64 && digest.Length >= 32 && VerifyEdDsa(new Ed25519Signer(), pub, digest, material.ToArray());
            case PublicKeyAlgorithmId.Ed448:
                return material.Length == 114 && digest.Length >= 64 && VerifyEdDsa(new Ed448Signer(Array.Empty<byte>()), pub, digest, material.ToArray());
            case var pq when PqAlgorithms.IsPostQuantum(pq):
                return PqSignatures.Verify(algorithm, pub, digest, material);
            default:
                return false;
        }
    }

    private static bool VerifyEdDsa(ISigner signer, AsymmetricKeyParameter pub, byte[] digest, byte[] sig)
    {
        signer.Init(false, pub);
        signer.BlockUpdate(digest, 0, digest.Length);
        return signer.VerifySignature(sig);
    }

    /// <summary>Whether <see cref="Sign"/> makes signatures of <paramref name="algorithm"/>.</summary>
    public static bool CanSign(PublicKeyAlgorithmId algorithm) => algorithm is PublicKeyAlgorithmId.RsaGeneral or PublicKeyAlgorithmId.RsaSign
        or PublicKeyAlgorithmId.Dsa or PublicKeyAlgorithmId.Ecdsa or PublicKeyAlgorithmId.EdDsaLegacy or PublicKeyAlgorithmId.Ed25519
        or PublicKeyAlgorithmId.Ed448 || PqAlgorithms.IsCompositeSignature(algorithm) || PqAlgorithms.IsSlhDsa(algorithm);

    /// <summary>The algorithm-specific fields of a signature of <paramref name="algorithm"/> by <paramref name="key"/>
    /// over <paramref name="digest"/>, for an algorithm <see cref="CanSign"/> accepts.</summary>
    public static byte[] Sign(PublicKeyAlgorithmId algorithm, AsymmetricPrivateKey key, HashAlgorithmId hash, byte[] digest)
    {
        var priv = key.Key;
        using var ms = new MemoryStream();
        switch (algorithm)
        {
            case PublicKeyAlgorithmId.RsaGeneral or PublicKeyAlgorithmId.RsaSign:
            {
                var info = DigestInfoPrefix(hash).Concat(digest).ToArray();
                var rsa = new Pkcs1Encoding(new RsaBlindedEngine());
                rsa.Init(true, new ParametersWithRandom(priv, Randomness.Secure));
                Mpi.Write(ms, rsa.ProcessBlock(info, 0, info.Length));
                break;
            }
            case PublicKeyAlgorithmId.Dsa or PublicKeyAlgorithmId.Ecdsa:
            {
                IDsa dsa = algorithm == PublicKeyAlgorithmId.Dsa
                    ? new DsaSigner(new HMacDsaKCalculator(new Org.BouncyCastle.Crypto.Digests.Sha256Digest()))
                    : new ECDsaSigner(new HMacDsaKCalculator(new Org.BouncyCastle.Crypto.Digests.Sha256Digest()));
                dsa.Init(true, priv);
                var rs = dsa.GenerateSignature(digest);
                Mpi.Write(ms, rs[0].ToByteArrayUnsigned());
                Mpi.Write(ms, rs[1].ToByteArrayUnsigned());
                break;
            }
            case PublicKeyAlgorithmId.EdDsaLegacy:
            {
                var sig = SignEdDsa(new Ed25519Signer(), priv, digest);
                Mpi.Write(ms, sig.AsSpan(0, 32));
                Mpi.Write(ms, sig.AsSpan(32, 32));
                break;
            }
            case PublicKeyAlgorithmId.Ed25519:
                ms.Write(SignEdDsa(new Ed25519Signer(), priv, digest));
                break;
            case PublicKeyAlgorithmId.Ed448:
                ms.Write(SignEdDsa(new Ed448Signer(Array.Empty<byte>()), priv, digest));
                break;
            case var pq when PqAlgorithms.IsCompositeSignature(pq) || PqAlgorithms.IsSlhDsa(pq):
                ms.Write(PqSignatures.Sign(algorithm, priv, digest));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Check CanSign first.");
        }
        return ms.ToArray();
    }

    private static byte[] SignEdDsa(ISigner signer, AsymmetricKeyParameter priv, byte[] digest)
    {
        signer.Init(true, priv);
        signer.BlockUpdate(digest, 0, digest.Length);
        return signer.GenerateSignature();
    }
}
