using System.Security.Cryptography;

using PacketTag = CryptoMail.Core.Types.PacketTag;

namespace CryptoMail.Core.Packets;

/// <summary>A secret key or subkey packet (tags 5 and 7), v4 or v6 (RFC 9580 section 5.5.3): the public part, the
/// S2K usage and its parameters, and the (possibly encrypted) secret material. Unlocks with usage 0, 253 (AEAD,
/// e.g. with Argon2), 254 (CFB + SHA-1) and 255 (CFB + checksum); writes usage 0, 254 (v4) and 253 with Argon2 (v6).</summary>
internal sealed class SecretKeyPacket
{
    private SecretKeyPacket(KeyPacket pub, bool isSubkey, byte[] body)
    {
        Public = pub;
        IsSubkey = isSubkey;
        Body = body;
    }

    public KeyPacket Public { get; }
    public bool IsSubkey { get; }
    public byte[] Body { get; }
    public int Usage { get; private init; }
    public int Cipher { get; private init; }
    public AeadAlgorithm Aead { get; private init; }
    public S2kSpec? S2k { get; private init; }
    public byte[] Iv { get; private init; } = Array.Empty<byte>();
    /// <summary>The secret part after the parameters: plain material (with checksum for v4) or ciphertext.</summary>
    private byte[] Data { get; init; } = Array.Empty<byte>();
    /// <summary>No secret material here (GnuPG's "gnu-dummy" stubs, or material on a smartcard).</summary>
    public bool IsStub { get; private init; }
    /// <summary>Protected by a scheme we cannot unlock (legacy usage octets, unknown S2K).</summary>
    public string? Unsupported { get; private init; }

    public bool IsProtected => Usage != 0;

    public byte[] Encoded()
    {
        using var ms = new MemoryStream();
        PacketWriter.WritePacket(ms, IsSubkey ? PacketTag.SecretSubkey : PacketTag.SecretKey, Body);
        return ms.ToArray();
    }

    public static SecretKeyPacket Parse(byte[] body, bool isSubkey)
    {
        var pub = KeyPacket.Parse(body, out int pos);
        if (pos >= body.Length) throw new MalformedDataException("The secret key packet has no S2K usage octet.");
        int usage = body[pos++];
        // v3 (PGP 2.6) secret keys are not unlocked here: their public part is read as a certificate, nothing more.
        if (pub.Version == 3)
            return new SecretKeyPacket(pub, isSubkey, body) { Usage = usage, Unsupported = "a v3 (PGP 2.6) secret key" };
        if (usage == 0)
            return new SecretKeyPacket(pub, isSubkey, body) { Usage = 0, Data = body[pos..] };
        // Every octet read below is first checked to be there: a truncated packet is malformed data.
        void Need(int n)
        {
            if (n > body.Length - pos) throw new MalformedDataException("The secret key packet is truncated.");
        }
        try
        {
            if (pub.Version == 6) { Need(1); pos++; } // count of the following parameter octets
            if (usage is not (253 or 254 or 255))
                return new SecretKeyPacket(pub, isSubkey, body) { Usage = usage, Unsupported = "a legacy protection scheme" };
            Need(usage == 253 ? 2 : 1);
            int cipher = body[pos++];
            var aead = usage == 253 ? (AeadAlgorithm)body[pos++] : 0;
            if (pub.Version == 6 && usage is 253 or 254) { Need(1); pos++; } // S2K specifier length
            Need(1);
            if (body[pos] == 101)
            {
                // GnuPG extension: no secret material (stub or smartcard).
                return new SecretKeyPacket(pub, isSubkey, body) { Usage = usage, IsStub = true };
            }
            S2kSpec s2k;
            try { s2k = S2kSpec.Parse(body, ref pos); }
            catch (UnsupportedPacketException e)
            {
                return new SecretKeyPacket(pub, isSubkey, body) { Usage = usage, Unsupported = e.Message };
            }
            int ivSize = usage == 253
                ? (AeadSuite.IsKnown(aead) ? AeadSuite.NonceSize(aead) : throw new UnsupportedPacketException($"AEAD algorithm {(int)aead} is not supported."))
                : BlockSize(cipher);
            Need(ivSize);
            var iv = body[pos..(pos + ivSize)];
            pos += ivSize;
            return new SecretKeyPacket(pub, isSubkey, body) { Usage = usage, Cipher = cipher, Aead = aead, S2k = s2k, Iv = iv, Data = body[pos..] };
        }
        catch (UnsupportedPacketException e)
        {
            return new SecretKeyPacket(pub, isSubkey, body) { Usage = usage, Unsupported = e.Message };
        }
    }

    private static int BlockSize(int cipher) => cipher switch
    {
        7 or 8 or 9 or 10 or 11 or 12 or 13 => 16,
        1 or 2 or 3 or 4 => 8,
        _ => throw new UnsupportedPacketException($"Symmetric algorithm {cipher} is not supported."),
    };

    /// <summary>Set once unprotected material was found to match the public key: it cannot change afterwards.</summary>
    private volatile bool plainMaterialChecked;

    /// <summary>The secret key, or null when the passphrase is wrong. The material is checked against the
    /// public key (<see cref="KeyConsistency"/>) on every unlock, or once for unprotected material.</summary>
    /// <exception cref="UnusableKeyException">No material, protected in a way we cannot unlock, or material that does
    /// not match the public key (a key-overwriting attack).</exception>
    public AsymmetricPrivateKey? Unlock(string? passphrase, long maxArgon2Bytes, CancellationToken cancellationToken = default)
    {
        using var octets = passphrase is null ? null : Utf8Passphrase.FromChars(passphrase);
        return UnlockOctets(octets, maxArgon2Bytes, cancellationToken);
    }

    /// <summary>As <see cref="Unlock(string?, long, CancellationToken)"/>, with the passphrase as UTF-8 octets (null: none).</summary>
    public AsymmetricPrivateKey? UnlockOctets(Utf8Passphrase? passphrase, long maxArgon2Bytes, CancellationToken cancellationToken = default)
    {
        if (Open(passphrase, maxArgon2Bytes, cancellationToken) is not var (secret, material)) return null;
        CryptographicOperations.ZeroMemory(material);
        return secret;
    }

    /// <summary>As <see cref="UnlockOctets"/>, also returning the plain material, which the caller owns and zeroes.</summary>
    public (AsymmetricPrivateKey Secret, byte[] Material)? Open(Utf8Passphrase? passphrase, long maxArgon2Bytes, CancellationToken cancellationToken = default)
    {
        var material = ReadMaterial(passphrase, maxArgon2Bytes, cancellationToken);
        if (material is null) return null;
        try
        {
            var secret = ToPrivate(Public, material);
            if (!plainMaterialChecked)
            {
                if (!KeyConsistency.Matches(Public.PublicKey, secret)) throw Mismatch(Public);
                plainMaterialChecked = Usage == 0;
            }
            return (secret, material);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(material);
            throw;
        }
    }

    /// <summary>The plain secret material (the caller zeroes it), or null when the passphrase is wrong.</summary>
    /// <exception cref="UnusableKeyException">No material, or protected in a way we cannot unlock.</exception>
    public byte[]? ReadMaterial(Utf8Passphrase? passphrase, long maxArgon2Bytes, CancellationToken cancellationToken = default)
    {
        if (IsStub) throw new UnusableKeyException($"Key {Hex.KeyId(Public.KeyId)} has no secret material here (stub or smartcard).");
        if (Unsupported is not null) throw new UnusableKeyException($"Key {Hex.KeyId(Public.KeyId)} is protected with {Unsupported}.");
        return Usage == 0 ? Plain() : passphrase is null ? null : Decrypt(passphrase, maxArgon2Bytes, cancellationToken);
    }

    private byte[] Plain()
    {
        if (Public.Version == 6) return (byte[])Data.Clone();
        if (Data.Length < 2) throw new MalformedDataException("The secret key material is truncated.");
        var m = Data[..^2];
        if (Checksum(m) != ((Data[^2] << 8) | Data[^1])) throw new MalformedDataException("The secret key material's checksum is wrong.");
        return m;
    }

    private static int Checksum(ReadOnlySpan<byte> m)
    {
        int sum = 0;
        foreach (var b in m) sum += b;
        return sum & 0xFFFF;
    }

    private byte[]? Decrypt(Utf8Passphrase passphrase, long maxArgon2Bytes, CancellationToken cancellationToken)
    {
        if (Usage == 253)
        {
            try
            {
                return SecretKeyAead.Decrypt(passphrase.Octets, S2k!, TagOf(IsSubkey), (byte)Public.Version, (byte)Cipher, Aead, Iv, Public.Body, Data, maxArgon2Bytes, cancellationToken);
            }
            catch (BadPassphraseException)
            {
                return null;
            }
        }
        int keySize = SessionKeyMaterial.KeyLength(Cipher);
        var kek = S2k!.Derive(passphrase.Octets, keySize, maxArgon2Bytes, cancellationToken: cancellationToken);
        try
        {
            var clear = OpenPgpCfb.Transform(Cipher, kek, Data, encrypt: false, Iv);
            if (Usage == 254)
            {
                if (clear.Length < 20) return null;
                var m = clear[..^20];
#pragma warning disable CA5350 // RFC 9580 section 5.5.3 fixes SHA-1 as the check of S2K usage 254.
                var check = SHA1.HashData(m);
#pragma warning restore CA5350
                bool ok = CryptographicOperations.FixedTimeEquals(check, clear.AsSpan(clear.Length - 20));
                CryptographicOperations.ZeroMemory(clear);
                if (!ok) { CryptographicOperations.ZeroMemory(m); return null; }
                return m;
            }
            if (clear.Length < 2) return null;
            var body = clear[..^2];
            bool sumOk = Checksum(body) == ((clear[^2] << 8) | clear[^1]);
            CryptographicOperations.ZeroMemory(clear);
            if (!sumOk) { CryptographicOperations.ZeroMemory(body); return null; }
            // A 16-bit checksum passes by chance once in 65,536 wrong passphrases: the material must also parse and
            // match the public key.
            bool matches;
            try { matches = KeyConsistency.Matches(Public.PublicKey, ToPrivate(Public, body)); }
            catch (Exception e) when (e is not OperationCanceledException) { matches = false; }
            if (!matches) { CryptographicOperations.ZeroMemory(body); return null; }
            return body;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    private static byte TagOf(bool isSubkey) => (byte)(isSubkey ? 7 : 5);

    /// <summary>Builds a secret key packet body: unprotected when <paramref name="passphrase"/> is null or empty;
    /// otherwise v6 keys get S2K usage 253 (AES-256 OCB, Argon2) as RFC 9580 recommends, v4 keys usage 254 (AES-256
    /// CFB, iterated and salted SHA-256), which every v4 implementation reads. <paramref name="progress"/> is told the
    /// fraction of the passphrase stretching done.</summary>
    public static SecretKeyPacket Create(KeyPacket pub, byte[] material, bool isSubkey, string? passphrase, IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        using var ms = new MemoryStream();
        ms.Write(pub.Body);
        if (string.IsNullOrEmpty(passphrase))
        {
            ms.WriteByte(0);
            ms.Write(material);
            if (pub.Version != 6)
            {
                int sum = Checksum(material);
                ms.WriteByte((byte)(sum >> 8));
                ms.WriteByte((byte)sum);
            }
            return Parse(ms.ToArray(), isSubkey);
        }
        const int cipher = 9; // AES-256
        if (pub.Version == 6)
        {
            var s2k = S2kSpec.NewArgon2();
            var s2kBytes = s2k.Encode();
            var nonce = RandomNumberGenerator.GetBytes(AeadSuite.NonceSize(AeadAlgorithm.Ocb));
            using var octets = Utf8Passphrase.FromChars(passphrase);
            var encrypted = SecretKeyAead.Encrypt(octets.Octets, s2k, TagOf(isSubkey), (byte)pub.Version, cipher, AeadAlgorithm.Ocb, nonce, pub.Body, material, progress, cancellationToken);
            ms.WriteByte(253);
            ms.WriteByte((byte)(3 + s2kBytes.Length + nonce.Length));
            ms.WriteByte(cipher);
            ms.WriteByte((byte)AeadAlgorithm.Ocb);
            ms.WriteByte((byte)s2kBytes.Length);
            ms.Write(s2kBytes);
            ms.Write(nonce);
            ms.Write(encrypted);
            return Parse(ms.ToArray(), isSubkey);
        }
        var iterated = S2kSpec.NewIterated();
        var iv = RandomNumberGenerator.GetBytes(16);
        var kek4 = iterated.Derive(passphrase, 32, long.MaxValue, progress, cancellationToken);
        var plain = new byte[material.Length + 20];
        material.CopyTo(plain, 0);
#pragma warning disable CA5350 // RFC 9580 section 5.5.3 fixes SHA-1 as the check of S2K usage 254.
        SHA1.HashData(material, plain.AsSpan(material.Length));
#pragma warning restore CA5350
        var encrypted4 = OpenPgpCfb.Transform(cipher, kek4, plain, encrypt: true, iv);
        CryptographicOperations.ZeroMemory(kek4);
        CryptographicOperations.ZeroMemory(plain);
        ms.WriteByte(254);
        ms.WriteByte(cipher);
        ms.Write(iterated.Encode());
        ms.Write(iv);
        ms.Write(encrypted4);
        return Parse(ms.ToArray(), isSubkey);
    }

    /// <summary>The secret key from the plain secret material (RFC 9580 section 5.5.5).</summary>
    /// <exception cref="UnusableKeyException">An algorithm whose secret keys we do not read, or RSA factors that do
    /// not belong to the public key.</exception>
    public static AsymmetricPrivateKey ToPrivate(KeyPacket pub, ReadOnlySpan<byte> material)
    {
        if (!KeyMaterial.HasPrivate(pub.Algorithm)) throw new UnusableKeyException($"{pub.AlgorithmName} secret keys are not supported.");
        return KeyMaterial.Private(pub.Algorithm, pub.PublicKey, material) ?? throw Mismatch(pub);
    }

    private static UnusableKeyException Mismatch(KeyPacket key) =>
        new($"The secret material of key {Hex.KeyId(key.KeyId)} does not match its public key: the key was altered (a key-overwriting attack) or is damaged.");
}
