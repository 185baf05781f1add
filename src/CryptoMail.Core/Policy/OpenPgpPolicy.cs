using System.Collections.Frozen;

namespace CryptoMail.Core;

/// <summary>Which algorithms, key sizes and constructions are acceptable, for reading and for writing. Immutable:
/// derive a variant with <c>with</c>, e.g. <c>OpenPgpPolicy.Default with { MinimumRsaBits = 3072 }</c>.</summary>
/// <remarks>
/// <para>Hashes are judged by when a signature says it was made: each accepted hash maps to the first instant at
/// which it is no longer accepted (<see cref="DateTimeOffset.MaxValue"/> for "always"); a hash that is not in the
/// map is never accepted. Data signatures and certifications (self-signatures, bindings, revocations) have separate
/// maps, because a collision attack threatens the former long before a second-preimage attack threatens the latter.</para>
/// <para>Messages without integrity protection (the Symmetrically Encrypted Data packet, no MDC) are refused under
/// every policy: nothing here can turn that off.</para>
/// <para>Reading and writing differ on purpose. A message already written with an old cipher (CAST5, Triple DES,
/// Blowfish, IDEA: 64-bit blocks, the defaults of PGP 2 to 8 and GnuPG 1) and integrity protected is read by default
/// and flagged (<see cref="DecryptionResult.WeakCipher"/>): an attacker who can modify it is stopped by the MDC, so
/// reading it reveals nothing and refusing it only denies the user their own mail. Writing stays AES: a new message
/// deserves the best cipher every recipient reads. <see cref="Strict"/> reads AES only.</para>
/// </remarks>
public sealed record OpenPgpPolicy
{
    private static readonly DateTimeOffset Always = DateTimeOffset.MaxValue;

    /// <summary>The date from which the default policy refuses SHA-1 and RIPEMD-160 certifications
    /// (1 February 2023, the date Sequoia chose after the SHA-1 chosen-prefix collision became practical).</summary>
    public static DateTimeOffset Sha1CertificationCutoff { get; } = new(2023, 2, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The date from which the legacy policy refuses SHA-1 data signatures (1 February 2013).</summary>
    public static DateTimeOffset Sha1DataSignatureLegacyCutoff { get; } = new(2013, 2, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly IReadOnlyDictionary<OpenPgpHashAlgorithm, DateTimeOffset> StrongHashes = Freeze(new Dictionary<OpenPgpHashAlgorithm, DateTimeOffset>
    {
        [OpenPgpHashAlgorithm.Sha224] = Always,
        [OpenPgpHashAlgorithm.Sha256] = Always,
        [OpenPgpHashAlgorithm.Sha384] = Always,
        [OpenPgpHashAlgorithm.Sha512] = Always,
        [OpenPgpHashAlgorithm.Sha3_256] = Always,
        [OpenPgpHashAlgorithm.Sha3_512] = Always,
    });

    private static readonly IReadOnlySet<SymmetricCipher> ModernCiphers = new[]
    {
        SymmetricCipher.Aes128, SymmetricCipher.Aes192, SymmetricCipher.Aes256,
        SymmetricCipher.Twofish, SymmetricCipher.Camellia128, SymmetricCipher.Camellia192, SymmetricCipher.Camellia256,
    }.ToFrozenSet();

    /// <summary>The ciphers of RFC 4880 with 64-bit blocks: read under integrity protection, and flagged.</summary>
    private static readonly IReadOnlySet<SymmetricCipher> SixtyFourBitCiphers = new[]
    {
        SymmetricCipher.Cast5, SymmetricCipher.TripleDes, SymmetricCipher.Blowfish, SymmetricCipher.Idea,
    }.ToFrozenSet();

    private static readonly IReadOnlySet<SymmetricCipher> EveryCipher = ModernCiphers.Concat(SixtyFourBitCiphers).ToFrozenSet();

    /// <summary>The default: SHA-1 data signatures refused; SHA-1 (and RIPEMD-160) certifications accepted when made
    /// before <see cref="Sha1CertificationCutoff"/>; MD5 never; RSA, DSA and ElGamal keys of at least 2048 bits; AES
    /// written; every RFC 4880 cipher read under integrity protection, CAST5, 3DES, Blowfish and IDEA flagged as
    /// <see cref="WeakCiphers"/>.</summary>
    public static OpenPgpPolicy Default { get; } = new();

    /// <summary>Stricter than <see cref="Default"/>: no SHA-1 at all, RSA of at least 3072 bits, DSA and ElGamal
    /// refused, only AES read and written.</summary>
    public static OpenPgpPolicy Strict { get; } = new()
    {
        CertificationHashes = StrongHashes,
        MinimumRsaBits = 3072,
        RejectedKeyAlgorithms = new[] { KeyAlgorithm.Dsa, KeyAlgorithm.ElGamal }.ToFrozenSet(),
        ReadCiphers = new[] { SymmetricCipher.Aes128, SymmetricCipher.Aes192, SymmetricCipher.Aes256 }.ToFrozenSet(),
    };

    /// <summary>For reading old archives: SHA-1 certifications at any date, SHA-1 data signatures made before
    /// <see cref="Sha1DataSignatureLegacyCutoff"/>, RSA, DSA and ElGamal keys from 1024 bits; ciphers as in
    /// <see cref="Default"/> (every RFC 4880 cipher read under integrity protection). Writing stays as in
    /// <see cref="Default"/>.</summary>
    public static OpenPgpPolicy Legacy { get; } = new()
    {
        DataSignatureHashes = With(StrongHashes, (OpenPgpHashAlgorithm.Sha1, Sha1DataSignatureLegacyCutoff)),
        CertificationHashes = With(StrongHashes, (OpenPgpHashAlgorithm.Sha1, Always), (OpenPgpHashAlgorithm.RipeMd160, Always)),
        MinimumRsaBits = 1024,
        MinimumDsaBits = 1024,
    };

    private readonly IReadOnlyDictionary<OpenPgpHashAlgorithm, DateTimeOffset> dataSignatureHashes = StrongHashes;
    private readonly IReadOnlyDictionary<OpenPgpHashAlgorithm, DateTimeOffset> certificationHashes =
        With(StrongHashes, (OpenPgpHashAlgorithm.Sha1, Sha1CertificationCutoff), (OpenPgpHashAlgorithm.RipeMd160, Sha1CertificationCutoff));
    private readonly IReadOnlySet<KeyAlgorithm> rejectedKeyAlgorithms = FrozenSet<KeyAlgorithm>.Empty;
    private readonly IReadOnlySet<SymmetricCipher> writeCiphers =
        new[] { SymmetricCipher.Aes128, SymmetricCipher.Aes192, SymmetricCipher.Aes256 }.ToFrozenSet();
    private readonly IReadOnlySet<SymmetricCipher> readCiphers = EveryCipher;
    private readonly IReadOnlySet<SymmetricCipher> weakCiphers = SixtyFourBitCiphers;
    private readonly int minimumRsaBits = 2048;
    private readonly int minimumDsaBits = 2048;

    /// <summary>Hashes accepted in signatures over data (messages, files), each with the date from which it is
    /// refused. Default: SHA-224, SHA-256, SHA-384, SHA-512, SHA3-256, SHA3-512, always. A hash signatures are
    /// written with must be accepted here at the signing time.</summary>
    public IReadOnlyDictionary<OpenPgpHashAlgorithm, DateTimeOffset> DataSignatureHashes
    {
        get => dataSignatureHashes;
        init => dataSignatureHashes = Freeze(value, nameof(DataSignatureHashes));
    }

    /// <summary>Hashes accepted in certifications: user ID self-signatures, subkey bindings and back-signatures,
    /// direct-key signatures and revocations. Default: the SHA-2 and SHA-3 family always, SHA-1 and RIPEMD-160 when
    /// made before <see cref="Sha1CertificationCutoff"/>.</summary>
    public IReadOnlyDictionary<OpenPgpHashAlgorithm, DateTimeOffset> CertificationHashes
    {
        get => certificationHashes;
        init => certificationHashes = Freeze(value, nameof(CertificationHashes));
    }

    /// <summary>The smallest RSA key accepted, in bits. Default 2048.</summary>
    public int MinimumRsaBits
    {
        get => minimumRsaBits;
        init => minimumRsaBits = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MinimumRsaBits), "The minimum must be positive.");
    }

    /// <summary>The smallest DSA or ElGamal key accepted, in bits. Default 2048.</summary>
    public int MinimumDsaBits
    {
        get => minimumDsaBits;
        init => minimumDsaBits = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MinimumDsaBits), "The minimum must be positive.");
    }

    /// <summary>Public-key algorithms refused whatever their size (as <see cref="KeyInfo.Algorithm"/> reports them).
    /// Default none; <see cref="KeyAlgorithm.Unknown"/> is refused always.</summary>
    public IReadOnlySet<KeyAlgorithm> RejectedKeyAlgorithms
    {
        get => rejectedKeyAlgorithms;
        init => rejectedKeyAlgorithms = (value ?? throw new ArgumentNullException(nameof(RejectedKeyAlgorithms))).ToFrozenSet();
    }

    /// <summary>Ciphers messages may be written with. Default AES-128, AES-192, AES-256.</summary>
    public IReadOnlySet<SymmetricCipher> WriteCiphers
    {
        get => writeCiphers;
        init => writeCiphers = (value ?? throw new ArgumentNullException(nameof(WriteCiphers))).ToFrozenSet();
    }

    /// <summary>Ciphers of messages that are decrypted; another cipher gives a <see cref="PolicyViolationException"/>.
    /// Default every cipher of RFC 4880 and RFC 9580 (AES, Twofish, Camellia, CAST5, 3DES, Blowfish, IDEA): a message
    /// is read only when it is integrity protected, whatever its cipher.</summary>
    public IReadOnlySet<SymmetricCipher> ReadCiphers
    {
        get => readCiphers;
        init => readCiphers = (value ?? throw new ArgumentNullException(nameof(ReadCiphers))).ToFrozenSet();
    }

    /// <summary>Ciphers that are read (when <see cref="ReadCiphers"/> has them) but reported as weak by
    /// <see cref="DecryptionResult.WeakCipher"/>, so that a client can warn. Default CAST5, 3DES, Blowfish and IDEA
    /// (64-bit blocks: their CFB leaks after some tens of gigabytes under one key, and no current writer chooses
    /// them).</summary>
    public IReadOnlySet<SymmetricCipher> WeakCiphers
    {
        get => weakCiphers;
        init => weakCiphers = (value ?? throw new ArgumentNullException(nameof(WeakCiphers))).ToFrozenSet();
    }

    /// <summary>Whether a data signature with <paramref name="hash"/> made at <paramref name="created"/> is accepted.</summary>
    /// <param name="hash">The hash algorithm.</param>
    /// <param name="created">When the signature was made.</param>
    /// <returns>True when accepted.</returns>
    public bool AcceptsDataSignatureHash(OpenPgpHashAlgorithm hash, DateTimeOffset created) =>
        DataSignatureHashes.TryGetValue(hash, out var until) && created < until;

    /// <summary>Whether a certification (binding, self-signature, revocation) with <paramref name="hash"/> made at
    /// <paramref name="created"/> is accepted.</summary>
    /// <param name="hash">The hash algorithm.</param>
    /// <param name="created">When the signature was made.</param>
    /// <returns>True when accepted.</returns>
    public bool AcceptsCertificationHash(OpenPgpHashAlgorithm hash, DateTimeOffset created) =>
        CertificationHashes.TryGetValue(hash, out var until) && created < until;

    /// <summary>Why a public key is refused, or null when it is accepted.</summary>
    /// <param name="algorithm">The algorithm, as <see cref="KeyInfo.Algorithm"/> reports it.</param>
    /// <param name="bits">The key size in bits.</param>
    /// <returns><see cref="ValidationReason.RejectedAlgorithm"/>, <see cref="ValidationReason.WeakKey"/>, or null.</returns>
    public ValidationReason? CheckKey(KeyAlgorithm algorithm, int bits)
    {
        if (algorithm == KeyAlgorithm.Unknown || RejectedKeyAlgorithms.Contains(algorithm)) return ValidationReason.RejectedAlgorithm;
        return algorithm switch
        {
            KeyAlgorithm.Rsa => bits < MinimumRsaBits ? ValidationReason.WeakKey : null,
            KeyAlgorithm.Dsa or KeyAlgorithm.ElGamal => bits < MinimumDsaBits ? ValidationReason.WeakKey : null,
            _ => null,
        };
    }

    private static FrozenDictionary<OpenPgpHashAlgorithm, DateTimeOffset> Freeze(IReadOnlyDictionary<OpenPgpHashAlgorithm, DateTimeOffset> value, string name = "value") =>
        (value ?? throw new ArgumentNullException(name)).ToFrozenDictionary();

    private static FrozenDictionary<OpenPgpHashAlgorithm, DateTimeOffset> With(IReadOnlyDictionary<OpenPgpHashAlgorithm, DateTimeOffset> baseline,
        params (OpenPgpHashAlgorithm Hash, DateTimeOffset Until)[] more)
    {
        var d = baseline.ToDictionary();
        foreach (var (h, until) in more) d[h] = until;
        return d.ToFrozenDictionary();
    }
}
