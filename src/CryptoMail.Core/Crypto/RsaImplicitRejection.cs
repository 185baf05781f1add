using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Crypto;

/// <summary>RSA PKCS#1 v1.5 session key decryption with implicit rejection (RFC 9580 section 13.5; the same idea as
/// the implicit-rejection mechanism of draft-irtf-cfrg-rsa-guidance, designed here on its own terms).</summary>
/// <remarks>
/// <para>Whatever the RSA plaintext looks like, the result is a session key: the one it encodes when the block is
/// well formed (00 02, at least eight nonzero padding octets, a zero, then [cipher octet,] key and checksum, with a
/// known cipher of the right key size and a matching checksum), and otherwise a pseudo-random key of a plausible
/// algorithm and size derived from the ciphertext and the private key. So a forged ciphertext fails later exactly as
/// a wrong key does (SEIPD v1: the MDC; AEAD: the tag), and a padding error, a checksum error and an unknown cipher
/// cannot be told apart: no Bleichenbacher or Marvin error-class oracle.</para>
/// <para>The checks run over every octet of the block without branching on its content, and only the final choice
/// between the two keys branches. The big-number arithmetic is BouncyCastle's (blinded); its timing is not ours to
/// control.</para>
/// <para>The rejection key is SHA-256 over a label and the private exponent; the pseudo-random key is HMAC-SHA-256
/// under it over a second label and the ciphertext (left-padded to the modulus length), truncated to the key size:
/// deterministic, so the same forged ciphertext always yields the same wrong key.</para>
/// </remarks>
internal static class RsaImplicitRejection
{
    private static readonly byte[] KeyLabel = Encoding.ASCII.GetBytes("CryptoMail.Core RSA implicit rejection key v1");
    private static readonly byte[] MessageLabel = Encoding.ASCII.GetBytes("CryptoMail.Core RSA implicit rejection session key v1");

    /// <summary>The session key of an RSA PKESK's fields (one MPI), or null when the fields are malformed or the
    /// number is not below the modulus (both public facts about the ciphertext).</summary>
    /// <param name="fields">The PKESK's algorithm-specific fields.</param>
    /// <param name="priv">The RSA private key.</param>
    /// <param name="v6">A v6 PKESK: no cipher octet before the key.</param>
    /// <param name="expectedKeySize">The key size the encrypted data packet needs, when it names its cipher.</param>
    public static SessionKeyMaterial? Decrypt(byte[] fields, AsymmetricPrivateKey priv, bool v6, int? expectedKeySize)
    {
        if (priv.Key is not RsaKeyParameters { IsPrivate: true } rsa) return null;
        int pos = 0;
        var c = Mpi.Read(fields, ref pos);
        int k = (rsa.Modulus.BitLength + 7) / 8;
        if (c.Length > k || c.Length == 0) return null;
        var padded = new byte[k];
        c.CopyTo(padded, k - c.Length);
        if (new Org.BouncyCastle.Math.BigInteger(1, padded).CompareTo(rsa.Modulus) >= 0) return null;

        var engine = new RsaBlindedEngine();
        engine.Init(false, rsa);
        var raw = engine.ProcessBlock(padded, 0, padded.Length);
        var exponent = rsa.Exponent.ToByteArrayUnsigned();
        try
        {
            return FromBlock(raw, k, exponent, padded, v6, expectedKeySize);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
            CryptographicOperations.ZeroMemory(exponent);
        }
    }

    /// <summary>The session key of a decrypted PKCS#1 v1.5 block, with the same implicit rejection as RSA: the key it
    /// encodes when the block is well formed, else a pseudo-random key derived from <paramref name="secret"/> (the
    /// private key's secret number) and <paramref name="ciphertext"/>. ElGamal session keys use the same encoding
    /// (RFC 9580 section 5.1.4) and are as malleable as RSA's, so they need the same protection.</summary>
    /// <param name="raw">The decrypted number, big-endian, at most <paramref name="k"/> octets (leading zeros may be missing).</param>
    /// <param name="k">The length of the block: the octet length of the modulus.</param>
    /// <param name="secret">The private exponent or ElGamal secret x, as unsigned octets.</param>
    /// <param name="ciphertext">The ciphertext as the PKESK carries it (the rejection key is derived over it).</param>
    /// <param name="v6">A v6 PKESK: no cipher octet before the key.</param>
    /// <param name="expectedKeySize">The key size the encrypted data packet needs, when it names its cipher.</param>
    internal static SessionKeyMaterial FromBlock(ReadOnlySpan<byte> raw, int k, byte[] secret, byte[] ciphertext, bool v6, int? expectedKeySize)
    {
        var em = new byte[k];
        raw[Math.Max(0, raw.Length - k)..].CopyTo(em.AsSpan(k - Math.Min(k, raw.Length)));
        try
        {
            int syntheticSize = expectedKeySize ?? 32;
            int syntheticAlgorithm = syntheticSize switch { 16 => 7, 24 => 8, _ => 9 };
            var synthetic = SyntheticKey(secret, ciphertext, syntheticSize);
            var (good, start, algorithm, length) = Parse(em, v6, expectedKeySize);
            if (good == 0)
            {
                return new SessionKeyMaterial(v6 ? 0 : syntheticAlgorithm, synthetic);
            }
            CryptographicOperations.ZeroMemory(synthetic);
            return new SessionKeyMaterial(v6 ? 0 : algorithm, em.AsSpan(start, length).ToArray());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(em);
        }
    }

    /// <summary>Checks the block: all ones in <c>Good</c> when it is well formed, with where the key starts, the
    /// cipher octet and the key length. Reads every octet whatever the content.</summary>
    private static (int Good, int Start, int Algorithm, int Length) Parse(byte[] em, bool v6, int? expectedKeySize)
    {
        int k = em.Length;
        int good = IsZero(em[0]) & IsZero(em[1] ^ 2);
        // The first zero after the two leading octets ends the padding.
        int separator = 0, found = 0;
        for (int i = 2; i < k; i++)
        {
            int zero = IsZero(em[i]);
            int take = zero & ~found;
            separator = Select(take, i, separator);
            found |= zero;
        }
        good &= found & LessOrEqual(10, separator); // eight padding octets at least
        int payload = separator + 1;
        int algorithm = 0;
        for (int i = 2; i < k && !v6; i++) algorithm |= em[i] & IsZero(i ^ payload);
        int start = v6 ? payload : payload + 1;
        int length = k - 2 - start;
        good &= LessOrEqual(1, length);
        if (v6)
        {
            good &= expectedKeySize is int e ? IsZero(length ^ e) : IsZero(length ^ 16) | IsZero(length ^ 24) | IsZero(length ^ 32);
        }
        else
        {
            good &= IsZero(length ^ KnownKeyLength(algorithm));
            if (expectedKeySize is int e) good &= IsZero(length ^ e);
        }
        // Checksum: the sum of the key octets, over the whole block with a mask, against the last two octets.
        int sum = 0;
        for (int i = 0; i < k - 2; i++)
        {
            int inKey = LessOrEqual(start, i) & LessOrEqual(i + 1, k - 2);
            sum += em[i] & inKey;
        }
        int stored = (em[k - 2] << 8) | em[k - 1];
        good &= IsZero((sum & 0xFFFF) ^ stored);
        return (good, Math.Clamp(start, 0, k), algorithm, Math.Max(0, Math.Min(length, k - Math.Clamp(start, 0, k))));
    }

    /// <summary>The key size of a cipher octet, or -1 for one we do not read; looked up over the whole table.</summary>
    private static int KnownKeyLength(int algorithm)
    {
        ReadOnlySpan<int> ids = [7, 8, 9, 10, 11, 12, 13, 3, 2, 1, 4];
        ReadOnlySpan<int> sizes = [16, 24, 32, 32, 16, 24, 32, 16, 24, 16, 16];
        int result = -1;
        for (int i = 0; i < ids.Length; i++) result = Select(IsZero(ids[i] ^ algorithm), sizes[i], result);
        return result;
    }

    private static byte[] SyntheticKey(byte[] exponent, byte[] ciphertext, int size)
    {
        var rejectionKey = new byte[32];
        try
        {
            using (var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                h.AppendData(KeyLabel);
                h.AppendData(exponent);
                h.GetHashAndReset(rejectionKey);
            }
            using var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, rejectionKey);
            mac.AppendData(MessageLabel);
            mac.AppendData(ciphertext);
            var full = mac.GetHashAndReset();
            var key = full[..Math.Min(size, full.Length)];
            CryptographicOperations.ZeroMemory(full);
            return key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(rejectionKey);
        }
    }

    /// <summary>-1 (all ones) when <paramref name="x"/> is zero, else 0 (for values below 2^31).</summary>
    private static int IsZero(int x) => ~((x | -x) >> 31);

    /// <summary>-1 when <paramref name="a"/> ≤ <paramref name="b"/>, else 0 (for values between -2^30 and 2^30).</summary>
    private static int LessOrEqual(int a, int b) => ~((b - a) >> 31);

    private static int Select(int mask, int a, int b) => (a & mask) | (b & ~mask);
}

/// <summary>The two-octet session key checksum of RFC 9580 section 5.1: the sum of the key octets modulo 65536,
/// compared without branching on the key.</summary>
internal static class Checksum
{
    public static bool Matches(ReadOnlySpan<byte> key, ReadOnlySpan<byte> stored)
    {
        int sum = 0;
        foreach (var b in key) sum += b;
        int difference = ((sum >> 8) & 0xFF) ^ stored[0] | ((sum & 0xFF) ^ stored[1]);
        return difference == 0;
    }
}
