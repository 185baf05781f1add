using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime.Attacks;

/// <summary>Resource exhaustion through MIME structure: too many parts, too many signed parts (each costs a
/// public-key operation), too deep a nesting. Each is a typed limit error. (Depth against a custom limit is also in
/// <see cref="MalformedMimeTests"/>.)</summary>
public class MimeStructureLimitTests
{
    private readonly OpenPgp pgp = new();

    [Fact]
    public void Too_many_parts_is_a_limit_error()
    {
        var mixed = new Multipart("mixed");
        for (int i = 0; i < 300; i++) mixed.Add(new TextPart("plain") { Text = $"part {i}" });
        var message = WithBody(mixed);

        Assert.Throws<LimitExceededException>(() => pgp.Mime.Open(message, new MimeOpenOptions { MaxMimeParts = 200 }));
        Assert.Equal(ProtectionCoverage.None, pgp.Mime.Open(message, new MimeOpenOptions()).Encryption);
    }

    [Fact]
    public void Too_many_signed_parts_is_a_limit_error()
    {
        var signed = pgp.Mime.Sign(TextMessage(), Alice).Body!;
        var mixed = new Multipart("mixed");
        for (int i = 0; i < 65; i++) mixed.Add(signed);

        Assert.Throws<LimitExceededException>(() => pgp.Mime.Open(WithBody(mixed), BobOpens()));
    }

    [Fact]
    public void Nesting_beyond_the_default_depth_is_a_limit_error()
    {
        MimeEntity body = new TextPart("plain") { Text = "deep" };
        for (int i = 0; i < 40; i++) body = new Multipart("mixed") { body };

        Assert.Throws<LimitExceededException>(() => pgp.Mime.Open(WithBody(body), new MimeOpenOptions()));
    }
}
