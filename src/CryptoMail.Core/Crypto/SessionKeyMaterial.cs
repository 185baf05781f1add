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
}
