namespace CryptoMail.Core;

/// <summary>One key a message was encrypted to.</summary>
public sealed record RecipientKey
{
    internal RecipientKey(string keyFingerprint, string certificateFingerprint)
    {
        KeyFingerprint = keyFingerprint;
        CertificateFingerprint = certificateFingerprint;
    }

    /// <summary>The fingerprint of the (sub)key used.</summary>
    public string KeyFingerprint { get; init; }

    /// <summary>The fingerprint of its certificate's primary key.</summary>
    public string CertificateFingerprint { get; init; }

    /// <summary>Whether the session key was encrypted to this key post-quantum (a composite ML-KEM key of RFC 9980).</summary>
    public bool PostQuantum { get; init; }
}

/// <summary>A signature that was made.</summary>
public sealed record SignatureInfo
{
    internal SignatureInfo(string signingKeyFingerprint, string signerFingerprint, OpenPgpHashAlgorithm hashAlgorithm, DateTimeOffset creationTime, SignatureMode mode)
    {
        SigningKeyFingerprint = signingKeyFingerprint;
        SignerFingerprint = signerFingerprint;
        HashAlgorithm = hashAlgorithm;
        CreationTime = creationTime;
        Mode = mode;
    }

    /// <summary>The key that made it.</summary>
    public string SigningKeyFingerprint { get; init; }

    /// <summary>Its certificate's primary key.</summary>
    public string SignerFingerprint { get; init; }

    /// <summary>The hash algorithm.</summary>
    public OpenPgpHashAlgorithm HashAlgorithm { get; init; }

    /// <summary>The signature time.</summary>
    public DateTimeOffset CreationTime { get; init; }

    /// <summary>Binary or text.</summary>
    public SignatureMode Mode { get; init; }
}

/// <summary>The outcome of encrypting.</summary>
public sealed record EncryptionResult
{
    internal EncryptionResult(IReadOnlyList<RecipientKey> recipients, int passwordCount, SymmetricCipher cipher, IntegrityProtection integrityProtection, IReadOnlyList<SignatureInfo> signatures, long plaintextLength, bool armored)
    {
        Recipients = recipients;
        PasswordCount = passwordCount;
        Cipher = cipher;
        IntegrityProtection = integrityProtection;
        Signatures = signatures;
        PlaintextLength = plaintextLength;
        Armored = armored;
    }

    /// <summary>Each public key the session key was encrypted to.</summary>
    public IReadOnlyList<RecipientKey> Recipients { get; init; }

    /// <summary>How many passwords can decrypt it.</summary>
    public int PasswordCount { get; init; }

    /// <summary>The cipher.</summary>
    public SymmetricCipher Cipher { get; init; }

    /// <summary>The encrypted-data packet written: SEIPD v1 or v2.</summary>
    public IntegrityProtection IntegrityProtection { get; init; }

    /// <summary>The AEAD mode for SEIPD v2; null for SEIPD v1.</summary>
    public AeadMode? Aead { get; init; }

    /// <summary>Signatures made inside the encryption.</summary>
    public IReadOnlyList<SignatureInfo> Signatures { get; init; }

    /// <summary>How many plaintext bytes were encrypted.</summary>
    public long PlaintextLength { get; init; }

    /// <summary>Whether the output is ASCII armor.</summary>
    public bool Armored { get; init; }

    /// <summary>The session key, when <see cref="EncryptOptions.ExportSessionKey"/> asked for it.</summary>
    public SessionKey? SessionKey { get; init; }

    /// <summary>Octets of padding packet (header and body) written inside the encryption; 0 without padding.</summary>
    public long PaddingLength { get; init; }
}

/// <summary>The outcome of signing.</summary>
public sealed record SigningResult
{
    internal SigningResult(IReadOnlyList<SignatureInfo> signatures, string micalg)
    {
        Signatures = signatures;
        Micalg = micalg;
    }

    /// <summary>The signatures made.</summary>
    public IReadOnlyList<SignatureInfo> Signatures { get; init; }

    /// <summary>The RFC 3156 <c>micalg</c> value, e.g. <c>pgp-sha256</c>.</summary>
    public string Micalg { get; init; }
}

/// <summary>The outcome of decrypting.</summary>
public sealed record DecryptionResult
{
    internal DecryptionResult(bool wasEncrypted, string? decryptedWith, bool decryptedWithPassword, IReadOnlyList<string> recipientKeyIds, SymmetricCipher? cipher, bool integrityProtected, IntegrityProtection integrityProtection, Compression compression, string fileName, LiteralFormat format, DateTimeOffset? modificationTime, IReadOnlyList<SignatureVerification> signatures, long plaintextLength, bool releasedUnverified)
    {
        WasEncrypted = wasEncrypted;
        DecryptedWith = decryptedWith;
        DecryptedWithPassword = decryptedWithPassword;
        RecipientKeyIds = recipientKeyIds;
        Cipher = cipher;
        IntegrityProtected = integrityProtected;
        IntegrityProtection = integrityProtection;
        Compression = compression;
        FileName = fileName;
        Format = format;
        ModificationTime = modificationTime;
        Signatures = signatures;
        PlaintextLength = plaintextLength;
        ReleasedUnverified = releasedUnverified;
    }

    /// <summary>Whether the input was encrypted (false only with <see cref="DecryptOptions.AllowUnencrypted"/>).</summary>
    public bool WasEncrypted { get; init; }

    /// <summary>The fingerprint of the (sub)key that decrypted it, or null for a password.</summary>
    public string? DecryptedWith { get; init; }

    /// <summary>Whether a password decrypted it.</summary>
    public bool DecryptedWithPassword { get; init; }

    /// <summary>The key IDs the message is encrypted to.</summary>
    public IReadOnlyList<string> RecipientKeyIds { get; init; }

    /// <summary>The cipher, or null when not encrypted.</summary>
    public SymmetricCipher? Cipher { get; init; }

    /// <summary>Whether integrity protection was present and verified.</summary>
    public bool IntegrityProtected { get; init; }

    /// <summary>Whether <see cref="Cipher"/> is one the policy reads but calls weak (<see cref="OpenPgpPolicy.WeakCiphers"/>:
    /// by default CAST5, 3DES, Blowfish and IDEA, as PGP and GnuPG 1 wrote them). The message was integrity protected
    /// and authenticated like any other; a client may tell the user that its sender should move to a modern key or
    /// program.</summary>
    public bool WeakCipher { get; init; }

    /// <summary>The encrypted-data packet the message was read from; <see cref="IntegrityProtection.None"/> when it
    /// was not encrypted.</summary>
    public IntegrityProtection IntegrityProtection { get; init; }

    /// <summary>The AEAD mode for SEIPD v2 and OCB Encrypted Data; null otherwise.</summary>
    public AeadMode? Aead { get; init; }

    /// <summary>The compression found.</summary>
    public Compression Compression { get; init; }

    /// <summary>The literal data file name.</summary>
    public string FileName { get; init; }

    /// <summary>The literal data format.</summary>
    public LiteralFormat Format { get; init; }

    /// <summary>The literal data time, or null when zero.</summary>
    public DateTimeOffset? ModificationTime { get; init; }

    /// <summary>Every signature found, with its verdict.</summary>
    public IReadOnlyList<SignatureVerification> Signatures { get; init; }

    /// <summary>How many plaintext bytes were written.</summary>
    public long PlaintextLength { get; init; }

    /// <summary>Whether plaintext was written before the integrity check (only on request).</summary>
    public bool ReleasedUnverified { get; init; }

    /// <summary>Whether the session key was protected post-quantum: every session key packet of the message is a
    /// public-key packet to a composite ML-KEM key (RFC 9980). False when any recipient was classical or a password
    /// could also open it, since the message is then only as strong as that.</summary>
    public bool PostQuantum { get; init; }

    /// <summary>Whether at least one signature is good.</summary>
    public bool IsVerified => Signatures.Any(s => s.IsGood);

    /// <summary>The session key, when <see cref="DecryptOptions.ExportSessionKey"/> asked for it.</summary>
    public SessionKey? SessionKey { get; init; }
}

/// <summary>An encrypted-data packet kind with its AEAD mode, as results report it and errors name it.</summary>
internal readonly record struct Protection(IntegrityProtection Kind, AeadMode? Aead)
{
    public static Protection SeipdV1 => new(IntegrityProtection.SeipdV1, null);

    public override string ToString() => Kind switch
    {
        IntegrityProtection.SeipdV1 => "SEIPDv1",
        IntegrityProtection.SeipdV2 => "SEIPDv2 " + Aead?.ToString().ToUpperInvariant(),
        IntegrityProtection.OcbEncryptedData => "OCB Encrypted Data " + Aead?.ToString().ToUpperInvariant(),
        _ => "none",
    };
}
