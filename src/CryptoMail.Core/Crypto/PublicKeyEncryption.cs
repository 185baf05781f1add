using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Crypto;

/// <summary>ECDH key derivation parameters of a v4 ECDH key (RFC 9580 section 5.5.5.6): the curve OID and the KDF's
/// hash and key-wrap cipher.</summary>
internal sealed record EcdhKdf(byte[] CurveOid, HashAlgorithmId Hash, SymmetricAlgorithmId Cipher);

/// <summary>The public-key steps of session key encryption for RSA (PKCS#1 v1.5) and ECDH (RFC 9580 sections 5.1.3
/// and 5.1.4): the PKESK layout around them is the packet layer's. X25519 and X448: <see cref="NativeEcdh"/>; RSA
/// decryption: <see cref="RsaImplicitRejection"/>.</summary>
internal static class PublicKeyEncryption
{
    /// <summary>RSA PKCS#1 v1.5 encryption of <paramref name="m"/> (the checked session key) to an RSA key.</summary>
    public static byte[] Rsa(AsymmetricPublicKey recipient, byte[] m)
    {
        var rsa = new Pkcs1Encoding(new RsaBlindedEngine());
        rsa.Init(true, new ParametersWithRandom(recipient.Key, Randomness.Secure));
        return rsa.ProcessBlock(m, 0, m.Length);
    }

    /// <summary>ECDH encryption of <paramref name="m"/> (algorithm octet, session key, checksum) to a Curve25519 or
    /// Weierstrass-curve key: a fresh ephemeral key, the KDF over the shared point, PKCS#5 padding and AES key wrap.</summary>
    /// <returns>The encoded ephemeral public point and the wrapped key, or null for a key that is not an ECDH key.</returns>
    public static (byte[] Ephemeral, byte[] Wrapped)? EcdhEncrypt(AsymmetricPublicKey recipient, EcdhKdf kdf, byte[] recipientFingerprint, byte[] m)
    {
        byte[] ephemeralEncoded;
        byte[] shared;
        if (recipient.Key is X25519PublicKeyParameters x)
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
        else if (recipient.Key is ECPublicKeyParameters ec)
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
            return null;
        }
        var kek = EcdhKek(kdf, shared, recipientFingerprint);
        CryptographicOperations.ZeroMemory(shared);

        // PKCS#5 padding to a multiple of 8 octets, then AES key wrap.
        int pad = 8 - m.Length % 8;
        var padded = new byte[m.Length + pad];
        m.CopyTo(padded, 0);
        for (int i = m.Length; i < padded.Length; i++) padded[i] = (byte)pad;
        var wrapped = KeyWrap.Wrap(kek, padded);
        CryptographicOperations.ZeroMemory(padded);
        return (ephemeralEncoded, wrapped);
    }

    /// <summary>The padded-and-checked session key block of an ECDH PKESK's fields, or null when this key does not
    /// fit them (another kind of key, a point of the wrong form, a key wrap that does not open, bad padding).</summary>
    public static byte[]? EcdhDecrypt(byte[] fields, AsymmetricPrivateKey key, EcdhKdf kdf, byte[] recipientFingerprint)
    {
        int pos = 0;
        var ephemeral = Mpi.Read(fields, ref pos);
        int wrappedLen = fields[pos++];
        var wrapped = fields[pos..(pos + wrappedLen)];

        byte[] shared;
        if (key.Key is X25519PrivateKeyParameters x)
        {
            if (ephemeral.Length != 33 || ephemeral[0] != 0x40) return null;
            var agreement = new X25519Agreement();
            agreement.Init(x);
            shared = new byte[agreement.AgreementSize];
            agreement.CalculateAgreement(new X25519PublicKeyParameters(ephemeral, 1), shared, 0);
        }
        else if (key.Key is ECPrivateKeyParameters ec)
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

        var kek = EcdhKek(kdf, shared, recipientFingerprint);
        CryptographicOperations.ZeroMemory(shared);

        var unwrapped = KeyWrap.Unwrap(kek, wrapped);
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
        param.WriteByte((byte)PublicKeyAlgorithmId.Ecdh);
        param.Write(new byte[] { 3, 1, (byte)ecdhKey.Hash, (byte)ecdhKey.Cipher });
        param.Write("Anonymous Sender    "u8);
        param.Write(recipientFingerprint);

        var digest = Org.BouncyCastle.Security.DigestUtilities.GetDigest(ecdhKey.Hash switch
        {
            HashAlgorithmId.Sha256 => "SHA-256",
            HashAlgorithmId.Sha384 => "SHA-384",
            HashAlgorithmId.Sha512 => "SHA-512",
            _ => throw new UnsupportedPacketException("Unsupported ECDH KDF hash."),
        });
        digest.Update(0); digest.Update(0); digest.Update(0); digest.Update(1);
        digest.BlockUpdate(shared, 0, shared.Length);
        var p = param.ToArray();
        digest.BlockUpdate(p, 0, p.Length);
        var h = new byte[digest.GetDigestSize()];
        digest.DoFinal(h, 0);
        var kek = h[..SessionKeyMaterial.KeyLength((int)ecdhKey.Cipher)];
        CryptographicOperations.ZeroMemory(h);
        return kek;
    }
}

/// <summary>AES key wrap (RFC 3394), as ECDH, X25519 and X448 session keys use it.</summary>
internal static class KeyWrap
{
    /// <summary>Wraps <paramref name="key"/> under <paramref name="kek"/>, and zeroes <paramref name="kek"/>.</summary>
    public static byte[] Wrap(byte[] kek, byte[] key)
    {
        var wrap = new Rfc3394WrapEngine(new AesEngine());
        wrap.Init(true, new KeyParameter(kek));
        try
        {
            return wrap.Wrap(key, 0, key.Length);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    /// <summary>Unwraps <paramref name="wrapped"/> under <paramref name="kek"/>, and zeroes <paramref name="kek"/>.</summary>
    /// <exception cref="Org.BouncyCastle.Crypto.InvalidCipherTextException">The wrap does not open under this key.</exception>
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
