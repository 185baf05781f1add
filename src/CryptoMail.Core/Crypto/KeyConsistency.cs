using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC.Multiplier;

namespace CryptoMail.Core.Crypto;

/// <summary>
/// Whether unlocked secret key material belongs to the public key it is stored with. In a v4 secret key packet that is
/// unprotected or protected with S2K usage 254 or 255, nothing binds the public material to the secret one (RFC 9580
/// section 5.5.3), so whoever can edit the stored file can swap the public part; signing or decrypting with the
/// mismatched pair then leaks the secret key (Klíma and Rosa 2002; Bruseghini, Huigens and Paterson, "Victory by KO",
/// 2022). Checked on every unlock, which costs less than the string-to-key that precedes it: a few multiplications for
/// RSA, one exponentiation with a small exponent for DSA, one scalar multiplication for elliptic curves.
/// </summary>
internal static class KeyConsistency
{
    /// <summary>Whether <paramref name="secret"/> is the secret half of <paramref name="key"/>. The packet layer
    /// checks this on every unlock (<c>SecretKeyPacket.Unlock</c>).</summary>
    public static bool Matches(AsymmetricPublicKey key, AsymmetricPrivateKey secret)
    {
        var pub = key.Key;
        switch (secret.Key)
        {
            case RsaPrivateCrtKeyParameters rsa when pub is RsaKeyParameters { IsPrivate: false } rsaPub:
                return RsaMatches(rsaPub.Modulus, rsaPub.Exponent, rsa);
            case DsaPrivateKeyParameters dsa when pub is DsaPublicKeyParameters dsaPub:
            {
                var p = dsaPub.Parameters;
                // 0 < x < q and y = g^x mod p (FIPS 186-4 section 4.1); q is at most 256 bits (KeyMaterialLimits).
                return dsa.X.SignValue > 0 && dsa.X.CompareTo(p.Q) < 0 && p.G.ModPow(dsa.X, p.P).Equals(dsaPub.Y);
            }
            case ElGamalPrivateKeyParameters elg when pub is ElGamalPublicKeyParameters elgPub:
            {
                var p = elgPub.Parameters;
                // 0 < x < p-1 and y = g^x mod p.
                return elg.X.SignValue > 0 && elg.X.CompareTo(p.P.Subtract(BigInteger.One)) < 0 && p.G.ModPow(elg.X, p.P).Equals(elgPub.Y);
            }
            case ECPrivateKeyParameters ec when pub is ECPublicKeyParameters ecPub:
            {
                var n = ec.Parameters.N;
                if (ec.D.SignValue <= 0 || ec.D.CompareTo(n) >= 0) return false;
                var q = new FixedPointCombMultiplier().Multiply(ec.Parameters.G, ec.D).Normalize();
                return q.Equals(ecPub.Q.Normalize());
            }
            case X25519PrivateKeyParameters x when pub is X25519PublicKeyParameters xPub:
                return Same(x.GeneratePublicKey().GetEncoded(), xPub.GetEncoded());
            case X448PrivateKeyParameters x when pub is X448PublicKeyParameters xPub:
                return Same(x.GeneratePublicKey().GetEncoded(), xPub.GetEncoded());
            case Ed25519PrivateKeyParameters ed when pub is Ed25519PublicKeyParameters edPub:
                return Same(ed.GeneratePublicKey().GetEncoded(), edPub.GetEncoded());
            case Ed448PrivateKeyParameters ed when pub is Ed448PublicKeyParameters edPub:
                return Same(ed.GeneratePublicKey().GetEncoded(), edPub.GetEncoded());
            default:
                return PqKeys.Matches(pub, secret.Key);
        }
    }

    /// <summary>n = p·q with coprime p and q above 1 (checked before the CRT values are computed from them, which needs
    /// exactly that).</summary>
    public static bool RsaFactorsMatch(BigInteger n, BigInteger p, BigInteger q)
    {
        var one = BigInteger.One;
        if (p.CompareTo(one) <= 0 || q.CompareTo(one) <= 0 || p.BitLength + q.BitLength > n.BitLength + 1) return false;
        return p.Multiply(q).Equals(n) && p.Gcd(q).Equals(one);
    }

    /// <summary>The factors match and d·e ≡ 1 modulo p−1 and modulo q−1 (that is, modulo lcm(p−1, q−1)).</summary>
    private static bool RsaMatches(BigInteger n, BigInteger e, RsaPrivateCrtKeyParameters secret)
    {
        var one = BigInteger.One;
        BigInteger p = secret.P, q = secret.Q, d = secret.Exponent;
        if (!RsaFactorsMatch(n, p, q) || d.SignValue <= 0 || d.BitLength > n.BitLength) return false;
        var de = d.Multiply(e);
        return de.Mod(p.Subtract(one)).Equals(one) && de.Mod(q.Subtract(one)).Equals(one);
    }

    private static bool Same(byte[] a, byte[] b) => CryptographicOperations.FixedTimeEquals(a, b);
}
