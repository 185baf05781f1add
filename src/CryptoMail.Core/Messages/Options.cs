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

    /// <summary>The signatures made inside the encryption (one-pass signatures): signers, their passphrases, hash
    /// and mode, configured as for <see cref="SignOptions"/>. No signature is made while
    /// <see cref="SignatureSettings.Signers"/> is empty (the default). The signatures are dated
    /// <see cref="Time"/> and checked against <see cref="Policy"/>.</summary>
    public SignatureSettings Signing { get; init; } = new();

    /// <summary>Write ASCII armor (<c>PGP MESSAGE</c>) rather than binary. Default false, as for every operation.</summary>
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

    /// <summary>Compression; default none.</summary>
    public Compression Compression { get; init; } = Compression.None;

    /// <summary>The literal data format. Default binary (the bytes come back unchanged).</summary>
    public LiteralFormat Format { get; init; } = LiteralFormat.Binary;

    /// <summary>Report the session key in <see cref="EncryptionResult.SessionKey"/>. Default false.</summary>
    public bool ExportSessionKey { get; init; }

    /// <summary>Also encrypt to the classical encryption keys of recipients that have a valid post-quantum (RFC 9980
    /// composite ML-KEM) one. Default false: such a recipient gets its post-quantum keys only, since one classical
    /// copy of the session key makes the whole message only as strong as the classical algorithm
    /// (<see cref="RecipientKey.PostQuantum"/> tells which keys were used).</summary>
    public bool PostQuantumCompatibility { get; init; }

    /// <summary>Refuse (with <see cref="KeyNotUsableException"/>) any recipient without a valid post-quantum
    /// encryption key. Default false.</summary>
    public bool RequirePostQuantum { get; init; }

    /// <summary>The file name recorded in the literal data packet; default empty.</summary>
    public string FileName { get; init; } = string.Empty;

    /// <summary>The time at which recipient keys must be alive and signatures are dated; default now.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>The policy for the cipher, the signature hash and which recipient keys are valid; null for the
    /// instance's <see cref="OpenPgpOptions.Policy"/>.</summary>
    public OpenPgpPolicy? Policy { get => call.Policy; init => call.Policy = value; }

    /// <summary>Receives the number of plaintext bytes processed so far.</summary>
    public IProgress<long>? Progress { get; init; }

    private CallSettings call;

    /// <summary>These options with every setting left null taken from <paramref name="defaults"/> (a copy; this
    /// instance is not changed, so it may be shared between threads and instances).</summary>
    internal EncryptOptions WithDefaults(OpenPgpOptions defaults) => call.IsComplete ? this : ((EncryptOptions)MemberwiseClone()).Fill(defaults);

    private EncryptOptions Fill(OpenPgpOptions defaults)
    {
        call = call.With(defaults);
        return this;
    }
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

    /// <summary>Limits for untrusted input; null for the instance's <see cref="OpenPgpOptions.Limits"/>.</summary>
    public ReadLimits? Limits { get => call.Limits; init => call.Limits = value; }

    /// <summary>The policy for the ciphers accepted and the signatures checked; null for the instance's
    /// <see cref="OpenPgpOptions.Policy"/>.</summary>
    public OpenPgpPolicy? Policy { get => call.Policy; init => call.Policy = value; }

    /// <summary>Receives the number of plaintext bytes produced so far.</summary>
    public IProgress<long>? Progress { get; init; }

    /// <summary>The limits in force: <see cref="Limits"/>, or the library default when options were not resolved.</summary>
    internal ReadLimits EffectiveLimits => call.Limits ?? ReadLimits.Default;

    private CallSettings call;

    /// <summary>These options with every setting left null taken from <paramref name="defaults"/> (a copy; this
    /// instance is not changed, so it may be shared between threads and instances).</summary>
    internal DecryptOptions WithDefaults(OpenPgpOptions defaults) => call.IsComplete ? this : ((DecryptOptions)MemberwiseClone()).Fill(defaults);

    private DecryptOptions Fill(OpenPgpOptions defaults)
    {
        call = call.With(defaults);
        return this;
    }

    /// <summary>The passphrase work shared by the decryptions of one operation (the PGP/MIME engine sets it once per
    /// open, so the parts share unlocked keys and one budget); null: each decryption has its own.</summary>
    internal KeyUnlocks? Unlocks { get; set; }
}

/// <summary>What configures a signature, wherever one is made: who signs, how their keys are unlocked, the hash and
/// the mode. <see cref="SignOptions"/> is one; <see cref="EncryptOptions.Signing"/> holds one for the signatures
/// inside an encrypted message.</summary>
public class SignatureSettings
{
    /// <summary>Keys to sign with (at least one to sign).</summary>
    public IList<SecretKey> Signers { get; } = new List<SecretKey>();

    /// <summary>Passphrases tried for protected signer keys.</summary>
    public IList<string> SignerPassphrases { get; } = new List<string>();

    /// <summary>Signatures over bytes or over canonical text. Default binary.</summary>
    public SignatureMode Mode { get; init; } = SignatureMode.Binary;

    /// <summary>The hash. Default SHA-256 (Ed448 keys always use SHA-512, as RFC 9580 requires).</summary>
    public OpenPgpHashAlgorithm Hash { get; init; } = OpenPgpHashAlgorithm.Sha256;
}

/// <summary>Options for signing data: the <see cref="SignatureSettings"/> and how the operation writes.</summary>
public sealed class SignOptions : SignatureSettings
{
    /// <summary>Write ASCII armor rather than binary. Default false, as for every operation.</summary>
    public bool Armor { get; init; }

    /// <summary>The signature time; default now.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>The policy for the signature hash and which signing keys are valid; null for the instance's
    /// <see cref="OpenPgpOptions.Policy"/>.</summary>
    public OpenPgpPolicy? Policy { get => call.Policy; init => call.Policy = value; }

    /// <summary>Receives the number of bytes signed so far.</summary>
    public IProgress<long>? Progress { get; init; }

    private CallSettings call;

    /// <summary>These options with every setting left null taken from <paramref name="defaults"/> (a copy; this
    /// instance is not changed, so it may be shared between threads and instances).</summary>
    internal SignOptions WithDefaults(OpenPgpOptions defaults) => call.IsComplete ? this : ((SignOptions)MemberwiseClone()).Fill(defaults);

    private SignOptions Fill(OpenPgpOptions defaults)
    {
        call = call.With(defaults);
        return this;
    }
}

/// <summary>Options for verifying signatures.</summary>
public sealed class VerifyOptions
{
    /// <summary>Certificates whose signatures are checked.</summary>
    public IList<Certificate> Verifiers { get; } = new List<Certificate>();

    /// <summary>Where to find more signers' certificates, beside <see cref="Verifiers"/>: asked only for the key IDs
    /// and fingerprints the signatures name, never listed in full. Null (the default): only <see cref="Verifiers"/>.</summary>
    public ICertificateLookup? VerifierLookup { get; init; }

    /// <summary>Signatures made before this time are reported as <see cref="SignatureStatus.OutOfWindow"/>.</summary>
    public DateTimeOffset? SignatureNotBefore { get; init; }

    /// <summary>Signatures made after this time are reported as <see cref="SignatureStatus.OutOfWindow"/>. Default: none.</summary>
    public DateTimeOffset? SignatureNotAfter { get; init; }

    /// <summary>Throw <see cref="SignatureRequiredException"/> unless a signature is good.</summary>
    public bool RequireValidSignature { get; init; }

    /// <summary>Limits for untrusted input; null for the instance's <see cref="OpenPgpOptions.Limits"/>.</summary>
    public ReadLimits? Limits { get => call.Limits; init => call.Limits = value; }

    /// <summary>The policy for the signatures checked (hashes, keys, bindings); null for the instance's
    /// <see cref="OpenPgpOptions.Policy"/>.</summary>
    public OpenPgpPolicy? Policy { get => call.Policy; init => call.Policy = value; }

    /// <summary>Receives the number of bytes processed so far.</summary>
    public IProgress<long>? Progress { get; init; }

    /// <summary>The limits in force: <see cref="Limits"/>, or the library default when options were not resolved.</summary>
    internal ReadLimits EffectiveLimits => call.Limits ?? ReadLimits.Default;

    private CallSettings call;

    /// <summary>These options with every setting left null taken from <paramref name="defaults"/> (a copy; this
    /// instance is not changed, so it may be shared between threads and instances).</summary>
    internal VerifyOptions WithDefaults(OpenPgpOptions defaults) => call.IsComplete ? this : ((VerifyOptions)MemberwiseClone()).Fill(defaults);

    private VerifyOptions Fill(OpenPgpOptions defaults)
    {
        call = call.With(defaults);
        return this;
    }
}

/// <summary>The settings an operation's options may leave to the instance (<see cref="OpenPgpOptions"/>): null means
/// "the instance's".</summary>
internal struct CallSettings
{
    public OpenPgpPolicy? Policy;
    public ReadLimits? Limits;

    public readonly bool IsComplete => Policy is not null && Limits is not null;

    public readonly CallSettings With(OpenPgpOptions defaults) =>
        new() { Policy = Policy ?? defaults.Policy, Limits = Limits ?? defaults.Limits };
}
