using System.Security.Cryptography;
using System.Text;
using CryptoMail.Core.Internal.Packets;

namespace CryptoMail.Core.Internal;

/// <summary>Protects secret key material with a passphrase (see <see cref="SecretKeyPacket.Create"/>): v4 keys with
/// iterated and salted S2K over SHA-256, AES-256 CFB, SHA-1 check (S2K usage 254, the form GnuPG writes); v6 keys
/// with Argon2 and AES-256 OCB (usage 253).</summary>
internal static class SecretKeyProtection
{
    /// <summary>S2K count octet: (16 + 0) &lt;&lt; (14 + 6) = 16,777,216 octets hashed, about 10-60 ms.</summary>
    public const byte CountOctet = 0xE0;

    public static int DecodeCount(byte c) => (16 + (c & 15)) << ((c >> 4) + 6);

    /// <summary>The ring with every secret key re-encoded under <paramref name="newPassphrase"/> (null or empty:
    /// unprotected); protected keys are read with <paramref name="oldPassphrase"/>. Stubs stay as they are.</summary>
    public static KeyRing Reprotect(KeyRing ring, string? oldPassphrase, string? newPassphrase) => ring.MapSecrets(sk =>
    {
        if (sk.IsStub || sk.Unsupported is not null) return sk;
        var material = sk.ReadMaterial(oldPassphrase, ReadLimits.Default.MaxArgon2MemoryBytes)
            ?? throw new BadPassphraseException("The secret key material could not be read with the passphrase it was unlocked with.");
        try
        {
            return SecretKeyPacket.Create(sk.Public, material, sk.IsSubkey, newPassphrase);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    });

    /// <summary>Iterated and salted S2K (RFC 9580 section 3.7.1.3) with SHA-256, for a 32-octet key.</summary>
    public static byte[] DeriveKey(string passphrase, byte[] salt, int count)
    {
        byte[] pass = Encoding.UTF8.GetBytes(passphrase);
        try
        {
            int unit = salt.Length + pass.Length;
            byte[] block = new byte[unit];
            salt.CopyTo(block, 0);
            pass.CopyTo(block, salt.Length);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long remaining = Math.Max(count, unit);
            while (remaining > 0)
            {
                int n = (int)Math.Min(unit, remaining);
                hash.AppendData(block, 0, n);
                remaining -= n;
            }
            CryptographicOperations.ZeroMemory(block);
            return hash.GetHashAndReset();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pass);
        }
    }

    public static byte[] CfbEncrypt(byte[] key, byte[] iv, byte[] plain)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        byte[] output = new byte[plain.Length];
        byte[] register = (byte[])iv.Clone();
        byte[] keystream = new byte[16];
        for (int off = 0; off < plain.Length; off += 16)
        {
            aes.EncryptEcb(register, keystream, PaddingMode.None);
            int n = Math.Min(16, plain.Length - off);
            for (int i = 0; i < n; i++) output[off + i] = (byte)(plain[off + i] ^ keystream[i]);
            if (n == 16) Array.Copy(output, off, register, 0, 16);
        }
        CryptographicOperations.ZeroMemory(keystream);
        return output;
    }
}
