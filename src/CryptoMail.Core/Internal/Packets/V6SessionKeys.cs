using System.Security.Cryptography;
using CryptoMail.Core.Internal.Aead;
using Org.BouncyCastle.Bcpg;

namespace CryptoMail.Core.Internal.Packets;

/// <summary>A version 6 symmetric-key encrypted session key packet (RFC 9580 section 5.3.2): the session key is
/// AEAD-encrypted under a key derived from the password's S2K output with HKDF.</summary>
internal sealed class SkeskV6
{
    public required int Cipher { get; init; }
    public required AeadAlgorithm Aead { get; init; }
    public required S2kSpec S2k { get; init; }
    public required byte[] Nonce { get; init; }
    public required byte[] EncryptedKey { get; init; }
    public required byte[] Tag { get; init; }

    public static SkeskV6 Parse(byte[] body)
    {
        // version, count of the next five fields, cipher, AEAD, S2K length, S2K, nonce; then the encrypted key and its tag.
        if (body.Length < 6 || body[0] != 6) throw new UnsupportedPacketException("Not a v6 SKESK.");
        int cipher = body[2];
        var aead = (AeadAlgorithm)body[3];
        if (!AeadSuite.IsKnown(aead)) throw new UnsupportedPacketException($"AEAD algorithm {body[3]} is not supported.");
        int s2kLength = body[4];
        int pos = 5;
        var s2k = S2kSpec.Parse(body, ref pos);
        if (pos != 5 + s2kLength) throw new MalformedDataException("The v6 SKESK's S2K length does not match its S2K.");
        int nonceSize = AeadSuite.NonceSize(aead);
        var nonce = body[pos..(pos + nonceSize)];
        pos += nonceSize;
        if (body.Length - pos <= AeadSuite.TagSize) throw new MalformedDataException("The v6 SKESK has no encrypted session key.");
        return new SkeskV6
        {
            Cipher = cipher,
            Aead = aead,
            S2k = s2k,
            Nonce = nonce,
            EncryptedKey = body[pos..^AeadSuite.TagSize],
            Tag = body[^AeadSuite.TagSize..],
        };
    }

    /// <summary>The session key, or null when the password is wrong (the AEAD tag does not verify).</summary>
    public SessionKeyMaterial? TryDecrypt(string password)
    {
        int keySize = AeadSuite.KeySize((byte)Cipher);
        if (keySize == 0) return null;
        var ikm = S2k.Derive(password, keySize);
        byte[] info = { 0xC3, 6, (byte)Cipher, (byte)Aead };
        var kek = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, keySize, Array.Empty<byte>(), info);
        CryptographicOperations.ZeroMemory(ikm);
        var key = new byte[EncryptedKey.Length];
        try
        {
            using var cipher = AeadCiphers.Create((byte)Cipher, Aead, kek);
            cipher.Decrypt(Nonce, EncryptedKey, Tag, info, key);
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
}

/// <summary>A version 6 public-key encrypted session key packet (RFC 9580 section 5.1.2). The session key carries
/// no algorithm octet: the SEIPD v2 packet names the cipher.</summary>
internal static class PkeskV6
{
    /// <summary>Parses into the same shape as v3: key ID from the fingerprint (0 when anonymous), algorithm, fields.</summary>
    public static (Pkesk Packet, byte[]? Fingerprint) Parse(byte[] body)
    {
        if (body.Length < 3 || body[0] != 6) throw new UnsupportedPacketException("Not a v6 PKESK.");
        int size = body[1];
        byte[]? fingerprint = null;
        long keyId = 0;
        if (size > 0)
        {
            int version = body[2];
            fingerprint = body[3..(2 + size)];
            keyId = version == 4
                ? System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(fingerprint.AsSpan(fingerprint.Length - 8))
                : System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(fingerprint.AsSpan(0, 8));
        }
        int pos = 2 + size;
        var algorithm = (PublicKeyAlgorithmTag)body[pos];
        return (new Pkesk { Version = 6, KeyId = keyId, Algorithm = algorithm, Fields = body[(pos + 1)..] }, fingerprint);
    }
}
