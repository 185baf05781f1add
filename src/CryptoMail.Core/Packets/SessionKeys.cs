using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Packets;

/// <summary>A public-key encrypted session key packet (tag 1), version 3 (RFC 9580 section 5.1).</summary>
internal sealed class Pkesk
{
    public required int Version { get; init; }
    public required long KeyId { get; init; }
    /// <summary>The recipient key's fingerprint, which a v6 PKESK carries (null for v3, and for an anonymous v6 recipient).</summary>
    public byte[]? Fingerprint { get; init; }
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

/// <summary>Recovers session keys from PKESK packets with BouncyCastle's primitives (SKESK: <see cref="Skesk"/>).</summary>
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

    /// <summary>Decrypts the session key, or returns null when this key does not fit (another algorithm, a malformed
    /// packet, an ECDH key wrap that does not open).</summary>
    /// <param name="pkesk">The packet.</param>
    /// <param name="priv">Our private key for it.</param>
    /// <param name="pub">Its public key packet.</param>
    /// <param name="expectedKeySize">The key size the encrypted data packet names (SEIPD v2, OCB Encrypted Data), or
    /// null (SEIPD v1: the PKESK names the cipher).</param>
    /// <remarks>RSA (PKCS#1 v1.5) never returns null once the ciphertext is a number below the modulus: see
    /// <see cref="RsaImplicitRejection"/>.</remarks>
    public static SessionKeyMaterial? TryDecrypt(Pkesk pkesk, AsymmetricKeyParameter priv, KeyPacket pub, int? expectedKeySize = null)
    {
        try
        {
            bool native = pkesk.Algorithm is PublicKeyAlgorithmTag.X25519 or PublicKeyAlgorithmTag.X448;
            if (pkesk.Algorithm != pub.Algorithm) return null;
            if (pkesk.Algorithm is PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt)
                return RsaImplicitRejection.Decrypt(pkesk.Fields, priv, pkesk.Version == 6, expectedKeySize);
            byte[]? m = pkesk.Algorithm switch
            {
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

    private static SessionKeyMaterial? CheckedKey(byte[] m, bool withAlgorithm = true)
    {
        // [algorithm octet,] key, two-octet checksum (sum of key octets mod 65536).
        int start = withAlgorithm ? 1 : 0;
        if (m.Length < start + 3) return null;
        int alg = withAlgorithm ? m[0] : 0;
        int keyLen = m.Length - 2 - start;
        if (withAlgorithm && keyLen != KeyLength(alg)) return null;
        if (!Checksum.Matches(m.AsSpan(start, keyLen), m.AsSpan(m.Length - 2))) return null;
        var key = m[start..(start + keyLen)];
        CryptographicOperations.ZeroMemory(m);
        return new SessionKeyMaterial(alg, key);
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
        // PKCS#5 padding: usually up to the next multiple of 8, but some writers pad further (e.g. to 40 octets,
        // as RFC 6637 suggested for hiding the cipher); every padding octet must hold the padding length, and the
        // key's checksum is checked afterwards.
        int pad = unwrapped[^1];
        if (pad < 1 || pad >= unwrapped.Length) return null;
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
}
