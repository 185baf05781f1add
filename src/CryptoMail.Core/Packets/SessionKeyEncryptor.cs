using System.Security.Cryptography;

namespace CryptoMail.Core.Packets;

/// <summary>Writes PKESK packets (v3 for SEIPD v1, v6 for SEIPD v2) for RSA, ECDH, X25519 and X448 recipients (and
/// ElGamal, v3 only), with
/// the public-key steps of <see cref="PublicKeyEncryption"/> and <see cref="NativeEcdh"/>; SKESK: <see cref="Skesk.Write"/>.</summary>
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
        if (recipient.Algorithm is PublicKeyAlgorithmId.X25519 or PublicKeyAlgorithmId.X448)
        {
            NativeEcdh.Wrap(body, recipient.Algorithm, recipient.Material.ToArray(), sessionKey, version);
            return body.ToArray();
        }
        if (PqAlgorithms.IsCompositeKem(recipient.Algorithm))
        {
            body.Write(CompositeKem.Encrypt(recipient.PublicKey, sessionKey, version));
            return body.ToArray();
        }
        var m = CheckedKey(sessionKey, withAlgorithm: version != 6);
        try
        {
            switch (recipient.Algorithm)
            {
                case PublicKeyAlgorithmId.RsaGeneral:
                case PublicKeyAlgorithmId.RsaEncrypt:
                    Mpi.Write(body, PublicKeyEncryption.Rsa(recipient.PublicKey, m));
                    break;
                case PublicKeyAlgorithmId.Ecdh:
                    Ecdh(body, recipient, m);
                    break;
                case PublicKeyAlgorithmId.ElGamalEncrypt or PublicKeyAlgorithmId.ElGamalGeneral when version != 6:
                    var (c1, c2) = ElGamal.Encrypt(recipient.PublicKey, m);
                    Mpi.Write(body, c1);
                    Mpi.Write(body, c2);
                    break;
                default:
                    throw new UnusableKeyException($"Encrypting to {recipient.AlgorithmName} keys is not supported yet.");
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(m);
        }
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
        var kdf = recipient.Kdf ?? throw new UnusableKeyException("The ECDH recipient key has no KDF parameters.");
        var (ephemeral, wrapped) = PublicKeyEncryption.EcdhEncrypt(recipient.PublicKey, kdf, recipient.Fingerprint, m)
            ?? throw new UnusableKeyException("Unsupported ECDH recipient key.");
        Mpi.Write(body, ephemeral);
        body.WriteByte((byte)wrapped.Length);
        body.Write(wrapped);
    }
}
