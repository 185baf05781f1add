using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>Efail-style wrapping: a genuine signed or encrypted part placed beside attacker content, or in an
/// attached message, is reported as Partial and never as the message's own protection.</summary>
public class WrappingAttackTests
{
    private readonly OpenPgp pgp = new();

    private static MimeMessage Wrap(MimeEntity genuine, string from = "alice@example.org")
    {
        var message = TextMessage(from: from);
        message.Body = new Multipart("mixed")
        {
            new TextPart("plain") { Text = "Attacker text: please wire the money to account 666.\n" },
            genuine,
        };
        return message;
    }

    [Fact]
    public void Signed_part_beside_attacker_text_is_partial()
    {
        var genuine = pgp.Mime.Sign(TextMessage(), Alice);

        var opened = pgp.Mime.Open(Transport(Wrap(genuine.Body!)), BobOpens());

        var signature = Assert.Single(opened.Signatures);
        Assert.Equal(SignatureStatus.Good, signature.Verification.Status);
        Assert.Equal(ProtectionCoverage.Partial, signature.Coverage);
        Assert.False(opened.IsFullySignedBySender);
    }

    [Fact]
    public void Encrypted_part_beside_attacker_text_is_partial_and_not_decrypted_by_default()
    {
        var genuine = pgp.Mime.Encrypt(TextMessage(), new[] { Bob.Certificate });

        var opened = pgp.Mime.Open(Transport(Wrap(genuine.Body!)), BobOpens());

        Assert.Equal(ProtectionCoverage.Partial, opened.Encryption);
        Assert.False(opened.Decrypted);
        Assert.DoesNotContain("meeting is at", opened.Message.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Encrypted_part_beside_attacker_text_is_partial_when_nested_decryption_is_asked_for()
    {
        var genuine = pgp.Mime.SignAndEncrypt(TextMessage(), Alice, new[] { Bob.Certificate });

        var opened = pgp.Mime.Open(Transport(Wrap(genuine.Body!)), BobOpens(decryptNested: true));

        Assert.Equal(ProtectionCoverage.Partial, opened.Encryption);
        Assert.True(opened.Decrypted);
        var signature = Assert.Single(opened.Signatures);
        Assert.Equal(SignatureStatus.Good, signature.Verification.Status);
        Assert.Equal(ProtectionCoverage.Partial, signature.Coverage);
        Assert.False(opened.IsFullySignedBySender);
        var mixed = Assert.IsAssignableFrom<Multipart>(opened.Message.Body);
        Assert.Contains("meeting is at", Assert.IsType<TextPart>(mixed[1]).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Signed_message_attached_as_message_rfc822_is_partial()
    {
        var genuine = pgp.Mime.Sign(TextMessage(), Alice);

        var opened = pgp.Mime.Open(Transport(Wrap(new MessagePart { Message = genuine })), BobOpens());

        Assert.Equal(ProtectionCoverage.Partial, Assert.Single(opened.Signatures).Coverage);
        Assert.False(opened.IsFullySignedBySender);
    }

    [Fact]
    public void Signed_envelope_with_a_third_attacker_part_is_malformed()
    {
        var signed = Transport(pgp.Mime.Sign(TextMessage(), Alice));
        ((Multipart)signed.Body!).Add(new TextPart("plain") { Text = "Attacker text.\n" });

        Assert.Throws<MalformedDataException>(() => pgp.Mime.Open(Transport(signed), BobOpens()));
    }
}
