namespace CryptoMail.Core;

/// <summary>The algorithms of a newly generated key.</summary>
public enum KeyProfile
{
    /// <summary>v4 key: Ed25519 primary (certify, sign) with a Curve25519 encryption subkey. The default.</summary>
    Curve25519 = 0,
    /// <summary>v4 key: RSA 3072 primary (certify, sign) with an RSA 3072 encryption subkey.</summary>
    Rsa3072 = 1,
    /// <summary>v4 key: RSA 4096 primary (certify, sign) with an RSA 4096 encryption subkey.</summary>
    Rsa4096 = 2,
    /// <summary>v6 key (RFC 9580): Ed25519 primary (certify, sign) with an X25519 encryption subkey; announces SEIPD v2
    /// and AEAD ciphersuites. What the Stateless OpenPGP CLI calls the <c>rfc9580</c> profile.</summary>
    V6Ed25519 = 3,
    /// <summary>v6 key (RFC 9580): Ed448 primary (certify, sign) with an X448 encryption subkey.</summary>
    V6Ed448 = 4,
    /// <summary>Post-quantum v6 key (RFC 9980): ML-DSA-65+Ed25519 primary (certify, sign) with an ML-KEM-768+X25519
    /// encryption subkey, the algorithms every RFC 9980 implementation has. Readers without RFC 9980 cannot use it.</summary>
    V6MlDsa65Ed25519 = 5,
    /// <summary>High-security post-quantum v6 key (RFC 9980): ML-DSA-87+Ed448 primary (certify, sign) with an
    /// ML-KEM-1024+X448 encryption subkey.</summary>
    V6MlDsa87Ed448 = 6,
}

/// <summary>Options for <see cref="OpenPgp.GenerateKey(string, KeyGenerationOptions?, CancellationToken)"/>.</summary>
public sealed class KeyGenerationOptions
{
    /// <summary>The algorithms to use. Default: <see cref="KeyProfile.Curve25519"/>.</summary>
    public KeyProfile Profile { get; init; } = KeyProfile.Curve25519;

    /// <summary>How long after creation the key expires; null (the default) for no expiry.</summary>
    public TimeSpan? Expiration { get; init; }

    /// <summary>The creation time; default now. Useful for reproducible tests.</summary>
    public DateTimeOffset? CreationTime { get; init; }

    /// <summary>A passphrase to protect the secret key with; null or empty leaves it unprotected. v4 keys use
    /// iterated and salted S2K with SHA-256 and AES-256 CFB; v6 keys Argon2 (64 MiB) and AES-256 OCB, as RFC 9580
    /// recommends.</summary>
    public string? Passphrase { get; init; }

    /// <summary>Leave out the encryption subkey: the key can sign and certify only.</summary>
    public bool SigningOnly { get; init; }

    /// <summary>Told the fraction (0 to 1) of the passphrase protection done when <see cref="Passphrase"/> is set:
    /// after every quarter pass of each Argon2 derivation (v6 keys, hundreds of milliseconds each), once per key for
    /// the iterated S2K of v4 keys. Called on the generating thread; null (the default) reports nothing.</summary>
    public IProgress<double>? Progress { get; init; }

    /// <summary>More user IDs after the first (the first given is primary).</summary>
    public IList<string> AdditionalUserIds { get; } = new List<string>();
}
