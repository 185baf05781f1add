namespace CryptoMail.Core;

/// <summary>Options for encrypting (and optionally signing) a message.</summary>
public sealed class EncryptOptions
{
    /// <summary>Recipients' certificates. Every key of each that is valid under <see cref="OpenPgpPolicy"/> at <see cref="Time"/>
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

    /// <summary>The policy for the cipher, the signature hash and which recipient keys are valid; null for <see cref="OpenPgpPolicy.Default"/>.</summary>
    public OpenPgpPolicy? Policy { get; init; }

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

    /// <summary>Where to find more secret keys, beside <see cref="Keys"/> (a store, or a database of the caller's
    /// own): asked only for the key IDs and fingerprints the message's recipient packets name, and for every key only
    /// when the message has an anonymous recipient. Null (the default): only <see cref="Keys"/>.</summary>
    public ISecretKeyLookup? KeyLookup { get; init; }

    /// <summary>Asked for the passphrase of a protected key the message is encrypted to, or for the message's
    /// password, when <see cref="KeyPassphrases"/> or <see cref="Passwords"/> hold none that fits; asked again after a
    /// wrong answer, up to <see cref="MaxPassphraseAttempts"/> times. Null (the default): only the lists.</summary>
    public IPassphraseProvider? PassphraseProvider { get; init; }

    /// <summary>How often <see cref="PassphraseProvider"/> is asked for one key or for the message password before the
    /// operation gives up on it (then, when nothing else decrypts, with <see cref="BadPassphraseException"/>). Default 3.</summary>
    public int MaxPassphraseAttempts { get; init; } = 3;

    /// <summary>Session keys to try first (e.g. from an earlier decryption or an escrow).</summary>
    public IList<SessionKey> SessionKeys { get; } = new List<SessionKey>();

    /// <summary>Report the session key in <see cref="DecryptionResult.SessionKey"/>. Default false.</summary>
    public bool ExportSessionKey { get; init; }

    /// <summary>Certificates whose signatures are checked.</summary>
    public IList<Certificate> Verifiers { get; } = new List<Certificate>();

    /// <summary>Where to find more signers' certificates, beside <see cref="Verifiers"/> (a store, or a database of the
    /// caller's own): asked only for the key IDs and fingerprints the message's signatures name, never listed in full.
    /// Null (the default): only <see cref="Verifiers"/>.</summary>
    public ICertificateLookup? VerifierLookup { get; init; }

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

    /// <summary>The policy for the ciphers accepted and the signatures checked; null for <see cref="OpenPgpPolicy.Default"/>.</summary>
    public OpenPgpPolicy? Policy { get; init; }

    /// <summary>Receives the number of plaintext bytes produced so far.</summary>
    public IProgress<long>? Progress { get; init; }

    /// <summary>The passphrase work shared by the decryptions of one operation (the PGP/MIME engine sets it once per
    /// open, so the parts share unlocked keys and one budget); null: each decryption has its own.</summary>
    internal KeyUnlocks? Unlocks { get; set; }
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

    /// <summary>The policy for the signature hash and which signing keys are valid; null for <see cref="OpenPgpPolicy.Default"/>.</summary>
    public OpenPgpPolicy? Policy { get; init; }

    /// <summary>Receives the number of bytes signed so far.</summary>
    public IProgress<long>? Progress { get; init; }
}

/// <summary>Options for verifying signatures.</summary>
public sealed class VerifyOptions
{
    /// <summary>Certificates whose signatures are checked.</summary>
    public IList<Certificate> Verifiers { get; } = new List<Certificate>();

    /// <summary>Where to find more signers' certificates, beside <see cref="Verifiers"/>: asked only for the key IDs
    /// and fingerprints the signatures name, never listed in full. Null (the default): only <see cref="Verifiers"/>.</summary>
    public ICertificateLookup? VerifierLookup { get; init; }

    /// <summary>Signatures made before this time are reported as out of window.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>Signatures made after this time are reported as out of window.</summary>
    public DateTimeOffset? NotAfter { get; init; }

    /// <summary>Throw <see cref="SignatureRequiredException"/> unless a signature is good.</summary>
    public bool RequireValidSignature { get; init; }

    /// <summary>Limits for untrusted input.</summary>
    public ReadLimits Limits { get; init; } = ReadLimits.Default;

    /// <summary>The policy for the signatures checked (hashes, keys, bindings); null for <see cref="OpenPgpPolicy.Default"/>.</summary>
    public OpenPgpPolicy? Policy { get; init; }

    /// <summary>Receives the number of bytes processed so far.</summary>
    public IProgress<long>? Progress { get; init; }
}
