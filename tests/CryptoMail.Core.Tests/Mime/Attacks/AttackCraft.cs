using System.Text;
using MimeKit;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Security;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime.Attacks;

/// <summary>What an attacker builds: OpenPGP data our writer refuses to make (SED, SHA-1 signatures), and raw edits.</summary>
internal static class AttackCraft
{
    private static readonly OpenPgp Pgp = new();

    /// <summary>An armored SEIPD v1 (CFB with MDC) message to <paramref name="recipient"/>.</summary>
    public static string EncryptV1(byte[] plaintext, Certificate recipient, SecretKey? signer = null)
    {
        var options = new EncryptOptions { Armor = true, EncryptionFormat = EncryptionFormat.SeipdV1 };
        options.Recipients.Add(recipient);
        if (signer is not null) options.Signing.Signers.Add(signer);
        using var output = new MemoryStream();
        Pgp.Encrypt(new MemoryStream(plaintext), output, options);
        return Encoding.ASCII.GetString(output.ToArray());
    }

    /// <summary>An armored message in the old Symmetrically Encrypted Data packet (tag 9: CFB, no integrity protection),
    /// the packet EFAIL's CFB gadgets edit undetected. Our writer never makes one, so BouncyCastle does.</summary>
    public static string EncryptSed(byte[] plaintext, Certificate recipient)
    {
        // BouncyCastle reads our v4 certificates from their exported bytes.
        var key = new PgpPublicKeyRing(recipient.Export()).GetPublicKeys().Cast<PgpPublicKey>().First(k => k.IsEncryptionKey && !k.IsMasterKey);
        var generator = new PgpEncryptedDataGenerator(SymmetricKeyAlgorithmTag.Aes256, withIntegrityPacket: false, new SecureRandom());
        generator.AddMethod(key);
        using var binary = new MemoryStream();
        using (var encrypted = generator.Open(binary, new byte[4096]))
        {
            var literal = new PgpLiteralDataGenerator();
            using var data = literal.Open(encrypted, PgpLiteralData.Binary, "", DateTime.UtcNow, new byte[4096]);
            data.Write(plaintext);
        }
        return ArmorWriter.ToArmoredString(binary.ToArray(), ArmorKind.Message);
    }

    /// <summary>A detached SHA-1 binary signature by <paramref name="signer"/>'s primary key, armored.</summary>
    public static string Sha1Signature(SecretKey signer, byte[] data)
    {
        // An unprotected v4 key, read by BouncyCastle from its exported bytes.
        var secretKey = new PgpSecretKeyRing(signer.Export()).GetSecretKey();
        var publicKey = secretKey.PublicKey;
        var privateKey = secretKey.ExtractPrivateKeyUtf8(Array.Empty<char>());
        var generator = new PgpSignatureGenerator(publicKey.Algorithm, HashAlgorithmTag.Sha1);
        generator.InitSign(PgpSignature.BinaryDocument, privateKey);
        var hashed = new PgpSignatureSubpacketGenerator();
        hashed.SetSignatureCreationTime(false, DateTime.UtcNow);
        hashed.SetIssuerFingerprint(false, publicKey);
        generator.SetHashedSubpackets(hashed.Generate());
        generator.Update(data);
        return ArmorWriter.ToArmoredString(generator.Generate().GetEncoded(), ArmorKind.Signature);
    }

    /// <summary>The binary OpenPGP data inside an armored text.</summary>
    public static byte[] Dearmor(string armored)
    {
        using var input = new ArmoredInputStream(new MemoryStream(Encoding.ASCII.GetBytes(armored)));
        using var binary = new MemoryStream();
        input.CopyTo(binary);
        return binary.ToArray();
    }

    /// <summary>The armored text of the data part of a transported multipart/encrypted message.</summary>
    public static string ArmoredData(MimeMessage encrypted)
    {
        var data = (MimePart)((Multipart)encrypted.Body!)[1];
        using var memory = new MemoryStream();
        data.Content!.DecodeTo(memory);
        return Encoding.ASCII.GetString(memory.ToArray());
    }

    /// <summary>A message whose body is a multipart/encrypted around <paramref name="armored"/>.</summary>
    public static MimeMessage EncryptedMessage(string armored) => WithBody(EncryptedMultipart(armored));
}
