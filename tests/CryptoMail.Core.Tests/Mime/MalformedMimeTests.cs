using System.Text;
using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>Broken PGP/MIME gives typed exceptions, never NullReferenceException and the like.</summary>
public class MalformedMimeTests
{
    private readonly OpenPgp pgp = new();

    private static MimeMessage WithBody(MimeEntity body)
    {
        var message = TextMessage();
        message.Body = body;
        return Transport(message);
    }

    public static TheoryData<string> BrokenStructures => new()
    {
        "signed-one-part",
        "signed-text-signature",
        "signed-garbage-signature",
        "encrypted-one-part",
        "encrypted-garbage",
        "encrypted-empty",
    };

    [Theory]
    [MemberData(nameof(BrokenStructures))]
    public void Broken_structure_is_malformed(string kind)
    {
        var body = kind switch
        {
            "signed-one-part" => Signed(new TextPart("plain") { Text = "x" }),
            "signed-text-signature" => Signed(new TextPart("plain") { Text = "x" }, new TextPart("plain") { Text = "not a signature" }),
            "signed-garbage-signature" => Signed(new TextPart("plain") { Text = "x" }, Part("application", "pgp-signature", "-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n")),
            "encrypted-one-part" => Encrypted(Part("application", "pgp-encrypted", "Version: 1\n")),
            "encrypted-garbage" => Encrypted(Part("application", "pgp-encrypted", "Version: 1\n"), Part("application", "octet-stream", "this is not OpenPGP at all\n")),
            "encrypted-empty" => Encrypted(Part("application", "pgp-encrypted", "Version: 1\n"), Part("application", "octet-stream", "")),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var e = Assert.ThrowsAny<CryptoMailException>(() => pgp.Mime.Open(WithBody(body), BobOpens()));
        Assert.True(e is MalformedDataException or NoDecryptionKeyException, e.ToString());
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_a_limit_error()
    {
        MimeEntity body = new TextPart("plain") { Text = "deep" };
        for (int i = 0; i < 10; i++) body = new Multipart("mixed") { body };

        Assert.Throws<LimitExceededException>(() => pgp.Mime.Open(WithBody(body), new MimeOpenOptions { MaxMimeDepth = 5 }));
        Assert.Equal(ProtectionCoverage.None, pgp.Mime.Open(WithBody(body), new MimeOpenOptions { MaxMimeDepth = 11 }).Encryption);
    }

    [Fact]
    public void Random_bytes_open_or_fail_with_a_typed_error()
    {
        var random = new Random(3156);
        for (int i = 0; i < 50; i++)
        {
            var bytes = new byte[random.Next(0, 2000)];
            random.NextBytes(bytes);
            AssertOpensOrTypedError(bytes);
        }
    }

    [Fact]
    public void Mutated_protected_messages_open_or_fail_with_a_typed_error()
    {
        var seeds = new[]
        {
            Bytes(pgp.Mime.Sign(TextMessage(), Alice)),
            Bytes(pgp.Mime.SignAndEncrypt(TextMessage(), Alice, new[] { Bob.Certificate })),
        };
        var random = new Random(1847);
        foreach (var seed in seeds)
        {
            for (int i = 0; i < 100; i++)
            {
                var bytes = (byte[])seed.Clone();
                for (int n = random.Next(1, 8); n > 0; n--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)"\r\n-: =\"ab;/"[random.Next(11)];
                }
                AssertOpensOrTypedError(bytes);
            }
        }
    }

    private void AssertOpensOrTypedError(byte[] bytes)
    {
        MimeMessage message;
        try
        {
            message = Parse(bytes);
        }
        catch (FormatException)
        {
            return; // MimeKit refused it before we were asked.
        }
        try
        {
            pgp.Mime.Open(message, BobOpens());
        }
        catch (CryptoMailException)
        {
        }
    }

    private static Multipart Signed(params MimeEntity[] parts)
    {
        var signed = new Multipart("signed");
        signed.ContentType.Parameters["protocol"] = "application/pgp-signature";
        foreach (var part in parts) signed.Add(part);
        return signed;
    }

    private static Multipart Encrypted(params MimeEntity[] parts)
    {
        var encrypted = new Multipart("encrypted");
        encrypted.ContentType.Parameters["protocol"] = "application/pgp-encrypted";
        foreach (var part in parts) encrypted.Add(part);
        return encrypted;
    }

    private static MimePart Part(string type, string subtype, string content) =>
        new(type, subtype) { Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes(content))) };
}
