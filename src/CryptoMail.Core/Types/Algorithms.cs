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
    /// <summary>IDEA: read only, and only under a policy that allows it (<see cref="OpenPgpPolicy.Legacy"/>).</summary>
    Idea = 1,
    /// <summary>Triple DES: read only, and only under a policy that allows it (<see cref="OpenPgpPolicy.Legacy"/>).</summary>
    TripleDes = 2,
    /// <summary>CAST5: read only, and only under a policy that allows it (<see cref="OpenPgpPolicy.Legacy"/>).</summary>
    Cast5 = 3,
    /// <summary>Blowfish: read only, and only under a policy that allows it (<see cref="OpenPgpPolicy.Legacy"/>).</summary>
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

/// <summary>A hash algorithm for signatures.</summary>
public enum HashAlgorithm
{
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
