using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;

namespace CryptoMail.Core.Crypto;

/// <summary>ElGamal session key encryption (RFC 9580 section 5.1.4, algorithm 16): the session key block is PKCS#1
/// v1.5 encoded as for RSA and encrypted as the pair g^k mod p, m·y^k mod p. RFC 9580 deprecates generating ElGamal
/// keys, not using them: GnuPG made DSA + ElGamal keys by default until 2014, and their holders still receive mail.</summary>
/// <remarks>Decryption goes through <see cref="RsaImplicitRejection.FromBlock"/>: ElGamal ciphertexts are malleable
/// (multiplying the second number by a chosen factor multiplies the plaintext), so a badly padded block must fail
/// exactly as a wrong key does, later, at the integrity check.</remarks>
internal static class ElGamal
{
    /// <summary>Encrypts <paramref name="m"/> (cipher octet, session key, checksum) to an ElGamal key.</summary>
    /// <returns>The two numbers of the PKESK, as unsigned big-endian octets.</returns>
    /// <exception cref="UnusableKeyException">The key is not an ElGamal key, or too small for the block.</exception>
    public static (byte[] C1, byte[] C2) Encrypt(AsymmetricPublicKey recipient, ReadOnlySpan<byte> m)
    {
        if (recipient.Key is not ElGamalPublicKeyParameters pub) throw new UnusableKeyException("The recipient key is not an ElGamal key.");
        var p = pub.Parameters.P;
        int k = (p.BitLength + 7) / 8;
        // 00 02, at least eight nonzero random octets, 00, then the message: k octets, read as a number below p
        // because its first octet is zero.
        if (m.Length > k - 11) throw new UnusableKeyException($"The ElGamal key of {p.BitLength} bits is too small for a session key.");
        var block = new byte[k];
        block[1] = 2;
        var padding = block.AsSpan(2, k - 3 - m.Length);
        FillNonZero(padding);
        m.CopyTo(block.AsSpan(k - m.Length));
        try
        {
            var message = new BigInteger(1, block);
            // An ephemeral exponent in [1, p-2].
            var pMinus2 = p.Subtract(BigInteger.Two);
            BigInteger e;
            do e = new BigInteger(p.BitLength, Randomness.Secure);
            while (e.SignValue == 0 || e.CompareTo(pMinus2) > 0);
            var c1 = pub.Parameters.G.ModPow(e, p);
            var c2 = pub.Y.ModPow(e, p).Multiply(message).Mod(p);
            return (c1.ToByteArrayUnsigned(), c2.ToByteArrayUnsigned());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }
    }

    /// <summary>The session key of an ElGamal PKESK's fields (two MPIs), or null when the fields are malformed or a
    /// number is not in [1, p-1] (public facts about the ciphertext). A block that is not a well-formed session key
    /// yields a pseudo-random key (implicit rejection).</summary>
    public static SessionKeyMaterial? Decrypt(byte[] fields, AsymmetricPrivateKey priv, bool v6, int? expectedKeySize)
    {
        if (priv.Key is not ElGamalPrivateKeyParameters secret) return null;
        var p = secret.Parameters.P;
        int pos = 0;
        if (fields.Length < 4) return null;
        var c1Octets = Mpi.Read(fields, ref pos);
        if (pos + 2 > fields.Length) return null;
        var c2Octets = Mpi.Read(fields, ref pos);
        int k = (p.BitLength + 7) / 8;
        if (c1Octets.Length == 0 || c2Octets.Length == 0 || c1Octets.Length > k || c2Octets.Length > k) return null;
        var c1 = new BigInteger(1, c1Octets);
        var c2 = new BigInteger(1, c2Octets);
        if (c1.SignValue <= 0 || c2.SignValue <= 0 || c1.CompareTo(p) >= 0 || c2.CompareTo(p) >= 0) return null;
        // m = c2 · c1^(p-1-x) mod p, which is c2 / c1^x.
        var m = c1.ModPow(p.Subtract(BigInteger.One).Subtract(secret.X), p).Multiply(c2).Mod(p);
        var raw = m.ToByteArrayUnsigned();
        var x = secret.X.ToByteArrayUnsigned();
        try
        {
            return RsaImplicitRejection.FromBlock(raw, k, x, fields[..pos], v6, expectedKeySize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
            CryptographicOperations.ZeroMemory(x);
        }
    }

    private static void FillNonZero(Span<byte> span)
    {
        RandomNumberGenerator.Fill(span);
        for (int i = 0; i < span.Length; i++)
        {
            while (span[i] == 0) RandomNumberGenerator.Fill(span.Slice(i, 1));
        }
    }
}
