using System.Buffers.Binary;
using System.Text;
using MimeKit;

namespace CryptoMail.Fuzz;

/// <summary>Writes the seed corpora: small valid inputs for every target, made with the library from the fixed fuzz
/// keys (so that the fuzzer starts from messages it can decrypt and signatures it can verify).</summary>
internal static class Seeds
{
    private static readonly OpenPgp Pgp = new();
    private static readonly byte[] Text = "Fuzz seed: Grüße, a short message.\r\nSecond line.\r\n"u8.ToArray();

    /// <summary>Makes the two fixed keys (unprotected, no expiry) into <paramref name="keyDirectory"/>.</summary>
    public static void NewKeys(string keyDirectory)
    {
        Directory.CreateDirectory(keyDirectory);
        var created = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var (file, profile) in new[] { ("v4.asc", KeyProfile.Curve25519), ("v6.asc", KeyProfile.V6Ed25519) })
        {
            var key = Pgp.GenerateKey(FuzzKeys.UserId, new KeyGenerationOptions { Profile = profile, Expiration = null, CreationTime = created });
            File.WriteAllText(Path.Combine(keyDirectory, file), key.ExportArmored());
        }
    }

    /// <summary>Writes every target's seeds under <paramref name="corpus"/>/&lt;target&gt;/.</summary>
    public static void Write(string corpus)
    {
        foreach (var (target, name, data) in All())
        {
            var dir = Path.Combine(corpus, target);
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, name), data);
        }
    }

    private static IEnumerable<(string Target, string Name, byte[] Data)> All()
    {
        var v4 = FuzzKeys.V4;
        var v6 = FuzzKeys.V6;

        // The packet stream: every encryption format, password and key, signed and compressed variants.
        yield return ("packets", "v4-seipd1.pgp", Encrypt(o => o.Recipients.Add(v4.Certificate), EncryptionFormat.SeipdV1));
        yield return ("packets", "v6-seipd2.pgp", Encrypt(o => o.Recipients.Add(v6.Certificate), EncryptionFormat.SeipdV2));
        yield return ("packets", "password-seipd1.pgp", Encrypt(o => o.Passwords.Add(FuzzKeys.Password), EncryptionFormat.SeipdV1));
        yield return ("packets", "signed-encrypted-zlib.pgp", Encrypt(o => { o.Recipients.Add(v4.Certificate); o.Signing.Signers.Add(v4); }, EncryptionFormat.SeipdV1, Compression.Zlib));
        yield return ("packets", "signed-encrypted-v6.pgp", Encrypt(o => { o.Recipients.Add(v6.Certificate); o.Signing.Signers.Add(v6); }, EncryptionFormat.SeipdV2));
        yield return ("packets", "signed-only.pgp", Sign(v4, SignatureMode.Binary, inline: true));

        // Inspection: recipients and passwords of each format, signers of a signed-only message and a detached signature.
        yield return ("inspect", "v4-v6-password-seipd2.pgp", Encrypt(o => { o.Recipients.Add(v4.Certificate); o.Recipients.Add(v6.Certificate); o.Passwords.Add(FuzzKeys.Password); }, EncryptionFormat.SeipdV2));
        yield return ("inspect", "v4-password-seipd1.pgp", Encrypt(o => { o.Recipients.Add(v4.Certificate); o.Passwords.Add(FuzzKeys.Password); }, EncryptionFormat.SeipdV1));
        yield return ("inspect", "signed-only-v6.pgp", Sign(v6, SignatureMode.Binary, inline: true));
        yield return ("inspect", "detached-v4.sig", Detached(v4));

        yield return ("signatures", "detached-v4.sig", Detached(v4));
        yield return ("signatures", "detached-v6.sig", Detached(v6));
        yield return ("signatures", "inline-v6.pgp", Sign(v6, SignatureMode.Text, inline: true));

        yield return ("armor", "message.asc", Encrypt(o => o.Recipients.Add(v4.Certificate), EncryptionFormat.SeipdV1, armor: true));
        yield return ("armor", "public-key.asc", Encoding.ASCII.GetBytes(v6.Certificate.ExportArmored()));
        yield return ("armor", "signature.asc", Armored(Detached(v4), ArmorKind.Signature));

        yield return ("certificates", "v4.pgp", v4.Certificate.Export());
        yield return ("certificates", "v6.pgp", v6.Certificate.Export());
        yield return ("certificates", "v4.asc", Encoding.ASCII.GetBytes(v4.Certificate.ExportArmored()));

        yield return ("secret-keys", "v4.pgp", v4.Export());
        yield return ("secret-keys", "v6.pgp", v6.Export());

        yield return ("cleartext", "v4.asc", Cleartext(v4));
        yield return ("cleartext", "v6.asc", Cleartext(v6));

        foreach (var (name, message) in MimeMessages()) yield return ("mime", name, Bytes(message));

        var header = AutocryptHeader.Create(v4.Certificate, FuzzKeys.Address, AutocryptPreference.Mutual);
        yield return ("autocrypt", "mutual.txt", Encoding.UTF8.GetBytes(header.ToHeaderValue()));
        yield return ("autocrypt", "v6-gossip.txt", Encoding.UTF8.GetBytes(AutocryptHeader.Create(v6.Certificate, FuzzKeys.Address).ForGossip().ToHeaderValue()));

        // WKD: the first octet picks a key lookup (even) or a policy file (odd).
        yield return ("wkd", "key.bin", [0, .. v4.Certificate.Export()]);
        yield return ("wkd", "policy.bin", [1, .. "mailbox-only\nprotocol-version: 5\nsubmission-address: submit@example.org\n"u8]);

        yield return ("keybox", "pubring.kbx", Keybox(v4.Certificate.Export(), v6.Certificate.Export()));

        yield return ("certd", "v4.pgp", v4.Certificate.Export());
    }

    private static byte[] Encrypt(Action<EncryptOptions> recipients, EncryptionFormat format, Compression compression = Compression.None, bool armor = false)
    {
        var options = new EncryptOptions { EncryptionFormat = format, Compression = compression, Armor = armor };
        recipients(options);
        using var output = new MemoryStream();
        Pgp.Encrypt(new MemoryStream(Text), output, options);
        return output.ToArray();
    }

    private static byte[] Sign(SecretKey signer, SignatureMode mode, bool inline)
    {
        var options = new SignOptions { Mode = mode, Armor = false };
        options.Signers.Add(signer);
        using var output = new MemoryStream();
        if (inline) Pgp.SignInline(new MemoryStream(Text), output, options);
        else Pgp.SignDetached(new MemoryStream(Text), output, options);
        return output.ToArray();
    }

    private static byte[] Detached(SecretKey signer)
    {
        var options = new SignOptions { Armor = false };
        options.Signers.Add(signer);
        using var output = new MemoryStream();
        Pgp.SignDetached(new MemoryStream(Targets.DetachedData), output, options);
        return output.ToArray();
    }

    private static byte[] Cleartext(SecretKey signer)
    {
        var options = new SignOptions();
        options.Signers.Add(signer);
        using var output = new MemoryStream();
        Pgp.SignCleartext(new MemoryStream(Text), output, options);
        return output.ToArray();
    }

    private static byte[] Armored(byte[] binary, ArmorKind kind)
    {
        using var output = new MemoryStream();
        OpenPgpArmor.Armor(new MemoryStream(binary), output, kind);
        return output.ToArray();
    }

    private static IEnumerable<(string Name, MimeMessage Message)> MimeMessages()
    {
        var v4 = FuzzKeys.V4;
        MimeMessage Plain()
        {
            var m = new MimeMessage();
            m.From.Add(MailboxAddress.Parse(FuzzKeys.UserId));
            m.To.Add(MailboxAddress.Parse(FuzzKeys.UserId));
            m.Subject = "Fuzz seed";
            m.Date = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
            m.MessageId = "seed@example.org";
            m.Body = new TextPart("plain") { Text = Encoding.UTF8.GetString(Text) };
            return m;
        }
        yield return ("signed.eml", Pgp.Mime.Sign(Plain(), v4, new MimeSignOptions { ProtectHeaders = true }));
        yield return ("encrypted.eml", Pgp.Mime.Encrypt(Plain(), [v4.Certificate], new MimeEncryptOptions { ProtectHeaders = true }));
        yield return ("signed-encrypted.eml", Pgp.Mime.SignAndEncrypt(Plain(), v4, [FuzzKeys.V6.Certificate], new MimeEncryptOptions { ProtectHeaders = true }));
        var inline = Plain();
        inline.Body = new TextPart("plain") { Text = Encoding.ASCII.GetString(Encrypt(o => o.Recipients.Add(v4.Certificate), EncryptionFormat.SeipdV1, armor: true)) };
        AutocryptMime.SetHeader(inline, AutocryptHeader.Create(v4.Certificate, FuzzKeys.Address));
        yield return ("inline-autocrypt.eml", inline);
    }

    private static byte[] Bytes(MimeMessage message)
    {
        using var output = new MemoryStream();
        message.WriteTo(output);
        return output.ToArray();
    }

    /// <summary>A GnuPG keybox: the header blob, then one OpenPGP blob per certificate (the fixed part holds only
    /// what a reader needs: the key block's offset and length).</summary>
    private static byte[] Keybox(params byte[][] keyBlocks)
    {
        var file = new List<byte>();
        var header = new byte[32];
        BinaryPrimitives.WriteUInt32BigEndian(header, 32);
        header[4] = 1;  // blob type: header
        header[5] = 1;  // version
        "KBXf"u8.CopyTo(header.AsSpan(8));
        file.AddRange(header);
        foreach (var block in keyBlocks)
        {
            const int offset = 40;
            var blob = new byte[offset + block.Length + 20];
            BinaryPrimitives.WriteUInt32BigEndian(blob, (uint)blob.Length);
            blob[4] = 2;  // blob type: OpenPGP
            blob[5] = 1;
            BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(8), offset);
            BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(12), (uint)block.Length);
            block.CopyTo(blob.AsSpan(offset));
            file.AddRange(blob);
        }
        return file.ToArray();
    }
}
