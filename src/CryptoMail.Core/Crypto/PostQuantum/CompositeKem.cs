using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Kems;
using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Crypto.PostQuantum;

/// <summary>Session-key encryption with the composite KEMs ML-KEM-768+X25519 and ML-KEM-1024+X448 (RFC 9980 section
/// 4.2): both KEMs encapsulate, the key combiner hashes their shares into the key-encryption key, and the session key
/// is wrapped with AES-256 key wrap. The PKESK fields are ecdhCipherText || mlkemCipherText || length || [cipher octet,
/// v3 only] || wrapped key (section 4.3.1).</summary>
internal static class CompositeKem
{
    /// <summary>The domain separator of the key combiner: "OpenPGPCompositeKDFv1" (RFC 9980 section 4.2.1).</summary>
    private static ReadOnlySpan<byte> DomainSeparator => "OpenPGPCompositeKDFv1"u8;

    /// <summary>multiKeyCombine: SHA3-256(mlkemKeyShare || ecdhKeyShare || ecdhCipherText || ecdhPublicKey || algId ||
    /// domSep || len(domSep)), the 32-octet key-encryption key.</summary>
    public static byte[] Combine(ReadOnlySpan<byte> mlKemShare, ReadOnlySpan<byte> ecdhShare, ReadOnlySpan<byte> ecdhCipherText,
        ReadOnlySpan<byte> ecdhPublicKey, PublicKeyAlgorithmId algorithm)
    {
        var sha3 = new Sha3Digest(256);
        sha3.BlockUpdate(mlKemShare);
        sha3.BlockUpdate(ecdhShare);
        sha3.BlockUpdate(ecdhCipherText);
        sha3.BlockUpdate(ecdhPublicKey);
        sha3.Update((byte)algorithm);
        sha3.BlockUpdate(DomainSeparator);
        sha3.Update((byte)DomainSeparator.Length);
        var kek = new byte[32];
        sha3.DoFinal(kek, 0);
        return kek;
    }

    /// <summary>The algorithm-specific fields of a PKESK of <paramref name="version"/> 3 or 6 for the composite KEM key
    /// <paramref name="recipient"/>. A v3 PKESK names the cipher in the clear, which must be AES (RFC 9980 section 4.3.1).</summary>
    /// <exception cref="UnusableKeyException">Not a composite KEM key, or a v3 session key for a cipher other than AES.</exception>
    public static byte[] Encrypt(AsymmetricPublicKey recipient, SessionKeyMaterial sessionKey, int version)
    {
        if (recipient.Key is not CompositeKemPublicKey key) throw new UnusableKeyException("The recipient key is not a composite ML-KEM key.");
        if (version == 3 && sessionKey.Algorithm is not ((int)SymmetricAlgorithmId.Aes128 or (int)SymmetricAlgorithmId.Aes192 or (int)SymmetricAlgorithmId.Aes256))
            throw new UnusableKeyException("RFC 9980 permits only AES-128, AES-192 and AES-256 with a v3 PKESK to a composite ML-KEM key.");
        var a = key.Algorithm;
        byte[] ecdhCipherText, ecdhShare;
        if (a == PublicKeyAlgorithmId.MlKem1024X448)
        {
            var v = new X448PrivateKeyParameters(Randomness.Secure);
            ecdhCipherText = v.GeneratePublicKey().GetEncoded();
            ecdhShare = new byte[56];
            v.GenerateSecret(new X448PublicKeyParameters(key.Ecdh), ecdhShare, 0);
        }
        else
        {
            var v = new X25519PrivateKeyParameters(Randomness.Secure);
            ecdhCipherText = v.GeneratePublicKey().GetEncoded();
            ecdhShare = new byte[32];
            v.GenerateSecret(new X25519PublicKeyParameters(key.Ecdh), ecdhShare, 0);
        }
        var encapsulator = new MLKemEncapsulator(PqAlgorithms.MlKem(a));
        encapsulator.Init(new ParametersWithRandom(key.MlKem, Randomness.Secure));
        var mlKemCipherText = new byte[encapsulator.EncapsulationLength];
        var mlKemShare = new byte[encapsulator.SecretLength];
        encapsulator.Encapsulate(mlKemCipherText, mlKemShare);

        var kek = Combine(mlKemShare, ecdhShare, ecdhCipherText, key.Ecdh, a);
        CryptographicOperations.ZeroMemory(mlKemShare);
        CryptographicOperations.ZeroMemory(ecdhShare);
        var wrapped = KeyWrap.Wrap(kek, sessionKey.Key);

        using var fields = new MemoryStream();
        fields.Write(ecdhCipherText);
        fields.Write(mlKemCipherText);
        if (version == 3)
        {
            fields.WriteByte((byte)(wrapped.Length + 1));
            fields.WriteByte((byte)sessionKey.Algorithm);
        }
        else
        {
            fields.WriteByte((byte)wrapped.Length);
        }
        fields.Write(wrapped);
        return fields.ToArray();
    }

    /// <summary>The session key from a PKESK's fields (cipher 0 for v6, where the encrypted data names it), or null
    /// when the fields do not fit this key: another kind of key, fields of the wrong length, a key wrap that does not
    /// open, or (v3) a cipher octet that is not AES or a key whose length does not match it.</summary>
    /// <exception cref="MalformedDataException">Fields whose lengths do not match the algorithm (a v3 or v6 PKESK's
    /// fixed layout).</exception>
    public static SessionKeyMaterial? Decrypt(ReadOnlySpan<byte> fields, AsymmetricPrivateKey ours, PublicKeyAlgorithmId algorithm, int version)
    {
        if (ours.Key is not CompositeKemPrivateKey key || key.Algorithm != algorithm) return null;
        CheckLayout(fields, algorithm, version);
        var a = key.Algorithm;
        int e = PqAlgorithms.EccKeyLength(a), c = PqAlgorithms.MlKemCiphertextLength(a);
        var ecdhCipherText = fields[..e];
        var mlKemCipherText = fields.Slice(e, c);
        var rest = fields[(e + c + 1)..];
        int cipher = 0;
        if (version == 3)
        {
            cipher = rest[0];
            rest = rest[1..];
            if (cipher is not ((int)SymmetricAlgorithmId.Aes128 or (int)SymmetricAlgorithmId.Aes192 or (int)SymmetricAlgorithmId.Aes256)) return null;
        }

        byte[] ecdhShare;
        if (key.Ecdh is X448PrivateKeyParameters x448)
        {
            ecdhShare = new byte[56];
            x448.GenerateSecret(new X448PublicKeyParameters(ecdhCipherText), ecdhShare, 0);
        }
        else
        {
            ecdhShare = new byte[32];
            ((X25519PrivateKeyParameters)key.Ecdh).GenerateSecret(new X25519PublicKeyParameters(ecdhCipherText), ecdhShare, 0);
        }
        var decapsulator = new MLKemDecapsulator(PqAlgorithms.MlKem(a));
        decapsulator.Init(key.MlKem);
        var mlKemShare = new byte[decapsulator.SecretLength];
        decapsulator.Decapsulate(mlKemCipherText, mlKemShare);

        var kek = Combine(mlKemShare, ecdhShare, ecdhCipherText, key.EcdhPublic, a);
        CryptographicOperations.ZeroMemory(mlKemShare);
        CryptographicOperations.ZeroMemory(ecdhShare);
        byte[] sessionKey;
        try
        {
            sessionKey = KeyWrap.Unwrap(kek, rest.ToArray());
        }
        catch (InvalidCipherTextException)
        {
            return null;
        }
        if (version == 3 && sessionKey.Length != SessionKeyMaterial.KeyLength(cipher))
        {
            CryptographicOperations.ZeroMemory(sessionKey);
            return null;
        }
        return new SessionKeyMaterial(cipher, sessionKey);
    }

    /// <summary>Checks the fixed layout of composite KEM PKESK fields: the elliptic-curve ciphertext, the ML-KEM
    /// ciphertext of the algorithm's length, a length octet that counts exactly the rest, a wrapped key of at least 24
    /// octets in 8-octet blocks (AES key wrap of a 16- to 32-octet key).</summary>
    /// <exception cref="MalformedDataException">Any of these does not hold.</exception>
    public static void CheckLayout(ReadOnlySpan<byte> fields, PublicKeyAlgorithmId algorithm, int version)
    {
        int e = PqAlgorithms.EccKeyLength(algorithm), c = PqAlgorithms.MlKemCiphertextLength(algorithm);
        if (fields.Length < e + c + 1)
            throw new MalformedDataException($"The composite ML-KEM session key packet has {fields.Length} octets of fields; its two ciphertexts alone need {e + c + 1}.");
        int size = fields[e + c];
        if (fields.Length != e + c + 1 + size)
            throw new MalformedDataException("The composite ML-KEM session key packet's length octet does not match its wrapped key.");
        int wrapped = version == 3 ? size - 1 : size;
        if (wrapped < 24 || wrapped > 40 || wrapped % 8 != 0)
            throw new MalformedDataException("The composite ML-KEM session key packet's wrapped key has an impossible length.");
    }
}
