namespace CryptoMail.Core;

/// <summary>One key a message was encrypted to.</summary>
/// <param name="KeyFingerprint">The fingerprint of the (sub)key used.</param>
/// <param name="CertificateFingerprint">The fingerprint of its certificate's primary key.</param>
public sealed record RecipientKey(string KeyFingerprint, string CertificateFingerprint);

/// <summary>A signature that was made.</summary>
/// <param name="SigningKeyFingerprint">The key that made it.</param>
/// <param name="SignerFingerprint">Its certificate's primary key.</param>
/// <param name="HashAlgorithm">The hash, e.g. <c>SHA256</c>.</param>
/// <param name="CreationTime">The signature time.</param>
/// <param name="Mode">Binary or text.</param>
public sealed record SignatureInfo(string SigningKeyFingerprint, string SignerFingerprint, string HashAlgorithm, DateTimeOffset CreationTime, SignatureMode Mode);

/// <summary>The outcome of encrypting.</summary>
/// <param name="Recipients">Each public key the session key was encrypted to.</param>
/// <param name="PasswordCount">How many passwords can decrypt it.</param>
/// <param name="Cipher">The cipher.</param>
/// <param name="IntegrityProtection">The integrity protection, e.g. <c>SEIPDv1</c>.</param>
/// <param name="Signatures">Signatures made inside the encryption.</param>
/// <param name="PlaintextLength">How many plaintext bytes were encrypted.</param>
/// <param name="Armored">Whether the output is ASCII armor.</param>
public sealed record EncryptionResult(
    IReadOnlyList<RecipientKey> Recipients,
    int PasswordCount,
    SymmetricCipher Cipher,
    string IntegrityProtection,
    IReadOnlyList<SignatureInfo> Signatures,
    long PlaintextLength,
    bool Armored)
{
    /// <summary>The session key, when <see cref="EncryptOptions.ExportSessionKey"/> asked for it.</summary>
    public SessionKey? SessionKey { get; init; }

    /// <summary>Octets of padding packet (header and body) written inside the encryption; 0 without padding.</summary>
    public long PaddingLength { get; init; }
}

/// <summary>The outcome of signing.</summary>
/// <param name="Signatures">The signatures made.</param>
/// <param name="Micalg">The RFC 3156 <c>micalg</c> value, e.g. <c>pgp-sha256</c>.</param>
public sealed record SigningResult(IReadOnlyList<SignatureInfo> Signatures, string Micalg);

/// <summary>The outcome of decrypting.</summary>
/// <param name="WasEncrypted">Whether the input was encrypted (false only with <see cref="DecryptOptions.AllowUnencrypted"/>).</param>
/// <param name="DecryptedWith">The fingerprint of the (sub)key that decrypted it, or null for a password.</param>
/// <param name="DecryptedWithPassword">Whether a password decrypted it.</param>
/// <param name="RecipientKeyIds">The key IDs the message is encrypted to.</param>
/// <param name="Cipher">The cipher, or null when not encrypted.</param>
/// <param name="IntegrityProtected">Whether integrity protection was present and verified.</param>
/// <param name="IntegrityProtection">The integrity protection, e.g. <c>SEIPDv1</c>.</param>
/// <param name="Compression">The compression found.</param>
/// <param name="FileName">The literal data file name.</param>
/// <param name="Format">The literal data format.</param>
/// <param name="ModificationTime">The literal data time, or null when zero.</param>
/// <param name="Signatures">Every signature found, with its verdict.</param>
/// <param name="PlaintextLength">How many plaintext bytes were written.</param>
/// <param name="ReleasedUnverified">Whether plaintext was written before the integrity check (only on request).</param>
public sealed record DecryptionResult(
    bool WasEncrypted,
    string? DecryptedWith,
    bool DecryptedWithPassword,
    IReadOnlyList<string> RecipientKeyIds,
    SymmetricCipher? Cipher,
    bool IntegrityProtected,
    string IntegrityProtection,
    Compression Compression,
    string FileName,
    LiteralFormat Format,
    DateTimeOffset? ModificationTime,
    IReadOnlyList<SignatureVerification> Signatures,
    long PlaintextLength,
    bool ReleasedUnverified)
{
    /// <summary>Whether at least one signature is good.</summary>
    public bool IsVerified => Signatures.Any(s => s.IsGood);

    /// <summary>The session key, when <see cref="DecryptOptions.ExportSessionKey"/> asked for it.</summary>
    public SessionKey? SessionKey { get; init; }
}
