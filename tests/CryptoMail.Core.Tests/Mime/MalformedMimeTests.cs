using System.Text;
using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>Broken PGP/MIME gives typed exceptions, never NullReferenceException and the like.</summary>
public class MalformedMimeTests
{
    private readonly OpenPgp pgp = new();

    public static TheoryData<string> BrokenStructures => new()
    {
        "signed-one-part",
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
            "signed-one-part" => SignedMultipart(new TextPart("plain") { Text = "x" }),
            "encrypted-one-part" => EncryptedMultipart(AsciiPart("application", "pgp-encrypted", "Version: 1\n")),
            "encrypted-garbage" => EncryptedMultipart(AsciiPart("application", "pgp-encrypted", "Version: 1\n"), AsciiPart("application", "octet-stream", "this is not OpenPGP at all\n")),
            "encrypted-empty" => EncryptedMultipart(AsciiPart("application", "pgp-encrypted", "Version: 1\n"), AsciiPart("application", "octet-stream", "")),
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
}
