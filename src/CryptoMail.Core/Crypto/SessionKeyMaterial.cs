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

    /// <summary>The key size in octets of a symmetric cipher number (RFC 9580 section 9.3).</summary>
    /// <exception cref="UnsupportedPacketException">A cipher we do not implement.</exception>
    public static int KeyLength(int algorithm) => algorithm switch
    {
        7 => 16, 8 => 24, 9 => 32, // AES
        10 => 32, // Twofish
        11 => 16, 12 => 24, 13 => 32, // Camellia
        3 => 16, // CAST5
        2 => 24, // TripleDES
        _ => throw new UnsupportedPacketException($"Symmetric algorithm {algorithm} is not supported."),
    };
}
