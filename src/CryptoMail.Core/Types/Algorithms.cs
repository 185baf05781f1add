namespace CryptoMail.Core;

/// <summary>The symmetric cipher of an encrypted message.</summary>
public enum SymmetricCipher
{
    /// <summary>AES with a 128-bit key.</summary>
    Aes128 = 7,
    /// <summary>AES with a 192-bit key.</summary>
    Aes192 = 8,
    /// <summary>AES with a 256-bit key (the default).</summary>
    Aes256 = 9,
    /// <summary>IDEA: read only, under integrity protection; reported as <see cref="DecryptionResult.WeakCipher"/>.</summary>
    Idea = 1,
    /// <summary>Triple DES: read only, under integrity protection; reported as <see cref="DecryptionResult.WeakCipher"/>.</summary>
    TripleDes = 2,
    /// <summary>CAST5: read only, under integrity protection; reported as <see cref="DecryptionResult.WeakCipher"/>.</summary>
    Cast5 = 3,
    /// <summary>Blowfish: read only, under integrity protection; reported as <see cref="DecryptionResult.WeakCipher"/>.</summary>
    Blowfish = 4,
    /// <summary>Twofish with a 256-bit key: read only.</summary>
    Twofish = 10,
    /// <summary>Camellia with a 128-bit key: read only.</summary>
    Camellia128 = 11,
    /// <summary>Camellia with a 192-bit key: read only.</summary>
    Camellia192 = 12,
    /// <summary>Camellia with a 256-bit key: read only.</summary>
    Camellia256 = 13,
}

/// <summary>A hash algorithm for signatures, numbered as in RFC 9580 section 9.5. Named so that it does not collide
/// with <see cref="System.Security.Cryptography.HashAlgorithm"/> in a file that imports both namespaces.</summary>
public enum OpenPgpHashAlgorithm
{
    /// <summary>Not known: a verdict on a signature that could not be read reports it.</summary>
    Unknown = 0,
    /// <summary>SHA-256 (the default for data signatures).</summary>
    Sha256 = 8,
    /// <summary>SHA-384.</summary>
    Sha384 = 9,
    /// <summary>SHA-512.</summary>
    Sha512 = 10,
    /// <summary>SHA-224.</summary>
    Sha224 = 11,
    /// <summary>SHA3-256.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1707", Justification = "The algorithm's name, as HashAlgorithmName.SHA3_256 spells it.")]
    Sha3_256 = 12,
    /// <summary>SHA3-512.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1707", Justification = "The algorithm's name, as HashAlgorithmName.SHA3_512 spells it.")]
    Sha3_512 = 14,
    /// <summary>MD5: never accepted by the presets; named so a policy and a verdict can speak of it.</summary>
    Md5 = 1,
    /// <summary>SHA-1: refused for data signatures, accepted for old certifications (see <see cref="OpenPgpPolicy"/>).</summary>
    Sha1 = 2,
    /// <summary>RIPEMD-160: treated as SHA-1 by the presets.</summary>
    RipeMd160 = 3,
}

/// <summary>The encrypted-data packet a message is written with.</summary>
public enum EncryptionFormat
{
    /// <summary>SEIPD v2 (AEAD) when every recipient's certificate announces support for it, otherwise SEIPD v1.
    /// Password-only messages use SEIPD v1, which every implementation reads.</summary>
    Auto,
    /// <summary>SEIPD v1: CFB with a modification detection code (RFC 4880 and RFC 9580 section 5.13.1).</summary>
    SeipdV1,
    /// <summary>SEIPD v2: chunked AEAD (RFC 9580 section 5.13.2).</summary>
    SeipdV2,
}

/// <summary>The AEAD mode of SEIPD v2 messages.</summary>
public enum AeadMode
{
    /// <summary>OCB, the mode every RFC 9580 implementation must support (the default).</summary>
    Ocb = 2,
    /// <summary>GCM.</summary>
    Gcm = 3,
    /// <summary>EAX.</summary>
    Eax = 1,
}

/// <summary>Compression of the plaintext before encryption.</summary>
public enum Compression
{
    /// <summary>No compression (the default: most attachments are compressed already, and compression leaks length).</summary>
    None = 0,
    /// <summary>ZIP (raw DEFLATE).</summary>
    Zip = 1,
    /// <summary>ZLIB.</summary>
    Zlib = 2,
    /// <summary>BZip2.</summary>
    BZip2 = 3,
}

/// <summary>How the literal data packet describes its content.</summary>
public enum LiteralFormat
{
    /// <summary><c>b</c>: bytes, returned unchanged.</summary>
    Binary,
    /// <summary><c>t</c>: text.</summary>
    Text,
    /// <summary><c>u</c>: UTF-8 text.</summary>
    Utf8,
}

/// <summary>How an encrypted message protects its integrity: the encrypted-data packet it was written with.</summary>
public enum IntegrityProtection
{
    /// <summary>The data was not encrypted (a signed or literal message accepted with
    /// <see cref="DecryptOptions.AllowUnencrypted"/>).</summary>
    None = 0,
    /// <summary>SEIPD v1: CFB with a SHA-1 modification detection code (RFC 9580 section 5.13.1).</summary>
    SeipdV1 = 1,
    /// <summary>SEIPD v2: chunked AEAD (RFC 9580 section 5.13.2); the mode is in the result's <c>Aead</c>.</summary>
    SeipdV2 = 2,
    /// <summary>LibrePGP's OCB Encrypted Data packet (tag 20), read for GnuPG compatibility; the mode is in the
    /// result's <c>Aead</c>.</summary>
    OcbEncryptedData = 3,
}

/// <summary>The public-key algorithm of a key, as users name it (the OpenPGP algorithm ID alone cannot tell
/// Curve25519 ECDH from NIST-curve ECDH).</summary>
public enum KeyAlgorithm
{
    /// <summary>An algorithm this library does not know.</summary>
    Unknown = 0,
    /// <summary>RSA (any of the RSA algorithm IDs).</summary>
    Rsa,
    /// <summary>DSA: read only.</summary>
    Dsa,
    /// <summary>ElGamal: read only.</summary>
    ElGamal,
    /// <summary>ECDSA on a NIST or Brainpool curve.</summary>
    Ecdsa,
    /// <summary>ECDH on a NIST or Brainpool curve.</summary>
    Ecdh,
    /// <summary>Ed25519, in its RFC 9580 form or the older EdDSA (legacy) form.</summary>
    Ed25519,
    /// <summary>Ed448.</summary>
    Ed448,
    /// <summary>ECDH on Curve25519 in the older (RFC 4880bis, "Cv25519") form.</summary>
    Cv25519,
    /// <summary>X25519 (RFC 9580).</summary>
    X25519,
    /// <summary>X448 (RFC 9580).</summary>
    X448,
    /// <summary>ML-DSA-65+Ed25519 composite signatures (RFC 9980), v6 keys.</summary>
    MlDsa65Ed25519 = 30,
    /// <summary>ML-DSA-87+Ed448 composite signatures (RFC 9980), v6 keys.</summary>
    MlDsa87Ed448 = 31,
    /// <summary>SLH-DSA-SHAKE-128s signatures (RFC 9980), v6 keys.</summary>
    SlhDsaShake128s = 32,
    /// <summary>SLH-DSA-SHAKE-128f signatures (RFC 9980), v6 keys.</summary>
    SlhDsaShake128f = 33,
    /// <summary>SLH-DSA-SHAKE-256s signatures (RFC 9980), v6 keys.</summary>
    SlhDsaShake256s = 34,
    /// <summary>ML-KEM-768+X25519 composite encryption (RFC 9980), v4 and v6 keys.</summary>
    MlKem768X25519 = 35,
    /// <summary>ML-KEM-1024+X448 composite encryption (RFC 9980), v6 keys.</summary>
    MlKem1024X448 = 36,
}

/// <summary>The type of an OpenPGP signature (RFC 9580 section 5.2.1).</summary>
public enum SignatureType
{
    /// <summary>0x00: over binary data.</summary>
    Binary = 0x00,
    /// <summary>0x01: over canonical text.</summary>
    Text = 0x01,
    /// <summary>0x02: a standalone signature.</summary>
    Standalone = 0x02,
    /// <summary>0x10: a generic certification of a user ID.</summary>
    GenericCertification = 0x10,
    /// <summary>0x11: a persona certification.</summary>
    PersonaCertification = 0x11,
    /// <summary>0x12: a casual certification.</summary>
    CasualCertification = 0x12,
    /// <summary>0x13: a positive certification (what self-signatures on user IDs usually are).</summary>
    PositiveCertification = 0x13,
    /// <summary>0x18: a subkey binding signature.</summary>
    SubkeyBinding = 0x18,
    /// <summary>0x19: a primary key binding signature (the back signature of a signing subkey).</summary>
    PrimaryKeyBinding = 0x19,
    /// <summary>0x1F: a signature directly on a key.</summary>
    DirectKey = 0x1F,
    /// <summary>0x20: a key revocation.</summary>
    KeyRevocation = 0x20,
    /// <summary>0x28: a subkey revocation.</summary>
    SubkeyRevocation = 0x28,
    /// <summary>0x30: a certification revocation.</summary>
    CertificationRevocation = 0x30,
    /// <summary>0x40: a timestamp signature.</summary>
    Timestamp = 0x40,
    /// <summary>0x50: a third-party confirmation.</summary>
    ThirdPartyConfirmation = 0x50,
}
