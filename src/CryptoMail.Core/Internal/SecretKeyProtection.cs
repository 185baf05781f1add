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

            byte[] iv = new byte[16];
            random.NextBytes(iv);
            var spec = Packets.S2kSpec.NewIterated();
            byte[] key = spec.Derive(passphrase, 32, long.MaxValue);
            byte[] cipher = Packets.OpenPgpCfb.Transform((int)SymmetricKeyAlgorithmTag.Aes256, key, plain, encrypt: true, iv);
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plain);
            CryptographicOperations.ZeroMemory(data);

            var s2k = new S2k(HashAlgorithmTag.Sha256, spec.Salt.ToArray(), spec.CountOctet);
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
}
