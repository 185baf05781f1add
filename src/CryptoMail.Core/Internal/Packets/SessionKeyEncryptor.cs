using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Internal.Packets;

/// <summary>Writes the session key packets of a message: PKESK v3 for RSA and ECDH recipients, SKESK v4 for passwords.</summary>
internal static class SessionKeyEncryptor
{
    /// <summary>The body of a PKESK packet for <paramref name="recipient"/>: version 3 (for SEIPD v1) or version 6
    /// (for SEIPD v2, where the session key carries no algorithm octet).</summary>
    public static byte[] Pkesk(KeyPacket recipient, SessionKeyMaterial sessionKey, int version = 3)
    {
        using var body = new MemoryStream();
        if (version == 6)
        {
            var fingerprint = recipient.Fingerprint;
            body.WriteByte(6);
            body.WriteByte((byte)(1 + fingerprint.Length));
            body.WriteByte((byte)recipient.Version);
            body.Write(fingerprint);
        }
        else
        {
            body.WriteByte(3);
            Span<byte> keyId = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(keyId, recipient.KeyId);
            body.Write(keyId);
        }
        body.WriteByte((byte)recipient.Algorithm);
        if (recipient.Algorithm is PublicKeyAlgorithmTag.X25519 or PublicKeyAlgorithmTag.X448)
        {
            NativeEcdh.Wrap(body, recipient, sessionKey, version);
            return body.ToArray();
        }
        var m = CheckedKey(sessionKey, withAlgorithm: version != 6);
        try
        {
            switch (recipient.Algorithm)
            {
                case PublicKeyAlgorithmTag.RsaGeneral:
                case PublicKeyAlgorithmTag.RsaEncrypt:
                    var rsa = new Pkcs1Encoding(new RsaBlindedEngine());
                    rsa.Init(true, new ParametersWithRandom(recipient.Parameters, Randomness.Secure));
                    Mpi.Write(body, rsa.ProcessBlock(m, 0, m.Length));
                    break;
                case PublicKeyAlgorithmTag.ECDH:
                    Ecdh(body, recipient, m);
                    break;
                default:
                    throw new KeyNotUsableException($"Encrypting to {recipient.AlgorithmName} keys is not supported yet.");
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(m);
        }
        return body.ToArray();
    }

    /// <summary>The body of a SKESK v4 packet: iterated and salted S2K over SHA-256, the session key encrypted under it.</summary>
    public static byte[] Skesk(string password, SessionKeyMaterial sessionKey)
    {
        var salt = new byte[8];
        Randomness.Secure.NextBytes(salt);
        const byte countOctet = 0xE0;
        var s2k = new S2kSpec { Type = 3, Hash = (int)HashAlgorithmTag.Sha256, Salt = salt, Count = SecretKeyProtection.DecodeCount(countOctet) };
        var kek = s2k.Derive(password, SessionKeyDecryptor.KeyLength(sessionKey.Algorithm));
        var plain = new byte[1 + sessionKey.Key.Length];
        plain[0] = (byte)sessionKey.Algorithm;
        sessionKey.Key.CopyTo(plain, 1);
        var encrypted = CfbEncrypt(sessionKey.Algorithm, kek, plain);
        CryptographicOperations.ZeroMemory(kek);
        CryptographicOperations.ZeroMemory(plain);
        using var body = new MemoryStream();
        body.Write(new byte[] { 4, (byte)sessionKey.Algorithm, 3, (byte)HashAlgorithmTag.Sha256 });
        body.Write(salt);
        body.WriteByte(countOctet);
        body.Write(encrypted);
        return body.ToArray();
    }

    /// <summary>The body of a SKESK v6 packet (RFC 9580 section 5.3.2): iterated and salted S2K over SHA-256, HKDF,
    /// and the session key encrypted with the AEAD mode of the message.</summary>
    public static byte[] SkeskV6(string password, SessionKeyMaterial sessionKey, Aead.AeadAlgorithm aead)
    {
        var salt = new byte[8];
        Randomness.Secure.NextBytes(salt);
        const byte countOctet = 0xE0;
        var s2k = new S2kSpec { Type = 3, Hash = (int)HashAlgorithmTag.Sha256, Salt = salt, Count = SecretKeyProtection.DecodeCount(countOctet) };
        int keySize = sessionKey.Key.Length;
        var ikm = s2k.Derive(password, keySize);
        byte[] info = { 0xC3, 6, (byte)sessionKey.Algorithm, (byte)aead };
        var kek = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, keySize, Array.Empty<byte>(), info);
        CryptographicOperations.ZeroMemory(ikm);
        var nonce = new byte[Aead.AeadSuite.NonceSize(aead)];
        Randomness.Secure.NextBytes(nonce);
        var encrypted = new byte[keySize];
        var tag = new byte[Aead.AeadSuite.TagSize];
        using (var cipher = Aead.AeadCiphers.Create((byte)sessionKey.Algorithm, aead, kek))
        {
            cipher.Encrypt(nonce, sessionKey.Key, info, encrypted, tag);
        }
        CryptographicOperations.ZeroMemory(kek);
        using var body = new MemoryStream();
        byte[] s2kBytes = { 3, (byte)HashAlgorithmTag.Sha256, salt[0], salt[1], salt[2], salt[3], salt[4], salt[5], salt[6], salt[7], countOctet };
        body.WriteByte(6);
        body.WriteByte((byte)(3 + s2kBytes.Length + nonce.Length));
        body.WriteByte((byte)sessionKey.Algorithm);
        body.WriteByte((byte)aead);
        body.WriteByte((byte)s2kBytes.Length);
        body.Write(s2kBytes);
        body.Write(nonce);
        body.Write(encrypted);
        body.Write(tag);
        return body.ToArray();
    }

    private static byte[] CheckedKey(SessionKeyMaterial sk, bool withAlgorithm)
    {
        int start = withAlgorithm ? 1 : 0;
        var m = new byte[sk.Key.Length + 2 + start];
        if (withAlgorithm) m[0] = (byte)sk.Algorithm;
        sk.Key.CopyTo(m, start);
        int sum = 0;
        foreach (var b in sk.Key) sum += b;
        m[^2] = (byte)(sum >> 8);
        m[^1] = (byte)sum;
        return m;
    }

    private static void Ecdh(Stream body, KeyPacket recipient, byte[] m)
    {
        var ecdhKey = recipient.Kdf ?? throw new KeyNotUsableException("The ECDH recipient key has no KDF parameters.");
        byte[] ephemeralEncoded;
        byte[] shared;
        var key = recipient.Parameters;
        if (key is X25519PublicKeyParameters x)
        {
            var eph = new X25519PrivateKeyParameters(Randomness.Secure);
            var agreement = new X25519Agreement();
            agreement.Init(eph);
            shared = new byte[agreement.AgreementSize];
            agreement.CalculateAgreement(x, shared, 0);
            ephemeralEncoded = new byte[33];
            ephemeralEncoded[0] = 0x40;
            eph.GeneratePublicKey().Encode(ephemeralEncoded, 1);
        }
        else if (key is ECPublicKeyParameters ec)
        {
            var gen = new ECKeyPairGenerator();
            gen.Init(new ECKeyGenerationParameters(ec.Parameters, Randomness.Secure));
            var pair = gen.GenerateKeyPair();
            var agreement = new ECDHBasicAgreement();
            agreement.Init(pair.Private);
            var z = agreement.CalculateAgreement(ec);
            shared = Org.BouncyCastle.Utilities.BigIntegers.AsUnsignedByteArray((ec.Parameters.Curve.FieldSize + 7) / 8, z);
            ephemeralEncoded = ((ECPublicKeyParameters)pair.Public).Q.GetEncoded(false);
        }
        else
        {
            throw new KeyNotUsableException("Unsupported ECDH recipient key.");
        }
        var kek = SessionKeyDecryptor.EcdhKek(ecdhKey, shared, recipient.Fingerprint);
        CryptographicOperations.ZeroMemory(shared);

        // PKCS#5 padding to a multiple of 8 octets, then AES key wrap.
        int pad = 8 - m.Length % 8;
        var padded = new byte[m.Length + pad];
        m.CopyTo(padded, 0);
        for (int i = m.Length; i < padded.Length; i++) padded[i] = (byte)pad;
        var wrap = new Rfc3394WrapEngine(new AesEngine());
        wrap.Init(true, new KeyParameter(kek));
        var wrapped = wrap.Wrap(padded, 0, padded.Length);
        CryptographicOperations.ZeroMemory(kek);
        CryptographicOperations.ZeroMemory(padded);

        Mpi.Write(body, ephemeralEncoded);
        body.WriteByte((byte)wrapped.Length);
        body.Write(wrapped);
    }

    private static byte[] CfbEncrypt(int algorithm, byte[] key, byte[] data)
    {
        using var material = new SessionKeyMaterial(algorithm, (byte[])key.Clone());
        using var cipher = BlockDecryptor.Create(material);
        int bs = cipher.BlockSize;
        var output = new byte[data.Length];
        var register = new byte[bs];
        var ks = new byte[bs];
        for (int off = 0; off < data.Length; off += bs)
        {
            cipher.EncryptBlocks(register, ks);
            int n = Math.Min(bs, data.Length - off);
            for (int i = 0; i < n; i++) output[off + i] = (byte)(data[off + i] ^ ks[i]);
            if (n == bs) Array.Copy(output, off, register, 0, bs);
        }
        return output;
    }
}
