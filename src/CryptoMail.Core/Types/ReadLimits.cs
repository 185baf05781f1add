namespace CryptoMail.Core;

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
    public long MaxArgon2MemoryBytes { get; init; } = 2L << 30;

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
