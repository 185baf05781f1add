using Org.BouncyCastle.Bcpg;

namespace CryptoMail.Core.Packets;

/// <summary>
/// The sizes of finite-field public keys (RSA, DSA, ElGamal) this library accepts, checked by
/// <see cref="KeyPacket.Parse"/> before any number is built from the material. Every source of certificates (files,
/// stores, cert-d, GnuPG keyboxes, Autocrypt headers and gossip, WKD) reads key packets there, so a key outside these
/// bounds is refused with a <see cref="LimitExceededException"/> before any modular arithmetic: a 32,768-bit modulus
/// with a 40,000-bit public exponent would otherwise cost minutes per signature check.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description>RSA modulus at most 16,384 bits: the largest modulus OpenSSL verifies with
/// (OPENSSL_RSA_MAX_MODULUS_BITS), four times GnuPG's default maximum of 4,096; no deployed OpenPGP implementation makes
/// larger keys.</description></item>
/// <item><description>RSA public exponent at most 256 bits: FIPS 186-5 (appendix A.1.1) requires
/// 2^16 &lt; e &lt; 2^256, and every implementation in use picks 65,537 (17 bits) or a small prime. A verification then
/// costs at most 256 modular squarings, a few milliseconds even at 16,384 bits.</description></item>
/// <item><description>DSA: p at most 16,384 bits (FIPS 186-4 stops at 3,072), q exactly 160, 224 or 256 bits (the
/// only sizes FIPS 186 defines, so an exponentiation costs at most 256 squarings), g and y no larger than
/// p.</description></item>
/// <item><description>ElGamal: p at most 16,384 bits (GnuPG makes at most 4,096), g and y no larger than
/// p.</description></item>
/// </list>
/// </remarks>
internal static class KeyMaterialLimits
{
    public const int MaxModulusBits = 16384;
    public const int MaxRsaExponentBits = 256;

    /// <summary>Throws <see cref="LimitExceededException"/> when the finite-field material at the start of
    /// <paramref name="material"/> is outside the accepted sizes; other algorithms have fixed sizes and pass.</summary>
    public static void Check(PublicKeyAlgorithmTag algorithm, ReadOnlySpan<byte> material)
    {
        var rest = material;
        switch (algorithm)
        {
            case PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaEncrypt or PublicKeyAlgorithmTag.RsaSign:
            {
                int n = Bits(Mpi.Read(ref rest)), e = Bits(Mpi.Read(ref rest));
                if (n > MaxModulusBits) Refuse($"an RSA modulus of {n} bits (at most {MaxModulusBits} are accepted)");
                if (e > MaxRsaExponentBits) Refuse($"an RSA public exponent of {e} bits (at most {MaxRsaExponentBits} are accepted)");
                break;
            }
            case PublicKeyAlgorithmTag.Dsa:
            {
                int p = Bits(Mpi.Read(ref rest)), q = Bits(Mpi.Read(ref rest)), g = Bits(Mpi.Read(ref rest)), y = Bits(Mpi.Read(ref rest));
                if (p > MaxModulusBits) Refuse($"a DSA prime p of {p} bits (at most {MaxModulusBits} are accepted)");
                if (q is not (160 or 224 or 256)) Refuse($"a DSA subgroup order q of {q} bits (160, 224 or 256 are accepted)");
                if (g > p || y > p) Refuse("a DSA generator or public value larger than its prime");
                break;
            }
            case PublicKeyAlgorithmTag.ElGamalEncrypt or PublicKeyAlgorithmTag.ElGamalGeneral:
            {
                int p = Bits(Mpi.Read(ref rest)), g = Bits(Mpi.Read(ref rest)), y = Bits(Mpi.Read(ref rest));
                if (p > MaxModulusBits) Refuse($"an ElGamal prime p of {p} bits (at most {MaxModulusBits} are accepted)");
                if (g > p || y > p) Refuse("an ElGamal generator or public value larger than its prime");
                break;
            }
        }
    }

    /// <summary>The bit length of a big-endian unsigned value, leading zero octets ignored (the MPI's own bit count
    /// is the sender's claim).</summary>
    private static int Bits(ReadOnlySpan<byte> value)
    {
        int i = 0;
        while (i < value.Length && value[i] == 0) i++;
        if (i == value.Length) return 0;
        return (value.Length - i - 1) * 8 + (32 - System.Numerics.BitOperations.LeadingZeroCount(value[i]));
    }

    private static void Refuse(string what) =>
        throw new LimitExceededException($"The key has {what}; it is refused before any arithmetic on it.");
}
