using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Packets;

/// <summary>Session key encryption to X25519 (algorithm 25) and X448 (26) keys (RFC 9580 section 5.1.6 and 5.1.7):
/// an ephemeral key, HKDF over ephemeral, recipient and shared secret (SHA-256 and AES-128 key wrap for X25519,
/// SHA-512 and AES-256 for X448), and the session key wrapped without padding or checksum. In a v3 PKESK the
/// cipher octet travels in the clear before the wrapped key.</summary>
internal static class NativeEcdh
{
    private static int Size(PublicKeyAlgorithmTag a) => a == PublicKeyAlgorithmTag.X448 ? 56 : 32;

    private static byte[] Kek(PublicKeyAlgorithmTag a, byte[] ephemeral, byte[] recipient, byte[] shared)
    {
        var ikm = ephemeral.Concat(recipient).Concat(shared).ToArray();
        try
        {
            return a == PublicKeyAlgorithmTag.X448
                ? HKDF.DeriveKey(HashAlgorithmName.SHA512, ikm, 32, Array.Empty<byte>(), "OpenPGP X448"u8.ToArray())
                : HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 16, Array.Empty<byte>(), "OpenPGP X25519"u8.ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
        }
    }

    private static byte[] Agree(AsymmetricKeyParameter priv, byte[] peer)
    {
        if (priv is X25519PrivateKeyParameters x)
        {
            var shared = new byte[32];
            x.GenerateSecret(new X25519PublicKeyParameters(peer), shared, 0);
            return shared;
        }
        var x4 = (X448PrivateKeyParameters)priv;
        var s = new byte[56];
        x4.GenerateSecret(new X448PublicKeyParameters(peer), s, 0);
        return s;
    }

    /// <summary>The cipher octet of a v3 PKESK's native fields.</summary>
    public static int V3Algorithm(byte[] fields, PublicKeyAlgorithmTag a) => fields[Size(a) + 1];

    /// <summary>The unwrapped session key, or null when the fields do not fit this key.</summary>
    public static byte[]? Unwrap(byte[] fields, AsymmetricKeyParameter priv, int version)
    {
        var a = priv switch
        {
            X25519PrivateKeyParameters => PublicKeyAlgorithmTag.X25519,
            X448PrivateKeyParameters => PublicKeyAlgorithmTag.X448,
            _ => (PublicKeyAlgorithmTag?)null,
        };
        if (a is null) return null;
        int n = Size(a.Value);
        if (fields.Length < n + 2) return null;
        var ephemeral = fields[..n];
        int size = fields[n];
        int start = version == 3 ? n + 2 : n + 1;
        if (fields.Length != n + 1 + size || start >= fields.Length) return null;
        var shared = Agree(priv, ephemeral);
        var recipient = priv is X25519PrivateKeyParameters x ? x.GeneratePublicKey().GetEncoded() : ((X448PrivateKeyParameters)priv).GeneratePublicKey().GetEncoded();
        var kek = Kek(a.Value, ephemeral, recipient, shared);
        CryptographicOperations.ZeroMemory(shared);
        return SessionKeyDecryptor.Unwrap(kek, fields[start..]);
    }

    /// <summary>Writes the algorithm-specific fields for <paramref name="recipient"/>.</summary>
    public static void Wrap(Stream body, KeyPacket recipient, SessionKeyMaterial sessionKey, int version)
    {
        var a = recipient.Algorithm;
        byte[] ephemeralPublic;
        byte[] shared;
        if (a == PublicKeyAlgorithmTag.X25519)
        {
            var eph = new X25519PrivateKeyParameters(Randomness.Secure);
            ephemeralPublic = eph.GeneratePublicKey().GetEncoded();
            shared = Agree(eph, recipient.Material.ToArray());
        }
        else
        {
            var eph = new X448PrivateKeyParameters(Randomness.Secure);
            ephemeralPublic = eph.GeneratePublicKey().GetEncoded();
            shared = Agree(eph, recipient.Material.ToArray());
        }
        var kek = Kek(a, ephemeralPublic, recipient.Material.ToArray(), shared);
        CryptographicOperations.ZeroMemory(shared);
        var wrap = new Rfc3394WrapEngine(new AesEngine());
        wrap.Init(true, new KeyParameter(kek));
        var wrapped = wrap.Wrap(sessionKey.Key, 0, sessionKey.Key.Length);
        CryptographicOperations.ZeroMemory(kek);
        body.Write(ephemeralPublic);
        if (version == 3)
        {
            body.WriteByte((byte)(wrapped.Length + 1));
            body.WriteByte((byte)sessionKey.Algorithm);
        }
        else
        {
            body.WriteByte((byte)wrapped.Length);
        }
        body.Write(wrapped);
    }
}
