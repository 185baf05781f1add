using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;

namespace CryptoMail.Core.Internal.Packets;

/// <summary>Argon2 S2K parameters (RFC 9580 section 3.7.1.4): passes t, parallelism p, memory 2^m KiB.</summary>
internal sealed record Argon2Parameters(int Passes, int Parallelism, int MemoryExponent)
{
    public long MemoryBytes => MemoryExponent >= 40 ? long.MaxValue : (1L << MemoryExponent) * 1024;
}

/// <summary>Argon2id key derivation for S2K type 4, with a memory cap checked before any memory is taken: the
/// parameters come from unauthenticated data, so an attacker picks them.</summary>
internal static class S2kArgon2
{
    /// <summary>Default cap: 2 GiB, the first parameter set RFC 9580 section 3.7.1.4 recommends (m = 21).</summary>
    public const long DefaultMaxMemoryBytes = 2L << 30;

    /// <summary>What we write: t = 1, p = 4, m = 21 would need 2 GiB for every unlock; RFC 9580 section 3.7.1.4's
    /// second recommendation (t = 3, p = 4, m = 16, 64 MiB) suits a mail client.</summary>
    public static readonly Argon2Parameters Recommended = new(3, 4, 16);

    public static byte[] Derive(string passphrase, byte[] salt, Argon2Parameters p, int keyLength, long maxMemoryBytes)
    {
        if (salt.Length != 16) throw new MalformedDataException("The Argon2 salt must be 16 octets.");
        if (p.Passes < 1 || p.Parallelism < 1)
            throw new MalformedDataException("The Argon2 parameters are invalid (zero passes or parallelism).");
        // m must be at least 3 + ceil(log2(p)) and below 31 (RFC 9580 section 3.7.1.4).
        int minExp = 3 + (int)Math.Ceiling(Math.Log2(p.Parallelism));
        if (p.MemoryExponent < minExp || p.MemoryExponent > 30)
            throw new MalformedDataException($"The Argon2 memory exponent {p.MemoryExponent} is out of range.");
        if (p.MemoryBytes > maxMemoryBytes)
            throw new LimitExceededException($"The Argon2 parameters ask for {p.MemoryBytes >> 20} MiB, more than the limit of {maxMemoryBytes >> 20} MiB.");
        var parameters = new Org.BouncyCastle.Crypto.Parameters.Argon2Parameters.Builder(Org.BouncyCastle.Crypto.Parameters.Argon2Parameters.Argon2id)
            .WithVersion(Org.BouncyCastle.Crypto.Parameters.Argon2Parameters.Version13)
            .WithSalt(salt)
            .WithIterations(p.Passes)
            .WithParallelism(p.Parallelism)
            .WithMemoryPowOfTwo(p.MemoryExponent)
            .Build();
        // Lanes run in parallel when the parameters ask for more than one (RFC 9580 recommends p = 4).
        var generator = new Argon2BytesGenerator(p.Parallelism > 1 ? Task.Factory : null);
        generator.Init(parameters);
        byte[] pass = System.Text.Encoding.UTF8.GetBytes(passphrase);
        var output = new byte[keyLength];
        try
        {
            generator.GenerateBytes(pass, output);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pass);
            parameters.Clear();
        }
        return output;
    }

    /// <summary>The encoded S2K specifier (type 4) for fresh parameters and a random salt.</summary>
    public static (S2kSpec Spec, byte[] Encoded) Create(Argon2Parameters p)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var encoded = new byte[20];
        encoded[0] = 4;
        salt.CopyTo(encoded, 1);
        encoded[17] = (byte)p.Passes;
        encoded[18] = (byte)p.Parallelism;
        encoded[19] = (byte)p.MemoryExponent;
        return (new S2kSpec { Type = 4, Hash = 0, Salt = salt, Argon2 = p }, encoded);
    }
}
