using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;

namespace CryptoMail.Core.Packets;

/// <summary>ECDH key derivation parameters of a v4 ECDH key (RFC 9580 section 5.5.5.6): the curve OID and the KDF's
/// hash and key-wrap cipher.</summary>
internal sealed record EcdhKdf(byte[] CurveOid, HashAlgorithmTag Hash, SymmetricKeyAlgorithmTag Cipher);

/// <summary>The public part of a key packet, version 4 or 6 (RFC 9580 section 5.5.2): creation time, algorithm and
/// public key material; with the fingerprint and key ID computed per version (v4: SHA-1 and its low 64 bits; v6:
/// SHA-256 and its high 64 bits). BouncyCastle is used only for the key parameters of the crypto operations.</summary>
internal sealed class KeyPacket
{
    private AsymmetricKeyParameter? parameters;

    private KeyPacket(int version, uint created, PublicKeyAlgorithmTag algorithm, byte[] body, int materialStart)
    {
        Version = version;
        CreatedSeconds = created;
        Algorithm = algorithm;
        Body = body;
        MaterialStart = materialStart;
        Fingerprint = ComputeFingerprint(version, body);
        KeyId = version == 6
            ? BinaryPrimitives.ReadInt64BigEndian(Fingerprint.AsSpan(0, 8))
            : BinaryPrimitives.ReadInt64BigEndian(Fingerprint.AsSpan(Fingerprint.Length - 8));
    }

    public int Version { get; }
    public uint CreatedSeconds { get; }
    public DateTimeOffset Created => DateTimeOffset.FromUnixTimeSeconds(CreatedSeconds);
    public PublicKeyAlgorithmTag Algorithm { get; }
    /// <summary>The public key packet body: version through the end of the public key material.</summary>
    public byte[] Body { get; }
    private int MaterialStart { get; }
    public ReadOnlySpan<byte> Material => Body.AsSpan(MaterialStart);
    public byte[] Fingerprint { get; }
    public long KeyId { get; }
    public EcdhKdf? Kdf { get; private set; }
    /// <summary>The curve OID (DER body, without tag and length) of ECDSA, EdDSA legacy and ECDH keys.</summary>
    public byte[]? CurveOid { get; private set; }

    public bool CanSignAlgorithm => Algorithm is PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign or PublicKeyAlgorithmTag.Dsa
        or PublicKeyAlgorithmTag.ECDsa or PublicKeyAlgorithmTag.EdDsa_Legacy or PublicKeyAlgorithmTag.Ed25519 or PublicKeyAlgorithmTag.Ed448;

    public bool CanEncryptAlgorithm => Algorithm is PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt
        or PublicKeyAlgorithmTag.ECDH or PublicKeyAlgorithmTag.X25519 or PublicKeyAlgorithmTag.X448
        or PublicKeyAlgorithmTag.ElGamalEncrypt or PublicKeyAlgorithmTag.ElGamalGeneral;

    /// <summary>Parses the public part at the start of <paramref name="body"/> (a public or secret key packet
    /// body); <paramref name="end"/> receives the offset just after the public key material.</summary>
    public static KeyPacket Parse(ReadOnlySpan<byte> body, out int end)
    {
        if (body.Length < 6) throw new MalformedDataException("The key packet is too short.");
        int version = body[0];
        if (version is not (4 or 6)) throw new UnsupportedPacketException($"Key packet version {version} is not supported.");
        uint created = BinaryPrimitives.ReadUInt32BigEndian(body[1..]);
        var algorithm = (PublicKeyAlgorithmTag)body[5];
        int pos = 6;
        int declared = -1;
        if (version == 6)
        {
            if (body.Length < 10) throw new MalformedDataException("The v6 key packet is too short.");
            declared = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(body[6..]));
            pos = 10;
        }
        int materialStart = pos;
        var rest = body[pos..];
        int length = MaterialLength(algorithm, rest);
        if (declared >= 0 && declared != length && length >= 0)
            throw new MalformedDataException("The v6 key packet's material length does not match its material.");
        if (length < 0)
        {
            // An algorithm we do not know: only v6 says how long its material is.
            if (declared < 0 || declared > rest.Length) throw new UnsupportedPacketException($"Public-key algorithm {(int)algorithm} is not supported.");
            length = declared;
        }
        end = pos + length;
        KeyMaterialLimits.Check(algorithm, rest[..length]);
        var key = new KeyPacket(version, created, algorithm, body[..end].ToArray(), materialStart);
        key.ParseCurve();
        return key;
    }

    /// <summary>Builds a key packet from parts (for key generation).</summary>
    public static KeyPacket Create(int version, DateTimeOffset created, PublicKeyAlgorithmTag algorithm, ReadOnlySpan<byte> material)
    {
        using var ms = new MemoryStream();
        ms.WriteByte((byte)version);
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(four, (uint)created.ToUnixTimeSeconds());
        ms.Write(four);
        ms.WriteByte((byte)algorithm);
        if (version == 6)
        {
            BinaryPrimitives.WriteUInt32BigEndian(four, (uint)material.Length);
            ms.Write(four);
        }
        ms.Write(material);
        return Parse(ms.ToArray(), out _);
    }

    /// <summary>Octets of the public key material of <paramref name="algorithm"/> at the start of <paramref name="data"/>; -1 when unknown.</summary>
    private static int MaterialLength(PublicKeyAlgorithmTag algorithm, ReadOnlySpan<byte> data)
    {
        int start = data.Length;
        var rest = data;
        switch (algorithm)
        {
            case PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt or PublicKeyAlgorithmTag.RsaSign:
                Mpis(ref rest, 2);
                break;
            case PublicKeyAlgorithmTag.Dsa:
                Mpis(ref rest, 4);
                break;
            case PublicKeyAlgorithmTag.ElGamalEncrypt or PublicKeyAlgorithmTag.ElGamalGeneral:
                Mpis(ref rest, 3);
                break;
            case PublicKeyAlgorithmTag.ECDsa or PublicKeyAlgorithmTag.EdDsa_Legacy:
                Oid(ref rest);
                Mpis(ref rest, 1);
                break;
            case PublicKeyAlgorithmTag.ECDH:
                Oid(ref rest);
                Mpis(ref rest, 1);
                if (rest.Length < 1 || rest.Length < 1 + rest[0]) throw new MalformedDataException("The ECDH key parameters are truncated.");
                rest = rest[(1 + rest[0])..];
                break;
            case PublicKeyAlgorithmTag.X25519: return Fixed(data, 32);
            case PublicKeyAlgorithmTag.X448: return Fixed(data, 56);
            case PublicKeyAlgorithmTag.Ed25519: return Fixed(data, 32);
            case PublicKeyAlgorithmTag.Ed448: return Fixed(data, 57);
            default:
                return -1;
        }
        return start - rest.Length;
    }

    private static int Fixed(ReadOnlySpan<byte> data, int n) =>
        data.Length >= n ? n : throw new MalformedDataException("The key material is truncated.");

    private static void Mpis(ref ReadOnlySpan<byte> rest, int count)
    {
        for (int i = 0; i < count; i++)
            if (Mpi.Read(ref rest).IsEmpty) throw new MalformedDataException("The key material is truncated.");
    }

    private static ReadOnlySpan<byte> Oid(ref ReadOnlySpan<byte> rest)
    {
        if (rest.Length < 1 || rest[0] is 0 or 0xFF || rest.Length < 1 + rest[0]) throw new MalformedDataException("The curve OID is malformed.");
        var oid = rest.Slice(1, rest[0]);
        rest = rest[(1 + rest[0])..];
        return oid;
    }

    private void ParseCurve()
    {
        if (Algorithm is not (PublicKeyAlgorithmTag.ECDsa or PublicKeyAlgorithmTag.EdDsa_Legacy or PublicKeyAlgorithmTag.ECDH)) return;
        var rest = Material;
        CurveOid = Oid(ref rest).ToArray();
        if (Algorithm != PublicKeyAlgorithmTag.ECDH) return;
        Mpi.Read(ref rest);
        // length, reserved 1, hash, cipher
        if (rest.Length < 4 || rest[0] < 3 || rest[1] != 1) throw new MalformedDataException("The ECDH KDF parameters are malformed.");
        Kdf = new EcdhKdf(CurveOid, (HashAlgorithmTag)rest[2], (SymmetricKeyAlgorithmTag)rest[3]);
    }

    public static byte[] ComputeFingerprint(int version, ReadOnlySpan<byte> body)
    {
        if (version == 6)
        {
            using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            AppendFramed(h, 6, body);
            return h.GetHashAndReset();
        }
#pragma warning disable CA5350 // RFC 9580 section 5.5.4.2 defines the v4 fingerprint as SHA-1.
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
#pragma warning restore CA5350
        AppendFramed(sha1, 4, body);
        return sha1.GetHashAndReset();
    }

    /// <summary>Hashes the key as signatures over keys do (RFC 9580 section 5.2.4): 0x99 and a two-octet length for
    /// v4, 0x9B and a four-octet length for v6, then the body.</summary>
    public void HashInto(IncrementalHash h) => AppendFramed(h, Version, Body);

    private static void AppendFramed(IncrementalHash h, int version, ReadOnlySpan<byte> body)
    {
        Span<byte> head = stackalloc byte[5];
        if (version == 6)
        {
            head[0] = 0x9B;
            BinaryPrimitives.WriteUInt32BigEndian(head[1..], (uint)body.Length);
            h.AppendData(head);
        }
        else
        {
            head[0] = 0x99;
            BinaryPrimitives.WriteUInt16BigEndian(head[1..], (ushort)body.Length);
            h.AppendData(head[..3]);
        }
        h.AppendData(body);
    }

    /// <summary>The BouncyCastle public key parameters for the crypto operations.</summary>
    public AsymmetricKeyParameter Parameters => parameters ??= BuildParameters();

    private AsymmetricKeyParameter BuildParameters()
    {
        var m = Material;
        switch (Algorithm)
        {
            case PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt or PublicKeyAlgorithmTag.RsaSign:
            {
                var n = Mpi.Read(ref m);
                var e = Mpi.Read(ref m);
                return new RsaKeyParameters(false, new BigInteger(1, n), new BigInteger(1, e));
            }
            case PublicKeyAlgorithmTag.Dsa:
            {
                var p = new BigInteger(1, Mpi.Read(ref m));
                var q = new BigInteger(1, Mpi.Read(ref m));
                var g = new BigInteger(1, Mpi.Read(ref m));
                var y = new BigInteger(1, Mpi.Read(ref m));
                return new DsaPublicKeyParameters(y, new DsaParameters(p, q, g));
            }
            case PublicKeyAlgorithmTag.Ed25519: return new Ed25519PublicKeyParameters(m[..32]);
            case PublicKeyAlgorithmTag.Ed448: return new Ed448PublicKeyParameters(m[..57]);
            case PublicKeyAlgorithmTag.X25519: return new X25519PublicKeyParameters(m[..32]);
            case PublicKeyAlgorithmTag.X448: return new X448PublicKeyParameters(m[..56]);
            case PublicKeyAlgorithmTag.EdDsa_Legacy:
            {
                Oid(ref m);
                var point = Mpi.Read(ref m);
                if (!IsOid(CurveOid, Ed25519LegacyOid) || point.Length != 33 || point[0] != 0x40)
                    throw new UnsupportedPacketException("Only Ed25519 is supported for legacy EdDSA keys.");
                return new Ed25519PublicKeyParameters(point[1..]);
            }
            case PublicKeyAlgorithmTag.ECDH or PublicKeyAlgorithmTag.ECDsa:
            {
                Oid(ref m);
                var point = Mpi.Read(ref m);
                if (Algorithm == PublicKeyAlgorithmTag.ECDH && IsOid(CurveOid, Cv25519Oid))
                {
                    if (point.Length != 33 || point[0] != 0x40) throw new MalformedDataException("The Curve25519 point is malformed.");
                    return new X25519PublicKeyParameters(point[1..]);
                }
                var curve = NamedCurve(CurveOid!);
                return new ECPublicKeyParameters(curve.Curve.DecodePoint(point.ToArray()), curve);
            }
            default:
                throw new UnsupportedPacketException($"Public-key algorithm {(int)Algorithm} is not supported.");
        }
    }

    public static readonly byte[] Ed25519LegacyOid = Convert.FromHexString("2B06010401DA470F01");
    public static readonly byte[] Cv25519Oid = Convert.FromHexString("2B060104019755010501");

    public static bool IsOid(byte[]? oid, byte[] expected) => oid is not null && oid.AsSpan().SequenceEqual(expected);

    public static ECDomainParameters NamedCurve(byte[] oid)
    {
        var der = new byte[oid.Length + 2];
        der[0] = 6;
        der[1] = (byte)oid.Length;
        oid.CopyTo(der, 2);
        var id = (DerObjectIdentifier)Asn1Object.FromByteArray(der);
        X9ECParameters? x9 = CustomNamedCurves.GetByOid(id) ?? ECNamedCurveTable.GetByOid(id);
        if (x9 is null) throw new UnsupportedPacketException($"Elliptic curve {id.Id} is not supported.");
        return new ECNamedDomainParameters(id, x9);
    }

    /// <summary>The key size in bits, as users know it.</summary>
    public int BitStrength
    {
        get
        {
            try
            {
                return Algorithm switch
                {
                    PublicKeyAlgorithmTag.Ed25519 or PublicKeyAlgorithmTag.X25519 or PublicKeyAlgorithmTag.EdDsa_Legacy => 256,
                    PublicKeyAlgorithmTag.Ed448 or PublicKeyAlgorithmTag.X448 => 448,
                    PublicKeyAlgorithmTag.ECDH when IsOid(CurveOid, Cv25519Oid) => 256,
                    PublicKeyAlgorithmTag.ECDH or PublicKeyAlgorithmTag.ECDsa => NamedCurve(CurveOid!).Curve.FieldSize,
                    PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt or PublicKeyAlgorithmTag.RsaSign
                        => ((RsaKeyParameters)Parameters).Modulus.BitLength,
                    PublicKeyAlgorithmTag.Dsa => ((DsaPublicKeyParameters)Parameters).Parameters.P.BitLength,
                    _ => 0,
                };
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return 0;
            }
        }
    }

    /// <summary>The algorithm as users know it; <see cref="KeyAlgorithm.Unknown"/> for an ID this library does not know.</summary>
    public KeyAlgorithm KeyAlgorithm => Algorithm switch
    {
        PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt or PublicKeyAlgorithmTag.RsaSign => KeyAlgorithm.Rsa,
        PublicKeyAlgorithmTag.EdDsa_Legacy or PublicKeyAlgorithmTag.Ed25519 => KeyAlgorithm.Ed25519,
        PublicKeyAlgorithmTag.Ed448 => KeyAlgorithm.Ed448,
        PublicKeyAlgorithmTag.X25519 => KeyAlgorithm.X25519,
        PublicKeyAlgorithmTag.X448 => KeyAlgorithm.X448,
        PublicKeyAlgorithmTag.ECDH => IsOid(CurveOid, Cv25519Oid) ? KeyAlgorithm.Cv25519 : KeyAlgorithm.Ecdh,
        PublicKeyAlgorithmTag.ECDsa => KeyAlgorithm.Ecdsa,
        PublicKeyAlgorithmTag.Dsa => KeyAlgorithm.Dsa,
        PublicKeyAlgorithmTag.ElGamalEncrypt or PublicKeyAlgorithmTag.ElGamalGeneral => KeyAlgorithm.ElGamal,
        _ => KeyAlgorithm.Unknown,
    };

    /// <summary>The algorithm's name as users know it: Ed25519, Cv25519, X25519, RSA...</summary>
    public string AlgorithmName => Algorithm switch
    {
        PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt or PublicKeyAlgorithmTag.RsaSign => "RSA",
        PublicKeyAlgorithmTag.EdDsa_Legacy or PublicKeyAlgorithmTag.Ed25519 => "Ed25519",
        PublicKeyAlgorithmTag.Ed448 => "Ed448",
        PublicKeyAlgorithmTag.X25519 => "X25519",
        PublicKeyAlgorithmTag.X448 => "X448",
        PublicKeyAlgorithmTag.ECDH => IsOid(CurveOid, Cv25519Oid) ? "Cv25519" : "ECDH",
        PublicKeyAlgorithmTag.ECDsa => "ECDSA",
        PublicKeyAlgorithmTag.Dsa => "DSA",
        PublicKeyAlgorithmTag.ElGamalEncrypt or PublicKeyAlgorithmTag.ElGamalGeneral => "ElGamal",
        _ => "Unknown(" + (int)Algorithm + ")",
    };
}
