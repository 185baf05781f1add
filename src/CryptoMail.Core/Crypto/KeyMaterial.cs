using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;

namespace CryptoMail.Core.Crypto;

/// <summary>A public key ready for the public-key operations, built from a key packet's algorithm and material. The
/// layers above hold it without seeing what is inside.</summary>
internal sealed class AsymmetricPublicKey
{
    internal AsymmetricPublicKey(AsymmetricKeyParameter key) => Key = key;

    internal AsymmetricKeyParameter Key { get; }
}

/// <summary>An unlocked secret key ready for signing and session-key decryption. BouncyCastle's parameter objects
/// hold it, whose big integers and arrays cannot be zeroed from here (see <c>KeyUnlocks</c>).</summary>
internal sealed class AsymmetricPrivateKey
{
    internal AsymmetricPrivateKey(AsymmetricKeyParameter key) => Key = key;

    internal AsymmetricKeyParameter Key { get; }
}

/// <summary>The algorithm-specific key material of RFC 9580 section 5.5.5 (public) and 5.5.3 (secret), turned into
/// keys for the operations, and fresh key pairs encoded the same way.</summary>
internal static class KeyMaterial
{
    /// <summary>The public key of <paramref name="algorithm"/> from its material (for ECDSA, EdDSA legacy and ECDH:
    /// from the curve OID on, which <c>KeyPacket.Parse</c> has checked).</summary>
    /// <exception cref="UnsupportedPacketException">An algorithm or curve we do not implement.</exception>
    /// <exception cref="MalformedDataException">A Curve25519 point without its 0x40 prefix.</exception>
    public static AsymmetricPublicKey Public(PublicKeyAlgorithmId algorithm, ReadOnlySpan<byte> material) =>
        new(PublicParameters(algorithm, material));

    private static AsymmetricKeyParameter PublicParameters(PublicKeyAlgorithmId algorithm, ReadOnlySpan<byte> material)
    {
        var m = material;
        switch (algorithm)
        {
            case PublicKeyAlgorithmId.RsaGeneral or PublicKeyAlgorithmId.RsaEncrypt or PublicKeyAlgorithmId.RsaSign:
            {
                var n = Mpi.Read(ref m);
                var e = Mpi.Read(ref m);
                return new RsaKeyParameters(false, new BigInteger(1, n), new BigInteger(1, e));
            }
            case PublicKeyAlgorithmId.Dsa:
            {
                var p = new BigInteger(1, Mpi.Read(ref m));
                var q = new BigInteger(1, Mpi.Read(ref m));
                var g = new BigInteger(1, Mpi.Read(ref m));
                var y = new BigInteger(1, Mpi.Read(ref m));
                return new DsaPublicKeyParameters(y, new DsaParameters(p, q, g));
            }
            case PublicKeyAlgorithmId.ElGamalEncrypt or PublicKeyAlgorithmId.ElGamalGeneral:
            {
                var p = new BigInteger(1, Mpi.Read(ref m));
                var g = new BigInteger(1, Mpi.Read(ref m));
                var y = new BigInteger(1, Mpi.Read(ref m));
                return new ElGamalPublicKeyParameters(y, new ElGamalParameters(p, g));
            }
            case PublicKeyAlgorithmId.Ed25519: return new Ed25519PublicKeyParameters(m[..32]);
            case PublicKeyAlgorithmId.Ed448: return new Ed448PublicKeyParameters(m[..57]);
            case PublicKeyAlgorithmId.X25519: return new X25519PublicKeyParameters(m[..32]);
            case PublicKeyAlgorithmId.X448: return new X448PublicKeyParameters(m[..56]);
            case PublicKeyAlgorithmId.EdDsaLegacy:
            {
                var oid = Oid(ref m);
                var point = Mpi.Read(ref m);
                if (!oid.SequenceEqual(EllipticCurves.Ed25519LegacyOid) || point.Length != 33 || point[0] != 0x40)
                    throw new UnsupportedPacketException("Only Ed25519 is supported for legacy EdDSA keys.");
                return new Ed25519PublicKeyParameters(point[1..]);
            }
            case PublicKeyAlgorithmId.Ecdh or PublicKeyAlgorithmId.Ecdsa:
            {
                var oid = Oid(ref m).ToArray();
                var point = Mpi.Read(ref m);
                if (algorithm == PublicKeyAlgorithmId.Ecdh && EllipticCurves.IsOid(oid, EllipticCurves.Cv25519Oid))
                {
                    if (point.Length != 33 || point[0] != 0x40) throw new MalformedDataException("The Curve25519 point is malformed.");
                    return new X25519PublicKeyParameters(point[1..]);
                }
                var curve = EllipticCurves.Named(oid);
                return new ECPublicKeyParameters(curve.Curve.DecodePoint(point.ToArray()), curve);
            }
            case var pq when PqAlgorithms.IsPostQuantum(pq):
                return PqKeys.Public(algorithm, m);
            default:
                throw new UnsupportedPacketException($"Public-key algorithm {(int)algorithm} is not supported.");
        }
    }

    /// <summary>The curve OID at the start of EC key material (length octet, then the DER body), as the key packet
    /// parser has already checked it.</summary>
    private static ReadOnlySpan<byte> Oid(ref ReadOnlySpan<byte> m)
    {
        if (m.Length < 1 || m.Length < 1 + m[0]) throw new MalformedDataException("The curve OID is malformed.");
        var oid = m.Slice(1, m[0]);
        m = m[(1 + m[0])..];
        return oid;
    }

    /// <summary>Whether <see cref="Private"/> reads secret material of <paramref name="algorithm"/>.</summary>
    public static bool HasPrivate(PublicKeyAlgorithmId algorithm) => algorithm is PublicKeyAlgorithmId.RsaGeneral
        or PublicKeyAlgorithmId.RsaEncrypt or PublicKeyAlgorithmId.RsaSign or PublicKeyAlgorithmId.Dsa or PublicKeyAlgorithmId.Ecdsa
        or PublicKeyAlgorithmId.Ecdh or PublicKeyAlgorithmId.EdDsaLegacy or PublicKeyAlgorithmId.X25519 or PublicKeyAlgorithmId.X448
        or PublicKeyAlgorithmId.Ed25519 or PublicKeyAlgorithmId.Ed448
        or PublicKeyAlgorithmId.ElGamalEncrypt or PublicKeyAlgorithmId.ElGamalGeneral || PqAlgorithms.IsPostQuantum(algorithm);

    /// <summary>The secret key from the plain secret material (RFC 9580 section 5.5.5) of an algorithm that
    /// <see cref="HasPrivate"/> accepts; null when RSA factors do not multiply to the public modulus (the CRT values
    /// are computed from them, which needs that: the material does not belong to the key).</summary>
    /// <exception cref="MalformedDataException">Truncated or malformed material.</exception>
    public static AsymmetricPrivateKey? Private(PublicKeyAlgorithmId algorithm, AsymmetricPublicKey publicKey, ReadOnlySpan<byte> material)
    {
        var m = material;
        var pub = publicKey.Key;
        switch (algorithm)
        {
            case PublicKeyAlgorithmId.RsaGeneral or PublicKeyAlgorithmId.RsaEncrypt or PublicKeyAlgorithmId.RsaSign:
            {
                var rsa = (RsaKeyParameters)pub;
                var d = Big(ref m);
                var p = Big(ref m);
                var q = Big(ref m);
                if (!KeyConsistency.RsaFactorsMatch(rsa.Modulus, p, q)) return null;
                var one = BigInteger.One;
                return new(new RsaPrivateCrtKeyParameters(rsa.Modulus, rsa.Exponent, d, p, q,
                    d.Remainder(p.Subtract(one)), d.Remainder(q.Subtract(one)), q.ModInverse(p)));
            }
            case PublicKeyAlgorithmId.Dsa:
                return new(new DsaPrivateKeyParameters(Big(ref m), ((DsaPublicKeyParameters)pub).Parameters));
            case PublicKeyAlgorithmId.ElGamalEncrypt or PublicKeyAlgorithmId.ElGamalGeneral:
                return new(new ElGamalPrivateKeyParameters(Big(ref m), ((ElGamalPublicKeyParameters)pub).Parameters));
            case PublicKeyAlgorithmId.Ecdsa:
                return new(new ECPrivateKeyParameters(Big(ref m), ((ECPublicKeyParameters)pub).Parameters));
            case PublicKeyAlgorithmId.Ecdh:
                if (pub is X25519PublicKeyParameters)
                {
                    // Stored as a big-endian MPI of the little-endian native key.
                    var native = Padded(Mpi.Read(ref m), 32);
                    Array.Reverse(native);
                    var x = new X25519PrivateKeyParameters(native);
                    CryptographicOperations.ZeroMemory(native);
                    return new(x);
                }
                return new(new ECPrivateKeyParameters(Big(ref m), ((ECPublicKeyParameters)pub).Parameters));
            case PublicKeyAlgorithmId.EdDsaLegacy:
            {
                var seed = Padded(Mpi.Read(ref m), 32);
                var k = new Ed25519PrivateKeyParameters(seed);
                CryptographicOperations.ZeroMemory(seed);
                return new(k);
            }
            case PublicKeyAlgorithmId.X25519: return new(new X25519PrivateKeyParameters(Exact(m, 32)));
            case PublicKeyAlgorithmId.X448: return new(new X448PrivateKeyParameters(Exact(m, 56)));
            case PublicKeyAlgorithmId.Ed25519: return new(new Ed25519PrivateKeyParameters(Exact(m, 32)));
            case PublicKeyAlgorithmId.Ed448: return new(new Ed448PrivateKeyParameters(Exact(m, 57)));
            case var pq when PqAlgorithms.IsPostQuantum(pq):
                return PqKeys.Private(algorithm, pub, m) is { } secret ? new(secret) : null;
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Check HasPrivate first.");
        }
    }

    private static ReadOnlySpan<byte> Exact(ReadOnlySpan<byte> m, int n) =>
        m.Length >= n ? m[..n] : throw new MalformedDataException("The secret key material is truncated.");

    private static BigInteger Big(ref ReadOnlySpan<byte> m)
    {
        var v = Mpi.Read(ref m);
        if (v.IsEmpty) throw new MalformedDataException("The secret key material is truncated.");
        return new BigInteger(1, v);
    }

    private static byte[] Padded(ReadOnlySpan<byte> v, int n)
    {
        if (v.IsEmpty || v.Length > n) throw new MalformedDataException("The secret key material is malformed.");
        var r = new byte[n];
        v.CopyTo(r.AsSpan(n - v.Length));
        return r;
    }

    /// <summary>A fresh key pair: the public key material and the secret key material as a key packet holds them, and
    /// the secret key for the self-signatures.</summary>
    internal sealed record Generated(byte[] Public, byte[] Secret, AsymmetricPrivateKey Private);

    /// <summary>A fresh X25519, X448, Ed25519 or Ed448 key (algorithms 25 to 28): native octet strings.</summary>
    public static Generated Native(PublicKeyAlgorithmId algorithm)
    {
        var random = Randomness.Secure;
        switch (algorithm)
        {
            case PublicKeyAlgorithmId.Ed25519:
            {
                var k = new Ed25519PrivateKeyParameters(random);
                return new Generated(k.GeneratePublicKey().GetEncoded(), k.GetEncoded(), new(k));
            }
            case PublicKeyAlgorithmId.X25519:
            {
                var k = new X25519PrivateKeyParameters(random);
                return new Generated(k.GeneratePublicKey().GetEncoded(), k.GetEncoded(), new(k));
            }
            case PublicKeyAlgorithmId.Ed448:
            {
                var k = new Ed448PrivateKeyParameters(random);
                return new Generated(k.GeneratePublicKey().GetEncoded(), k.GetEncoded(), new(k));
            }
            case PublicKeyAlgorithmId.X448:
            {
                var k = new X448PrivateKeyParameters(random);
                return new Generated(k.GeneratePublicKey().GetEncoded(), k.GetEncoded(), new(k));
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(algorithm));
        }
    }

    /// <summary>A fresh key of an RFC 9980 algorithm (composite ML-KEM, composite ML-DSA, SLH-DSA): fixed-length octet
    /// strings, the elliptic-curve half first.</summary>
    public static Generated PostQuantum(PublicKeyAlgorithmId algorithm)
    {
        var (pub, secret, priv) = PqKeys.Generate(algorithm);
        return new Generated(pub, secret, new(priv));
    }

    /// <summary>A fresh v4 legacy EdDSA key (algorithm 22) over Ed25519: OID, then the point as an MPI with the 0x40
    /// prefix; the secret is the seed as an MPI.</summary>
    public static Generated Ed25519Legacy()
    {
        var k = new Ed25519PrivateKeyParameters(Randomness.Secure);
        using var pub = new MemoryStream();
        WriteOid(pub, EllipticCurves.Ed25519LegacyOid);
        Mpi.Write(pub, Prefixed(k.GeneratePublicKey().GetEncoded()));
        using var sec = new MemoryStream();
        Mpi.Write(sec, k.GetEncoded());
        return new Generated(pub.ToArray(), sec.ToArray(), new(k));
    }

    /// <summary>A fresh v4 ECDH key (algorithm 18) over Curve25519 with the given KDF parameters; the secret is stored
    /// as the big-endian MPI of the little-endian native key.</summary>
    public static Generated Cv25519Legacy(HashAlgorithmId kdfHash, SymmetricAlgorithmId kdfCipher)
    {
        var k = new X25519PrivateKeyParameters(Randomness.Secure);
        using var pub = new MemoryStream();
        WriteOid(pub, EllipticCurves.Cv25519Oid);
        Mpi.Write(pub, Prefixed(k.GeneratePublicKey().GetEncoded()));
        pub.Write(new byte[] { 3, 1, (byte)kdfHash, (byte)kdfCipher });
        var native = k.GetEncoded();
        Array.Reverse(native);
        using var sec = new MemoryStream();
        Mpi.Write(sec, native);
        CryptographicOperations.ZeroMemory(native);
        return new Generated(pub.ToArray(), sec.ToArray(), new(k));
    }

    /// <summary>A fresh RSA key of <paramref name="bits"/> bits with exponent 65537: n and e, then d, p, q and u with
    /// p &lt; q and u = p^-1 mod q, as OpenPGP stores them.</summary>
    public static Generated Rsa(int bits)
    {
        var g = new RsaKeyPairGenerator();
        g.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), Randomness.Secure, bits, 100));
        var pair = g.GenerateKeyPair();
        var priv = (RsaPrivateCrtKeyParameters)pair.Private;
        var (p, q) = priv.P.CompareTo(priv.Q) < 0 ? (priv.P, priv.Q) : (priv.Q, priv.P);
        using var pub = new MemoryStream();
        Mpi.Write(pub, priv.Modulus.ToByteArrayUnsigned());
        Mpi.Write(pub, priv.PublicExponent.ToByteArrayUnsigned());
        using var sec = new MemoryStream();
        Mpi.Write(sec, priv.Exponent.ToByteArrayUnsigned());
        Mpi.Write(sec, p.ToByteArrayUnsigned());
        Mpi.Write(sec, q.ToByteArrayUnsigned());
        Mpi.Write(sec, p.ModInverse(q).ToByteArrayUnsigned());
        return new Generated(pub.ToArray(), sec.ToArray(), new(priv));
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
