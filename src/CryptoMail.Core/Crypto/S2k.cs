using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto;

namespace CryptoMail.Core.Crypto;

/// <summary>The string-to-key specifier types of RFC 9580 section 3.7.1, plus GnuPG's private extension.</summary>
internal enum S2kType : byte
{
    Simple = 0,
    Salted = 1,
    IteratedSalted = 3,
    Argon2 = 4,
    /// <summary>GnuPG's private type: no secret key material here (gnu-dummy) or it lives on a card.</summary>
    Gnu = 101,
}

/// <summary>One string-to-key specifier (RFC 9580 section 3.7): parsed from and written to packets, and turned into
/// key material from a passphrase. The only S2K code in the library: session key packets (SKESK v4, v5, v6) and
/// secret key protection use it for reading and writing.</summary>
/// <remarks>
/// Argon2 parameters come from untrusted input, so Derive compares the memory they ask for with the
/// caller's cap (<see cref="ReadLimits.MaxArgon2MemoryBytes"/>) and throws <see cref="LimitExceededException"/>
/// before anything is allocated. Immutable; the salt is copied in.
/// </remarks>
internal sealed class S2kSpec
{
    /// <summary>Argon2 salt length (RFC 9580 section 3.7.1.4).</summary>
    public const int Argon2SaltSize = 16;
    /// <summary>Count octet we write for iterated and salted S2K: 16,777,216 octets hashed (tens of milliseconds).</summary>
    public const byte DefaultCountOctet = 0xE0;
    /// <summary>Argon2 parameters we write: RFC 9106's second recommended option (t = 3, p = 4, 64 MiB), as RFC 9580
    /// section 3.7.1.4 allows when 2 GiB is too much; cheap enough for a phone opening the message.</summary>
    public const byte DefaultArgon2Passes = 3, DefaultArgon2Parallelism = 4, DefaultArgon2MemoryExponent = 16;
    /// <summary>Ceilings on untrusted Argon2 passes and lanes (BouncyCastle's, kept when the derivation became our
    /// own), and on the memory exponent (2^24 KiB = 16 GiB, the most one array can hold).</summary>
    public const int MaxArgon2Passes = 10, MaxArgon2Parallelism = 16, MaxArgon2MemoryExponent = 24;

    /// <summary>The default cap on Argon2 memory (<see cref="ReadLimits.MaxArgon2MemoryBytes"/>): 2 GiB.</summary>
    public const long DefaultMaxArgon2MemoryBytes = 2L << 30;

    private readonly byte[] salt;

    private S2kSpec(S2kType type, int hash, byte[] salt)
    {
        Type = type;
        Hash = hash;
        this.salt = salt;
    }

    public S2kType Type { get; }

    /// <summary>Hash algorithm ID (types 0, 1, 3).</summary>
    public int Hash { get; }

    public ReadOnlySpan<byte> Salt => salt;

    /// <summary>The coded count octet of type 3.</summary>
    public byte CountOctet { get; private init; }

    /// <summary>Octets hashed by type 3.</summary>
    public int Count => DecodeCount(CountOctet);

    /// <summary>Argon2 t, p and encoded m (memory = 2^m KiB).</summary>
    public byte Passes { get; private init; }
    public byte Parallelism { get; private init; }
    public byte MemoryExponent { get; private init; }

    /// <summary>Type 101: 1 = gnu-dummy (no secret), 2 = divert-to-card.</summary>
    public byte GnuMode { get; private init; }

    /// <summary>Type 101 mode 2: the card's serial number.</summary>
    public byte[] CardSerial { get; private init; } = Array.Empty<byte>();

    /// <summary>False for GnuPG's gnu-dummy and divert-to-card: nothing can be derived, the secret is elsewhere.</summary>
    public bool HasSecret => Type != S2kType.Gnu;

    /// <summary>Argon2 memory in octets: 2^(m + 10).</summary>
    public long Argon2MemoryBytes => Type == S2kType.Argon2 ? 1L << (MemoryExponent + 10) : 0;

    public static int DecodeCount(byte c) => (16 + (c & 15)) << ((c >> 4) + 6);

    /// <summary>Iterated and salted SHA-256 with a fresh salt (for SEIPD v1 messages and v4 secret keys, which
    /// every reader understands).</summary>
    public static S2kSpec NewIterated(byte countOctet = DefaultCountOctet) =>
        new(S2kType.IteratedSalted, HashIds.Sha256, RandomNumberGenerator.GetBytes(8)) { CountOctet = countOctet };

    /// <summary>Argon2id with a fresh salt (RFC 9580 section 3.7.1.4: SHOULD be used with AEAD).</summary>
    public static S2kSpec NewArgon2(byte passes = DefaultArgon2Passes, byte parallelism = DefaultArgon2Parallelism,
        byte memoryExponent = DefaultArgon2MemoryExponent)
    {
        var s = new S2kSpec(S2kType.Argon2, 0, RandomNumberGenerator.GetBytes(Argon2SaltSize))
        {
            Passes = passes,
            Parallelism = parallelism,
            MemoryExponent = memoryExponent,
        };
        s.CheckArgon2Shape();
        return s;
    }

    /// <summary>Parses a specifier at <paramref name="pos"/> and moves past it. Truncated or impossible fields
    /// give <see cref="MalformedDataException"/>; a type we do not know gives <see cref="UnsupportedPacketException"/>
    /// (the caller may skip the packet).</summary>
    public static S2kSpec Parse(ReadOnlySpan<byte> b, ref int pos)
    {
        int type = Take(b, ref pos, 1)[0];
        switch ((S2kType)type)
        {
            case S2kType.Simple:
                return new S2kSpec(S2kType.Simple, Take(b, ref pos, 1)[0], Array.Empty<byte>());
            case S2kType.Salted:
            {
                int hash = Take(b, ref pos, 1)[0];
                return new S2kSpec(S2kType.Salted, hash, Take(b, ref pos, 8).ToArray());
            }
            case S2kType.IteratedSalted:
            {
                int hash = Take(b, ref pos, 1)[0];
                var salt = Take(b, ref pos, 8).ToArray();
                return new S2kSpec(S2kType.IteratedSalted, hash, salt) { CountOctet = Take(b, ref pos, 1)[0] };
            }
            case S2kType.Argon2:
            {
                var salt = Take(b, ref pos, Argon2SaltSize).ToArray();
                var p = Take(b, ref pos, 3);
                var s = new S2kSpec(S2kType.Argon2, 0, salt) { Passes = p[0], Parallelism = p[1], MemoryExponent = p[2] };
                s.CheckArgon2Shape();
                return s;
            }
            case S2kType.Gnu:
            {
                int hash = Take(b, ref pos, 1)[0];
                if (!Take(b, ref pos, 3).SequenceEqual("GNU"u8)) throw new UnsupportedPacketException("S2K type 101 without the GNU marker is not supported.");
                byte mode = Take(b, ref pos, 1)[0];
                // Modes 1001 and 1002 on the wire are 1000 + mode.
                var serial = Array.Empty<byte>();
                if (mode == 2)
                {
                    int n = Take(b, ref pos, 1)[0];
                    serial = Take(b, ref pos, Math.Min(n, 16)).ToArray();
                }
                else if (mode != 1)
                {
                    throw new UnsupportedPacketException($"GnuPG S2K mode {1000 + mode} is not supported.");
                }
                return new S2kSpec(S2kType.Gnu, hash, Array.Empty<byte>()) { GnuMode = mode, CardSerial = serial };
            }
            default:
                throw new UnsupportedPacketException($"S2K type {type} is not supported.");
        }
    }

    /// <summary>The specifier as it appears on the wire.</summary>
    public byte[] Encode()
    {
        using var o = new MemoryStream();
        o.WriteByte((byte)Type);
        switch (Type)
        {
            case S2kType.Simple:
                o.WriteByte((byte)Hash);
                break;
            case S2kType.Salted:
                o.WriteByte((byte)Hash);
                o.Write(salt);
                break;
            case S2kType.IteratedSalted:
                o.WriteByte((byte)Hash);
                o.Write(salt);
                o.WriteByte(CountOctet);
                break;
            case S2kType.Argon2:
                o.Write(salt);
                o.Write([Passes, Parallelism, MemoryExponent]);
                break;
            case S2kType.Gnu:
                o.WriteByte((byte)Hash);
                o.Write("GNU"u8);
                o.WriteByte(GnuMode);
                if (GnuMode == 2)
                {
                    o.WriteByte((byte)CardSerial.Length);
                    o.Write(CardSerial);
                }
                break;
        }
        return o.ToArray();
    }

    /// <summary>What one derivation of <paramref name="keyLength"/> octets costs, in the unit of
    /// <see cref="ReadLimits.MaxKeyDerivationWork"/>: octets hashed by iterated S2K (once per hash output the key
    /// needs), Argon2 memory times passes; the cheap simple and salted types count one kibibyte.</summary>
    public long Work(int keyLength)
    {
        int hashSize = Hash switch
        {
            HashIds.Md5 => 16,
            HashIds.Sha1 or HashIds.Ripemd160 => 20,
            HashIds.Sha224 => 28,
            HashIds.Sha384 => 48,
            HashIds.Sha512 or HashIds.Sha3_512 => 64,
            _ => 32,
        };
        long rounds = (Math.Max(keyLength, 1) + hashSize - 1) / hashSize;
        return Type switch
        {
            S2kType.IteratedSalted => rounds * Count,
            S2kType.Argon2 => Argon2MemoryBytes * Math.Max((int)Passes, 1),
            S2kType.Simple or S2kType.Salted => rounds * 1024,
            _ => 0,
        };
    }

    /// <summary>Derives <paramref name="keyLength"/> octets from a passphrase (as UTF-8, as GnuPG and RFC 9580 do).</summary>
    /// <param name="passphrase">The passphrase.</param>
    /// <param name="keyLength">Octets wanted.</param>
    /// <param name="maxArgon2MemoryBytes">The most memory an Argon2 specifier may ask for.</param>
    /// <param name="progress">Told the fraction done (see the octet overload).</param>
    /// <param name="cancellationToken">Checked during an Argon2 derivation.</param>
    public byte[] Derive(string passphrase, int keyLength, long maxArgon2MemoryBytes, IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        byte[] pass = Encoding.UTF8.GetBytes(passphrase);
        try
        {
            return Derive(pass, keyLength, maxArgon2MemoryBytes, progress, cancellationToken);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pass);
        }
    }

    /// <summary>Counts the derivations that run (S2K types 0, 1, 3 and Argon2) in the current logical flow, for tests
    /// that check how often a passphrase is stretched; null (the default) counts nothing.</summary>
    internal static readonly AsyncLocal<System.Runtime.CompilerServices.StrongBox<int>?> DerivationCounter = new();

    /// <summary>Derives <paramref name="keyLength"/> octets from passphrase octets. An Argon2 derivation checks
    /// <paramref name="cancellationToken"/> every quarter pass per lane and tells <paramref name="progress"/> the
    /// fraction done; the hashed types are short, check the token once before they start and report 1 when done.</summary>
    public byte[] Derive(ReadOnlySpan<byte> passphrase, int keyLength, long maxArgon2MemoryBytes,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keyLength);
        if (HasSecret && DerivationCounter.Value is { } counter) Interlocked.Increment(ref counter.Value);
        if (Type is S2kType.Simple or S2kType.Salted or S2kType.IteratedSalted)
        {
            var hashed = DeriveHashed(passphrase, keyLength);
            progress?.Report(1);
            return hashed;
        }
        return Type switch
        {
            S2kType.Argon2 => DeriveArgon2(passphrase, keyLength, maxArgon2MemoryBytes, progress, cancellationToken),
            _ => throw new UnusableKeyException(GnuMode == 2
                ? "The secret key is on a smart card (GnuPG divert-to-card); it cannot be used here."
                : "The secret key material is not present (GnuPG gnu-dummy stub)."),
        };
    }

    /// <summary>Types 0, 1 and 3 (RFC 9580 sections 3.7.1.1-3.7.1.3): as many hash contexts as the key needs, the
    /// n-th preloaded with n zero octets, each hashing salt || passphrase repeated up to the count.</summary>
    private byte[] DeriveHashed(ReadOnlySpan<byte> passphrase, int keyLength)
    {
        byte[] unit = new byte[salt.Length + passphrase.Length];
        salt.CopyTo(unit, 0);
        passphrase.CopyTo(unit.AsSpan(salt.Length));
        long total = Type == S2kType.IteratedSalted ? Math.Max(Count, unit.Length) : unit.Length;
        var output = new byte[keyLength];
        try
        {
            int produced = 0;
            for (int round = 0; produced < keyLength; round++)
            {
                using var h = S2kHash.Create(Hash);
                for (int i = 0; i < round; i++) h.Append([0]);
                for (long left = total; left > 0;)
                {
                    int n = (int)Math.Min(left, unit.Length);
                    h.Append(unit.AsSpan(0, n));
                    left -= n;
                }
                produced += h.FinishInto(output.AsSpan(produced));
            }
            return output;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(unit);
        }
    }

    private byte[] DeriveArgon2(ReadOnlySpan<byte> passphrase, int keyLength, long maxMemoryBytes, IProgress<double>? progress,
        CancellationToken cancellationToken)
    {
        if (Argon2MemoryBytes > maxMemoryBytes)
            throw DiagnosticSink.LimitExceeded(nameof(ReadLimits.MaxArgon2MemoryBytes), maxMemoryBytes,
                $"The Argon2 S2K asks for {Argon2MemoryBytes >> 20} MiB of memory, above the limit of {maxMemoryBytes >> 20} MiB (ReadLimits.MaxArgon2MemoryBytes).");
        if (Passes > MaxArgon2Passes || Parallelism > MaxArgon2Parallelism)
            throw new LimitExceededException(
                $"The Argon2 S2K asks for {Passes} passes over {Parallelism} lanes; at most {MaxArgon2Passes} passes and {MaxArgon2Parallelism} lanes are derived.");
        if (MemoryExponent > MaxArgon2MemoryExponent)
            throw new LimitExceededException($"The Argon2 S2K asks for 2^{MemoryExponent} KiB of memory; at most 2^{MaxArgon2MemoryExponent} KiB is derived.");
        var output = new byte[keyLength];
        try
        {
            Argon2.Derive(passphrase, salt, Passes, Parallelism, 1 << MemoryExponent, output, progress, cancellationToken);
            return output;
        }
        catch
        {
            CryptographicOperations.ZeroMemory(output);
            throw;
        }
    }

    /// <summary>RFC 9580 section 3.7.1.4: t and p at least 1, 2^m KiB at least 8p KiB, m at most 31.</summary>
    private void CheckArgon2Shape()
    {
        int minExponent = 3 + (int)Math.Ceiling(Math.Log2(Math.Max((int)Parallelism, 1)));
        if (Passes == 0 || Parallelism == 0 || MemoryExponent < minExponent || MemoryExponent > 31)
            throw new MalformedDataException($"Invalid Argon2 S2K parameters (t = {Passes}, p = {Parallelism}, m = {MemoryExponent}).");
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> b, ref int pos, int count)
    {
        if (pos < 0 || count > b.Length - pos) throw new MalformedDataException("The string-to-key specifier is truncated.");
        var s = b.Slice(pos, count);
        pos += count;
        return s;
    }
}

/// <summary>OpenPGP hash algorithm IDs (RFC 9580 section 9.5) the S2K uses.</summary>
internal static class HashIds
{
    public const int Md5 = 1, Sha1 = 2, Ripemd160 = 3, Sha256 = 8, Sha384 = 9, Sha512 = 10, Sha224 = 11, Sha3_256 = 12, Sha3_512 = 14;
}

/// <summary>A hash for the S2K: the platform's for SHA-1 and SHA-2 (several times faster than the managed code on
/// the 16 MiB an iterated S2K hashes), BouncyCastle's for the rest.</summary>
internal sealed class S2kHash : IDisposable
{
    private readonly IncrementalHash? platform;
    private readonly IDigest? managed;

    private S2kHash(IncrementalHash? platform, IDigest? managed)
    {
        this.platform = platform;
        this.managed = managed;
    }

    public static S2kHash Create(int id) => id switch
    {
#pragma warning disable CA5350 // SHA-1 S2K: read for old keys and messages, never written.
        HashIds.Sha1 => new S2kHash(IncrementalHash.CreateHash(HashAlgorithmName.SHA1), null),
#pragma warning restore CA5350
        HashIds.Sha256 => new S2kHash(IncrementalHash.CreateHash(HashAlgorithmName.SHA256), null),
        HashIds.Sha384 => new S2kHash(IncrementalHash.CreateHash(HashAlgorithmName.SHA384), null),
        HashIds.Sha512 => new S2kHash(IncrementalHash.CreateHash(HashAlgorithmName.SHA512), null),
        HashIds.Sha224 => new S2kHash(null, new Org.BouncyCastle.Crypto.Digests.Sha224Digest()),
        HashIds.Sha3_256 => new S2kHash(null, new Org.BouncyCastle.Crypto.Digests.Sha3Digest(256)),
        HashIds.Sha3_512 => new S2kHash(null, new Org.BouncyCastle.Crypto.Digests.Sha3Digest(512)),
        HashIds.Ripemd160 => new S2kHash(null, new Org.BouncyCastle.Crypto.Digests.RipeMD160Digest()),
        HashIds.Md5 => new S2kHash(null, new Org.BouncyCastle.Crypto.Digests.MD5Digest()),
        _ => throw new UnsupportedPacketException($"S2K hash algorithm {id} is not supported."),
    };

    public void Append(ReadOnlySpan<byte> data)
    {
        if (platform is not null) platform.AppendData(data);
        else managed!.BlockUpdate(data);
    }

    /// <summary>Writes as much of the digest as fits in <paramref name="destination"/>; returns the octets written.</summary>
    public int FinishInto(Span<byte> destination)
    {
        Span<byte> digest = stackalloc byte[64];
        int size;
        if (platform is not null)
        {
            size = platform.GetHashAndReset(digest);
        }
        else
        {
            size = managed!.GetDigestSize();
            managed.DoFinal(digest);
        }
        int n = Math.Min(size, destination.Length);
        digest[..n].CopyTo(destination);
        CryptographicOperations.ZeroMemory(digest);
        return n;
    }

    public void Dispose() => platform?.Dispose();
}
