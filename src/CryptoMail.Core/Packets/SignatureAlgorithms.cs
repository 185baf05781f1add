using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;

namespace CryptoMail.Core.Packets;

/// <summary>The public-key step of a signature over a finished digest (RFC 9580 section 5.2.3): RSA PKCS#1 v1.5,
/// DSA, ECDSA, EdDSA legacy (Ed25519 as two MPIs), Ed25519 and Ed448 (native octet strings). Hashing is done by the
/// caller with the platform's hash functions.</summary>
internal static class SignatureAlgorithms
{
    /// <summary>DER DigestInfo prefixes for PKCS#1 v1.5 (RFC 8017 section 9.2).</summary>
    private static byte[] DigestInfoPrefix(HashAlgorithmTag hash) => hash switch
    {
        HashAlgorithmTag.Sha1 => Convert.FromHexString("3021300906052B0E03021A05000414"),
        HashAlgorithmTag.Sha256 => Convert.FromHexString("3031300D060960864801650304020105000420"),
        HashAlgorithmTag.Sha384 => Convert.FromHexString("3041300D060960864801650304020205000430"),
        HashAlgorithmTag.Sha512 => Convert.FromHexString("3051300D060960864801650304020305000440"),
        HashAlgorithmTag.Sha3_256 => Convert.FromHexString("3031300D060960864801650304020805000420"),
        HashAlgorithmTag.Sha3_512 => Convert.FromHexString("3051300D060960864801650304020A05000440"),
        _ => throw new UnsupportedPacketException($"Hash algorithm {(int)hash} is not supported with RSA."),
    };

    public static bool Verify(KeyPacket key, HashAlgorithmTag hash, byte[] digest, ReadOnlySpan<byte> material)
    {
        var pub = key.Parameters;
        switch (key.Algorithm)
        {
            case PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign:
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
            case PublicKeyAlgorithmTag.Dsa or PublicKeyAlgorithmTag.ECDsa:
            {
                var r = new BigInteger(1, Mpi.Read(ref material));
                var s = new BigInteger(1, Mpi.Read(ref material));
                IDsa dsa = key.Algorithm == PublicKeyAlgorithmTag.Dsa ? new DsaSigner() : new ECDsaSigner();
                dsa.Init(false, pub);
                return dsa.VerifySignature(digest, r, s);
            }
            case PublicKeyAlgorithmTag.EdDsa_Legacy:
            {
                var r = Mpi.Read(ref material);
                var s = Mpi.Read(ref material);
                if (r.Length > 32 || s.Length > 32) return false;
                var sig = new byte[64];
                r.CopyTo(sig.AsSpan(32 - r.Length));
                s.CopyTo(sig.AsSpan(64 - s.Length));
                return VerifyEdDsa(new Ed25519Signer(), pub, digest, sig);
            }
            case PublicKeyAlgorithmTag.Ed25519:
                // RFC 9580 section 5.2.3.4: the hash must be at least 256 bits.
                return material.Length == 64 && digest.Length >= 32 && VerifyEdDsa(new Ed25519Signer(), pub, digest, material.ToArray());
            case PublicKeyAlgorithmTag.Ed448:
                return material.Length == 114 && digest.Length >= 64 && VerifyEdDsa(new Ed448Signer(Array.Empty<byte>()), pub, digest, material.ToArray());
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

    public static byte[] Sign(KeyPacket key, AsymmetricKeyParameter priv, HashAlgorithmTag hash, byte[] digest)
    {
        using var ms = new MemoryStream();
        switch (key.Algorithm)
        {
            case PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign:
            {
                var info = DigestInfoPrefix(hash).Concat(digest).ToArray();
                var rsa = new Pkcs1Encoding(new RsaBlindedEngine());
                rsa.Init(true, new ParametersWithRandom(priv, Randomness.Secure));
                Mpi.Write(ms, rsa.ProcessBlock(info, 0, info.Length));
                break;
            }
            case PublicKeyAlgorithmTag.Dsa or PublicKeyAlgorithmTag.ECDsa:
            {
                IDsa dsa = key.Algorithm == PublicKeyAlgorithmTag.Dsa
                    ? new DsaSigner(new HMacDsaKCalculator(new Org.BouncyCastle.Crypto.Digests.Sha256Digest()))
                    : new ECDsaSigner(new HMacDsaKCalculator(new Org.BouncyCastle.Crypto.Digests.Sha256Digest()));
                dsa.Init(true, priv);
                var rs = dsa.GenerateSignature(digest);
                Mpi.Write(ms, rs[0].ToByteArrayUnsigned());
                Mpi.Write(ms, rs[1].ToByteArrayUnsigned());
                break;
            }
            case PublicKeyAlgorithmTag.EdDsa_Legacy:
            {
                var sig = SignEdDsa(new Ed25519Signer(), priv, digest);
                Mpi.Write(ms, sig.AsSpan(0, 32));
                Mpi.Write(ms, sig.AsSpan(32, 32));
                break;
            }
            case PublicKeyAlgorithmTag.Ed25519:
                ms.Write(SignEdDsa(new Ed25519Signer(), priv, digest));
                break;
            case PublicKeyAlgorithmTag.Ed448:
                ms.Write(SignEdDsa(new Ed448Signer(Array.Empty<byte>()), priv, digest));
                break;
            default:
                throw new KeyNotUsableException($"Signing with {key.AlgorithmName} keys is not supported.");
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
