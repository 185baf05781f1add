// SealAndSend: the everyday job of a service. The recipient's certificate is looked up in the certificate store, the
// message is signed and encrypted (PGP/MIME) and sent with MailKit's SmtpClient to an SMTP server, here one running
// in this process on loopback (the SmtpServer package), so the sample needs no setup. It checks that the server
// received only ciphertext and that the recipient can open and verify what arrived.
// Run: dotnet run --project samples/SealAndSend
using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using CryptoMail.Core;
using CryptoMail.Core.Extensions;
using CryptoMail.Core.Mime;
using CryptoMail.Core.Stores;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using SmtpServer;
using SmtpServer.Storage;

var folder = Directory.CreateTempSubdirectory("sealandsend-").FullName;
try
{
    // 1. The service's container: CryptoMail with its certificates in a cert-d (as a real service would configure it).
    using var services = new ServiceCollection()
        .AddCryptoMail(o => o.CertificateDirectory = Path.Combine(folder, "pgp.cert.d"))
        .BuildServiceProvider();
    var pgp = services.GetRequiredService<OpenPgp>();
    var mime = services.GetRequiredService<PgpMime>();
    var certificates = services.GetRequiredService<ICertificateStore>();

    // 2. The sender's key, and the recipient's certificate in the store (in real life imported or found by WKD).
    SecretKey alice = pgp.GenerateKey("Alice <alice@example.org>");
    SecretKey bob = pgp.GenerateKey("Bob <bob@example.org>");
    certificates.InsertCertificate(Certificate.Parse(bob.Certificate.ExportArmored()));

    // 3. An SMTP server on a free loopback port that keeps what it receives.
    var received = new ConcurrentQueue<byte[]>();
    int port = FreePort();
    var serverOptions = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, port))).Build();
    var serverServices = new SmtpServer.ComponentModel.ServiceProvider();
    serverServices.Add(new KeepingStore(received));
    using var stop = new CancellationTokenSource();
    var server = new SmtpServer.SmtpServer(serverOptions, serverServices);
    var serving = server.StartAsync(stop.Token);

    // 4. The everyday job: write, look up, seal, send.
    var message = new MimeMessage();
    message.From.Add(new MailboxAddress("Alice", "alice@example.org"));
    message.To.Add(new MailboxAddress("Bob", "bob@example.org"));
    message.Subject = "Quarterly numbers";
    message.Body = new TextPart("plain") { Text = "Bob, revenue is up 12%. Keep it quiet until Friday.\n" };
    var recipients = certificates.FindCertificatesByEmail("bob@example.org");
    if (recipients.Count == 0) throw new InvalidOperationException("no certificate for bob@example.org in the store");
    MimeMessage sealedMessage = mime.SignAndEncrypt(message, alice, recipients);
    using (var smtp = new SmtpClient())
    {
        await smtp.ConnectAsync("127.0.0.1", port, SecureSocketOptions.None);
        await smtp.SendAsync(sealedMessage);
        await smtp.DisconnectAsync(quit: true);
    }
    Console.WriteLine($"sent \"{message.Subject}\" (outer subject \"{sealedMessage.Subject}\") to bob@example.org through the SMTP server on port {port}");

    // 5. What the server holds: ciphertext only. Bob opens it.
    if (!received.TryDequeue(out var raw)) throw new InvalidOperationException("the SMTP server received nothing");
    stop.Cancel();
    await serving;
    var text = System.Text.Encoding.UTF8.GetString(raw);
    bool noPlaintext = !text.Contains("revenue", StringComparison.Ordinal) && !text.Contains("Quarterly", StringComparison.Ordinal);
    var arrived = MimeMessage.Load(new MemoryStream(raw));
    var opened = mime.Open(arrived, new MimeOpenOptions { Keys = { bob }, Verifiers = { alice.Certificate } });
    Console.WriteLine($"server copy:  {raw.Length} bytes, {(noPlaintext ? "no plaintext" : "PLAINTEXT FOUND")}, {arrived.Body?.ContentType.MimeType}");
    Console.WriteLine($"opened:       encryption {opened.Encryption}, signed by the sender: {opened.IsFullySignedBySender}");
    Console.WriteLine($"text:         {opened.Message.TextBody?.Trim()}");
    bool ok = noPlaintext && opened.Decrypted && opened.Encryption == ProtectionCoverage.Full && opened.IsFullySignedBySender
        && opened.Message.Subject == "Quarterly numbers";
    Console.WriteLine(ok ? "OK: sealed, sent, received as ciphertext, opened and verified." : "FAILED");
    return ok ? 0 : 1;
}
finally
{
    Directory.Delete(folder, recursive: true);
}

static int FreePort()
{
    var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    int port = ((IPEndPoint)listener.LocalEndpoint).Port;
    listener.Stop();
    return port;
}

/// <summary>The server's mailbox: keeps every message it is given, as received.</summary>
sealed class KeepingStore(ConcurrentQueue<byte[]> received) : MessageStore
{
    public override Task<SmtpServer.Protocol.SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer,
        CancellationToken cancellationToken)
    {
        received.Enqueue(buffer.ToArray());
        return Task.FromResult(SmtpServer.Protocol.SmtpResponse.Ok);
    }
}
