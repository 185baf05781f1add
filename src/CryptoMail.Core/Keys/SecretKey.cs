using System.Text;

namespace CryptoMail.Core;

/// <summary>An OpenPGP secret key (transferable secret key): the certificate and the secret key material,
/// possibly protected by a passphrase.</summary>
/// <remarks>Immutable. A protected key is used by unlocking it (<see cref="Unlock(string)"/>, which returns an
/// unlocked copy) or by handing its passphrase to an operation's options. An unlocked copy keeps the decrypted key
/// material, never the passphrase; dispose it when done: <see cref="Dispose"/> zeroes the material it decrypted and
/// any later use of its secrets throws <see cref="ObjectDisposedException"/>. (The parsed private keys the
/// cryptographic library builds from that material cannot be zeroed from .NET: they are dropped.)</remarks>
public sealed partial class SecretKey : IDisposable
{
    private readonly Dictionary<long, AsymmetricPrivateKey>? unlocked;
    // The plain secret material unlocking decrypted, by key ID: what ChangePassphrase re-encodes. Zeroed by Dispose.
    private readonly Dictionary<long, byte[]> material;
    private readonly object gate = new();
    private bool disposed;

    internal SecretKey(KeyRing ring, Dictionary<long, AsymmetricPrivateKey>? unlocked = null, Dictionary<long, byte[]>? material = null)
    {
        Ring = ring;
        this.unlocked = unlocked;
        this.material = material ?? new Dictionary<long, byte[]>();
        Certificate = new Certificate(ring);
    }

    /// <summary>The plain material this instance owns (for tests of <see cref="Dispose"/>).</summary>
    internal IReadOnlyCollection<byte[]> OwnedMaterial => material.Values;

    /// <summary>Our own model of the transferable secret key.</summary>
    internal KeyRing Ring { get; }

    /// <summary>The public part of this key.</summary>
    public Certificate Certificate { get; }

    /// <summary>The primary key's fingerprint, uppercase hex.</summary>
    public string Fingerprint => Certificate.Fingerprint;

    /// <summary>The primary key's key ID, 16 uppercase hex digits.</summary>
    public string KeyId => Certificate.KeyId;

    /// <summary>The bound user IDs.</summary>
    public IReadOnlyList<string> UserIds => Certificate.UserIds;

    /// <summary>Whether any secret key material is protected by a passphrase.</summary>
    public bool IsProtected => Ring.Secrets.Any(k => !k.IsStub && k.IsProtected);

    /// <summary>Whether the key can be used without a passphrase: it is unprotected, or was unlocked (and not disposed).</summary>
    public bool IsUnlocked => (unlocked is not null && !disposed) || !IsProtected;

    /// <summary>Unlocks the key with its passphrase.</summary>
    /// <param name="passphrase">The passphrase (UTF-8, as GnuPG uses).</param>
    /// <returns>An unlocked copy of this key, to dispose when done; this instance is unchanged.</returns>
    /// <exception cref="BadPassphraseException">The passphrase is wrong.</exception>
    /// <exception cref="KeyNotUsableException">Some secret material does not match its public key (the key was altered:
    /// a key-overwriting attack), or cannot be unlocked.</exception>
    public SecretKey Unlock(string passphrase) => Unlock(passphrase, ReadLimits.Default, CancellationToken.None);

    /// <summary>Unlocks the key with its passphrase, within <paramref name="limits"/> (see
    /// <see cref="Unlock(string, ReadLimits, CancellationToken)"/>).</summary>
    /// <param name="passphrase">The passphrase (UTF-8, as GnuPG uses).</param>
    /// <param name="limits">The limits to apply.</param>
    /// <returns>An unlocked copy of this key, to dispose when done.</returns>
    /// <exception cref="BadPassphraseException">The passphrase is wrong.</exception>
    public SecretKey Unlock(string passphrase, ReadLimits limits) => Unlock(passphrase, limits, CancellationToken.None);

    /// <summary>Unlocks the key with a passphrase held in characters, within <paramref name="limits"/> (see
    /// <see cref="Unlock(ReadOnlySpan{char}, ReadLimits?, CancellationToken)"/>).</summary>
    /// <param name="passphrase">The passphrase (hashed as UTF-8).</param>
    /// <param name="limits">The limits to apply; null for <see cref="ReadLimits.Default"/>.</param>
    /// <returns>An unlocked copy of this key, to dispose when done.</returns>
    /// <exception cref="BadPassphraseException">The passphrase is wrong.</exception>
    public SecretKey Unlock(ReadOnlySpan<char> passphrase, ReadLimits? limits) => Unlock(passphrase, limits, CancellationToken.None);

    /// <summary>Unlocks the key with a passphrase given as UTF-8 octets, within <paramref name="limits"/> (see
    /// <see cref="Unlock(ReadOnlySpan{byte}, ReadLimits?, CancellationToken)"/>).</summary>
    /// <param name="utf8Passphrase">The passphrase's UTF-8 encoding.</param>
    /// <param name="limits">The limits to apply; null for <see cref="ReadLimits.Default"/>.</param>
    /// <returns>An unlocked copy of this key, to dispose when done.</returns>
    /// <exception cref="BadPassphraseException">The passphrase is wrong.</exception>
    public SecretKey Unlock(ReadOnlySpan<byte> utf8Passphrase, ReadLimits? limits) => Unlock(utf8Passphrase, limits, CancellationToken.None);

    /// <summary>Unlocks the key with its passphrase, within <paramref name="limits"/> (the Argon2 memory a key may
    /// ask for: its parameters are chosen by whoever made the key), stopping when <paramref name="cancellationToken"/>
    /// is cancelled.</summary>
    /// <param name="passphrase">The passphrase (UTF-8, as GnuPG uses).</param>
    /// <param name="limits">The limits to apply.</param>
    /// <param name="cancellationToken">Checked while the passphrase is stretched (every quarter pass of an Argon2 S2K),
    /// and between keys.</param>
    /// <returns>An unlocked copy of this key, to dispose when done; this instance is unchanged.</returns>
    /// <exception cref="BadPassphraseException">The passphrase is wrong.</exception>
    /// <exception cref="LimitExceededException">The key's Argon2 parameters ask for more memory than allowed.</exception>
    /// <exception cref="KeyNotUsableException">Some secret material does not match its public key (the key was altered:
    /// a key-overwriting attack), or cannot be unlocked.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public SecretKey Unlock(string passphrase, ReadLimits limits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(passphrase);
        return Unlock(passphrase.AsSpan(), limits, cancellationToken);
    }

    /// <summary>Unlocks the key with a passphrase held in characters (see <see cref="Unlock(ReadOnlySpan{char}, ReadLimits?, CancellationToken)"/>).</summary>
    /// <param name="passphrase">The passphrase (hashed as UTF-8).</param>
    /// <returns>An unlocked copy of this key, to dispose when done.</returns>
    /// <exception cref="BadPassphraseException">The passphrase is wrong.</exception>
    public SecretKey Unlock(ReadOnlySpan<char> passphrase) => Unlock(passphrase, null, CancellationToken.None);

    /// <summary>Unlocks the key with a passphrase given as UTF-8 octets (see <see cref="Unlock(ReadOnlySpan{byte}, ReadLimits?, CancellationToken)"/>).</summary>
    /// <param name="utf8Passphrase">The passphrase's UTF-8 encoding.</param>
    /// <returns>An unlocked copy of this key, to dispose when done.</returns>
    /// <exception cref="BadPassphraseException">The passphrase is wrong.</exception>
    public SecretKey Unlock(ReadOnlySpan<byte> utf8Passphrase) => Unlock(utf8Passphrase, null, CancellationToken.None);

    /// <summary>Unlocks the key with a passphrase held in characters the caller can zero afterwards (a
    /// <c>char[]</c> or a stack buffer), so it never becomes a string; cancellable.</summary>
    /// <param name="passphrase">The passphrase (hashed as UTF-8, as GnuPG does).</param>
    /// <param name="limits">The limits to apply; null for <see cref="ReadLimits.Default"/>.</param>
    /// <param name="cancellationToken">Checked while the passphrase is stretched (every quarter pass of an Argon2 S2K),
    /// and between keys.</param>
    /// <returns>An unlocked copy of this key, to dispose when done; this instance is unchanged.</returns>
    /// <exception cref="BadPassphraseException">The passphrase is wrong.</exception>
    /// <exception cref="LimitExceededException">The key's Argon2 parameters ask for more memory than allowed.</exception>
    /// <exception cref="KeyNotUsableException">Some secret material does not match its public key, or cannot be unlocked.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public SecretKey Unlock(ReadOnlySpan<char> passphrase, ReadLimits? limits, CancellationToken cancellationToken)
    {
        using var octets = Utf8Passphrase.FromChars(passphrase);
        return Unlock(octets, limits ?? ReadLimits.Default, cancellationToken);
    }

    /// <summary>Unlocks the key with a passphrase given as its UTF-8 octets (as a hardware token or a vault may hold
    /// it); cancellable.</summary>
    /// <param name="utf8Passphrase">The passphrase's UTF-8 encoding.</param>
    /// <param name="limits">The limits to apply; null for <see cref="ReadLimits.Default"/>.</param>
    /// <param name="cancellationToken">Checked while the passphrase is stretched (every quarter pass of an Argon2 S2K),
    /// and between keys.</param>
    /// <returns>An unlocked copy of this key, to dispose when done; this instance is unchanged.</returns>
    /// <exception cref="BadPassphraseException">The passphrase is wrong.</exception>
    /// <exception cref="LimitExceededException">The key's Argon2 parameters ask for more memory than allowed.</exception>
    /// <exception cref="KeyNotUsableException">Some secret material does not match its public key, or cannot be unlocked.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public SecretKey Unlock(ReadOnlySpan<byte> utf8Passphrase, ReadLimits? limits, CancellationToken cancellationToken)
    {
        using var octets = Utf8Passphrase.FromUtf8(utf8Passphrase);
        return Unlock(octets, limits ?? ReadLimits.Default, cancellationToken);
    }

    private SecretKey Unlock(Utf8Passphrase passphrase, ReadLimits limits, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        // A fresh instance even for an unprotected key, so that disposing it never disposes a shared one.
        if (!IsProtected) return new SecretKey(Ring);
        return Guard.Run(() =>
        {
            var keys = new Dictionary<long, AsymmetricPrivateKey>();
            var plain = new Dictionary<long, byte[]>();
            try
            {
                foreach (var sk in Ring.Secrets)
                {
                    if (sk.IsStub || sk.Unsupported is not null) continue;
                    cancellationToken.ThrowIfCancellationRequested();
                    var (secret, bytes) = UnusableKeys.Surface(() => sk.Open(passphrase, limits.MaxArgon2MemoryBytes, cancellationToken))
                        ?? throw new BadPassphraseException($"The passphrase does not unlock key {Hex.KeyId(sk.Public.KeyId)} of {Fingerprint}.");
                    keys[sk.Public.KeyId] = secret;
                    plain[sk.Public.KeyId] = bytes;
                }
            }
            catch
            {
                foreach (var bytes in plain.Values) System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
                throw;
            }
            return new SecretKey(Ring, keys, plain);
        }, "Unlocking a key");
    }

    /// <summary>Zeroes the secret material this instance decrypted when it was unlocked and drops its private keys;
    /// any later use of its secrets (signing, decrypting, <see cref="ChangePassphrase"/>, editing) throws
    /// <see cref="ObjectDisposedException"/>. The locked key it was unlocked from is not affected.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            if (disposed) return;
            disposed = true;
            foreach (var bytes in material.Values) System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
            material.Clear();
            unlocked?.Clear();
        }
    }

    /// <summary>Tries to unlock the key with a passphrase.</summary>
    /// <param name="passphrase">The passphrase.</param>
    /// <param name="unlockedKey">The unlocked copy when it worked.</param>
    /// <returns>True when the passphrase unlocked the key.</returns>
    public bool TryUnlock(string passphrase, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SecretKey? unlockedKey)
    {
        try
        {
            unlockedKey = Unlock(passphrase);
            return true;
        }
        catch (BadPassphraseException)
        {
            unlockedKey = null;
            return false;
        }
    }

    /// <summary>Returns a copy protected by a new passphrase, or unprotected when it is null or empty.</summary>
    /// <param name="newPassphrase">The new passphrase; null or empty removes protection.</param>
    /// <returns>The re-protected key (locked when a passphrase was set).</returns>
    /// <exception cref="KeyNotUsableException">This key is protected and was not unlocked.</exception>
    /// <param name="cancellationToken">Checked while the new passphrase is stretched (every quarter pass of the
    /// Argon2 S2K that protects v6 keys).</param>
    /// <exception cref="ObjectDisposedException">This key was disposed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public SecretKey ChangePassphrase(string? newPassphrase, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!IsUnlocked) throw new KeyNotUsableException($"Key {Fingerprint} is locked: unlock it before changing its passphrase.");
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return Guard.Run(() => new SecretKey(SecretKeyProtection.Reprotect(Ring, material, newPassphrase, cancellationToken)), "Changing the passphrase");
        }
    }

    /// <summary>Makes a revocation signature for the primary key and returns the certificate carrying it (what the
    /// Stateless OpenPGP CLI calls a revocation certificate). Publish it, or keep it safe to publish later.</summary>
    /// <param name="reason">Why the key is revoked.</param>
    /// <param name="description">A human-readable explanation; may be empty.</param>
    /// <param name="passphrases">Passphrases tried when the key is protected and not unlocked.</param>
    /// <returns>The revoked certificate.</returns>
    /// <exception cref="KeyNotUsableException">The key is locked and no passphrase unlocks it.</exception>
    public Certificate Revoke(RevocationReason reason = RevocationReason.Unspecified, string description = "", IEnumerable<string>? passphrases = null)
    {
        ArgumentNullException.ThrowIfNull(description);
        var primary = Ring.Primary;
        var priv = GetPrivateKey(primary.KeyId, passphrases)
            ?? throw new KeyNotUsableException($"Key {Fingerprint} has no secret primary key to revoke with.");
        CheckKeyRevocationReason(reason);
        return Guard.Run(() => new Certificate(Certificate.Ring.WithDirect(KeyEditor.KeyRevocationSignature(primary, priv, reason, description))), "Revoking a key");
    }

    /// <summary>Parses exactly one secret key from armored text.</summary>
    /// <param name="armored">ASCII-armored secret key.</param>
    /// <returns>The key.</returns>
    /// <exception cref="MalformedDataException">The text holds no secret key, or more than one.</exception>
    public static SecretKey Parse(string armored)
    {
        ArgumentNullException.ThrowIfNull(armored);
        return Single(ParseAll(Encoding.UTF8.GetBytes(armored)));
    }

    /// <summary>Parses exactly one secret key from armored or binary data.</summary>
    /// <param name="data">The data.</param>
    /// <returns>The key.</returns>
    public static SecretKey Parse(ReadOnlySpan<byte> data) => Single(ParseAll(data));

    /// <summary>Reads exactly one secret key from a stream.</summary>
    /// <param name="input">The stream; read to its end, left open.</param>
    /// <returns>The key.</returns>
    public static SecretKey Load(Stream input) => Single(LoadAll(input));

    /// <summary>Parses every secret key in armored text.</summary>
    /// <param name="armored">The text.</param>
    /// <returns>The keys.</returns>
    /// <exception cref="MalformedDataException">The data is malformed or holds a certificate without secret material.</exception>
    public static IReadOnlyList<SecretKey> ParseAll(string armored)
    {
        ArgumentNullException.ThrowIfNull(armored);
        return ParseAll(Encoding.UTF8.GetBytes(armored));
    }

    /// <summary>Parses every secret key in armored or binary data.</summary>
    /// <param name="data">The data.</param>
    /// <returns>The keys.</returns>
    /// <exception cref="MalformedDataException">The data is malformed or holds a certificate without secret material.</exception>
    public static IReadOnlyList<SecretKey> ParseAll(ReadOnlySpan<byte> data)
    {
        var rings = KeyRings.Read(data.ToArray(), "Reading secret keys");
        var result = new List<SecretKey>();
        foreach (var r in rings)
        {
            result.Add(r.Secret ?? throw new MalformedDataException($"Certificate {r.Certificate.Fingerprint} has no secret key material."));
        }
        return result;
    }

    /// <summary>Reads every secret key from a stream.</summary>
    /// <param name="input">The stream; read to its end, left open.</param>
    /// <returns>The keys.</returns>
    public static IReadOnlyList<SecretKey> LoadAll(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Guard.Run(() => ParseAll(PgpInput.ReadAllBounded(input)), "Reading secret keys");
    }

    /// <summary>The secret key in binary OpenPGP form (protected as it is).</summary>
    /// <returns>The packets.</returns>
    public byte[] Export() => Ring.Encode(withSecret: true);

    /// <summary>The secret key as ASCII armor (<c>PGP PRIVATE KEY BLOCK</c>); without the CRC-24 line for v6 keys,
    /// as for certificates.</summary>
    /// <returns>The armored text.</returns>
    public string ExportArmored() => ArmorWriter.ToArmoredString(Export(), ArmorKind.PrivateKey, writeCrc: Certificate.Version != 6);

    /// <summary>Writes the secret key to a stream.</summary>
    /// <param name="output">The stream; left open.</param>
    /// <param name="armor">Write ASCII armor rather than binary.</param>
    public void Export(Stream output, bool armor = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(armor ? Encoding.ASCII.GetBytes(ExportArmored()) : Export());
    }

    /// <inheritdoc />
    public override string ToString() => Certificate.ToString();

    /// <summary>The private key for <paramref name="keyId"/>, unlocking with the given passphrases when needed.</summary>
    /// <returns>The key, or null when this ring has no secret material for that key ID.</returns>
    /// <exception cref="KeyNotUsableException">The key is protected and no passphrase unlocks it.</exception>
    internal AsymmetricPrivateKey? GetPrivateKey(long keyId, IEnumerable<string>? passphrases, long maxArgon2Bytes = S2kSpec.DefaultMaxArgon2MemoryBytes)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (unlocked is not null && unlocked.TryGetValue(keyId, out var cached)) return cached;
        }
        var sk = Ring.SecretFor(keyId);
        if (sk is null || sk.IsStub) return null;
        if (!sk.IsProtected) return Guard.Run(() => UnusableKeys.Unlock(sk, null, maxArgon2Bytes), "Reading a secret key");
        foreach (var p in passphrases ?? Array.Empty<string>())
        {
            var key = Guard.Run(() => UnusableKeys.Unlock(sk, p, maxArgon2Bytes), "Unlocking a secret key");
            if (key is not null) return key;
        }
        throw new KeyNotUsableException($"Key {Hex.KeyId(keyId)} of {Fingerprint} is protected by a passphrase; unlock it or supply the passphrase.");
    }

    private static SecretKey Single(IReadOnlyList<SecretKey> all) => all.Count switch
    {
        1 => all[0],
        0 => throw new MalformedDataException("The input holds no secret key."),
        _ => throw new MalformedDataException($"The input holds {all.Count} secret keys where one was expected; use ParseAll."),
    };
}
