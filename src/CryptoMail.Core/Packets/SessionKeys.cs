using System.Security.Cryptography;

namespace CryptoMail.Core.Packets;

/// <summary>A public-key encrypted session key packet (tag 1), version 3 (RFC 9580 section 5.1).</summary>
internal sealed class Pkesk
{
    public required int Version { get; init; }
    public required long KeyId { get; init; }
    /// <summary>The recipient key's fingerprint, which a v6 PKESK carries (null for v3, and for an anonymous v6 recipient).</summary>
    public byte[]? Fingerprint { get; init; }
    public required PublicKeyAlgorithmId Algorithm { get; init; }
    /// <summary>The algorithm-specific fields.</summary>
    public required byte[] Fields { get; init; }

    public static Pkesk Parse(byte[] body)
    {
        if (body.Length < 10) throw new MalformedDataException("The public-key encrypted session key packet is too short.");
        if (body[0] != 3) throw new UnsupportedPacketException($"PKESK version {body[0]} is not supported yet.");
        long keyId = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(body.AsSpan(1, 8));
        return new Pkesk { Version = 3, KeyId = keyId, Algorithm = (PublicKeyAlgorithmId)body[9], Fields = body[10..] };
    }
}

/// <summary>Recovers session keys from PKESK packets (SKESK: <see cref="Skesk"/>); the public-key steps are Crypto's
/// (<see cref="RsaImplicitRejection"/>, <see cref="PublicKeyEncryption"/>, <see cref="NativeEcdh"/>).</summary>
internal static class SessionKeyDecryptor
{
    /// <summary>Decrypts the session key, or returns null when this key does not fit (another algorithm, a malformed
    /// packet, an ECDH key wrap that does not open).</summary>
    /// <param name="pkesk">The packet.</param>
    /// <param name="priv">Our private key for it.</param>
    /// <param name="pub">Its public key packet.</param>
    /// <param name="expectedKeySize">The key size the encrypted data packet names (SEIPD v2, OCB Encrypted Data), or
    /// null (SEIPD v1: the PKESK names the cipher).</param>
    /// <remarks>RSA (PKCS#1 v1.5) never returns null once the ciphertext is a number below the modulus: see
    /// <see cref="RsaImplicitRejection"/>.</remarks>
    public static SessionKeyMaterial? TryDecrypt(Pkesk pkesk, AsymmetricPrivateKey priv, KeyPacket pub, int? expectedKeySize = null)
    {
        try
        {
            bool native = pkesk.Algorithm is PublicKeyAlgorithmId.X25519 or PublicKeyAlgorithmId.X448;
            if (pkesk.Algorithm != pub.Algorithm) return null;
            if (PqAlgorithms.IsCompositeKem(pkesk.Algorithm))
                return CompositeKem.Decrypt(pkesk.Fields, priv, pkesk.Algorithm, pkesk.Version);
            if (pkesk.Algorithm is PublicKeyAlgorithmId.RsaGeneral or PublicKeyAlgorithmId.RsaEncrypt)
                return RsaImplicitRejection.Decrypt(pkesk.Fields, priv, pkesk.Version == 6, expectedKeySize);
            if (pkesk.Algorithm is PublicKeyAlgorithmId.ElGamalEncrypt or PublicKeyAlgorithmId.ElGamalGeneral)
                return ElGamal.Decrypt(pkesk.Fields, priv, pkesk.Version == 6, expectedKeySize);
            byte[]? m = pkesk.Algorithm switch
            {
                PublicKeyAlgorithmId.Ecdh => PublicKeyEncryption.EcdhDecrypt(pkesk.Fields, priv,
                    pub.Kdf ?? throw new MalformedDataException("The ECDH key has no KDF parameters."), pub.Fingerprint),
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
        // A cipher we do not implement still yields its key (of a plausible size), so that the reader can name the
        // cipher rather than blame the key; only authenticated key wraps come this way (RSA has implicit rejection).
        if (withAlgorithm && (SessionKeyMaterial.IsKnown(alg) ? keyLen != SessionKeyMaterial.KeyLength(alg) : keyLen is < 8 or > 64)) return null;
        if (!Checksum.Matches(m.AsSpan(start, keyLen), m.AsSpan(m.Length - 2))) return null;
        var key = m[start..(start + keyLen)];
        CryptographicOperations.ZeroMemory(m);
        return new SessionKeyMaterial(alg, key);
    }
}
