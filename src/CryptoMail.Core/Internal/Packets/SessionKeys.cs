using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Internal.Packets;

/// <summary>A decrypted session key: the symmetric algorithm and the key octets. Zeroed on dispose.</summary>
internal sealed class SessionKeyMaterial : IDisposable
{
    public SessionKeyMaterial(int algorithm, byte[] key)
    {
        Algorithm = algorithm;
        Key = key;
    }

    public int Algorithm { get; }
    public byte[] Key { get; }

    public void Dispose() => CryptographicOperations.ZeroMemory(Key);
}

/// <summary>A public-key encrypted session key packet (tag 1), version 3 (RFC 9580 section 5.1).</summary>
internal sealed class Pkesk
{
    public required int Version { get; init; }
    public required long KeyId { get; init; }
    public required PublicKeyAlgorithmTag Algorithm { get; init; }
    /// <summary>The algorithm-specific fields.</summary>
    public required byte[] Fields { get; init; }

    public static Pkesk Parse(byte[] body)
    {
        if (body.Length < 10) throw new MalformedDataException("The public-key encrypted session key packet is too short.");
        if (body[0] != 3) throw new UnsupportedPacketException($"PKESK version {body[0]} is not supported yet.");
        long keyId = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(body.AsSpan(1, 8));
        return new Pkesk { Version = 3, KeyId = keyId, Algorithm = (PublicKeyAlgorithmTag)body[9], Fields = body[10..] };
    }
}

/// <summary>A packet version or algorithm this library does not read yet; the packet is skipped, not trusted.</summary>
internal sealed class UnsupportedPacketException : Exception
{
    public UnsupportedPacketException(string message) : base(message) { }
}

/// <summary>A symmetric-key encrypted session key packet (tag 3), version 4.</summary>
internal sealed class Skesk
{
    public required int Version { get; init; }
    public required int Cipher { get; init; }
    public required S2kSpec S2k { get; init; }
    public byte[]? EncryptedKey { get; init; }

    public static Skesk Parse(byte[] body)
    {
        if (body.Length < 4) throw new MalformedDataException("The symmetric-key encrypted session key packet is too short.");
        if (body[0] != 4) throw new UnsupportedPacketException($"SKESK version {body[0]} is not supported yet.");
        int pos = 2;
        var s2k = S2kSpec.Parse(body, ref pos);
        return new Skesk { Version = 4, Cipher = body[1], S2k = s2k, EncryptedKey = pos < body.Length ? body[pos..] : null };
    }
}

/// <summary>String-to-key specifiers 0, 1, 3 and 4 (Argon2) (RFC 9580 section 3.7).</summary>
internal sealed class S2kSpec
{
    public required int Type { get; init; }
    public required int Hash { get; init; }
    public byte[] Salt { get; init; } = Array.Empty<byte>();
    public int Count { get; init; }
    /// <summary>Argon2 parameters (type 4): passes, parallelism, memory exponent (2^m KiB).</summary>
    public Argon2Parameters? Argon2 { get; init; }

    public static S2kSpec Parse(byte[] b, ref int pos)
    {
        int type = b[pos++];
        switch (type)
        {
            case 0:
                return new S2kSpec { Type = 0, Hash = b[pos++] };
            case 1:
            {
                var s = new S2kSpec { Type = 1, Hash = b[pos], Salt = b[(pos + 1)..(pos + 9)] };
                pos += 9;
                return s;
            }
            case 3:
            {
                byte c = b[pos + 9];
                var s = new S2kSpec { Type = 3, Hash = b[pos], Salt = b[(pos + 1)..(pos + 9)], Count = (16 + (c & 15)) << ((c >> 4) + 6) };
                pos += 10;
                return s;
            }
            case 4:
            {
                if (b.Length < pos + 19) throw new MalformedDataException("The Argon2 S2K specifier is truncated.");
                var s = new S2kSpec { Type = 4, Hash = 0, Salt = b[pos..(pos + 16)], Argon2 = new Argon2Parameters(b[pos + 16], b[pos + 17], b[pos + 18]) };
                pos += 19;
                return s;
            }
            default:
                throw new UnsupportedPacketException($"S2K type {type} is not supported yet.");
        }
    }

    /// <summary>Derives <paramref name="keyLength"/> octets from a passphrase (UTF-8); Argon2 memory is capped at
    /// <paramref name="maxArgon2Bytes"/>.</summary>
    public byte[] Derive(string passphrase, int keyLength, long maxArgon2Bytes = S2kArgon2.DefaultMaxMemoryBytes)
    {
        if (Argon2 is { } a) return S2kArgon2.Derive(passphrase, Salt, a, keyLength, maxArgon2Bytes);
        byte[] pass = System.Text.Encoding.UTF8.GetBytes(passphrase);
        byte[] data = new byte[Salt.Length + pass.Length];
        Salt.CopyTo(data, 0);
        pass.CopyTo(data, Salt.Length);
        CryptographicOperations.ZeroMemory(pass);
        var output = new byte[keyLength];
        int produced = 0;
        for (int round = 0; produced < keyLength; round++)
        {
            var digest = Org.BouncyCastle.Security.DigestUtilities.GetDigest(((HashAlgorithmTag)Hash).ToString().ToUpperInvariant() switch
            {
                "SHA1" => "SHA-1", "SHA224" => "SHA-224", "SHA256" => "SHA-256", "SHA384" => "SHA-384", "SHA512" => "SHA-512",
                var other => throw new UnsupportedPacketException($"S2K hash {other} is not supported."),
            });
            for (int i = 0; i < round; i++) digest.Update(0);
            long total = Type == 3 ? Math.Max(Count, data.Length) : data.Length;
            while (total > 0)
            {
                int n = (int)Math.Min(total, data.Length);
                digest.BlockUpdate(data, 0, n);
                total -= n;
            }
            var h = new byte[digest.GetDigestSize()];
            digest.DoFinal(h, 0);
            int take = Math.Min(h.Length, keyLength - produced);
            Array.Copy(h, 0, output, produced, take);
            produced += take;
            CryptographicOperations.ZeroMemory(h);
        }
        CryptographicOperations.ZeroMemory(data);
        return output;
    }
}

/// <summary>Recovers session keys from PKESK and SKESK packets with BouncyCastle's primitives.</summary>
internal static class SessionKeyDecryptor
{
    public static int KeyLength(int algorithm) => algorithm switch
    {
        7 => 16, 8 => 24, 9 => 32, // AES
        10 => 32, // Twofish
        11 => 16, 12 => 24, 13 => 32, // Camellia
        3 => 16, // CAST5
        2 => 24, // TripleDES
        _ => throw new UnsupportedPacketException($"Symmetric algorithm {algorithm} is not supported."),
    };

    /// <summary>Decrypts the session key, or returns null when this key does not fit (wrong key, bad padding, bad checksum).</summary>
    public static SessionKeyMaterial? TryDecrypt(Pkesk pkesk, AsymmetricKeyParameter priv, KeyPacket pub)
    {
        try
        {
            bool native = pkesk.Algorithm is PublicKeyAlgorithmTag.X25519 or PublicKeyAlgorithmTag.X448;
            if (pkesk.Algorithm != pub.Algorithm) return null;
            byte[]? m = pkesk.Algorithm switch
            {
                PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt => Rsa(pkesk.Fields, priv),
                PublicKeyAlgorithmTag.ECDH => Ecdh(pkesk.Fields, priv, pub),
                _ when native => NativeEcdh.Unwrap(pkesk.Fields, priv, pkesk.Version),
                _ => null,
            };
            if (m is null) return null;
            if (pkesk.Version == 6)
            {
                // v6: no algorithm octet; X25519/X448 carry the bare key, RSA and ECDH the key and its checksum.
                return native ? new SessionKeyMaterial(0, m) : CheckedKey(m, withAlgorithm: false);
            }
            return native ? new SessionKeyMaterial(NativeEcdh.V3Algorithm(pkesk.Fields, pkesk.Algorithm), m) : CheckedKey(m);
        }
        catch (Exception e) when (e is not OperationCanceledException and not CallerStreamException)
        {
            return null;
        }
    }

    /// <summary>Session key from a SKESK v4 and a password; null when the password cannot be right.</summary>
    public static SessionKeyMaterial? TryDecrypt(Skesk skesk, string password)
    {
        try
        {
            var kek = skesk.S2k.Derive(password, KeyLength(skesk.Cipher));
            if (skesk.EncryptedKey is null) return new SessionKeyMaterial(skesk.Cipher, kek);
            var decrypted = CfbDecrypt(skesk.Cipher, kek, new byte[16], skesk.EncryptedKey);
            CryptographicOperations.ZeroMemory(kek);
            int alg = decrypted[0];
            if (decrypted.Length - 1 != KeyLength(alg)) return null;
            return new SessionKeyMaterial(alg, decrypted[1..]);
        }
        catch (Exception e) when (e is UnsupportedPacketException or ArgumentException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static SessionKeyMaterial? CheckedKey(byte[] m, bool withAlgorithm = true)
    {
        // [algorithm octet,] key, two-octet checksum (sum of key octets mod 65536).
        int start = withAlgorithm ? 1 : 0;
        if (m.Length < start + 3) return null;
        int alg = withAlgorithm ? m[0] : 0;
        int keyLen = m.Length - 2 - start;
        if (withAlgorithm && keyLen != KeyLength(alg)) return null;
        int sum = 0;
        for (int i = start; i < start + keyLen; i++) sum += m[i];
        if ((sum & 0xFFFF) != ((m[^2] << 8) | m[^1])) return null;
        var key = m[start..(start + keyLen)];
        CryptographicOperations.ZeroMemory(m);
        return new SessionKeyMaterial(alg, key);
    }

    private static byte[]? Rsa(byte[] fields, AsymmetricKeyParameter priv)
    {
        int pos = 0;
        var c = Mpi.Read(fields, ref pos);
        var engine = new Pkcs1Encoding(new RsaBlindedEngine());
        engine.Init(false, priv);
        return engine.ProcessBlock(c, 0, c.Length);
    }

    private static byte[]? Ecdh(byte[] fields, AsymmetricKeyParameter priv, KeyPacket pub)
    {
        int pos = 0;
        var ephemeral = Mpi.Read(fields, ref pos);
        int wrappedLen = fields[pos++];
        var wrapped = fields[pos..(pos + wrappedLen)];
        var ecdhKey = pub.Kdf ?? throw new MalformedDataException("The ECDH key has no KDF parameters.");

        byte[] shared;
        if (priv is X25519PrivateKeyParameters x)
        {
            if (ephemeral.Length != 33 || ephemeral[0] != 0x40) return null;
            var agreement = new X25519Agreement();
            agreement.Init(x);
            shared = new byte[agreement.AgreementSize];
            agreement.CalculateAgreement(new X25519PublicKeyParameters(ephemeral, 1), shared, 0);
        }
        else if (priv is ECPrivateKeyParameters ec)
        {
            var point = ec.Parameters.Curve.DecodePoint(ephemeral);
            var agreement = new ECDHBasicAgreement();
            agreement.Init(ec);
            var z = agreement.CalculateAgreement(new ECPublicKeyParameters(point, ec.Parameters));
            shared = Org.BouncyCastle.Utilities.BigIntegers.AsUnsignedByteArray((ec.Parameters.Curve.FieldSize + 7) / 8, z);
        }
        else
        {
            return null;
        }

        var kek = EcdhKek(ecdhKey, shared, pub.Fingerprint);
        CryptographicOperations.ZeroMemory(shared);

        var unwrapped = Unwrap(kek, wrapped);
        // PKCS#5 padding.
        int pad = unwrapped[^1];
        if (pad < 1 || pad > 8 || pad > unwrapped.Length) return null;
        for (int i = unwrapped.Length - pad; i < unwrapped.Length; i++) if (unwrapped[i] != pad) return null;
        return unwrapped[..^pad];
    }

    /// <summary>The ECDH key-encryption key (RFC 9580 section 11.5): KDF over the shared point and the parameters.</summary>
    public static byte[] EcdhKek(EcdhKdf ecdhKey, byte[] shared, byte[] recipientFingerprint)
    {
        using var param = new MemoryStream();
        param.WriteByte((byte)ecdhKey.CurveOid.Length);
        param.Write(ecdhKey.CurveOid);
        param.WriteByte((byte)PublicKeyAlgorithmTag.ECDH);
        param.Write(new byte[] { 3, 1, (byte)ecdhKey.Hash, (byte)ecdhKey.Cipher });
        param.Write("Anonymous Sender    "u8);
        param.Write(recipientFingerprint);

        var digest = Org.BouncyCastle.Security.DigestUtilities.GetDigest(ecdhKey.Hash switch
        {
            HashAlgorithmTag.Sha256 => "SHA-256",
            HashAlgorithmTag.Sha384 => "SHA-384",
            HashAlgorithmTag.Sha512 => "SHA-512",
            _ => throw new UnsupportedPacketException("Unsupported ECDH KDF hash."),
        });
        digest.Update(0); digest.Update(0); digest.Update(0); digest.Update(1);
        digest.BlockUpdate(shared, 0, shared.Length);
        var p = param.ToArray();
        digest.BlockUpdate(p, 0, p.Length);
        var h = new byte[digest.GetDigestSize()];
        digest.DoFinal(h, 0);
        var kek = h[..KeyLength((int)ecdhKey.Cipher)];
        CryptographicOperations.ZeroMemory(h);
        return kek;
    }

    public static byte[] Unwrap(byte[] kek, byte[] wrapped)
    {
        var wrap = new Rfc3394WrapEngine(new AesEngine());
        wrap.Init(false, new KeyParameter(kek));
        try
        {
            return wrap.Unwrap(wrapped, 0, wrapped.Length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <summary>OpenPGP CFB decryption without resynchronisation (used for SKESK v4 session keys).</summary>
    public static byte[] CfbDecrypt(int algorithm, byte[] key, byte[] iv, byte[] data)
    {
        using var material = new SessionKeyMaterial(algorithm, (byte[])key.Clone());
        using var cipher = BlockDecryptor.Create(material);
        int bs = cipher.BlockSize;
        var output = new byte[data.Length];
        var register = iv[..bs];
        var ks = new byte[bs];
        for (int off = 0; off < data.Length; off += bs)
        {
            cipher.EncryptBlocks(register, ks);
            int n = Math.Min(bs, data.Length - off);
            for (int i = 0; i < n; i++) output[off + i] = (byte)(data[off + i] ^ ks[i]);
            if (n == bs) Array.Copy(data, off, register, 0, bs);
        }
        return output;
    }
}
