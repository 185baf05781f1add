using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CryptoMail.Core.Packets;

/// <summary>The public part of a key packet, version 3 (read only, RSA only), 4 or 6 (RFC 9580 section 5.5.2): creation
/// time, algorithm and public key material; with the fingerprint and key ID computed per version (v3: MD5 of the MPI
/// bodies of n and e, and the low 64 bits of n; v4: SHA-1 and its low 64 bits; v6: SHA-256 and its high 64 bits). The public key for the crypto operations is built from the material in Crypto
/// (<see cref="KeyMaterial"/>).</summary>
internal sealed class KeyPacket
{
    private AsymmetricPublicKey? publicKey;

    private KeyPacket(int version, uint created, PublicKeyAlgorithmId algorithm, byte[] body, int materialStart)
    {
        Version = version;
        CreatedSeconds = created;
        Algorithm = algorithm;
        Body = body;
        MaterialStart = materialStart;
        if (version == 3)
        {
            V3ValidityDays = BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(5));
            (Fingerprint, KeyId) = V3Identity(body.AsSpan(materialStart));
            return;
        }
        Fingerprint = ComputeFingerprint(version, body);
        KeyId = version == 6
            ? BinaryPrimitives.ReadInt64BigEndian(Fingerprint.AsSpan(0, 8))
            : BinaryPrimitives.ReadInt64BigEndian(Fingerprint.AsSpan(Fingerprint.Length - 8));
    }

    /// <summary>The v3 fingerprint and key ID (RFC 4880 section 12.2): MD5 over the MPI bodies of n and e (without
    /// their length octets), and the low 64 bits of n. Parse has checked that both MPIs are present and that n has at
    /// least eight octets.</summary>
    private static (byte[] Fingerprint, long KeyId) V3Identity(ReadOnlySpan<byte> material)
    {
        var rest = material;
        var n = Mpi.Read(ref rest);
        var e = Mpi.Read(ref rest);
#pragma warning disable CA5351 // RFC 4880 section 12.2 defines the v3 fingerprint as MD5; it identifies, it does not protect.
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
        md5.AppendData(n);
        md5.AppendData(e);
        return (md5.GetHashAndReset(), BinaryPrimitives.ReadInt64BigEndian(n[^8..]));
    }

    /// <summary>The validity period of a v3 key in days after its creation (0: it does not expire); 0 for v4 and v6
    /// keys, whose expiry is in their self-signatures.</summary>
    public int V3ValidityDays { get; }

    public int Version { get; }
    public uint CreatedSeconds { get; }
    public DateTimeOffset Created => DateTimeOffset.FromUnixTimeSeconds(CreatedSeconds);
    public PublicKeyAlgorithmId Algorithm { get; }
    /// <summary>The public key packet body: version through the end of the public key material.</summary>
    public byte[] Body { get; }
    private int MaterialStart { get; }
    public ReadOnlySpan<byte> Material => Body.AsSpan(MaterialStart);
    public byte[] Fingerprint { get; }
    public long KeyId { get; }
    public EcdhKdf? Kdf { get; private set; }
    /// <summary>The curve OID (DER body, without tag and length) of ECDSA, EdDSA legacy and ECDH keys.</summary>
    public byte[]? CurveOid { get; private set; }

    public bool CanSignAlgorithm => Algorithm is PublicKeyAlgorithmId.RsaGeneral or PublicKeyAlgorithmId.RsaSign or PublicKeyAlgorithmId.Dsa
        or PublicKeyAlgorithmId.Ecdsa or PublicKeyAlgorithmId.EdDsaLegacy or PublicKeyAlgorithmId.Ed25519 or PublicKeyAlgorithmId.Ed448
        || PqAlgorithms.IsCompositeSignature(Algorithm) || PqAlgorithms.IsSlhDsa(Algorithm);

    public bool CanEncryptAlgorithm => Algorithm is PublicKeyAlgorithmId.RsaGeneral or PublicKeyAlgorithmId.RsaEncrypt
        or PublicKeyAlgorithmId.Ecdh or PublicKeyAlgorithmId.X25519 or PublicKeyAlgorithmId.X448
        or PublicKeyAlgorithmId.ElGamalEncrypt or PublicKeyAlgorithmId.ElGamalGeneral
        || PqAlgorithms.IsCompositeKem(Algorithm);

    /// <summary>Whether this key encrypts with a post-quantum (composite ML-KEM) algorithm of RFC 9980.</summary>
    public bool IsPostQuantumEncryption => PqAlgorithms.IsCompositeKem(Algorithm);

    /// <summary>Parses the public part at the start of <paramref name="body"/> (a public or secret key packet
    /// body); <paramref name="end"/> receives the offset just after the public key material.</summary>
    public static KeyPacket Parse(ReadOnlySpan<byte> body, out int end)
    {
        if (body.Length < 6) throw new MalformedDataException("The key packet is too short.");
        int version = body[0];
        if (version is not (3 or 4 or 6)) throw new UnsupportedPacketException($"Key packet version {version} is not supported.");
        uint created = BinaryPrimitives.ReadUInt32BigEndian(body[1..]);
        var algorithm = (PublicKeyAlgorithmId)body[5];
        int pos = 6;
        int declared = -1;
        if (version == 3)
        {
            // RFC 4880 section 5.5.2: a two-octet validity period in days sits before the algorithm; v3 keys are RSA only.
            if (body.Length < 8) throw new MalformedDataException("The v3 key packet is too short.");
            algorithm = (PublicKeyAlgorithmId)body[7];
            if (algorithm is not (PublicKeyAlgorithmId.RsaGeneral or PublicKeyAlgorithmId.RsaEncrypt or PublicKeyAlgorithmId.RsaSign))
                throw new UnsupportedPacketException($"Public-key algorithm {(int)algorithm} is not supported in a v3 key (RSA only).");
            pos = 8;
        }
        if (version == 6)
        {
            if (body.Length < 10) throw new MalformedDataException("The v6 key packet is too short.");
            declared = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(body[6..]));
            pos = 10;
        }
        int materialStart = pos;
        // RFC 9980: ML-KEM-768+X25519 in v4 and v6 keys, its other algorithms in v6 keys only; in a v4 key they are
        // as unknown as any other number.
        if (!PqAlgorithms.AllowedInKeyVersion(algorithm, version))
            throw new UnsupportedPacketException($"Public-key algorithm {(int)algorithm} is defined for v6 keys only (RFC 9980).");
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
        if (version == 3)
        {
            var n = rest[..length];
            if (Mpi.Read(ref n).Length < 8) throw new MalformedDataException("The v3 key's modulus is shorter than its 64-bit key ID.");
        }
        var key = new KeyPacket(version, created, algorithm, body[..end].ToArray(), materialStart);
        key.ParseCurve();
        return key;
    }

    /// <summary>Builds a key packet from parts (for key generation).</summary>
    public static KeyPacket Create(int version, DateTimeOffset created, PublicKeyAlgorithmId algorithm, ReadOnlySpan<byte> material)
    {
        // v3 keys are read, never made (RFC 9580 section 5.5.2.1).
        if (version is not (4 or 6)) throw new ArgumentOutOfRangeException(nameof(version), "Only v4 and v6 keys are generated.");
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
    private static int MaterialLength(PublicKeyAlgorithmId algorithm, ReadOnlySpan<byte> data)
    {
        int start = data.Length;
        var rest = data;
        switch (algorithm)
        {
            case PublicKeyAlgorithmId.RsaGeneral or PublicKeyAlgorithmId.RsaEncrypt or PublicKeyAlgorithmId.RsaSign:
                Mpis(ref rest, 2);
                break;
            case PublicKeyAlgorithmId.Dsa:
                Mpis(ref rest, 4);
                break;
            case PublicKeyAlgorithmId.ElGamalEncrypt or PublicKeyAlgorithmId.ElGamalGeneral:
                Mpis(ref rest, 3);
                break;
            case PublicKeyAlgorithmId.Ecdsa or PublicKeyAlgorithmId.EdDsaLegacy:
                Oid(ref rest);
                Mpis(ref rest, 1);
                break;
            case PublicKeyAlgorithmId.Ecdh:
                Oid(ref rest);
                Mpis(ref rest, 1);
                if (rest.Length < 1 || rest.Length < 1 + rest[0]) throw new MalformedDataException("The ECDH key parameters are truncated.");
                rest = rest[(1 + rest[0])..];
                break;
            case PublicKeyAlgorithmId.X25519: return Fixed(data, 32);
            case PublicKeyAlgorithmId.X448: return Fixed(data, 56);
            case PublicKeyAlgorithmId.Ed25519: return Fixed(data, 32);
            case PublicKeyAlgorithmId.Ed448: return Fixed(data, 57);
            case var pq when PqAlgorithms.IsPostQuantum(pq): return Fixed(data, PqAlgorithms.PublicLength(pq));
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
        if (Algorithm is not (PublicKeyAlgorithmId.Ecdsa or PublicKeyAlgorithmId.EdDsaLegacy or PublicKeyAlgorithmId.Ecdh)) return;
        var rest = Material;
        CurveOid = Oid(ref rest).ToArray();
        if (Algorithm != PublicKeyAlgorithmId.Ecdh) return;
        Mpi.Read(ref rest);
        // length, reserved 1, hash, cipher
        if (rest.Length < 4 || rest[0] < 3 || rest[1] != 1) throw new MalformedDataException("The ECDH KDF parameters are malformed.");
        Kdf = new EcdhKdf(CurveOid, (HashAlgorithmId)rest[2], (SymmetricAlgorithmId)rest[3]);
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
    /// v3 and v4, 0x9B and a four-octet length for v6, then the body.</summary>
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

    /// <summary>The public key for the crypto operations, built on first use.</summary>
    /// <exception cref="UnsupportedPacketException">An algorithm or curve we do not implement.</exception>
    public AsymmetricPublicKey PublicKey => publicKey ??= KeyMaterial.Public(Algorithm, Material);

    /// <summary>The key size in bits, as users know it.</summary>
    public int BitStrength
    {
        get
        {
            try
            {
                return Algorithm switch
                {
                    PublicKeyAlgorithmId.Ed25519 or PublicKeyAlgorithmId.X25519 or PublicKeyAlgorithmId.EdDsaLegacy => 256,
                    PublicKeyAlgorithmId.Ed448 or PublicKeyAlgorithmId.X448 => 448,
                    PublicKeyAlgorithmId.Ecdh when EllipticCurves.IsOid(CurveOid, EllipticCurves.Cv25519Oid) => 256,
                    PublicKeyAlgorithmId.Ecdh or PublicKeyAlgorithmId.Ecdsa => EllipticCurves.FieldSize(CurveOid!),
                    // The modulus (RSA) or the prime p (DSA, ElGamal): the first MPI, counted without leading zero octets.
                    PublicKeyAlgorithmId.RsaGeneral or PublicKeyAlgorithmId.RsaEncrypt or PublicKeyAlgorithmId.RsaSign or PublicKeyAlgorithmId.Dsa
                        or PublicKeyAlgorithmId.ElGamalEncrypt or PublicKeyAlgorithmId.ElGamalGeneral
                        => FirstMpiBits(),
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
        PublicKeyAlgorithmId.RsaGeneral or PublicKeyAlgorithmId.RsaEncrypt or PublicKeyAlgorithmId.RsaSign => KeyAlgorithm.Rsa,
        PublicKeyAlgorithmId.EdDsaLegacy or PublicKeyAlgorithmId.Ed25519 => KeyAlgorithm.Ed25519,
        PublicKeyAlgorithmId.Ed448 => KeyAlgorithm.Ed448,
        PublicKeyAlgorithmId.X25519 => KeyAlgorithm.X25519,
        PublicKeyAlgorithmId.X448 => KeyAlgorithm.X448,
        PublicKeyAlgorithmId.Ecdh => EllipticCurves.IsOid(CurveOid, EllipticCurves.Cv25519Oid) ? KeyAlgorithm.Cv25519 : KeyAlgorithm.Ecdh,
        PublicKeyAlgorithmId.Ecdsa => KeyAlgorithm.Ecdsa,
        PublicKeyAlgorithmId.Dsa => KeyAlgorithm.Dsa,
        PublicKeyAlgorithmId.ElGamalEncrypt or PublicKeyAlgorithmId.ElGamalGeneral => KeyAlgorithm.ElGamal,
        PublicKeyAlgorithmId.MlKem768X25519 => KeyAlgorithm.MlKem768X25519,
        PublicKeyAlgorithmId.MlKem1024X448 => KeyAlgorithm.MlKem1024X448,
        PublicKeyAlgorithmId.MlDsa65Ed25519 => KeyAlgorithm.MlDsa65Ed25519,
        PublicKeyAlgorithmId.MlDsa87Ed448 => KeyAlgorithm.MlDsa87Ed448,
        PublicKeyAlgorithmId.SlhDsaShake128s => KeyAlgorithm.SlhDsaShake128s,
        PublicKeyAlgorithmId.SlhDsaShake128f => KeyAlgorithm.SlhDsaShake128f,
        PublicKeyAlgorithmId.SlhDsaShake256s => KeyAlgorithm.SlhDsaShake256s,
        _ => KeyAlgorithm.Unknown,
    };

    /// <summary>The algorithm's name as users know it: Ed25519, Cv25519, X25519, RSA...</summary>
    public string AlgorithmName => Algorithm switch
    {
        PublicKeyAlgorithmId.RsaGeneral or PublicKeyAlgorithmId.RsaEncrypt or PublicKeyAlgorithmId.RsaSign => "RSA",
        PublicKeyAlgorithmId.EdDsaLegacy or PublicKeyAlgorithmId.Ed25519 => "Ed25519",
        PublicKeyAlgorithmId.Ed448 => "Ed448",
        PublicKeyAlgorithmId.X25519 => "X25519",
        PublicKeyAlgorithmId.X448 => "X448",
        PublicKeyAlgorithmId.Ecdh => EllipticCurves.IsOid(CurveOid, EllipticCurves.Cv25519Oid) ? "Cv25519" : "ECDH",
        PublicKeyAlgorithmId.Ecdsa => "ECDSA",
        PublicKeyAlgorithmId.Dsa => "DSA",
        PublicKeyAlgorithmId.ElGamalEncrypt or PublicKeyAlgorithmId.ElGamalGeneral => "ElGamal",
        PublicKeyAlgorithmId.MlKem768X25519 => "ML-KEM-768+X25519",
        PublicKeyAlgorithmId.MlKem1024X448 => "ML-KEM-1024+X448",
        PublicKeyAlgorithmId.MlDsa65Ed25519 => "ML-DSA-65+Ed25519",
        PublicKeyAlgorithmId.MlDsa87Ed448 => "ML-DSA-87+Ed448",
        PublicKeyAlgorithmId.SlhDsaShake128s => "SLH-DSA-SHAKE-128s",
        PublicKeyAlgorithmId.SlhDsaShake128f => "SLH-DSA-SHAKE-128f",
        PublicKeyAlgorithmId.SlhDsaShake256s => "SLH-DSA-SHAKE-256s",
        _ => "Unknown(" + (int)Algorithm + ")",
    };

    private int FirstMpiBits()
    {
        var m = Material;
        return KeyMaterialLimits.Bits(Mpi.Read(ref m));
    }
}
