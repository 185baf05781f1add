using System.Text;
using System.Text.Json;
using CryptoMail.Core.Tests.Interop;

namespace CryptoMail.Tool.Tests;

/// <summary>`cryptomail mime open` on PGP/MIME messages whose OpenPGP parts GnuPG made, as gpg-based mail clients
/// (mutt, Enigmail) build them: RFC 3156 structures around gpg's own output.</summary>
public sealed class MimeOpenGnuPGMessagesTests : IDisposable
{
    private readonly ToolHarness tool = new();
    private readonly GnuPG gpg = new();
    private readonly string aliceFpr;
    private readonly string bobFpr;
    private readonly string aliceCert;
    private readonly string bobKey;

    public MimeOpenGnuPGMessagesTests()
    {
        aliceFpr = gpg.GenerateKey("Alice <alice@example.org>", "ed25519", "");
        bobFpr = gpg.GenerateKey("Bob <bob@example.org>", "rsa3072", "");
        aliceCert = tool.Write("alice.asc", gpg.ExportCertificate(aliceFpr));
        bobKey = tool.Write("bob.key.asc", gpg.ExportSecretKey(bobFpr, ""));
    }

    public void Dispose()
    {
        gpg.Dispose();
        tool.Dispose();
    }

    private const string Headers = "From: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>\r\nSubject: from gpg\r\nMIME-Version: 1.0\r\n";

    private static JsonElement Report(ToolRun run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonDocument.Parse(run.Stdout).RootElement;
    }

    [GnuPGFact]
    public void Signed_and_encrypted_by_gpg_opens_as_full_with_a_good_signature_matching_from()
    {
        var inner = Encoding.UTF8.GetBytes("Content-Type: text/plain; charset=utf-8\r\n\r\nHallo Bob, Grüße von gpg.\r\n");
        var encrypted = gpg.Run(inner, "--armor", "--sign", "--local-user", aliceFpr, "--encrypt", "--recipient", bobFpr).EnsureSuccess("encrypt").Stdout;
        var message = Headers + "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"b1\"\r\n\r\n"
            + "--b1\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n"
            + "--b1\r\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\r\n\r\n" + encrypted.Replace("\n", "\r\n") + "\r\n--b1--\r\n";

        var report = Report(tool.RunWithInput(message, "mime", "open", $"--key={bobKey}", $"--cert={aliceCert}"));

        Assert.Equal("full", report.GetProperty("encryption").GetString());
        Assert.True(report.GetProperty("decrypted").GetBoolean());
        Assert.True(report.GetProperty("integrityProtected").GetBoolean());
        var sig = Assert.Single(report.GetProperty("signatures").EnumerateArray().ToList());
        Assert.Equal("good", sig.GetProperty("status").GetString());
        Assert.Equal("full", sig.GetProperty("coverage").GetString());
        Assert.Equal(aliceFpr, sig.GetProperty("signerFingerprint").GetString());
        Assert.True(sig.GetProperty("matchesFrom").GetBoolean());
        Assert.Equal(JsonValueKind.Null, report.GetProperty("error").ValueKind);
    }

    [GnuPGFact]
    public void Signed_by_gpg_opens_with_a_good_full_signature_and_a_changed_body_is_bad()
    {
        var part = "Content-Type: text/plain; charset=us-ascii\r\n\r\nSigned by gpg.";
        var partFile = gpg.WriteFile("part.txt", part);
        var signature = gpg.Run(null, "--armor", "--detach-sign", "--digest-algo", "SHA256", "--local-user", aliceFpr, "--output", "-", partFile).EnsureSuccess("sign").Stdout;
        string Message(string body) => Headers
            + "Content-Type: multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\"; boundary=\"b2\"\r\n\r\n"
            + "--b2\r\n" + body + "\r\n--b2\r\nContent-Type: application/pgp-signature; name=\"signature.asc\"\r\n\r\n"
            + signature.Replace("\n", "\r\n") + "\r\n--b2--\r\n";

        var report = Report(tool.RunWithInput(Message(part), "mime", "open", $"--cert={aliceCert}"));
        Assert.Equal("none", report.GetProperty("encryption").GetString());
        var sig = Assert.Single(report.GetProperty("signatures").EnumerateArray().ToList());
        Assert.Equal("good", sig.GetProperty("status").GetString());
        Assert.Equal("full", sig.GetProperty("coverage").GetString());

        var bad = Report(tool.RunWithInput(Message(part.Replace("gpg", "gPg", StringComparison.Ordinal)), "mime", "open", $"--cert={aliceCert}"));
        Assert.Equal("bad", Assert.Single(bad.GetProperty("signatures").EnumerateArray().ToList()).GetProperty("status").GetString());
    }

    [GnuPGFact]
    public void The_report_can_go_to_a_file_with_the_opened_message_on_stdout()
    {
        var inner = Encoding.UTF8.GetBytes("Content-Type: text/plain\r\n\r\nSecret text\r\n");
        var encrypted = gpg.Run(inner, "--armor", "--encrypt", "--recipient", bobFpr).EnsureSuccess("encrypt").Stdout;
        var message = Headers + "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"b3\"\r\n\r\n"
            + "--b3\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n"
            + "--b3\r\nContent-Type: application/octet-stream\r\n\r\n" + encrypted + "\r\n--b3--\r\n";
        var reportFile = tool.PathOf("report.json");
        var run = tool.RunWithInput(message, "mime", "open", $"--key={bobKey}", $"--report={reportFile}");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Secret text", run.Text);
        var report = JsonDocument.Parse(File.ReadAllBytes(reportFile)).RootElement;
        Assert.Equal("full", report.GetProperty("encryption").GetString());
        Assert.Empty(report.GetProperty("signatures").EnumerateArray());
    }
}

public sealed class RevocationCertificateTests : IDisposable
{
    private readonly ToolHarness tool = new();
    private readonly GnuPG gpg = new();

    public void Dispose()
    {
        gpg.Dispose();
        tool.Dispose();
    }

    [GnuPGFact]
    public void A_gnupg_revocation_certificate_given_as_a_cert_file_revokes_the_matching_certificate()
    {
        var fpr = gpg.GenerateKey("Alice <alice@example.org>", "ed25519", "");
        var certBytes = System.Text.Encoding.ASCII.GetBytes(gpg.ExportCertificate(fpr));
        var cert = CryptoMail.Core.Certificate.Parse(certBytes);
        var rev = File.ReadAllBytes(Path.Combine(gpg.Home, "openpgp-revocs.d", fpr + ".rev"));

        Assert.True(cert.TryApplyRevocation(rev, out var revoked));
        Assert.True(revoked!.IsRevoked);
        var other = new CryptoMail.Core.OpenPgp().GenerateKey("Other <o@example.org>").Certificate;
        Assert.False(other.TryApplyRevocation(rev, out _));

        // Through the tool: encrypting to the certificate plus its revocation is refused.
        var certFile = tool.Write("alice.asc", certBytes);
        var revFile = tool.Write("alice.rev", rev);
        Assert.Equal(0, tool.RunWithInput("x", "sop", "encrypt", certFile).ExitCode);
        Assert.Equal(17, tool.RunWithInput("x", "sop", "encrypt", certFile, revFile).ExitCode);
    }
}
