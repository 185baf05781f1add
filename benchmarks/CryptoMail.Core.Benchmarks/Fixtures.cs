using MimeKit;

namespace CryptoMail.Core.Benchmarks;

/// <summary>Keys and inputs shared by the benchmarks; made once per process, outside the measured code.</summary>
internal static class Fixtures
{
    private static readonly Lazy<(SecretKey Alice, SecretKey Bob)> keys = new(() =>
    {
        var pgp = new OpenPgp();
        return (pgp.GenerateKey("Alice <alice@example.org>"), pgp.GenerateKey("Bob <bob@example.org>"));
    });

    /// <summary>The sender (signer).</summary>
    public static SecretKey Alice => keys.Value.Alice;

    /// <summary>The recipient.</summary>
    public static SecretKey Bob => keys.Value.Bob;

    /// <summary>Incompressible bytes of the given size, the same every run.</summary>
    public static byte[] RandomBytes(int size)
    {
        var data = new byte[size];
        new Random(20260101).NextBytes(data);
        return data;
    }

    /// <summary>A plain e-mail of about 10 KiB: a text body and a small binary attachment.</summary>
    public static MimeMessage Email()
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Alice", "alice@example.org"));
        message.To.Add(new MailboxAddress("Bob", "bob@example.org"));
        message.Subject = "Quarterly figures";
        var body = new BodyBuilder
        {
            TextBody = string.Concat(Enumerable.Repeat("The figures are attached; the totals are on page two.\n", 40)),
        };
        body.Attachments.Add("figures.bin", RandomBytes(6 * 1024), new ContentType("application", "octet-stream"));
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>Empties a reusable output buffer, keeping its capacity, so runs measure no regrowth.</summary>
    public static MemoryStream Reset(MemoryStream buffer)
    {
        buffer.Position = 0;
        buffer.SetLength(0);
        return buffer;
    }
}
