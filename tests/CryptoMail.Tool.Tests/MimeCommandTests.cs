using System.Text;
using System.Text.Json;
using CryptoMail.Core;
using MimeKit;

namespace CryptoMail.Tool.Tests;

public sealed class MimeCommandTests : IDisposable
{
    private static readonly string[] TopLevelKeys = ["encryption", "decrypted", "integrityProtected", "signatures", "protectedHeaders", "error"];
    private static readonly string[] SignatureKeys = ["status", "signerFingerprint", "signingKeyFingerprint", "coverage", "signerUserIds", "matchesFrom", "reason"];
    private static readonly string[] Statuses = ["good", "bad", "unknown-key", "weak", "expired", "revoked", "unsupported"];
    private static readonly string[] HeaderKeys = ["form", "verdict", "subject", "from", "to", "cc", "date", "fields"];
    private static readonly string[] HeaderFieldKeys = ["name", "protected", "outer", "state"];
    private static readonly string[] ErrorCodes = ["no-key", "integrity", "malformed", "policy", "limit", "bad-passphrase"];

    private readonly ToolHarness tool = new();

    public void Dispose() => tool.Dispose();

    /// <summary>Checks a report against the documented schema, exactly: no key missing, none extra.</summary>
    internal static void AssertSchema(JsonElement report)
    {
        Assert.Equal(JsonValueKind.Object, report.ValueKind);
        Assert.Equal(TopLevelKeys.Order(), report.EnumerateObject().Select(p => p.Name).Order());
        Assert.Contains(report.GetProperty("encryption").GetString(), new[] { "full", "partial", "none" });
        Assert.True(report.GetProperty("decrypted").ValueKind is JsonValueKind.True or JsonValueKind.False);
        Assert.True(report.GetProperty("integrityProtected").ValueKind is JsonValueKind.True or JsonValueKind.False);
        foreach (var s in report.GetProperty("signatures").EnumerateArray())
        {
            // "rejection" is optional: present only when the library names why a signature was not accepted.
            Assert.Equal(SignatureKeys.Order(), s.EnumerateObject().Select(p => p.Name).Where(n => n != "rejection").Order());
            if (s.TryGetProperty("rejection", out var rejection)) Assert.Equal(JsonValueKind.String, rejection.ValueKind);
            Assert.Contains(s.GetProperty("status").GetString(), Statuses);
            Assert.Contains(s.GetProperty("coverage").GetString(), new[] { "full", "partial", "ciphertext" });
            Assert.True(s.GetProperty("signerFingerprint").ValueKind is JsonValueKind.String or JsonValueKind.Null);
            Assert.True(s.GetProperty("signingKeyFingerprint").ValueKind is JsonValueKind.String or JsonValueKind.Null);
            Assert.All(s.GetProperty("signerUserIds").EnumerateArray(), u => Assert.Equal(JsonValueKind.String, u.ValueKind));
            Assert.True(s.GetProperty("matchesFrom").ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null);
            Assert.Equal(JsonValueKind.String, s.GetProperty("reason").ValueKind);
        }
        var headers = report.GetProperty("protectedHeaders");
        if (headers.ValueKind != JsonValueKind.Null)
        {
            Assert.Equal(HeaderKeys.Order(), headers.EnumerateObject().Select(p => p.Name).Order());
            Assert.Contains(headers.GetProperty("form").GetString(), new[] { "cipher", "clear", "v1" });
            Assert.Contains(headers.GetProperty("verdict").GetString(), new[] { "consistent", "obscured", "mismatch" });
            foreach (var field in headers.GetProperty("fields").EnumerateArray())
            {
                Assert.Equal(HeaderFieldKeys.Order(), field.EnumerateObject().Select(p => p.Name).Order());
                Assert.Contains(field.GetProperty("state").GetString(), new[] { "unchanged", "obscured", "mismatch" });
            }
        }
        var error = report.GetProperty("error");
        if (error.ValueKind != JsonValueKind.Null)
        {
            Assert.Equal(new[] { "code", "message" }, error.EnumerateObject().Select(p => p.Name).Order());
            Assert.Contains(error.GetProperty("code").GetString(), ErrorCodes);
        }
    }

    [Fact]
    public void Report_of_an_opened_message_follows_the_schema()
    {
        var verification = new SignatureVerification(SignatureStatus.Good, "0011223344556677", "AAAA", "BBBB", null,
            DateTimeOffset.UnixEpoch, OpenPgpHashAlgorithm.Sha256, SignatureMode.Binary, "valid signature");
        var unknown = new SignatureVerification(SignatureStatus.UnknownKey, "8899AABBCCDDEEFF", null, null, null,
            DateTimeOffset.UnixEpoch, OpenPgpHashAlgorithm.Sha256, SignatureMode.Text, "no certificate for the signer");
        var opened = new OpenedMessage(new MimeMessage(), ProtectionCoverage.Full, true, true,
            [new MimeSignature(verification, ProtectionCoverage.Full, ["Alice <alice@example.org>"], true),
             new MimeSignature(unknown, ProtectionCoverage.Partial, [], null),
             new MimeSignature(verification, ProtectionCoverage.Ciphertext, ["Mallory <mallory@example.net>"], true)],
            new ProtectedHeaders(HeaderProtectionForm.Encrypted,
            [
                new ProtectedHeaderField("Subject", "Secret subject", "[...]", ProtectedHeaderState.Obscured),
                new ProtectedHeaderField("From", "alice@example.org", "alice@example.org", ProtectedHeaderState.Unchanged),
                new ProtectedHeaderField("To", "bob@example.org", "bob@example.org", ProtectedHeaderState.Unchanged),
            ]));
        using var output = new MemoryStream();
        OpenReport.Write(output, opened, null);

        using var doc = JsonDocument.Parse(output.ToArray());
        var report = doc.RootElement;
        AssertSchema(report);
        Assert.Equal("full", report.GetProperty("encryption").GetString());
        Assert.True(report.GetProperty("decrypted").GetBoolean());
        var signatures = report.GetProperty("signatures").EnumerateArray().ToArray();
        Assert.Equal("good", signatures[0].GetProperty("status").GetString());
        Assert.Equal("BBBB", signatures[0].GetProperty("signerFingerprint").GetString());
        Assert.Equal("AAAA", signatures[0].GetProperty("signingKeyFingerprint").GetString());
        Assert.Equal("Alice <alice@example.org>", signatures[0].GetProperty("signerUserIds")[0].GetString());
        Assert.Equal("unknown-key", signatures[1].GetProperty("status").GetString());
        Assert.Equal("partial", signatures[1].GetProperty("coverage").GetString());
        // Unknown signer: whether it matches From is unknown, not false.
        Assert.Equal(JsonValueKind.Null, signatures[1].GetProperty("matchesFrom").ValueKind);
        Assert.True(signatures[0].GetProperty("matchesFrom").GetBoolean());
        // A signature over ciphertext that was decrypted for display.
        Assert.Equal("ciphertext", signatures[2].GetProperty("coverage").GetString());
        Assert.Equal("Secret subject", report.GetProperty("protectedHeaders").GetProperty("subject").GetString());
        Assert.Equal("obscured", report.GetProperty("protectedHeaders").GetProperty("verdict").GetString());
        Assert.Equal("[...]", report.GetProperty("protectedHeaders").GetProperty("fields")[0].GetProperty("outer").GetString());
        Assert.Equal(JsonValueKind.Null, report.GetProperty("error").ValueKind);
        Assert.Contains("\"Alice <alice@example.org>\"", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public void Report_of_a_failure_fills_error_and_nulls_headers()
    {
        using var output = new MemoryStream();
        OpenReport.Write(output, null, new OpenReport.Failure("no-key", "No key fits."), ProtectionCoverage.Full);
        using var doc = JsonDocument.Parse(output.ToArray());
        AssertSchema(doc.RootElement);
        Assert.Equal("no-key", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("protectedHeaders").ValueKind);
        Assert.Empty(doc.RootElement.GetProperty("signatures").EnumerateArray());
    }

    [Theory]
    [InlineData(SignatureStatus.Good, "good")]
    [InlineData(SignatureStatus.Bad, "bad")]
    [InlineData(SignatureStatus.UnknownKey, "unknown-key")]
    [InlineData(SignatureStatus.WeakAlgorithm, "weak")]
    [InlineData(SignatureStatus.Expired, "expired")]
    [InlineData(SignatureStatus.Revoked, "revoked")]
    [InlineData(SignatureStatus.KeyNotUsable, "bad")]
    [InlineData(SignatureStatus.OutOfWindow, "expired")]
    [InlineData(SignatureStatus.Unsupported, "unsupported")]
    public void Every_library_verdict_maps_to_a_schema_status(SignatureStatus status, string expected)
    {
        Assert.Equal(expected, OpenReport.Status(status));
    }

    [Fact]
    public void Open_of_a_non_message_reports_malformed_with_a_non_zero_exit()
    {
        var run = tool.RunWithInput(new byte[] { 0, 1, 2, 0xff }, "mime", "open");
        // MimeKit parses almost anything as a message; whatever the verdict, the report must follow the schema.
        using var doc = JsonDocument.Parse(run.Stdout);
        AssertSchema(doc.RootElement);
    }

    [Fact]
    public void Open_of_an_encrypted_part_that_does_not_parse_is_malformed_and_not_encryption()
    {
        // Issue 13, class 1: armor around bytes that are no OpenPGP packets, in a multipart/encrypted.
        var armored = "-----BEGIN PGP MESSAGE-----\n\nbm90IGFuIE9wZW5QR1AgbWVzc2FnZQ==\n-----END PGP MESSAGE-----\n";
        var encrypted = new Multipart("encrypted");
        encrypted.ContentType.Parameters["protocol"] = "application/pgp-encrypted";
        encrypted.Add(new MimePart("application", "pgp-encrypted") { Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes("Version: 1\n"))) });
        encrypted.Add(new MimePart("application", "octet-stream") { Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes(armored))) });
        var message = Letter();
        message.Body = encrypted;

        var run = tool.RunWithInput(File.ReadAllBytes(Save("broken.eml", message)), "mime", "open");

        Assert.NotEqual(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        AssertSchema(doc.RootElement);
        Assert.Equal("malformed", doc.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("none", doc.RootElement.GetProperty("encryption").GetString());
    }

    private static MimeMessage Letter()
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Alice", "alice@example.org"));
        message.To.Add(new MailboxAddress("Bob", "bob@example.org"));
        message.Subject = "Lunch";
        message.Body = new TextPart("plain") { Text = "Noon at the usual place?\n" };
        return message;
    }

    private string Save(string name, MimeMessage message)
    {
        using var ms = new MemoryStream();
        message.WriteTo(ms);
        return tool.Write(name, ms.ToArray());
    }

    [MimeFact]
    public void Signed_message_opens_with_a_good_full_signature_matching_from()
    {
        var alice = tool.NewKey("alice", "Alice <alice@example.org>");
        var signed = tool.Ok([], "mime", "sign", $"--key={alice.Key}", Save("letter.eml", Letter()));
        var run = tool.RunWithInput(signed, "mime", "open", $"--verify-with={alice.Cert}");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        AssertSchema(doc.RootElement);
        var signature = Assert.Single(doc.RootElement.GetProperty("signatures").EnumerateArray());
        Assert.Equal("good", signature.GetProperty("status").GetString());
        Assert.Equal("full", signature.GetProperty("coverage").GetString());
        Assert.True(signature.GetProperty("matchesFrom").GetBoolean());
        Assert.Equal("none", doc.RootElement.GetProperty("encryption").GetString());
    }

    [MimeFact]
    public void Signature_by_an_unknown_key_has_an_unknown_matches_from()
    {
        var alice = tool.NewKey("alice", "Alice <alice@example.org>");
        var signed = tool.Ok([], "mime", "sign", $"--key={alice.Key}", Save("letter.eml", Letter()));
        var run = tool.RunWithInput(signed, "mime", "open");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        AssertSchema(doc.RootElement);
        var signature = Assert.Single(doc.RootElement.GetProperty("signatures").EnumerateArray());
        Assert.Equal("unknown-key", signature.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, signature.GetProperty("matchesFrom").ValueKind);
    }

    [MimeFact]
    public void Encrypted_message_opens_for_the_recipient_and_not_for_others()
    {
        var alice = tool.NewKey("alice", "Alice <alice@example.org>");
        var bob = tool.NewKey("bob", "Bob <bob@example.org>");
        var carol = tool.NewKey("carol", "Carol <carol@example.org>");
        var encrypted = tool.Ok([], "mime", "encrypt", $"--to={bob.Cert}", $"--sign-with={alice.Key}", Save("letter.eml", Letter()));

        var messageOut = tool.PathOf("opened.eml");
        var run = tool.RunWithInput(encrypted, "mime", "open", $"--key={bob.Key}", $"--verify-with={alice.Cert}", $"--message-out={messageOut}");
        Assert.Equal(0, run.ExitCode);
        using (var doc = JsonDocument.Parse(run.Stdout))
        {
            AssertSchema(doc.RootElement);
            Assert.Equal("full", doc.RootElement.GetProperty("encryption").GetString());
            Assert.True(doc.RootElement.GetProperty("decrypted").GetBoolean());
            Assert.True(doc.RootElement.GetProperty("integrityProtected").GetBoolean());
        }
        Assert.Contains("Noon at the usual place?", File.ReadAllText(messageOut));

        var denied = tool.RunWithInput(encrypted, "mime", "open", $"--key={carol.Key}");
        Assert.NotEqual(0, denied.ExitCode);
        using var failed = JsonDocument.Parse(denied.Stdout);
        AssertSchema(failed.RootElement);
        Assert.Equal("no-key", failed.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [MimeFact]
    public void Encrypt_finds_recipients_in_the_store_by_address()
    {
        var store = tool.PathOf("store");
        tool.Ok([], "key", "generate", $"--store={store}", "--allow-unprotected", "Bob <bob@example.org>");
        var encrypted = tool.Ok([], "mime", "encrypt", $"--store={store}", Save("letter.eml", Letter()));
        var run = tool.RunWithInput(encrypted, "mime", "open", $"--store={store}");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        Assert.True(doc.RootElement.GetProperty("decrypted").GetBoolean());
    }

    [MimeFact]
    public void Encrypt_protects_headers_and_open_reports_them()
    {
        var alice = tool.NewKey("alice", "Alice <alice@example.org>");
        var bob = tool.NewKey("bob", "Bob <bob@example.org>");
        var encrypted = tool.Ok([], "mime", "encrypt", "--protect-headers", $"--to={bob.Cert}", $"--sign-with={alice.Key}", Save("letter.eml", Letter()));
        Assert.Contains("Subject: [...]", Encoding.UTF8.GetString(encrypted));
        Assert.DoesNotContain("Lunch", Encoding.UTF8.GetString(encrypted));

        var run = tool.RunWithInput(encrypted, "mime", "open", $"--key={bob.Key}", $"--verify-with={alice.Cert}");
        Assert.Equal(0, run.ExitCode);
        using var doc = JsonDocument.Parse(run.Stdout);
        AssertSchema(doc.RootElement);
        var headers = doc.RootElement.GetProperty("protectedHeaders");
        Assert.Equal("cipher", headers.GetProperty("form").GetString());
        Assert.Equal("obscured", headers.GetProperty("verdict").GetString());
        Assert.Equal("Lunch", headers.GetProperty("subject").GetString());
    }

    [MimeFact]
    public void Encrypt_without_header_protection_and_sign_with_it()
    {
        var alice = tool.NewKey("alice", "Alice <alice@example.org>");
        var bob = tool.NewKey("bob", "Bob <bob@example.org>");
        var plain = tool.Ok([], "mime", "encrypt", "--no-protect-headers", $"--to={bob.Cert}", Save("letter.eml", Letter()));
        Assert.Contains("Subject: Lunch", Encoding.UTF8.GetString(plain));
        Assert.Equal(37, tool.RunWithInput([], "mime", "encrypt", "--header-confidentiality=shy", $"--to={bob.Cert}", Save("l2.eml", Letter())).ExitCode);

        var signed = tool.Ok([], "mime", "sign", "--protect-headers", $"--key={alice.Key}", Save("letter3.eml", Letter()));
        var run = tool.RunWithInput(signed, "mime", "open", $"--verify-with={alice.Cert}");
        using var doc = JsonDocument.Parse(run.Stdout);
        AssertSchema(doc.RootElement);
        Assert.Equal("clear", doc.RootElement.GetProperty("protectedHeaders").GetProperty("form").GetString());
        Assert.Equal("consistent", doc.RootElement.GetProperty("protectedHeaders").GetProperty("verdict").GetString());
    }

    [Fact]
    public void Encrypt_without_recipients_is_missing_arg()
    {
        Assert.Equal(19, tool.RunWithInput(Encoding.ASCII.GetBytes("From: a@example.org\r\n\r\nhi\r\n"), "mime", "encrypt").ExitCode);
    }
}
