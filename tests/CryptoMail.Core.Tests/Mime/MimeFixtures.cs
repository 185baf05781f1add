using System.Text;
using MimeKit;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>Keys and messages shared by the PGP/MIME tests. Keys are generated once per test run.</summary>
internal static class MimeFixtures
{
    private static readonly OpenPgp Pgp = new();
    private static readonly Lazy<SecretKey> LazyAlice = new(() => Pgp.GenerateKey("Alice <alice@example.org>"));
    private static readonly Lazy<SecretKey> LazyBob = new(() => Pgp.GenerateKey("Bob <bob@example.org>"));
    private static readonly Lazy<SecretKey> LazyMallory = new(() => Pgp.GenerateKey("Mallory <mallory@example.net>"));

    /// <summary>Alice, the usual sender.</summary>
    public static SecretKey Alice => LazyAlice.Value;

    /// <summary>Bob, the usual recipient.</summary>
    public static SecretKey Bob => LazyBob.Value;

    /// <summary>A third party whose user ID matches neither correspondent.</summary>
    public static SecretKey Mallory => LazyMallory.Value;

    /// <summary>A plain text message from Alice to Bob.</summary>
    public static MimeMessage TextMessage(string text = "Hello Bob,\nthe meeting is at 10.\n", string from = "alice@example.org")
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Alice", from));
        message.To.Add(new MailboxAddress("Bob", "bob@example.org"));
        message.Subject = "Meeting";
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    /// <summary>A transported copy of <see cref="TextMessage"/> whose text/plain body is <paramref name="text"/>.</summary>
    public static MimeMessage TextBody(string text)
    {
        var message = TextMessage();
        message.Body = new TextPart("plain") { Text = text };
        return Transport(message);
    }

    /// <summary>Writes a message as it would travel (CRLF) and parses it back, as a receiver would.</summary>
    public static MimeMessage Transport(MimeMessage message, NewLineFormat newLines = NewLineFormat.Dos)
    {
        using var memory = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = newLines;
        message.WriteTo(options, memory);
        memory.Position = 0;
        return MimeMessage.Load(memory);
    }

    /// <summary>The message as CRLF bytes.</summary>
    public static byte[] Bytes(MimeMessage message) => CrlfBytes((options, stream) => message.WriteTo(options, stream));

    /// <summary>An entity as CRLF bytes (what PGP/MIME encrypts or signs).</summary>
    public static byte[] Bytes(MimeEntity entity) => CrlfBytes((options, stream) => entity.WriteTo(options, stream));

    private static byte[] CrlfBytes(Action<FormatOptions, Stream> write)
    {
        using var memory = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        write(options, memory);
        return memory.ToArray();
    }

    /// <summary>Parses CRLF bytes as a message.</summary>
    public static MimeMessage Parse(byte[] bytes)
    {
        using var memory = new MemoryStream(bytes);
        return MimeMessage.Load(memory);
    }

    /// <summary>Options that let Bob open messages and check Alice's and Mallory's signatures.</summary>
    public static MimeOpenOptions BobOpens(bool decryptNested = false)
    {
        var options = new MimeOpenOptions { DecryptNestedParts = decryptNested };
        options.Keys.Add(Bob);
        options.Verifiers.Add(Alice.Certificate);
        options.Verifiers.Add(Mallory.Certificate);
        return options;
    }

    /// <summary>The text of the first text/plain part anywhere in the entity.</summary>
    public static string? FirstText(MimeEntity? entity) => entity switch
    {
        TextPart text => text.Text,
        Multipart multipart => multipart.Select(FirstText).FirstOrDefault(t => t is not null),
        MessagePart { Message: { } m } => FirstText(m.Body),
        _ => null,
    };

    /// <summary>A transported copy of <see cref="TextMessage"/> with <paramref name="body"/> as its body.</summary>
    public static MimeMessage WithBody(MimeEntity body)
    {
        var message = TextMessage();
        message.Body = body;
        return Transport(message);
    }

    /// <summary>A hand-made PGP/MIME multipart/signed holding exactly <paramref name="parts"/>.</summary>
    public static Multipart SignedMultipart(params MimeEntity[] parts)
    {
        var signed = new Multipart("signed");
        signed.ContentType.Parameters["protocol"] = "application/pgp-signature";
        foreach (var part in parts) signed.Add(part);
        return signed;
    }

    /// <summary>A hand-made PGP/MIME multipart/encrypted holding exactly <paramref name="parts"/>.</summary>
    public static Multipart EncryptedMultipart(params MimeEntity[] parts)
    {
        var encrypted = new Multipart("encrypted");
        encrypted.ContentType.Parameters["protocol"] = "application/pgp-encrypted";
        foreach (var part in parts) encrypted.Add(part);
        return encrypted;
    }

    /// <summary>A multipart/encrypted around an armored OpenPGP message made by the caller.</summary>
    public static Multipart EncryptedMultipart(string armoredMessage) =>
        EncryptedMultipart(AsciiPart("application", "pgp-encrypted", "Version: 1\n"), AsciiPart("application", "octet-stream", armoredMessage));

    /// <summary>A leaf part holding ASCII text as it is.</summary>
    public static MimePart AsciiPart(string type, string subtype, string content) =>
        new(type, subtype) { Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes(content))) };
}
