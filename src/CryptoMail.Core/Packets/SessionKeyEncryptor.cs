using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Packets;

/// <summary>Writes PKESK packets (v3 for SEIPD v1, v6 for SEIPD v2) for RSA and ECDH recipients; SKESK: <see cref="Skesk.Write"/>.</summary>
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
}
