using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>Headers inside the encryption (Enigmail protected-headers="v1", RFC 9788 hp="cipher") are reported.</summary>
public class ProtectedHeadersTests
{
    private readonly OpenPgp pgp = new();

    private MimeMessage EncryptedWithInnerHeaders(string parameter, string value, string innerFrom = "alice@example.org")
    {
        var message = TextMessage();
        var inner = new TextPart("plain") { Text = "Secret agenda.\n" };
        inner.ContentType.Parameters[parameter] = value;
        inner.Headers.Add(HeaderId.Subject, "Real subject");
        inner.Headers.Add(HeaderId.From, $"Alice <{innerFrom}>");
        inner.Headers.Add(HeaderId.To, "Bob <bob@example.org>");
        message.Body = inner;
        var sealedMessage = pgp.Mime.SignAndEncrypt(message, Alice, new[] { Bob.Certificate });
        sealedMessage.Subject = "[...]";
        return Transport(sealedMessage);
    }

    [Theory]
    [InlineData("protected-headers", "v1")]
    [InlineData("hp", "cipher")]
    public void Inner_headers_are_reported(string parameter, string value)
    {
        var opened = pgp.Mime.Open(EncryptedWithInnerHeaders(parameter, value), BobOpens());

        Assert.NotNull(opened.ProtectedHeaders);
        Assert.Equal("Real subject", opened.ProtectedHeaders.Subject);
        Assert.Equal("Alice <alice@example.org>", opened.ProtectedHeaders.From);
        Assert.Equal("Bob <bob@example.org>", opened.ProtectedHeaders.To);
        Assert.Null(opened.ProtectedHeaders.Cc);
        Assert.True(opened.IsFullySignedBySender);
    }

    [Fact]
    public void Without_the_marker_there_are_no_protected_headers()
    {
        var opened = pgp.Mime.Open(Transport(pgp.Mime.Encrypt(TextMessage(), new[] { Bob.Certificate })), BobOpens());

        Assert.Null(opened.ProtectedHeaders);
    }

    [Fact]
    public void Protected_from_that_differs_from_the_signer_does_not_match()
    {
        var opened = pgp.Mime.Open(EncryptedWithInnerHeaders("hp", "cipher", innerFrom: "ceo@example.org"), BobOpens());

        Assert.False(Assert.Single(opened.Signatures).MatchesFrom);
    }
}
