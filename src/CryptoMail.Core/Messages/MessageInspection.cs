namespace CryptoMail.Core;

/// <summary>What kind of OpenPGP data <see cref="OpenPgp.Inspect"/> found.</summary>
public enum MessageKind
{
    /// <summary>An encrypted message: session key packets, then an encrypted data packet.</summary>
    Encrypted = 1,

    /// <summary>A signed message that is not encrypted: one-pass signatures or signatures before the literal data
    /// (possibly inside a compressed data packet).</summary>
    SignedOnly = 2,

    /// <summary>Literal data that is neither signed nor encrypted (possibly compressed).</summary>
    Literal = 3,

    /// <summary>A cleartext-signed message (RFC 9580 section 7). Its signatures follow the text, so inspection, which
    /// reads only the start of a message, does not list them.</summary>
    CleartextSigned = 4,

    /// <summary>Signature packets only: one or more detached signatures.</summary>
    DetachedSignature = 5,
}

/// <summary>How a password is turned into a key (the string-to-key specifier types of RFC 9580 section 3.7.1; the
/// values are the registry's numbers).</summary>
public enum StringToKey
{
    /// <summary>The passphrase hashed once, without salt.</summary>
    Simple = 0,

    /// <summary>The passphrase hashed once with a salt.</summary>
    Salted = 1,

    /// <summary>The salted passphrase hashed repeatedly.</summary>
    IteratedSalted = 3,

    /// <summary>Argon2id (RFC 9580 section 3.7.1.4), memory-hard.</summary>
    Argon2 = 4,
}

/// <summary>What an encrypted or signed message says about itself before anything is decrypted or verified: who it
/// is encrypted to, whether a password opens it, how it is protected, who signed it. Found by
/// <see cref="OpenPgp.Inspect"/>; nothing here is authenticated (a sender can write any key ID), so use it to choose
/// keys and to ask the user, never as a verdict.</summary>
public sealed record MessageInspection
{
    internal MessageInspection() { }

    /// <summary>What kind of message this is.</summary>
    public MessageKind Kind { get; init; }

    /// <summary>Whether the input was ASCII armor (or a cleartext-signed message) rather than binary packets.</summary>
    public bool IsArmored { get; init; }

    /// <summary>The public-key encrypted session key packets, in message order: one per recipient key.</summary>
    public IReadOnlyList<InspectedRecipient> Recipients { get; init; } = Array.Empty<InspectedRecipient>();

    /// <summary>The symmetric-key encrypted session key packets, in message order: one per password.</summary>
    public IReadOnlyList<InspectedPassword> Passwords { get; init; } = Array.Empty<InspectedPassword>();

    /// <summary>For an encrypted message, the encrypted data packet: <see cref="IntegrityProtection.SeipdV1"/>,
    /// <see cref="IntegrityProtection.SeipdV2"/>, <see cref="IntegrityProtection.OcbEncryptedData"/>, or
    /// <see cref="IntegrityProtection.None"/> for the obsolete symmetrically encrypted data packet, which
    /// decryption refuses. None for a message that is not encrypted.</summary>
    public IntegrityProtection EncryptedData { get; init; }

    /// <summary>The cipher the encrypted data packet names (SEIPD v2 and OCB Encrypted Data do; for SEIPD v1 the cipher
    /// is inside the encrypted session key, so this is null), or null when it is not one this library knows.</summary>
    public SymmetricCipher? Cipher { get; init; }

    /// <summary>The AEAD mode the encrypted data packet names (SEIPD v2 and OCB Encrypted Data); null otherwise.</summary>
    public AeadMode? Aead { get; init; }

    /// <summary>For a message that is not encrypted: the compression of its outer layer.</summary>
    public Compression Compression { get; init; }

    /// <summary>For a signed or detached-signature message: the signers its one-pass signature packets and leading
    /// signature packets name, in message order. Empty for an encrypted message (its signatures are inside the
    /// encryption) and for a cleartext-signed one.</summary>
    public IReadOnlyList<InspectedSigner> Signers { get; init; } = Array.Empty<InspectedSigner>();
}

/// <summary>One public-key encrypted session key packet (RFC 9580 section 5.1), as read before decrypting.</summary>
public sealed record InspectedRecipient
{
    internal InspectedRecipient() { }

    /// <summary>The packet version: 3, or 6 (RFC 9580).</summary>
    public int Version { get; init; }

    /// <summary>Whether this library reads this packet version; when false only <see cref="Version"/> is set.</summary>
    public bool IsSupported { get; init; }

    /// <summary>The recipient key's ID (16 uppercase hex digits; for a v6 packet derived from the fingerprint), or null
    /// when the packet does not name its recipient (an anonymous recipient: wildcard key ID, or no fingerprint).</summary>
    public string? KeyId { get; init; }

    /// <summary>The recipient key's fingerprint (uppercase hex), which only a v6 packet carries; null otherwise.</summary>
    public string? KeyFingerprint { get; init; }

    /// <summary>The public-key algorithm. A session key packet does not name the curve, so ECDH on Curve25519 in its
    /// older form (<see cref="KeyAlgorithm.Cv25519"/>) shows as <see cref="KeyAlgorithm.Ecdh"/>.</summary>
    public KeyAlgorithm Algorithm { get; init; }

    /// <summary>Whether the packet names no recipient, so every secret key has to be tried.</summary>
    public bool IsAnonymous => IsSupported && KeyId is null;
}

/// <summary>One symmetric-key encrypted session key packet (RFC 9580 section 5.3): a password opens the message.</summary>
public sealed record InspectedPassword
{
    internal InspectedPassword() { }

    /// <summary>The packet version: 4 (for SEIPD v1), 5 (LibrePGP, for OCB Encrypted Data), or 6 (for SEIPD v2).</summary>
    public int Version { get; init; }

    /// <summary>Whether this library reads this packet (version, cipher, AEAD mode and string-to-key type); when false
    /// only <see cref="Version"/> is set.</summary>
    public bool IsSupported { get; init; }

    /// <summary>The cipher of the key derived from the password, or null when it is not one this library knows.</summary>
    public SymmetricCipher? Cipher { get; init; }

    /// <summary>The AEAD mode sealing the session key (versions 5 and 6); null for version 4.</summary>
    public AeadMode? Aead { get; init; }

    /// <summary>How the password is stretched into a key; null when not known.</summary>
    public StringToKey? StringToKey { get; init; }
}

/// <summary>A signer a message names before its data (a one-pass signature packet, or a signature packet placed
/// before the literal data or alone), as read before verifying: nothing here says the signature is good.</summary>
public sealed record InspectedSigner
{
    internal InspectedSigner() { }

    /// <summary>Whether this came from a one-pass signature packet (true) or a signature packet (false).</summary>
    public bool IsOnePass { get; init; }

    /// <summary>The packet version (one-pass signature: 3 or 6; signature: 3, 4 or 6).</summary>
    public int Version { get; init; }

    /// <summary>The signing key's ID (16 uppercase hex digits), or null when the packet names none.</summary>
    public string? KeyId { get; init; }

    /// <summary>The signing key's fingerprint (uppercase hex) when the packet carries it (v6 one-pass signatures,
    /// signatures with an issuer fingerprint subpacket); null otherwise.</summary>
    public string? KeyFingerprint { get; init; }

    /// <summary>The public-key algorithm of the signature.</summary>
    public KeyAlgorithm Algorithm { get; init; }

    /// <summary>The hash algorithm, or <see cref="OpenPgpHashAlgorithm.Unknown"/>.</summary>
    public OpenPgpHashAlgorithm Hash { get; init; }

    /// <summary>The signature type (binary or text document, usually).</summary>
    public SignatureType Type { get; init; }
}
