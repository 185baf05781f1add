using System.Security.Cryptography;

namespace CryptoMail.Core.Packets;

/// <summary>A symmetric-key encrypted session key packet (tag 3) of any version we read: v4 (RFC 9580 section
/// 5.3.1, CFB, for SEIPD v1), v5 (LibrePGP, AEAD under the S2K output, for the OCB Encrypted Data packet) and v6
/// (RFC 9580 section 5.3.2, AEAD under an HKDF of the S2K output, for SEIPD v2). We write v4 and v6.</summary>
internal sealed class Skesk
{
    private static readonly byte PacketTagOctet = PacketWriter.HeaderOctet(PacketTag.SymmetricKeyEncryptedSessionKey);

    public required int Version { get; init; }

    /// <summary>The cipher the key-encryption key is for (and, for v4 without an encrypted key, the message cipher).</summary>
    public required int Cipher { get; init; }

    public AeadAlgorithm Aead { get; init; }

    public required S2kSpec S2k { get; init; }

    public byte[] Nonce { get; init; } = Array.Empty<byte>();

    /// <summary>v4: null when the S2K output is the session key itself.</summary>
    public byte[]? EncryptedKey { get; init; }

    public byte[] Tag { get; init; } = Array.Empty<byte>();

    /// <summary>Parses a packet body. Unknown versions, ciphers, AEAD modes or S2K types give
    /// <see cref="UnsupportedPacketException"/> (another packet may still fit); truncation gives
    /// <see cref="MalformedDataException"/>.</summary>
    public static Skesk Parse(byte[] body)
    {
        if (body.Length < 4) throw new MalformedDataException("The symmetric-key encrypted session key packet is too short.");
        int version = body[0];
        switch (version)
        {
            case 4:
            {
                int pos = 2;
                var s2k = S2kSpec.Parse(body, ref pos);
                return new Skesk { Version = 4, Cipher = body[1], S2k = s2k, EncryptedKey = pos < body.Length ? body[pos..] : null };
            }
            case 5:
            {
                // version, cipher, AEAD, S2K, IV, encrypted key, tag.
                var aead = KnownAead(body[2]);
                int pos = 3;
                var s2k = S2kSpec.Parse(body, ref pos);
                return WithSealedKey(5, body[1], aead, s2k, body, pos);
            }
            case 6:
            {
                // version, count of the next five fields, cipher, AEAD, S2K length, S2K, nonce, encrypted key, tag.
                if (body.Length < 6) throw new MalformedDataException("The v6 symmetric-key encrypted session key packet is too short.");
                var aead = KnownAead(body[3]);
                int s2kLength = body[4];
                int pos = 5;
                var s2k = S2kSpec.Parse(body, ref pos);
                if (pos != 5 + s2kLength) throw new MalformedDataException("The v6 SKESK's S2K length does not match its S2K.");
                return WithSealedKey(6, body[2], aead, s2k, body, pos);
            }
            default:
                throw new UnsupportedPacketException($"SKESK version {version} is not supported.");
        }
    }

    private static AeadAlgorithm KnownAead(byte id)
    {
        var aead = (AeadAlgorithm)id;
        if (!AeadSuite.IsKnown(aead)) throw new UnsupportedPacketException($"AEAD algorithm {id} is not supported.");
        return aead;
    }

    private static Skesk WithSealedKey(int version, int cipher, AeadAlgorithm aead, S2kSpec s2k, byte[] body, int pos)
    {
        int nonceSize = AeadSuite.NonceSize(aead);
        if (body.Length - pos - nonceSize <= AeadSuite.TagSize)
            throw new MalformedDataException($"The v{version} SKESK has no encrypted session key.");
        return new Skesk
        {
            Version = version,
            Cipher = cipher,
            Aead = aead,
            S2k = s2k,
            Nonce = body[pos..(pos + nonceSize)],
            EncryptedKey = body[(pos + nonceSize)..^AeadSuite.TagSize],
            Tag = body[^AeadSuite.TagSize..],
        };
    }

    /// <summary>The session key, or null when the password cannot be right (bad tag, impossible key) or the packet
    /// uses something we do not support. An Argon2 S2K over the memory cap throws <see cref="LimitExceededException"/>.</summary>
    /// <remarks>v5 and v6 keys carry no algorithm octet: the result names <see cref="Cipher"/>, and the encrypted
    /// data packet says which cipher the message uses. <paramref name="cancellationToken"/> is checked while an Argon2
    /// S2K stretches the password.</remarks>
    public SessionKeyMaterial? TryDecrypt(ReadOnlySpan<byte> password, long maxArgon2MemoryBytes, CancellationToken cancellationToken = default)
    {
        try
        {
            return Version == 4 ? OpenV4(password, maxArgon2MemoryBytes, cancellationToken) : OpenSealed(password, maxArgon2MemoryBytes, cancellationToken);
        }
        catch (Exception e) when (e is UnsupportedPacketException or ArgumentException or UnusableKeyException)
        {
            return null;
        }
    }

    /// <summary>As <see cref="TryDecrypt(ReadOnlySpan{byte}, long, CancellationToken)"/>, for a password given as text (hashed as UTF-8).</summary>
    public SessionKeyMaterial? TryDecrypt(string password, long maxArgon2MemoryBytes)
    {
        using var octets = Utf8Passphrase.FromChars(password);
        return TryDecrypt(octets.Octets, maxArgon2MemoryBytes);
    }

    private SessionKeyMaterial? OpenV4(ReadOnlySpan<byte> password, long maxArgon2MemoryBytes, CancellationToken cancellationToken)
    {
        var kek = S2k.Derive(password, SessionKeyMaterial.KeyLength(Cipher), maxArgon2MemoryBytes, cancellationToken: cancellationToken);
        if (EncryptedKey is null) return new SessionKeyMaterial(Cipher, kek);
        try
        {
            var decrypted = OpenPgpCfb.Transform(Cipher, kek, EncryptedKey, encrypt: false);
            int alg = decrypted[0];
            if (decrypted.Length - 1 != SessionKeyMaterial.KeyLength(alg))
            {
                CryptographicOperations.ZeroMemory(decrypted);
                return null;
            }
            var key = decrypted[1..];
            CryptographicOperations.ZeroMemory(decrypted);
            return new SessionKeyMaterial(alg, key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    private SessionKeyMaterial? OpenSealed(ReadOnlySpan<byte> password, long maxArgon2MemoryBytes, CancellationToken cancellationToken)
    {
        int keySize = AeadSuite.KeySize((byte)Cipher);
        if (keySize == 0) return null;
        var kek = KeyEncryptionKey(password, Version, (byte)Cipher, Aead, keySize, maxArgon2MemoryBytes, S2k, cancellationToken);
        var key = new byte[EncryptedKey!.Length];
        try
        {
            using var cipher = AeadCiphers.Create((byte)Cipher, Aead, kek);
            cipher.Decrypt(Nonce, EncryptedKey, Tag, AssociatedData(Version, (byte)Cipher, Aead), key);
            return new SessionKeyMaterial(Cipher, key);
        }
        catch (CryptographicException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <summary>The body of a SKESK v4 (for SEIPD v1: iterated and salted SHA-256, which every reader knows) or v6
    /// (for SEIPD v2: Argon2, as RFC 9580 section 3.7.1.4 says to use with AEAD) for <paramref name="sessionKey"/>.</summary>
    public static byte[] Write(string password, SessionKeyMaterial sessionKey, int version, AeadAlgorithm aead = AeadAlgorithm.Ocb, S2kSpec? s2k = null)
    {
        using var body = new MemoryStream();
        if (version == 4)
        {
            s2k ??= S2kSpec.NewIterated();
            var kek = s2k.Derive(password, SessionKeyMaterial.KeyLength(sessionKey.Algorithm), long.MaxValue);
            var plain = new byte[1 + sessionKey.Key.Length];
            plain[0] = (byte)sessionKey.Algorithm;
            sessionKey.Key.CopyTo(plain, 1);
            var encrypted = OpenPgpCfb.Transform(sessionKey.Algorithm, kek, plain, encrypt: true);
            CryptographicOperations.ZeroMemory(kek);
            CryptographicOperations.ZeroMemory(plain);
            body.Write([4, (byte)sessionKey.Algorithm]);
            body.Write(s2k.Encode());
            body.Write(encrypted);
            return body.ToArray();
        }
        if (version != 6) throw new ArgumentOutOfRangeException(nameof(version), version, "We write SKESK v4 and v6.");
        s2k ??= S2kSpec.NewArgon2();
        byte cipherId = (byte)sessionKey.Algorithm;
        using var octets6 = Utf8Passphrase.FromChars(password);
        var kek6 = KeyEncryptionKey(octets6.Octets, 6, cipherId, aead, sessionKey.Key.Length, long.MaxValue, s2k, default);
        var nonce = RandomNumberGenerator.GetBytes(AeadSuite.NonceSize(aead));
        var sealedKey = new byte[sessionKey.Key.Length];
        var tag = new byte[AeadSuite.TagSize];
        using (var cipher = AeadCiphers.Create(cipherId, aead, kek6))
        {
            cipher.Encrypt(nonce, sessionKey.Key, AssociatedData(6, cipherId, aead), sealedKey, tag);
        }
        CryptographicOperations.ZeroMemory(kek6);
        var s2kBytes = s2k.Encode();
        body.WriteByte(6);
        body.WriteByte((byte)(3 + s2kBytes.Length + nonce.Length));
        body.Write([cipherId, (byte)aead, (byte)s2kBytes.Length]);
        body.Write(s2kBytes);
        body.Write(nonce);
        body.Write(sealedKey);
        body.Write(tag);
        return body.ToArray();
    }

    /// <summary>v5: the S2K output itself; v6: HKDF-SHA256 over it with the associated data as info.</summary>
    private static byte[] KeyEncryptionKey(ReadOnlySpan<byte> password, int version, byte cipher, AeadAlgorithm aead, int keySize, long maxArgon2MemoryBytes, S2kSpec s2k,
        CancellationToken cancellationToken)
    {
        var ikm = s2k.Derive(password, keySize, maxArgon2MemoryBytes, cancellationToken: cancellationToken);
        if (version == 5) return ikm;
        var kek = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, keySize, Array.Empty<byte>(), AssociatedData(version, cipher, aead));
        CryptographicOperations.ZeroMemory(ikm);
        return kek;
    }

    /// <summary>Packet tag in OpenPGP format, version, cipher, AEAD algorithm.</summary>
    private static byte[] AssociatedData(int version, byte cipher, AeadAlgorithm aead) => [PacketTagOctet, (byte)version, cipher, (byte)aead];
}
