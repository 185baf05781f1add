using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>Headers inside the encryption written by other clients (Enigmail and Thunderbird protected-headers="v1",
/// a bare RFC 9788 hp="cipher" without HP-Outer) are read and preferred.</summary>
public class ProtectedHeadersTests
{
    private readonly OpenPgp pgp = new();
    private static readonly MimeEncryptOptions AsAnotherClient = new() { ProtectHeaders = false };

    private MimeMessage EncryptedWithInnerHeaders(string parameter, string value, string innerFrom = "alice@example.org", MimeEntity? inner = null)
    {
        var message = TextMessage();
        inner ??= new TextPart("plain") { Text = "Secret agenda.\n" };
        inner.ContentType.Parameters[parameter] = value;
        inner.Headers.Add(HeaderId.Subject, "Real subject");
        inner.Headers.Add(HeaderId.From, $"Alice <{innerFrom}>");
        inner.Headers.Add(HeaderId.To, "Bob <bob@example.org>");
        message.Body = inner;
        var sealedMessage = pgp.Mime.SignAndEncrypt(message, Alice, new[] { Bob.Certificate }, AsAnotherClient);
        sealedMessage.Subject = "...";
        return Transport(sealedMessage);
    }

    [Theory]
    [InlineData("protected-headers", "v1")]
    [InlineData("hp", "cipher")]
    public void Inner_headers_are_reported_and_shown(string parameter, string value)
    {
        var opened = pgp.Mime.Open(EncryptedWithInnerHeaders(parameter, value), BobOpens());

        Assert.NotNull(opened.ProtectedHeaders);
        Assert.Equal("Real subject", opened.ProtectedHeaders.Subject);
        Assert.Equal("Alice <alice@example.org>", opened.ProtectedHeaders.From);
        Assert.Equal("Bob <bob@example.org>", opened.ProtectedHeaders.To);
        Assert.Null(opened.ProtectedHeaders.Cc);
        Assert.Equal("Real subject", opened.Message.Subject);
        Assert.True(opened.IsFullySignedBySender);
    }

    [Fact]
    public void Legacy_v1_subject_is_obscured_as_enigmail_does_it()
    {
        var opened = pgp.Mime.Open(EncryptedWithInnerHeaders("protected-headers", "v1"), BobOpens());

        Assert.Equal(HeaderProtectionForm.LegacyV1, opened.ProtectedHeaders!.Form);
        Assert.Equal(HeaderProtectionVerdict.Obscured, opened.ProtectedHeaders.Verdict);
        Assert.Equal("...", Assert.Single(opened.ProtectedHeaders.Obscured).OuterValue);
    }

    [Fact]
    public void Rfc9788_payload_without_hp_outer_says_the_outer_header_was_not_declared()
    {
        // hp="cipher" with no HP-Outer field declares an empty outer header: what the outer header shows was not the sender's.
        var opened = pgp.Mime.Open(EncryptedWithInnerHeaders("hp", "cipher"), BobOpens());

        Assert.Equal(HeaderProtectionForm.Encrypted, opened.ProtectedHeaders!.Form);
        Assert.Equal(HeaderProtectionVerdict.Mismatch, opened.ProtectedHeaders.Verdict);
    }

    [Theory]
    [InlineData("rfc822-headers")]   // Enigmail
    [InlineData("plain")]            // Thunderbird
    public void Legacy_v1_display_part_is_removed(string subtype)
    {
        var display = new TextPart(subtype) { Text = "Subject: Real subject\n" };
        display.ContentType.Parameters["protected-headers"] = "v1";
        display.ContentDisposition = new ContentDisposition(ContentDisposition.Inline);
        var mixed = new Multipart("mixed") { display, new TextPart("plain") { Text = "Secret agenda.\n" } };

        var opened = pgp.Mime.Open(EncryptedWithInnerHeaders("protected-headers", "v1", inner: mixed), BobOpens());

        var body = Assert.IsAssignableFrom<Multipart>(opened.Message.Body);
        Assert.Equal("Secret agenda.\n", Assert.IsType<TextPart>(Assert.Single(body)).Text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Without_the_marker_there_are_no_protected_headers()
    {
        var opened = pgp.Mime.Open(Transport(pgp.Mime.Encrypt(TextMessage(), new[] { Bob.Certificate }, AsAnotherClient)), BobOpens());

        Assert.Null(opened.ProtectedHeaders);
    }

    [Fact]
    public void Protected_from_that_differs_from_the_signer_does_not_match()
    {
        var opened = pgp.Mime.Open(EncryptedWithInnerHeaders("hp", "cipher", innerFrom: "ceo@example.org"), BobOpens());

        Assert.False(Assert.Single(opened.Signatures).MatchesFrom);
        // Alice's key is not bound to the protected From, so it cannot replace the outer one (RFC 9788 section 10).
        Assert.Equal(ProtectedHeaderState.Mismatch, opened.ProtectedHeaders!.Fields.Single(f => f.Name == "From").State);
        Assert.Equal("alice@example.org", opened.Message.From.Mailboxes.Single().Address);
    }
}
