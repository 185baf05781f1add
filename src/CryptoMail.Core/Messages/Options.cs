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
    /// <summary>IDEA: read only, and only under a policy that allows it (<see cref="Policy.Legacy"/>).</summary>
    Idea = 1,
    /// <summary>Triple DES: read only, and only under a policy that allows it (<see cref="Policy.Legacy"/>).</summary>
    TripleDes = 2,
    /// <summary>CAST5: read only, and only under a policy that allows it (<see cref="Policy.Legacy"/>).</summary>
    Cast5 = 3,
    /// <summary>Blowfish: read only, and only under a policy that allows it (<see cref="Policy.Legacy"/>).</summary>
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
    /// <summary>SHA-1: refused for data signatures, accepted for old certifications (see <see cref="Policy"/>).</summary>
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

/// <summary>Limits applied when reading untrusted messages. Exceeding one gives a <see cref="LimitExceededException"/>.</summary>
public sealed class ReadLimits
{
    /// <summary>The defaults.</summary>
    public static ReadLimits Default { get; } = new();

    /// <summary>The most octets that compressed data may expand to, counting every packet inside it (literal data, and
    /// padding, markers, signatures, nested compressed data alike), in all compression layers together. Default 4 GiB.</summary>
    public long MaxDecompressedBytes { get; init; } = 4L << 30;

    /// <summary>The largest expansion ratio of compressed data (every decompressed octet, as for
    /// <see cref="MaxDecompressedBytes"/>, over the message octets read) once it exceeds 1 MiB. Default 1000.</summary>
    public int MaxCompressionRatio { get; init; } = 1000;

    /// <summary>The deepest nesting of compressed or signed layers. Default 8.</summary>
    public int MaxNestingDepth { get; init; } = 8;

    /// <summary>The most recipient (PKESK/SKESK) packets examined. Default 64.</summary>
    public int MaxRecipients { get; init; } = 64;

    /// <summary>The most memory an Argon2 string-to-key (password-encrypted messages, locked keys) may ask for; a
    /// larger request is refused before any memory is taken. Default 2 GiB: RFC 9580 section 3.7.1.4 points writers
    /// to RFC 9106's first recommended option (2 GiB, the setting of its test vectors) and to 64 MiB where that is too
    /// much, so 2 GiB opens what conforming writers make; lower it on small devices.</summary>
    public long MaxArgon2MemoryBytes { get; init; } = Internal.Packets.S2kSpec.DefaultMaxArgon2MemoryBytes;

    /// <summary>The most password-encrypted session key packets (SKESK) tried with the given passwords in one operation;
    /// each try stretches every password. A message whose first ones do not open and that has more is refused.
    /// Default 8.</summary>
    public int MaxPasswordSkesks { get; init; } = 8;

    /// <summary>The most passphrase-stretching work one operation may do (a PGP/MIME open counts as one), over every
    /// secret key unlocked and every password tried: octets hashed by iterated S2K, plus Argon2 memory times passes.
    /// Default 8 GiB (an RFC 9106 first-option Argon2 derivation is 2 GiB, our own 64 MiB × 3 passes is 192 MiB, the
    /// largest iterated S2K hashes 62 MiB).</summary>
    public long MaxKeyDerivationWork { get; init; } = 8L << 30;

    /// <summary>The most signatures considered in one verification: detached signatures, the signatures of a
    /// cleartext-signed message, or the one-pass and inline signatures of a message. A message with more is refused
    /// with a <see cref="LimitExceededException"/> (rather than some being skipped, which could hide a bad or good
    /// verdict from the caller). Signatures that share a hash algorithm and mode share one hash of the data, so the
    /// cost of each is one public-key operation; v6 signatures are salted and each hashes the data. Default 32.</summary>
    public int MaxSignatures { get; init; } = 32;
}

/// <summary>Options for encrypting (and optionally signing) a message.</summary>
public sealed class EncryptOptions
{
    /// <summary>Recipients' certificates. Every key of each that is valid under <see cref="Policy"/> at <see cref="Time"/>
    /// and flagged for encrypting communications or storage is used (as GnuPG and Sequoia do for mail); a recipient
    /// with none makes the operation fail with a <see cref="KeyNotUsableException"/> that lists every such recipient
    /// and its reasons.</summary>
    public IList<Certificate> Recipients { get; } = new List<Certificate>();

    /// <summary>Passwords that may also decrypt the message (SKESK).</summary>
    public IList<string> Passwords { get; } = new List<string>();

    /// <summary>Keys to sign with, inside the encryption (one-pass signatures).</summary>
    public IList<SecretKey> Signers { get; } = new List<SecretKey>();

    /// <summary>Passphrases tried for protected signer keys.</summary>
    public IList<string> SignerPassphrases { get; } = new List<string>();

    /// <summary>Write ASCII armor (<c>PGP MESSAGE</c>) rather than binary. Default false.</summary>
    public bool Armor { get; init; }

    /// <summary>The cipher. Default AES-256.</summary>
    public SymmetricCipher Cipher { get; init; } = SymmetricCipher.Aes256;

    /// <summary>SEIPD v1 or v2; default <see cref="EncryptionFormat.Auto"/> (v2 only when every recipient supports it).</summary>
    public EncryptionFormat EncryptionFormat { get; init; } = EncryptionFormat.Auto;

    /// <summary>The AEAD mode for SEIPD v2. Default OCB.</summary>
    public AeadMode Aead { get; init; } = AeadMode.Ocb;

    /// <summary>The SEIPD v2 chunk size in bytes: a power of two from 64 bytes to 4 MiB. Default 256 KiB.</summary>
    public int AeadChunkSize { get; init; } = 256 * 1024;

    /// <summary>Padding inside the encryption to hide the exact length (SEIPD v2 only, see <see cref="PaddingPolicy"/>).
    /// Default <see cref="PaddingPolicy.None"/>.</summary>
    public PaddingPolicy Padding { get; init; } = PaddingPolicy.None;

    /// <summary>The hash for signatures. Default SHA-256.</summary>
    public HashAlgorithm SignatureHash { get; init; } = HashAlgorithm.Sha256;

    /// <summary>Signatures over bytes or over canonical text. Default binary.</summary>
    public SignatureMode SignatureMode { get; init; } = SignatureMode.Binary;

    /// <summary>Compression; default none.</summary>
    public Compression Compression { get; init; } = Compression.None;

    /// <summary>The literal data format. Default binary (the bytes come back unchanged).</summary>
    public LiteralFormat Format { get; init; } = LiteralFormat.Binary;

    /// <summary>Report the session key in <see cref="EncryptionResult.SessionKey"/>. Default false.</summary>
    public bool ExportSessionKey { get; init; }

    /// <summary>The file name recorded in the literal data packet; default empty.</summary>
    public string FileName { get; init; } = string.Empty;

    /// <summary>The time at which recipient keys must be alive and signatures are dated; default now.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>The policy for the cipher, the signature hash and which recipient keys are valid; null for <see cref="Policy.Default"/>.</summary>
    public Policy? Policy { get; init; }

    /// <summary>Receives the number of plaintext bytes processed so far.</summary>
    public IProgress<long>? Progress { get; init; }
}

/// <summary>Options for decrypting (and verifying) a message.</summary>
public sealed class DecryptOptions
{
    /// <summary>Secret keys that may decrypt the message.</summary>
    public IList<SecretKey> Keys { get; } = new List<SecretKey>();

    /// <summary>Passphrases tried for protected keys in <see cref="Keys"/>.</summary>
    public IList<string> KeyPassphrases { get; } = new List<string>();

    /// <summary>Passwords for password-encrypted messages (SKESK).</summary>
    public IList<string> Passwords { get; } = new List<string>();

    /// <summary>Session keys to try first (e.g. from an earlier decryption or an escrow).</summary>
    public IList<SessionKey> SessionKeys { get; } = new List<SessionKey>();

    /// <summary>Report the session key in <see cref="DecryptionResult.SessionKey"/>. Default false.</summary>
    public bool ExportSessionKey { get; init; }

    /// <summary>Certificates whose signatures are checked.</summary>
    public IList<Certificate> Verifiers { get; } = new List<Certificate>();

    /// <summary>Require at least one good signature: otherwise throw <see cref="SignatureRequiredException"/> and release nothing.</summary>
    public bool RequireValidSignature { get; init; }

    /// <summary>Signatures made before this time are reported as <see cref="SignatureStatus.OutOfWindow"/>.</summary>
    public DateTimeOffset? SignatureNotBefore { get; init; }

    /// <summary>Signatures made after this time are reported as <see cref="SignatureStatus.OutOfWindow"/>. Default: none.</summary>
    public DateTimeOffset? SignatureNotAfter { get; init; }

    /// <summary>Plaintext of integrity-protected data is held back until its integrity is checked. Up to this many
    /// bytes are held in memory; beyond it they are spooled to a temporary file encrypted under a one-time key.
    /// Default 32 MiB. A SEIPD v1 message read from a seekable stream is not held at all: it is read twice, the
    /// first pass authenticating it and the second releasing only plaintext that matches the first (a stream that
    /// changes in between fails with <see cref="IntegrityException"/>).</summary>
    public long HoldBackMemoryBytes { get; init; } = 32L << 20;

    /// <summary>Write plaintext to the output as it is decrypted, before the integrity check. Unsafe: on failure the
    /// output holds unauthenticated data (the exception still says so). Default false.</summary>
    public bool ReleaseUnverifiedPlaintext { get; init; }

    /// <summary>Also accept input that is not encrypted (a signed or literal message). Default false.</summary>
    public bool AllowUnencrypted { get; init; }

    /// <summary>Limits for untrusted input.</summary>
    public ReadLimits Limits { get; init; } = ReadLimits.Default;

    /// <summary>The policy for the ciphers accepted and the signatures checked; null for <see cref="Policy.Default"/>.</summary>
    public Policy? Policy { get; init; }

    /// <summary>Receives the number of plaintext bytes produced so far.</summary>
    public IProgress<long>? Progress { get; init; }

    /// <summary>The passphrase work shared by the decryptions of one operation (the PGP/MIME engine sets it once per
    /// open, so the parts share unlocked keys and one budget); null: each decryption has its own.</summary>
    internal Internal.KeyUnlocks? Unlocks { get; set; }
}

/// <summary>Options for signing data.</summary>
public sealed class SignOptions
{
    /// <summary>Keys to sign with (at least one).</summary>
    public IList<SecretKey> Signers { get; } = new List<SecretKey>();

    /// <summary>Passphrases tried for protected signer keys.</summary>
    public IList<string> SignerPassphrases { get; } = new List<string>();

    /// <summary>Binary or text signature. Default binary.</summary>
    public SignatureMode Mode { get; init; } = SignatureMode.Binary;

    /// <summary>The hash. Default SHA-256.</summary>
    public HashAlgorithm Hash { get; init; } = HashAlgorithm.Sha256;

    /// <summary>Write ASCII armor. Default true for detached signatures.</summary>
    public bool Armor { get; init; } = true;

    /// <summary>The signature time; default now.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>The policy for the signature hash and which signing keys are valid; null for <see cref="Policy.Default"/>.</summary>
    public Policy? Policy { get; init; }

    /// <summary>Receives the number of bytes signed so far.</summary>
    public IProgress<long>? Progress { get; init; }
}

/// <summary>Options for verifying signatures.</summary>
public sealed class VerifyOptions
{
    /// <summary>Certificates whose signatures are checked.</summary>
    public IList<Certificate> Verifiers { get; } = new List<Certificate>();

    /// <summary>Signatures made before this time are reported as out of window.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>Signatures made after this time are reported as out of window.</summary>
    public DateTimeOffset? NotAfter { get; init; }

    /// <summary>Throw <see cref="SignatureRequiredException"/> unless a signature is good.</summary>
    public bool RequireValidSignature { get; init; }

    /// <summary>Limits for untrusted input.</summary>
    public ReadLimits Limits { get; init; } = ReadLimits.Default;

    /// <summary>The policy for the signatures checked (hashes, keys, bindings); null for <see cref="Policy.Default"/>.</summary>
    public Policy? Policy { get; init; }

    /// <summary>Receives the number of bytes processed so far.</summary>
    public IProgress<long>? Progress { get; init; }
}
