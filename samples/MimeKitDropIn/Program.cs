using CryptoMail.Core.Mime;
using CryptoMail.Core.Stores;
// MimeKitDropIn: code written for MimeKit's own OpenPGP support (MultipartSigned.Create, MultipartEncrypted.Encrypt,
// SignAndEncrypt, Decrypt) switched to CryptoMail. Every line that changed carries a "CHANGED:" comment saying what it
// was; every other line of the "application code" below is as it was with MimeKit's GnuPGContext.
// Run: dotnet run --project samples/MimeKitDropIn      (exit code 0 when every step did what it says)
using System.Text;
using CryptoMail.Core;   // CHANGED: added
using MimeKit;
using MimeKit.Cryptography;

var failures = 0;
void Check(bool ok, string what)
{
    Console.WriteLine($"  [{(ok ? "ok" : "FAILED")}] {what}");
    if (!ok) failures++;
}

try
{
    // ---- Setup for the demonstration (not application code): Alice's and Bob's keys ----------------------------------
    var pgp = new OpenPgp();
    SecretKey aliceKey = pgp.GenerateKey("Alice <alice@example.org>");
    SecretKey bobKey = pgp.GenerateKey("Bob <bob@example.org>", new KeyGenerationOptions { Passphrase = "bob's passphrase" });
    Console.WriteLine($"Alice {aliceKey.Fingerprint}, Bob {bobKey.Fingerprint}");

    // ---- Application start-up ------------------------------------------------------------------------------------------
    // CHANGED: keys now come from CryptoMail's stores (in memory here; a cert-d CertificateDirectory or a GnuPGHome and a
    // SecretKeyDirectory work the same way), not from MimeKit's GnuPG key ring handling
    var certificates = new InMemoryCertificateStore([aliceKey.Certificate, bobKey.Certificate]);
    var secretKeys = new InMemorySecretKeyStore([aliceKey]);
    CryptoMailContext.Register(new CryptoMailContextOptions(certificates, secretKeys));   // CHANGED: was CryptographyContext.Register(typeof(MyGnuPGContext))

    var alice = new MailboxAddress("Alice", "alice@example.org");
    var bob = new MailboxAddress("Bob", "bob@example.org");

    // ---- Sending: sign, encrypt, sign and encrypt (Alice's side) -------------------------------------------------------
    Console.WriteLine("Alice sends:");
    var message = new MimeMessage();
    message.From.Add(alice);
    message.To.Add(bob);
    message.Subject = "Invoice";
    var body = new TextPart("plain") { Text = "Please pay $100 by Friday.\n" };

    using (var ctx = (OpenPgpContext)CryptographyContext.Create("application/pgp-signature"))
    {
        message.Body = MultipartSigned.Create(ctx, alice, DigestAlgorithm.Sha256, body);
    }
    var signedWire = Wire(message);
    Check(message.Body is MultipartSigned, "MultipartSigned.Create: multipart/signed, micalg=" + message.Body.ContentType.Parameters["micalg"]);

    MimeEntity encryptedOnly = MultipartEncrypted.Encrypt(new[] { bob }, body);
    Check(encryptedOnly is MultipartEncrypted, "MultipartEncrypted.Encrypt: multipart/encrypted for Bob");

    using (var ctx = (OpenPgpContext)CryptographyContext.Create("application/pgp-encrypted"))
    {
        message.Body = CryptoMailContext.SignAndEncrypt(ctx, alice, DigestAlgorithm.Sha256, new[] { bob }, body);   // CHANGED: was MultipartEncrypted.SignAndEncrypt(ctx, ...)
    }
    var sealedWire = Wire(message);
    Check(!Encoding.ASCII.GetString(sealedWire).Contains("$100", StringComparison.Ordinal), "SignAndEncrypt: the server sees no plaintext");

    // ---- Receiving (Bob's side: his key and passphrase, Alice's certificate) --------------------------------------------
    Console.WriteLine("Bob receives:");
    var bobsCertificates = new InMemoryCertificateStore([bobKey.Certificate, aliceKey.Certificate]);   // CHANGED: was Bob's GnuPG key ring
    var bobsSecretKeys = new InMemorySecretKeyStore([bobKey]);                                           // CHANGED: was Bob's GnuPG key ring
    using (var ctx = CryptoMailContext.Create(new CryptoMailContextOptions(bobsCertificates, bobsSecretKeys) { KeyPassphrases = { "bob's passphrase" } }))   // CHANGED: was new MyGnuPGContext()
    {
        var signed = (MultipartSigned)Load(signedWire).Body!;
        var verdict = signed.Verify(ctx).Single();
        Check(verdict.Verify() && verdict.SignerCertificate?.Email == "alice@example.org", $"MultipartSigned.Verify: {verdict}");

        var encrypted = (MultipartEncrypted)Load(sealedWire).Body!;
        var decrypted = CryptoMailContext.Decrypt(encrypted, ctx, out var signatures);   // CHANGED: was encrypted.Decrypt(ctx, out var signatures)
        Check(decrypted is TextPart { Text: "Please pay $100 by Friday.\r\n" or "Please pay $100 by Friday.\n" }, "Decrypt: the text is back");
        Check(signatures.Single().Verify(), $"Decrypt: signature inside: {signatures.Single()}");

        // What the unchanged MimeKit call does with this context: refused before any decryption, never unchecked plaintext
        // (MimeKit's own code would decrypt without checking integrity).
        try
        {
            encrypted.Decrypt(ctx);
            Check(false, "MultipartEncrypted.Decrypt must be refused");
        }
        catch (NotSupportedException)
        {
            Check(true, "MultipartEncrypted.Decrypt (MimeKit's own unchecked path) is refused: use CryptoMailContext.Decrypt");
        }

        // The attack MimeKit's own context misses: a ciphertext edit. Ours refuses it and returns nothing.
        var armored = new MemoryStream();
        ((MimePart)encrypted[1]).Content!.DecodeTo(armored);
        armored.Position = 0;
        var binary = new MemoryStream();
        OpenPgpArmor.Dearmor(armored, binary);
        var tampered = binary.ToArray();
        tampered[^40] ^= 0x08;
        ((MimePart)encrypted[1]).Content = new MimeContent(new MemoryStream(tampered));
        try
        {
            CryptoMailContext.Decrypt(encrypted, ctx, out _);
            Check(false, "a modified ciphertext must not decrypt");
        }
        catch (IntegrityException e)
        {
            Check(true, $"modified ciphertext: IntegrityException ({e.Message})");
        }
    }
}
catch (Exception e)
{
    Console.Error.WriteLine($"FAILED: {e}");
    return 1;
}

Console.WriteLine(failures == 0 ? "All steps did what they say." : $"{failures} step(s) FAILED.");
return failures == 0 ? 0 : 1;

static byte[] Wire(MimeMessage message)
{
    using var memory = new MemoryStream();
    var format = FormatOptions.Default.Clone();
    format.NewLineFormat = NewLineFormat.Dos;
    message.WriteTo(format, memory);
    return memory.ToArray();
}

static MimeMessage Load(byte[] wire) => MimeMessage.Load(new MemoryStream(wire));
