using System.Security.Cryptography;

namespace CryptoMail.Core.Crypto;

/// <summary>A decrypted session key: the symmetric algorithm and the key octets. Zeroed on dispose.</summary>
internal sealed class SessionKeyMaterial : IDisposable
{
    public SessionKeyMaterial(int algorithm, byte[] key)
    {
        Algorithm = algorithm;
        Key = key;
    }

    public int Algorithm { get; }
    public byte[] Key { get; }

    public void Dispose() => CryptographicOperations.ZeroMemory(Key);

    /// <summary>Whether <paramref name="algorithm"/> is a cipher we implement (<see cref="KeyLength"/> knows it).</summary>
    public static bool IsKnown(int algorithm) => algorithm is >= 1 and <= 4 or >= 7 and <= 13;

    /// <summary>The key size in octets of a symmetric cipher number (RFC 9580 section 9.3).</summary>
    /// <exception cref="UnsupportedPacketException">A cipher we do not implement.</exception>
    public static int KeyLength(int algorithm) => algorithm switch
    {
        7 => 16, 8 => 24, 9 => 32, // AES
        10 => 32, // Twofish
        11 => 16, 12 => 24, 13 => 32, // Camellia
        3 => 16, // CAST5
        2 => 24, // TripleDES
        1 => 16, // IDEA
        4 => 16, // Blowfish (OpenPGP fixes its key at 128 bits)
        _ => throw new UnsupportedPacketException($"Symmetric algorithm {algorithm} is not supported."),
    };
}
