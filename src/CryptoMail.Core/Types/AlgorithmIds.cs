namespace CryptoMail.Core.Types;

// The algorithm numbers of the wire format (RFC 9580 section 9), as the packets carry them. Internal: the public
// enums in Algorithms.cs name what callers choose; these name every number a packet may hold, so that packets and
// keys speak of algorithms without a cryptographic library's types. A number with no name here is still a valid
// value of its enum (an algorithm we do not implement) and is refused where it would be used.

/// <summary>Public-key algorithm numbers (RFC 9580 section 9.1).</summary>
internal enum PublicKeyAlgorithmId
{
    /// <summary>RSA, encrypt or sign.</summary>
    RsaGeneral = 1,
    /// <summary>RSA, encrypt only (deprecated).</summary>
    RsaEncrypt = 2,
    /// <summary>RSA, sign only (deprecated).</summary>
    RsaSign = 3,
    /// <summary>ElGamal, encrypt only.</summary>
    ElGamalEncrypt = 16,
    Dsa = 17,
    /// <summary>ECDH over a curve named by OID (RFC 9580 section 5.5.5.6).</summary>
    Ecdh = 18,
    /// <summary>ECDSA over a curve named by OID.</summary>
    Ecdsa = 19,
    /// <summary>ElGamal, encrypt or sign (reserved).</summary>
    ElGamalGeneral = 20,
    /// <summary>EdDSA in the legacy MPI encoding (only Ed25519 is defined).</summary>
    EdDsaLegacy = 22,
    X25519 = 25,
    X448 = 26,
    Ed25519 = 27,
    Ed448 = 28,
    /// <summary>ML-DSA-65+Ed25519 composite signatures, v6 keys only (RFC 9980 section 5).</summary>
    MlDsa65Ed25519 = 30,
    /// <summary>ML-DSA-87+Ed448 composite signatures, v6 keys only (RFC 9980 section 5).</summary>
    MlDsa87Ed448 = 31,
    /// <summary>SLH-DSA-SHAKE-128s signatures, v6 keys only (RFC 9980 section 6).</summary>
    SlhDsaShake128s = 32,
    /// <summary>SLH-DSA-SHAKE-128f signatures, v6 keys only (RFC 9980 section 6).</summary>
    SlhDsaShake128f = 33,
    /// <summary>SLH-DSA-SHAKE-256s signatures, v6 keys only (RFC 9980 section 6).</summary>
    SlhDsaShake256s = 34,
    /// <summary>ML-KEM-768+X25519 composite KEM, v4 or v6 keys (RFC 9980 section 4).</summary>
    MlKem768X25519 = 35,
    /// <summary>ML-KEM-1024+X448 composite KEM, v6 keys only (RFC 9980 section 4).</summary>
    MlKem1024X448 = 36,
}

/// <summary>Hash algorithm numbers (RFC 9580 section 9.5).</summary>
internal enum HashAlgorithmId
{
    Md5 = 1,
    Sha1 = 2,
    RipeMd160 = 3,
    Sha256 = 8,
    Sha384 = 9,
    Sha512 = 10,
    Sha224 = 11,
    Sha3_256 = 12,
    Sha3_512 = 14,
}

/// <summary>Symmetric cipher numbers (RFC 9580 section 9.3).</summary>
internal enum SymmetricAlgorithmId
{
    Plaintext = 0,
    Idea = 1,
    TripleDes = 2,
    Cast5 = 3,
    Blowfish = 4,
    Aes128 = 7,
    Aes192 = 8,
    Aes256 = 9,
    Twofish = 10,
    Camellia128 = 11,
    Camellia192 = 12,
    Camellia256 = 13,
}

/// <summary>Compression algorithm numbers (RFC 9580 section 9.4).</summary>
internal enum CompressionAlgorithmId
{
    Uncompressed = 0,
    Zip = 1,
    Zlib = 2,
    BZip2 = 3,
}
