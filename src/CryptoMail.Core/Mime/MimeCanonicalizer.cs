using MimeKit;
using MimeKit.Encodings;
using MimeKit.IO;
using MimeKit.IO.Filters;

namespace CryptoMail.Core.Mime;

/// <summary>Turns MIME entities into the exact bytes that are signed, encrypted or verified.</summary>
/// <remarks>
/// RFC 3156 section 5: the signed part is written in canonical form (CRLF line endings) and must survive
/// 7-bit transport unchanged, so before signing every part is given a transfer encoding that no mail
/// system rewrites: 8-bit and binary content become quoted-printable or base64, and text whose lines end in
/// white space (which transports strip) or begin with <c>From </c> (which mbox stores turn into
/// <c>&gt;From </c>) becomes quoted-printable with the <c>F</c> encoded (RFC 3156 section 3).
/// Invariant of <see cref="CanonicalizeForSigning"/>: writing the returned entity with
/// <see cref="CanonicalFormat"/> yields exactly the returned bytes, so what is embedded is what was signed.
/// </remarks>
internal static class MimeCanonicalizer
{
    // QP lines are at most 76 characters (RFC 2045 6.7); 72 leaves room for the 2 extra of "=46rom ".
    private const int QuotedPrintableLineLength = 72;

    /// <summary>Fresh format options for canonical output: CRLF line endings, nothing hidden.</summary>
    public static FormatOptions CanonicalFormat()
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        options.HiddenHeaders.Clear();
        return options;
    }

    /// <summary>The entity as written in canonical form: for a parsed entity, its bytes as they appear in the
    /// message (with line endings made CRLF), which is what RFC 3156 signatures cover.</summary>
    public static byte[] ToCanonicalBytes(MimeEntity entity, CancellationToken token)
    {
        using var memory = new MemoryStream();
        entity.WriteTo(CanonicalFormat(), memory, token);
        return memory.ToArray();
    }

    /// <summary>The entity in canonical form in a spool (rewound), held in memory when small and encrypted on disk
    /// when large: the bounded-memory form of <see cref="ToCanonicalBytes"/>. The caller owns the spool.</summary>
    public static MimeSpool ToCanonicalSpool(MimeEntity entity, CancellationToken token)
    {
        var spool = new MimeSpool(secret: true);
        try
        {
            entity.WriteTo(CanonicalFormat(), spool, token);
            return spool.Rewound();
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    /// <summary>Parses one MIME entity from bytes.</summary>
    public static MimeEntity LoadEntity(byte[] bytes, CancellationToken token)
    {
        using var memory = new MemoryStream(bytes, writable: false);
        return MimeEntity.Load(memory, token);
    }

    /// <summary>Parses one MIME entity from <paramref name="spool"/>'s position, keeping every part's content as a range
    /// of the spool (MimeKit's persistent mode) rather than a copy: the spool must outlive the entity.</summary>
    public static MimeEntity LoadEntity(MimeSpool spool, CancellationToken token) =>
        new MimeParser(spool, MimeFormat.Entity, persistent: true).ParseEntity(token);

    /// <summary>A deep, independent copy of a message (the original is not touched by later changes), its content
    /// held in a spool of its own rather than in memory.</summary>
    public static MimeMessage CopyMessage(MimeMessage message, CancellationToken token)
    {
        var spool = new MimeSpool(secret: true);
        try
        {
            message.WriteTo(CanonicalFormat(), spool, token);
            return new MimeParser(spool.Rewound(), MimeFormat.Entity, persistent: true).ParseMessage(token);
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    /// <summary>Prepares a copy of <paramref name="entity"/> for signing and returns the canonical bytes to sign
    /// together with the entity to embed, which re-serializes to exactly those bytes.</summary>
    /// <exception cref="InvalidOperationException">MIME serialization did not settle on stable bytes.</exception>
    public static (byte[] Canonical, MimeEntity Embedded) CanonicalizeForSigning(MimeEntity entity, CancellationToken token)
    {
        var copy = LoadEntity(ToCanonicalBytes(entity, token), token);
        copy.Prepare(EncodingConstraint.SevenBit, 78);
        ProtectAgainstTransport(copy, token);

        var bytes = ToCanonicalBytes(copy, token);
        // Parse the bytes back and check that writing the parsed entity reproduces them; MimeKit may normalize
        // something on the first round trip (header folding, a missing final newline), so allow a few rounds.
        for (int round = 0; round < 3; round++)
        {
            token.ThrowIfCancellationRequested();
            var parsed = LoadEntity(bytes, token);
            var again = ToCanonicalBytes(parsed, token);
            if (again.AsSpan().SequenceEqual(bytes)) return (bytes, parsed);
            bytes = again;
        }
        throw new InvalidOperationException("The MIME entity does not serialize to stable bytes, so it cannot be signed reliably.");
    }

    /// <summary>Gives every 7-bit or quoted-printable leaf a quoted-printable encoding that survives transport when
    /// its text has trailing white space or <c>From </c> lines, or is quoted-printable already.</summary>
    private static void ProtectAgainstTransport(MimeEntity root, CancellationToken token)
    {
        foreach (var part in Leaves(root))
        {
            token.ThrowIfCancellationRequested();
            if (part.Content is null) continue;
            var encoding = part.ContentTransferEncoding;
            if (encoding is ContentEncoding.Base64 or ContentEncoding.UUEncode) continue;

            byte[] decoded;
            using (var memory = new MemoryStream())
            {
                part.Content.DecodeTo(memory, token);
                decoded = memory.ToArray();
            }
            bool risky = HasTrailingWhitespace(decoded) || HasFromLine(decoded);
            if (!risky && encoding != ContentEncoding.QuotedPrintable) continue;

            part.Content = new MimeContent(new MemoryStream(EncodeQuotedPrintable(decoded), writable: false), ContentEncoding.QuotedPrintable);
            part.ContentTransferEncoding = ContentEncoding.QuotedPrintable;
        }
    }

    /// <summary>Every leaf part below <paramref name="root"/>, through multiparts and attached messages.</summary>
    private static IEnumerable<MimePart> Leaves(MimeEntity root)
    {
        var pending = new Stack<MimeEntity>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case MimePart part:
                    yield return part;
                    break;
                case Multipart multipart:
                    for (int i = multipart.Count - 1; i >= 0; i--) pending.Push(multipart[i]);
                    break;
                case MessagePart { Message.Body: { } body }:
                    pending.Push(body);
                    break;
            }
        }
    }

    /// <summary>Quoted-printable with every line-initial <c>From </c> written as <c>=46rom </c>.</summary>
    internal static byte[] EncodeQuotedPrintable(byte[] decoded)
    {
        byte[] encoded;
        using (var memory = new MemoryStream())
        {
            using (var filtered = new FilteredStream(memory))
            {
                filtered.Add(new EncoderFilter(new QuotedPrintableEncoder(QuotedPrintableLineLength)));
                filtered.Write(decoded, 0, decoded.Length);
                filtered.Flush();
            }
            encoded = memory.ToArray();
        }

        using var output = new MemoryStream(encoded.Length + 16);
        for (int i = 0; i < encoded.Length; i++)
        {
            bool lineStart = i == 0 || encoded[i - 1] == (byte)'\n';
            if (lineStart && StartsWithFrom(encoded.AsSpan(i)))
            {
                output.Write("=46"u8);
                continue;
            }
            output.WriteByte(encoded[i]);
        }
        return output.ToArray();
    }

    internal static bool HasTrailingWhitespace(ReadOnlySpan<byte> data)
    {
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] != (byte)'\n') continue;
            int end = i > 0 && data[i - 1] == (byte)'\r' ? i - 1 : i;
            if (end > 0 && data[end - 1] is (byte)' ' or (byte)'\t') return true;
        }
        return data.Length > 0 && data[^1] is (byte)' ' or (byte)'\t';
    }

    internal static bool HasFromLine(ReadOnlySpan<byte> data)
    {
        for (int i = 0; i < data.Length; i++)
        {
            if ((i == 0 || data[i - 1] == (byte)'\n') && StartsWithFrom(data[i..])) return true;
        }
        return false;
    }

    private static bool StartsWithFrom(ReadOnlySpan<byte> s) => s.StartsWith("From "u8);
}
