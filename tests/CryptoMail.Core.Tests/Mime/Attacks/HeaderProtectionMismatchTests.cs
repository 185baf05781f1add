using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime.Attacks;

/// <summary>Header tampering in transit: the outer header of a message with header protection is changed. The
/// reader shows the protected values, and the verdict says Mismatch so the client can warn.</summary>
public class HeaderProtectionMismatchTests
{
    private readonly OpenPgp pgp = new();

    [Fact]
    public void Outer_from_changed_on_a_signed_message_is_a_mismatch_and_the_signature_no_longer_matches_from()
    {
        var signed = Transport(pgp.Mime.Sign(TextMessage(), Alice, new MimeSignOptions { ProtectHeaders = true }));
        signed.From.Clear();
        signed.From.Add(new MailboxAddress("CEO", "ceo@example.org"));

        var opened = pgp.Mime.Open(Transport(signed), BobOpens());

        var headers = opened.ProtectedHeaders!;
        Assert.Equal(HeaderProtectionVerdict.Mismatch, headers.Verdict);
        var from = Assert.Single(headers.Mismatches);
        Assert.Equal("From", from.Name);
        Assert.Equal("CEO <ceo@example.org>", from.OuterValue);
        Assert.Equal("alice@example.org", opened.Message.From.Mailboxes.Single().Address);   // the protected From is shown
        Assert.Equal(SignatureStatus.Good, Assert.Single(opened.Signatures).Verification.Status);
        Assert.False(opened.IsFullySignedBySender);
    }

    [Fact]
    public void Outer_subject_changed_on_an_encrypted_message_is_a_mismatch()
    {
        var sealedMessage = Transport(pgp.Mime.SignAndEncrypt(TextMessage(), Alice, new[] { Bob.Certificate }));
        sealedMessage.Subject = "URGENT: new bank details";

        var opened = pgp.Mime.Open(Transport(sealedMessage), BobOpens());

        Assert.Equal(HeaderProtectionVerdict.Mismatch, opened.ProtectedHeaders!.Verdict);
        Assert.Equal("Subject", Assert.Single(opened.ProtectedHeaders.Mismatches).Name);
        Assert.Equal("Meeting", opened.Message.Subject);
    }

    [Fact]
    public void Cc_added_outside_an_encrypted_message_is_a_mismatch_and_is_not_shown()
    {
        var sealedMessage = Transport(pgp.Mime.SignAndEncrypt(TextMessage(), Alice, new[] { Bob.Certificate }));
        sealedMessage.Cc.Add(new MailboxAddress("Mallory", "mallory@example.net"));

        var opened = pgp.Mime.Open(Transport(sealedMessage), BobOpens());

        var cc = Assert.Single(opened.ProtectedHeaders!.Mismatches);
        Assert.Equal("Cc", cc.Name);
        Assert.Null(cc.ProtectedValue);
        Assert.Empty(opened.Message.Cc);
    }

    [Fact]
    public void Date_and_message_id_added_by_a_submission_server_are_not_a_mismatch()
    {
        var message = TextMessage();
        message.Headers.Remove(HeaderId.Date);
        message.Headers.Remove(HeaderId.MessageId);
        var sealedMessage = Transport(pgp.Mime.SignAndEncrypt(message, Alice, new[] { Bob.Certificate }));
        sealedMessage.Date = DateTimeOffset.UtcNow;
        sealedMessage.MessageId = "added-by-server@example.org";

        var opened = pgp.Mime.Open(Transport(sealedMessage), BobOpens());

        Assert.Equal(HeaderProtectionVerdict.Obscured, opened.ProtectedHeaders!.Verdict);
        Assert.Equal("added-by-server@example.org", opened.Message.MessageId);
    }

    [Fact]
    public void Protected_headers_outside_any_cryptographic_layer_are_ignored()
    {
        // Anyone can write hp="clear" on an unsigned body: it protects nothing, so there is no protected header to report.
        var body = new TextPart("plain") { Text = "Wire the money.\n" };
        body.ContentType.Parameters["hp"] = "clear";

        var opened = pgp.Mime.Open(WithBody(body), BobOpens());

        Assert.Null(opened.ProtectedHeaders);
        Assert.Empty(opened.Signatures);
        Assert.Equal("Meeting", opened.Message.Subject);
    }

    [Fact]
    public void Protected_headers_of_a_wrapped_signed_part_do_not_replace_the_outer_header()
    {
        var genuine = pgp.Mime.Sign(TextMessage(), Alice, new MimeSignOptions { ProtectHeaders = true });
        var message = TextMessage(from: "mallory@example.net");
        message.Subject = "Forwarded";
        message.Body = new Multipart("mixed") { new TextPart("plain") { Text = "See below.\n" }, genuine.Body! };

        var opened = pgp.Mime.Open(Transport(message), BobOpens());

        Assert.Null(opened.ProtectedHeaders);
        Assert.Equal("Forwarded", opened.Message.Subject);
        Assert.Equal(ProtectionCoverage.Partial, Assert.Single(opened.Signatures).Coverage);
    }
}
