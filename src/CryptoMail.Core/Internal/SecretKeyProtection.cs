using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;

namespace CryptoMail.Core.Internal;

/// <summary>Protects secret key material with a passphrase: iterated and salted S2K over SHA-256, AES-256 CFB,
/// SHA-1 checksum (S2K usage 254), the form GnuPG writes. BouncyCastle's own protection is fixed to an S2K over
/// SHA-1 with 65,536 octets, so we write the packet ourselves and let BouncyCastle read it.</summary>
internal static class SecretKeyProtection
{
    /// <summary>S2K count octet: (16 + 0) &lt;&lt; (14 + 6) = 16,777,216 octets hashed, about 10-60 ms.</summary>
    public const byte CountOctet = 0xE0;

    public static int DecodeCount(byte c) => (16 + (c & 15)) << ((c >> 4) + 6);

    /// <summary>Re-encodes an unprotected secret key ring with every secret key protected.</summary>
    public static PgpSecretKeyRing Protect(PgpSecretKeyRing ring, string passphrase, SecureRandom random)
    {
        using var output = new MemoryStream();
        foreach (var sk in ring.GetSecretKeys())
        {
            var encoded = sk.GetEncoded();
            if (sk.IsPrivateKeyEmpty || sk.S2kUsage != 0)
            {
                output.Write(encoded);
                continue;
            }
            int first = KeyRings.FirstPacketLength(encoded);
            var packet = (SecretKeyPacket)new BcpgInputStream(new MemoryStream(encoded, 0, first, writable: false)).ReadPacket();
            var rest = encoded.AsSpan(first);

            byte[] data = packet.GetSecretKeyData();
            // Unprotected v4 data: MPIs followed by a two-octet additive checksum.
            var mpis = data.AsSpan(0, data.Length - 2);
            byte[] plain = new byte[mpis.Length + 20];
            mpis.CopyTo(plain);
#pragma warning disable CA5350 // RFC 9580 section 5.5.3 fixes SHA-1 as the secret key checksum for S2K usage 254.
            SHA1.HashData(mpis, plain.AsSpan(mpis.Length));
#pragma warning restore CA5350

            byte[] salt = new byte[8];
            random.NextBytes(salt);
            byte[] iv = new byte[16];
            random.NextBytes(iv);
            byte[] key = DeriveKey(passphrase, salt, DecodeCount(CountOctet));
            byte[] cipher = CfbEncrypt(key, iv, plain);
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plain);
            CryptographicOperations.ZeroMemory(data);

            var s2k = new S2k(HashAlgorithmTag.Sha256, salt, CountOctet);
            var protectedPacket = sk.IsMasterKey && output.Length == 0
                ? new SecretKeyPacket(packet.PublicKeyPacket, SymmetricKeyAlgorithmTag.Aes256, 254, s2k, iv, cipher)
                : new SecretSubkeyPacket(packet.PublicKeyPacket, SymmetricKeyAlgorithmTag.Aes256, 254, s2k, iv, cipher);
            using (var bcpg = new BcpgOutputStream(new NonClosingStream(output), newFormatOnly: true))
            {
                protectedPacket.Encode(bcpg);
            }
            output.Write(rest);
        }
        return new PgpSecretKeyRing(output.ToArray());
    }

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

    private static byte[] CfbEncrypt(byte[] key, byte[] iv, byte[] plain)
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
