using System.Text;
using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>RFC 9788 header protection as written by sealing and read by opening.</summary>
public class HeaderProtectionTests
{
    private readonly OpenPgp pgp = new();

    private static MimeMessage ThreadedMessage(MimeEntity? body = null)
    {
        var message = TextMessage();
        message.Subject = "Handling the Jones contract";
        message.Cc.Add(new MailboxAddress("Carol", "carol@example.org"));
        message.MessageId = "reply-1@example.org";
        message.InReplyTo = "first@example.org";
        message.References.Add("first@example.org");
        message.Headers.Add(HeaderId.Keywords, "contracts");
        if (body is not null) message.Body = body;
        return message;
    }

    /// <summary>The plaintext MIME entity inside a sealed message, decrypted with the plain OpenPGP API.</summary>
    private string DecryptedPayload(MimeMessage sealedMessage)
    {
        var data = (MimePart)((Multipart)sealedMessage.Body!)[1];
        using var armored = new MemoryStream();
        data.Content!.DecodeTo(armored);
        armored.Position = 0;
        using var plaintext = new MemoryStream();
        var options = new DecryptOptions();
        options.Keys.Add(Bob);
        pgp.Decrypt(armored, plaintext, options);
        return Encoding.UTF8.GetString(plaintext.ToArray());
    }

    [Fact]
    public void Encrypting_protects_headers_by_default_and_hides_the_subject_outside()
    {
        var sealedMessage = Transport(pgp.Mime.SignAndEncrypt(ThreadedMessage(), Alice, new[] { Bob.Certificate }));
        var wire = Encoding.UTF8.GetString(Bytes(sealedMessage));

        Assert.Equal("[...]", sealedMessage.Subject);
        Assert.DoesNotContain("Jones", wire, StringComparison.Ordinal);
        Assert.DoesNotContain("Keywords", wire, StringComparison.OrdinalIgnoreCase);   // hcp_baseline removes it
        Assert.Equal("alice@example.org", sealedMessage.From.Mailboxes.Single().Address);   // transport still needs these
        Assert.Equal("reply-1@example.org", sealedMessage.MessageId);
        Assert.Equal("first@example.org", sealedMessage.InReplyTo);

        var payload = DecryptedPayload(sealedMessage);
        Assert.Contains("hp=cipher", payload.Replace("\"", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("Subject: Handling the Jones contract", payload, StringComparison.Ordinal);
        Assert.Contains("HP-Outer: Subject: [...]", payload, StringComparison.Ordinal);
        Assert.Contains("HP-Outer: From: Alice <alice@example.org>", payload, StringComparison.Ordinal);
        Assert.DoesNotContain("HP-Outer: Keywords", payload, StringComparison.Ordinal);   // removed outside: no HP-Outer
        Assert.Contains("Keywords: contracts", payload, StringComparison.Ordinal);
        // Legacy Display Element: only the obscured user-facing field, at the top of the text.
        Assert.Contains("hp-legacy-display=", payload, StringComparison.Ordinal);
        Assert.Contains("Subject: Handling the Jones contract\r\n\r\nHello Bob,", payload, StringComparison.Ordinal);
    }

    [Fact]
    public void Opening_shows_the_protected_headers_and_removes_the_legacy_display_element()
    {
        var sealedMessage = Transport(pgp.Mime.SignAndEncrypt(ThreadedMessage(), Alice, new[] { Bob.Certificate }));

        var opened = pgp.Mime.Open(sealedMessage, BobOpens());

        Assert.Equal("Handling the Jones contract", opened.Message.Subject);
        Assert.Equal("contracts", opened.Message.Headers[HeaderId.Keywords]);
        Assert.Equal("Hello Bob,\nthe meeting is at 10.\n", FirstText(opened.Message.Body)!.ReplaceLineEndings("\n"));
        var headers = Assert.IsType<ProtectedHeaders>(opened.ProtectedHeaders);
        Assert.Equal(HeaderProtectionForm.Encrypted, headers.Form);
        Assert.Equal(HeaderProtectionVerdict.Obscured, headers.Verdict);
        Assert.Equal(new[] { "Subject", "Keywords" }, headers.Obscured.Select(f => f.Name).Order().Reverse());
        Assert.Equal("[...]", headers.Fields.Single(f => f.Name == "Subject").OuterValue);
        Assert.Equal("Handling the Jones contract", headers.Subject);
        Assert.Equal("Carol <carol@example.org>", headers.Cc);
        Assert.Equal("<reply-1@example.org>", headers.Get("message-id"));
        Assert.Empty(headers.Mismatches);
        Assert.True(opened.IsFullySignedBySender);
    }

    [Fact]
    public void No_confidentiality_policy_leaves_the_outer_header_and_writes_no_legacy_display()
    {
        var options = new MimeEncryptOptions { HeaderConfidentiality = HeaderConfidentiality.None };
        var sealedMessage = Transport(pgp.Mime.Encrypt(ThreadedMessage(), new[] { Bob.Certificate }, options));

        Assert.Equal("Handling the Jones contract", sealedMessage.Subject);
        var payload = DecryptedPayload(sealedMessage);
        Assert.Contains("HP-Outer: Subject: Handling the Jones contract", payload, StringComparison.Ordinal);
        Assert.DoesNotContain("hp-legacy-display", payload, StringComparison.Ordinal);

        var opened = pgp.Mime.Open(sealedMessage, BobOpens());
        Assert.Equal(HeaderProtectionVerdict.Consistent, opened.ProtectedHeaders!.Verdict);
        Assert.All(opened.ProtectedHeaders.Fields, f => Assert.Equal(ProtectedHeaderState.Unchanged, f.State));
    }

    [Fact]
    public void Legacy_display_can_be_turned_off_and_header_protection_too()
    {
        var noDisplay = Transport(pgp.Mime.Encrypt(ThreadedMessage(), new[] { Bob.Certificate }, new MimeEncryptOptions { LegacyDisplay = false }));
        Assert.Equal("[...]", noDisplay.Subject);
        Assert.DoesNotContain("hp-legacy-display", DecryptedPayload(noDisplay), StringComparison.Ordinal);

        var unprotected = Transport(pgp.Mime.Encrypt(ThreadedMessage(), new[] { Bob.Certificate }, new MimeEncryptOptions { ProtectHeaders = false }));
        Assert.Equal("Handling the Jones contract", unprotected.Subject);
        Assert.DoesNotContain("hp=", DecryptedPayload(unprotected), StringComparison.Ordinal);
        Assert.Null(pgp.Mime.Open(unprotected, BobOpens()).ProtectedHeaders);
    }

    [Fact]
    public void Signing_with_protected_headers_marks_the_signed_part_clear_and_opens_consistent()
    {
        var signed = Transport(pgp.Mime.Sign(ThreadedMessage(), Alice, new MimeSignOptions { ProtectHeaders = true }));

        var content = ((Multipart)signed.Body!)[0];
        Assert.Equal("clear", content.ContentType.Parameters["hp"]);
        Assert.Equal("Handling the Jones contract", content.Headers[HeaderId.Subject]);
        Assert.Equal("Handling the Jones contract", signed.Subject);   // signed only: nothing is hidden
        Assert.False(content.Headers.Contains(HeaderProtection.HpOuter));

        var opened = pgp.Mime.Open(signed, BobOpens());
        Assert.Equal(HeaderProtectionForm.SignedOnly, opened.ProtectedHeaders!.Form);
        Assert.Equal(HeaderProtectionVerdict.Consistent, opened.ProtectedHeaders.Verdict);
        Assert.True(opened.IsFullySignedBySender);
    }

    [Fact]
    public void Signing_does_not_protect_headers_unless_asked()
    {
        var signed = Transport(pgp.Mime.Sign(ThreadedMessage(), Alice));

        Assert.False(((Multipart)signed.Body!)[0].ContentType.Parameters.Contains("hp"));
        Assert.Null(pgp.Mime.Open(signed, BobOpens()).ProtectedHeaders);
    }

    [Fact]
    public void Legacy_display_goes_into_every_text_alternative_and_non_ascii_subjects_survive()
    {
        var alternative = new MultipartAlternative
        {
            new TextPart("plain") { Text = "Grüße aus Köln\n" },
            new TextPart("html") { Text = "<p>Grüße aus Köln</p>" },
        };
        var message = ThreadedMessage(alternative);
        message.Subject = "Vertrag für Müller";

        var sealedMessage = Transport(pgp.Mime.SignAndEncrypt(message, Alice, new[] { Bob.Certificate }));
        var payload = DecryptedPayload(sealedMessage);
        Assert.Single(payload.Split("hp-legacy-display").Skip(1));   // the text/plain alternative only

        var opened = pgp.Mime.Open(sealedMessage, BobOpens());
        Assert.Equal("Vertrag für Müller", opened.Message.Subject);
        var parts = Assert.IsType<MultipartAlternative>(opened.Message.Body);
        Assert.Equal("Grüße aus Köln\n", ((TextPart)parts[0]).Text.ReplaceLineEndings("\n"));
        Assert.Equal("<p>Grüße aus Köln</p>", ((TextPart)parts[1]).Text.Trim());
    }

    [Fact]
    public void The_callers_message_is_not_changed_by_header_protection()
    {
        var original = ThreadedMessage();
        var before = Bytes(original);

        pgp.Mime.SignAndEncrypt(original, Alice, new[] { Bob.Certificate });
        pgp.Mime.Sign(original, Alice, new MimeSignOptions { ProtectHeaders = true });

        Assert.Equal(before, Bytes(original));
    }

    [Fact]
    public void A_header_block_is_removed_only_when_it_looks_like_one()
    {
        Assert.Equal("Body\n", HeaderProtection.WithoutHeaderBlock("Subject: x\nCc: a,\n  b\n\nBody\n"));
        Assert.Equal("Body\r\n", HeaderProtection.WithoutHeaderBlock("Subject: x\r\n\r\nBody\r\n"));
        Assert.Null(HeaderProtection.WithoutHeaderBlock("Dear Bob: hello\n\nBody\n"));
        Assert.Null(HeaderProtection.WithoutHeaderBlock("\nBody\n"));
        Assert.Null(HeaderProtection.WithoutHeaderBlock("Subject: no blank line\n"));
    }
}
