// SecureMail: end-to-end encrypted mail through a real mail stack. Postfix (SMTP) and Dovecot (IMAP) run on
// loopback in a temporary folder; the servers only ever see ciphertext.
//   1. Alice finds Bob's certificate in her certificate store (a cert-d directory), signs and encrypts a message with
//      an attachment to him, protecting the headers (RFC 9788), adds her Autocrypt header, and submits it with
//      MailKit's SmtpClient.
//   2. Bob fetches it with MailKit's ImapClient, learns Alice's key from the Autocrypt header, opens the message and
//      prints the verification report.
//   3. Bob answers, encrypted to Alice with the key Autocrypt recommends, and signed; Alice opens the reply.
//   4. The delivered files in the servers' mail store are searched for any plaintext.
// Run: dotnet run --project samples/SecureMail      (installs Postfix and Dovecot when missing; needs root or sudo)
//      dotnet run --project samples/SecureMail -- --servers FOLDER SMTP_PORT IMAP_PORT   (servers already started)
using System.Text;
using CryptoMail.Core;
using CryptoMail.Core.Autocrypt;
using CryptoMail.Core.Mime;
using CryptoMail.Core.Stores;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Search;
using MailKit.Security;
using MimeKit;

var pgp = new OpenPgp();
await using MailServers servers = args.Length == 4 && args[0] == "--servers"
    ? MailServers.Existing(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture))
    : await MailServers.StartAsync();
Console.WriteLine($"mail stack: SMTP 127.0.0.1:{servers.SmtpPort}, IMAP 127.0.0.1:{servers.ImapPort}");

// Each person has a secret key, a certificate store (cert-d) and Autocrypt state, in their own folder. Bob gave Alice
// his certificate (a file, a key server, WKD: any way ends in her store); Bob knows nothing of Alice yet.
string homes = Directory.CreateTempSubdirectory("securemail-people.").FullName;
var alice = new Person("Alice", "alice@example.test", "alice-password", pgp.GenerateKey("Alice <alice@example.test>"), homes);
var bob = new Person("Bob", "bob@example.test", "bob-password", pgp.GenerateKey("Bob <bob@example.test>"), homes);
alice.Certificates.InsertCertificate(Certificate.Parse(bob.Key.Certificate.ExportArmored()));

// ---------------------------------------------------------------- 1. Alice sends
const string secretSubject = "Quarterly numbers, before the board meeting";
const string secretText = "Hi Bob,\n\nthe numbers are in the attachment. Revenue is up 17 percent.\n\nAlice\n";
byte[] secretAttachment = Encoding.UTF8.GetBytes("quarter,revenue\nQ3,1170000\n");

var message = new MimeMessage();
message.From.Add(alice.Mailbox);
message.To.Add(bob.Mailbox);
message.Subject = secretSubject;
message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("example.test");
var body = new BodyBuilder { TextBody = secretText };
body.Attachments.Add("numbers.csv", secretAttachment, new ContentType("text", "csv"));
message.Body = body.ToMessageBody();

// Header protection is on by default when encrypting: the server sees Subject "[...]".
MimeMessage sealedMessage = await pgp.Mime.SignAndEncryptAsync(message, alice.Key, alice.CertificatesFor(message.To));
AutocryptMime.SetHeader(sealedMessage, alice.AutocryptHeader());
await SendAsync(sealedMessage);
Console.WriteLine($"Alice sent {message.MessageId} (signed, encrypted to {string.Join(", ", message.To.Mailboxes.Select(m => m.Address))}, outer Subject \"{sealedMessage.Subject}\")");

// ---------------------------------------------------------------- 2. Bob receives, learns Alice's key, opens
MimeMessage received = await FetchAsync(bob, message.MessageId);
AutocryptPeer learned = await AutocryptMime.ProcessIncomingAsync(bob.Autocrypt, received)
    ?? throw new InvalidOperationException("the message carries no usable Autocrypt header");
Console.WriteLine($"Bob learned {learned.Address}'s key {learned.PublicKey?.Fingerprint} from Autocrypt (prefer-encrypt: {learned.PreferEncrypt})");
// Bob keeps the learned key with his other certificates; opening finds the signer's there by its fingerprint.
await bob.Certificates.InsertCertificateAsync(learned.PublicKey ?? throw new InvalidOperationException("Autocrypt gave no key"));
OpenedMessage opened = await pgp.Mime.OpenAsync(received, bob.OpenOptions());
Report("Bob", opened);
Require(opened.Encryption == ProtectionCoverage.Full && opened.IsFullySignedBySender, "Bob's copy is not fully encrypted and signed by Alice");
Require(opened.Message.TextBody?.Replace("\r\n", "\n", StringComparison.Ordinal) == secretText, "Bob read a different text");
var attachment = opened.Message.Attachments.OfType<MimePart>().Single();
using (var content = new MemoryStream())
{
    attachment.Content!.DecodeTo(content);
    // Text parts travel with CRLF line ends (RFC 2046 canonical form); compare the lines.
    string arrived = Encoding.UTF8.GetString(content.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal);
    Require(arrived == Encoding.UTF8.GetString(secretAttachment), "the attachment changed on the way");
}

// ---------------------------------------------------------------- 3. Bob replies
var reply = new MimeMessage();
reply.From.Add(bob.Mailbox);
reply.To.Add(alice.Mailbox);
reply.Subject = "Re: " + (opened.Message.Subject ?? "");
reply.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("example.test");
reply.InReplyTo = message.MessageId;
reply.References.Add(message.MessageId);
reply.Body = new TextPart("plain") { Text = "Thanks Alice, see you at the meeting.\nBob\n" };
// Autocrypt decides: Alice asked for encryption (prefer-encrypt=mutual) and this answers an encrypted message.
AutocryptMessageRecommendation advice = bob.Autocrypt.Recommend(reply.To.Mailboxes.Select(m => m.Address), AutocryptPreference.Mutual, replyToEncrypted: true);
Require(advice.Recommendation == AutocryptRecommendation.Encrypt, $"Autocrypt recommends {advice.Recommendation} for the reply");
MimeMessage sealedReply = await pgp.Mime.SignAndEncryptAsync(reply, bob.Key, advice.Recipients.Select(r => r.TargetKey!).ToList());
AutocryptMime.SetHeader(sealedReply, bob.AutocryptHeader());
await SendAsync(sealedReply);
Console.WriteLine($"Bob replied {reply.MessageId} (Autocrypt: {advice.Recommendation})");

OpenedMessage openedReply = await pgp.Mime.OpenAsync(await FetchAsync(alice, reply.MessageId), alice.OpenOptions());
Report("Alice", openedReply);
Require(openedReply.Encryption == ProtectionCoverage.Full && openedReply.IsFullySignedBySender, "the reply is not fully encrypted and signed by Bob");

// ---------------------------------------------------------------- 4. The server holds only ciphertext
int files = 0;
foreach (string path in Directory.EnumerateFiles(servers.MailStore, "*", SearchOption.AllDirectories).Where(p => p.Contains("/cur/") || p.Contains("/new/")))
{
    files++;
    string stored = File.ReadAllText(path);
    foreach (string secret in new[] { secretSubject, "Revenue is up 17 percent", "1170000", "see you at the meeting" })
        Require(!stored.Contains(secret, StringComparison.Ordinal), $"the mail store holds plaintext \"{secret}\" in {Path.GetFileName(path)}");
}
Require(files >= 2, $"expected both messages in the mail store, found {files} files");
Console.WriteLine($"mail store: {files} delivered files, no plaintext body, subject or attachment in any of them");
Console.WriteLine("SecureMail: OK");
Directory.Delete(homes, recursive: true);
return 0;

async Task SendAsync(MimeMessage outgoing)
{
    using var smtp = new SmtpClient();
    await smtp.ConnectAsync("127.0.0.1", servers.SmtpPort, SecureSocketOptions.None);
    await smtp.SendAsync(outgoing);
    await smtp.DisconnectAsync(true);
}

async Task<MimeMessage> FetchAsync(Person person, string messageId)
{
    using var imap = new ImapClient();
    await imap.ConnectAsync("127.0.0.1", servers.ImapPort, SecureSocketOptions.None);
    await imap.AuthenticateAsync(person.Address, person.MailPassword);
    // Delivery is asynchronous (Postfix queue → LMTP): poll for a while.
    for (int attempt = 0; attempt < 100; attempt++)
    {
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var uids = await imap.Inbox.SearchAsync(SearchQuery.HeaderContains("Message-ID", messageId));
        if (uids.Count > 0)
        {
            var found = await imap.Inbox.GetMessageAsync(uids[0]);
            await imap.DisconnectAsync(true);
            return found;
        }
        await imap.Inbox.CloseAsync();
        await Task.Delay(100);
    }
    throw new InvalidOperationException($"{messageId} did not arrive in {person.Address}'s inbox");
}

static void Report(string who, OpenedMessage opened)
{
    Console.WriteLine($"{who} opened \"{opened.Message.Subject}\" from {opened.Message.From}:");
    Console.WriteLine($"  encryption: {opened.Encryption} (integrity protected: {opened.IntegrityProtected})");
    foreach (MimeSignature s in opened.Signatures)
        Console.WriteLine($"  signature:  {s.Verification.Status} by {string.Join(", ", s.SignerUserIds)}, covers {s.Coverage}, matches From: {s.MatchesFrom}");
    Console.WriteLine($"  text:       {opened.Message.TextBody?.Split('\n')[0].Trim()} ...");
    foreach (var a in opened.Message.Attachments.OfType<MimePart>())
        Console.WriteLine($"  attachment: {a.FileName} ({a.ContentType.MimeType})");
}

static void Require(bool condition, string failure)
{
    if (!condition) throw new InvalidOperationException("SecureMail check failed: " + failure);
}

/// <summary>One correspondent: a mail account, a secret key, a certificate store and Autocrypt state.</summary>
internal sealed class Person(string name, string address, string mailPassword, SecretKey key, string homes)
{
    public string Address { get; } = address;

    public string MailPassword { get; } = mailPassword;

    public SecretKey Key { get; } = key;

    public MailboxAddress Mailbox { get; } = new(name, address);

    /// <summary>The certificates this person knows, in the shared cert-d layout other OpenPGP tools read too.</summary>
    public CertificateDirectory Certificates { get; } = new(Path.Combine(homes, name, "pgp.cert.d"));

    /// <summary>What Autocrypt has seen from each peer.</summary>
    public AutocryptStore Autocrypt { get; } = new(Path.Combine(homes, name, "autocrypt"));

    /// <summary>The header that announces this person's key and wish for encryption on every outgoing message.</summary>
    public AutocryptHeader AutocryptHeader() => CryptoMail.Core.Autocrypt.AutocryptHeader.Create(Key.Certificate, Address, AutocryptPreference.Mutual);

    /// <summary>The certificate of every recipient, found by e-mail address; a recipient without one stops the send.</summary>
    public IReadOnlyList<Certificate> CertificatesFor(InternetAddressList recipients) => recipients.Mailboxes
        .Select(m => Certificates.FindCertificatesByEmail(m.Address).FirstOrDefault(c => c.CanEncrypt)
            ?? throw new InvalidOperationException($"no certificate for {m.Address}: cannot send encrypted"))
        .ToList();

    /// <summary>Options to open mail: this person's key, and the certificate store as the lookup for signers (asked
    /// only for the key a signature names, rather than loading every certificate the person knows).</summary>
    public MimeOpenOptions OpenOptions() => new() { Keys = { Key }, VerifierLookup = Certificates };
}
