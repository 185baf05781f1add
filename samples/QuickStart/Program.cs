// QuickStart: Alice sends Bob a signed and encrypted e-mail (PGP/MIME, RFC 3156); Bob opens it and checks
// who signed it and how much of the message the encryption and the signature cover.
// Run: dotnet run --project samples/QuickStart
using System.Text;
using CryptoMail.Core;
using CryptoMail.Core.Mime;
using MimeKit;

var pgp = new OpenPgp();

// 1. Each party makes a key (v4, Ed25519 signing + Curve25519 encryption). Only certificates are exchanged.
SecretKey alice = pgp.GenerateKey("Alice <alice@example.org>");
SecretKey bob = pgp.GenerateKey("Bob <bob@example.org>");
Certificate bobCertificate = Certificate.Parse(bob.Certificate.ExportArmored());
Console.WriteLine($"Alice: {alice.Fingerprint}");
Console.WriteLine($"Bob:   {bob.Fingerprint}");

// 2. Alice writes an ordinary MimeKit message with a text body and a small attachment.
var message = new MimeMessage();
message.From.Add(new MailboxAddress("Alice", "alice@example.org"));
message.To.Add(new MailboxAddress("Bob", "bob@example.org"));
message.Subject = "The plan";
var body = new BodyBuilder { TextBody = "Hi Bob,\n\nthe plan is attached. Meet at noon.\n\nAlice\n" };
body.Attachments.Add("plan.txt", Encoding.UTF8.GetBytes("1. coffee\n2. code\n3. ship\n"), new ContentType("text", "plain"));
message.Body = body.ToMessageBody();

// 3. Seal it: one OpenPGP message that is signed by Alice and encrypted to Bob (and to Alice, for her sent folder).
MimeMessage sealedMessage = pgp.Mime.SignAndEncrypt(message, alice, new[] { bobCertificate });
Console.WriteLine();
Console.WriteLine("----- sealed message (what the mail server sees) -----");
Console.WriteLine(sealedMessage.ToString());

// 4. Bob opens it with his key, checking signatures against Alice's certificate.
var options = new MimeOpenOptions { Keys = { bob }, Verifiers = { alice.Certificate } };
OpenedMessage opened = pgp.Mime.Open(sealedMessage, options);

Console.WriteLine("----- opened by Bob -----");
Console.WriteLine($"decrypted:           {opened.Decrypted} (integrity protected: {opened.IntegrityProtected})");
Console.WriteLine($"encryption coverage: {opened.Encryption}");
foreach (MimeSignature signature in opened.Signatures)
{
    SignatureVerification v = signature.Verification;
    Console.WriteLine($"signature:           {v.Status} by {v.SignerFingerprint ?? v.IssuerKeyId} ({string.Join(", ", signature.SignerUserIds)})");
    Console.WriteLine($"signature coverage:  {signature.Coverage}");
    Console.WriteLine($"matches From:        {signature.MatchesFrom}");
    Console.WriteLine($"reason:              {v.Reason}");
}
Console.WriteLine($"text:                {opened.Message.TextBody?.Trim()}");

bool ok = opened.Decrypted && opened.Encryption == ProtectionCoverage.Full && opened.IsFullySignedBySender
    && opened.Signatures.Any(s => s.Verification.IsGood && s.Verification.SignerFingerprint == alice.Fingerprint);
Console.WriteLine(ok ? "OK: fully encrypted and fully signed by the sender." : "FAILED: the message is not fully protected by Alice.");
return ok ? 0 : 1;
