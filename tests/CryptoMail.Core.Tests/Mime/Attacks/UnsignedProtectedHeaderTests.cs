using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime.Attacks;

/// <summary>Anyone can encrypt to Bob's public key, so an encrypted but unsigned payload proves nothing about who
/// wrote its protected header. RFC 9788 section 10 (security considerations): a protected
/// From may be trusted only when the cryptographic signature that covers the payload is by the key bound to that
/// address. Here Mallory, whose real outer From is his own, writes <c>hp="cipher"</c> with a protected From of Alice
/// and <c>HP-Outer</c> lines copying the real outer header, so it looks like a declared obscuring.</summary>
public class UnsignedProtectedHeaderTests
{
    private readonly OpenPgp pgp = new();

    /// <summary>Mallory's message to Bob whose payload claims to be from Alice (and adds a To), encrypted to Bob,
    /// signed by <paramref name="signer"/> inside the encryption when given.</summary>
    private MimeMessage Forged(SecretKey? signer)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Mallory", "mallory@example.net"));
        message.To.Add(new MailboxAddress("Bob", "bob@example.org"));
        message.Subject = "[...]";
        var payload = new TextPart("plain") { Text = "Please pay invoice 4711 to the new account.\n" };
        payload.ContentType.Parameters["hp"] = "cipher";
        payload.Headers.Add("From", "Alice <alice@example.org>");
        payload.Headers.Add("To", "Bob <bob@example.org>, Carol <carol@example.org>");
        payload.Headers.Add("Subject", "Invoice");
        // RFC 9788's HP-Outer field records the outer header; copying it makes every difference look declared.
        payload.Headers.Add("HP-Outer", "From: Mallory <mallory@example.net>");
        payload.Headers.Add("HP-Outer", "To: Bob <bob@example.org>");
        payload.Headers.Add("HP-Outer", "Subject: [...]");
        message.Body = payload;
        var options = new MimeEncryptOptions { ProtectHeaders = false, EncryptToSelf = false };
        return Transport(signer is null
            ? pgp.Mime.Encrypt(message, new[] { Bob.Certificate }, options)
            : pgp.Mime.SignAndEncrypt(message, signer, new[] { Bob.Certificate }, options));
    }

    [Fact]
    public void Unsigned_protected_from_is_a_mismatch_and_the_outer_from_is_shown()
    {
        var opened = pgp.Mime.Open(Forged(signer: null), BobOpens());

        var headers = opened.ProtectedHeaders!;
        Assert.Equal(HeaderProtectionVerdict.Mismatch, headers.Verdict);
        Assert.Equal(ProtectedHeaderState.Mismatch, headers.Fields.Single(f => f.Name == "From").State);
        Assert.Equal(ProtectedHeaderState.Mismatch, headers.Fields.Single(f => f.Name == "To").State);
        Assert.Equal("mallory@example.net", opened.Message.From.Mailboxes.Single().Address);
        Assert.Equal(new[] { "bob@example.org" }, opened.Message.To.Mailboxes.Select(m => m.Address));
        // The Subject may legitimately be obscured without a signature: its declared obscuring still counts.
        Assert.Equal(ProtectedHeaderState.Obscured, headers.Fields.Single(f => f.Name == "Subject").State);
        Assert.Equal("Invoice", opened.Message.Subject);
    }

    [Fact]
    public void Protected_from_signed_by_a_key_not_bound_to_it_is_a_mismatch()
    {
        var opened = pgp.Mime.Open(Forged(signer: Mallory), BobOpens());

        Assert.Equal(SignatureStatus.Good, Assert.Single(opened.Signatures).Verification.Status);
        Assert.Equal(ProtectedHeaderState.Mismatch, opened.ProtectedHeaders!.Fields.Single(f => f.Name == "From").State);
        Assert.Equal("mallory@example.net", opened.Message.From.Mailboxes.Single().Address);
    }

    [Fact]
    public void Protected_from_signed_by_its_own_key_may_differ_from_the_outer_one_as_declared()
    {
        // Alice herself sends through a relay that rewrites From (as mailing lists do) and declares it in HP-Outer.
        var opened = pgp.Mime.Open(Forged(signer: Alice), BobOpens());

        var from = opened.ProtectedHeaders!.Fields.Single(f => f.Name == "From");
        Assert.Equal(ProtectedHeaderState.Obscured, from.State);
        Assert.Equal("alice@example.org", opened.Message.From.Mailboxes.Single().Address);
    }

    [Fact]
    public void Unsigned_protected_header_equal_to_the_outer_one_keeps_its_obscured_subject()
    {
        var sealedMessage = Transport(pgp.Mime.Encrypt(TextMessage(), new[] { Bob.Certificate }));

        var opened = pgp.Mime.Open(sealedMessage, BobOpens());

        Assert.Equal(HeaderProtectionVerdict.Obscured, opened.ProtectedHeaders!.Verdict);
        Assert.Equal("Meeting", opened.Message.Subject);
        Assert.Equal("alice@example.org", opened.Message.From.Mailboxes.Single().Address);
    }
}
