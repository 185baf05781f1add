using System.Text;
using MimeKit;

namespace CryptoMail.Core.Mime;

/// <summary>Inline PGP: armored messages and cleartext signatures inside text/plain parts, and OpenPGP messages sent
/// as attachments (<c>.pgp</c>, <c>.gpg</c>, <c>.asc</c>, <c>application/pgp-encrypted</c>).</summary>
/// <remarks>
/// An inline block covers the whole message only when it is all there is: the payload is one text part holding one
/// block and nothing but white space around it. Text around a block, a second block, or a block in one part among
/// others makes it an errant cryptographic layer (RFC 9787): <see cref="ProtectionCoverage.Partial"/>. Each block's
/// result becomes its own part (text before, the block's plaintext, text after, as a multipart/mixed), so decrypted
/// text is never joined with text an attacker may have put beside it. Encrypted blocks that are not the whole message,
/// and encrypted attachments (never the message's envelope), are decrypted only with
/// <see cref="MimeOpenOptions.DecryptNestedParts"/> (as nested PGP/MIME parts). An armored block is not proof of
/// encryption: a block counts as encrypted only when decrypting it found an encrypted data packet, or, when it is not
/// decrypted, when its first packet is a session key or encrypted data packet; a bare literal packet or a signed-only
/// message is at most signed, and a block that does not parse is a <see cref="MalformedDataException"/>. A decrypted
/// attachment streams into a secret spool and becomes application/octet-stream: the sender's file name never decides
/// a type a client renders (Efail). Signatures are checked over the part's bytes in its own charset, so a cleartext
/// signature made over ISO-8859-1 text verifies.
/// </remarks>
internal sealed partial class EnvelopeAnalysis
{
    private static readonly byte[] BeginMessage = "-----BEGIN PGP MESSAGE-----"u8.ToArray();
    private static readonly byte[] EndMessage = "-----END PGP MESSAGE-----"u8.ToArray();
    private static readonly byte[] BeginSigned = "-----BEGIN PGP SIGNED MESSAGE-----"u8.ToArray();
    private static readonly byte[] EndSignature = "-----END PGP SIGNATURE-----"u8.ToArray();
    private static readonly string[] OpenPgpExtensions = [".pgp", ".gpg", ".asc"];

    private enum BlockKind { Message, Cleartext }

    /// <summary>One armored block in a part's decoded bytes: [Start, End) including its last line's line break.</summary>
    private readonly record struct Block(int Start, int End, BlockKind Kind);

    /// <summary>Replaces a leaf holding inline PGP by its decrypted or verified content; other leaves stay.</summary>
    private MimeEntity VisitInline(MimePart leaf, ProtectionCoverage coverage, InternetAddressList from)
    {
        bool text = leaf is TextPart { IsPlain: true };
        bool attachmentCandidate = IsOpenPgpAttachment(leaf);
        if ((!text && !attachmentCandidate) || leaf.Content is null) return leaf;
        if (attachmentCandidate && (leaf.IsAttachment || !text)) return VisitAttachment(leaf, from);

        var data = PgpMimeParts.Decode(leaf, token);
        var blocks = FindBlocks(data);
        if (blocks.Count == 0) return leaf;

        bool wholeBody = coverage == ProtectionCoverage.Full && blocks.Count == 1
            && IsBlank(data.AsSpan(0, blocks[0].Start)) && IsBlank(data.AsSpan(blocks[0].End));
        var blockCoverage = wholeBody ? ProtectionCoverage.Full : ProtectionCoverage.Partial;

        var pieces = new List<MimeEntity>();
        int position = 0;
        foreach (var block in blocks)
        {
            CountProtectedPart();
            if (!IsBlank(data.AsSpan(position, block.Start - position))) pieces.Add(TextPiece(leaf, data[position..block.Start]));
            position = block.End;
            var armored = data[block.Start..block.End];
            if (block.Kind == BlockKind.Cleartext)
            {
                byte[] signedText = armored;
                VerifySignatures(blockCoverage, from, "The cleartext signature is not readable: ", verifyOptions =>
                {
                    using var output = new MemoryStream();
                    var result = pgp.VerifyInline(new MemoryStream(armored, writable: false), output, verifyOptions, token);
                    signedText = output.ToArray();
                    return result;
                });
                pieces.Add(TextPiece(leaf, signedText));
                continue;
            }

            if (blockCoverage != ProtectionCoverage.Full && !options.DecryptNestedParts)
            {
                if (StartsEncrypted(armored, armor: true)) nestedEncrypted = true;
                pieces.Add(TextPiece(leaf, armored));
                continue;
            }
            var read = DecryptData(armored, blockCoverage, from, allowUnencrypted: true);
            if (read is null)
            {
                // Encrypted, but not to any of our keys (only a nested block gets here).
                nestedEncrypted = true;
                pieces.Add(TextPiece(leaf, armored));
                continue;
            }
            if (read.Value.WasEncrypted)
            {
                if (blockCoverage == ProtectionCoverage.Full) envelopeEncrypted = true;
                else nestedEncrypted = true;
            }
            pieces.Add(DecryptedTextPiece(leaf, read.Value.Plaintext));
        }
        if (!IsBlank(data.AsSpan(position))) pieces.Add(TextPiece(leaf, data[position..]));

        if (pieces.Count == 1) return pieces[0];
        var mixed = new Multipart("mixed");
        foreach (var piece in pieces) mixed.Add(piece);
        return mixed;
    }

    /// <summary>An OpenPGP file sent as an attachment. It is never the message's envelope, so it is decrypted only with
    /// <see cref="MimeOpenOptions.DecryptNestedParts"/>; its plaintext streams into a secret spool and becomes an
    /// application/octet-stream attachment whatever its name says.</summary>
    private MimePart VisitAttachment(MimePart leaf, InternetAddressList from)
    {
        // The content stream is not disposed: for an identity transfer encoding MimeKit hands out the part's own.
        var content = new PeekStream(leaf.Content!.Open());
        bool armored = StartsWithArmor(content.Head);
        if (!armored && !LooksLikeBinaryMessage(content.Head)) return leaf;
        CountProtectedPart();

        if (!options.DecryptNestedParts)
        {
            if (armored ? StartsEncrypted(content, armor: true) : StartsEncrypted(content.Head)) nestedEncrypted = true;
            return leaf;
        }
        using var input = armored ? new ArmorReader(content) : (Stream)content;
        var plaintext = new MimeSpool(secret: true);
        try
        {
            var result = DecryptData(input, plaintext, ProtectionCoverage.Partial, from, allowUnencrypted: true);
            if (result is null)
            {
                nestedEncrypted = true;
                plaintext.Dispose();
                return leaf;
            }
            if (result.WasEncrypted) nestedEncrypted = true;
            return FilePiece(leaf, plaintext.Rewound());
        }
        catch
        {
            plaintext.Dispose();
            throw;
        }
    }

    /// <summary>Whether the first line that is not white space starts an armored PGP MESSAGE.</summary>
    private static bool StartsWithArmor(ReadOnlySpan<byte> head)
    {
        int i = 0;
        while (i < head.Length && head[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') i++;
        return head[i..].StartsWith(BeginMessage);
    }

    /// <summary>Whether OpenPGP data (armored in <paramref name="data"/>, or binary) starts with a session key or
    /// encrypted data packet, read without decrypting; armor that does not decode is not encryption.</summary>
    private static bool StartsEncrypted(byte[] data, bool armor)
    {
        using var input = new MemoryStream(data, writable: false);
        return StartsEncrypted(input, armor);
    }

    private static bool StartsEncrypted(Stream input, bool armor)
    {
        if (!armor)
        {
            var peek = new PeekStream(input, 2);
            return StartsEncrypted(peek.Head);
        }
        Span<byte> head = stackalloc byte[2];
        try
        {
            using var binary = new ArmorReader(input);
            int n = 0;
            while (n < head.Length)
            {
                int r = binary.Read(head[n..]);
                if (r == 0) break;
                n += r;
            }
            return StartsEncrypted(head[..n]);
        }
        catch (MalformedDataException)
        {
            return false;
        }
    }

    /// <summary>Whether the first packet header names a PKESK (1), SKESK (3), SED (9), SEIPD (18) or OCB encrypted
    /// data (20) packet (RFC 9580 sections 4.2 and 10.3).</summary>
    private static bool StartsEncrypted(ReadOnlySpan<byte> head) =>
        TagAt(head) is { } tag && Types.PacketTags.IsEncryption(tag);

    /// <summary>The tag of the packet header at the start of <paramref name="head"/>, or null when it is not one.</summary>
    private static Types.PacketTag? TagAt(ReadOnlySpan<byte> head) =>
        head.Length >= 2 && Types.PacketTags.TryTagOf(head, out var tag) ? tag : null;

    private static bool IsOpenPgpAttachment(MimePart part)
    {
        var type = part.ContentType;
        if (type.IsMimeType("application", "pgp-encrypted")) return true;
        var name = part.FileName ?? type.Name;
        return name is not null
            && (type.IsMimeType("application", "octet-stream") || type.IsMimeType("application", "pgp") || type.IsMimeType("text", "plain"))
            && OpenPgpExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether binary data starts like an OpenPGP message: a PKESK, SKESK, one-pass signature or compressed
    /// data packet.</summary>
    private static bool LooksLikeBinaryMessage(ReadOnlySpan<byte> data) => TagAt(data) is Types.PacketTag.PublicKeyEncryptedSessionKey
        or Types.PacketTag.SymmetricKeyEncryptedSessionKey or Types.PacketTag.OnePassSignature or Types.PacketTag.CompressedData;

    /// <summary>Every armored message or cleartext-signed block whose BEGIN line starts a line (quoted blocks, as in
    /// "&gt; -----BEGIN", are text).</summary>
    private static List<Block> FindBlocks(byte[] data)
    {
        var blocks = new List<Block>();
        int position = 0;
        while (position < data.Length)
        {
            int lineEnd = Array.IndexOf(data, (byte)'\n', position);
            int next = lineEnd < 0 ? data.Length : lineEnd + 1;
            var line = data.AsSpan(position, next - position);
            BlockKind? kind = line.StartsWith(BeginMessage) ? BlockKind.Message : line.StartsWith(BeginSigned) ? BlockKind.Cleartext : null;
            if (kind is null)
            {
                position = next;
                continue;
            }
            var end = kind == BlockKind.Message ? EndMessage : EndSignature;
            int endLine = FindLineStarting(data, end, next);
            int blockEnd = data.Length;
            if (endLine >= 0)
            {
                int endBreak = Array.IndexOf(data, (byte)'\n', endLine);
                blockEnd = endBreak < 0 ? data.Length : endBreak + 1;
            }
            blocks.Add(new Block(position, blockEnd, kind.Value));
            position = blockEnd;
        }
        return blocks;
    }

    private static int FindLineStarting(byte[] data, byte[] prefix, int from)
    {
        for (int i = from; i < data.Length; i++)
        {
            if ((i == 0 || data[i - 1] == (byte)'\n') && data.AsSpan(i).StartsWith(prefix)) return i;
        }
        return -1;
    }

    private static bool IsBlank(ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return false;
        }
        return true;
    }

    /// <summary>A text/plain part holding <paramref name="bytes"/> in <paramref name="original"/>'s charset.</summary>
    private static TextPart TextPiece(MimePart original, byte[] bytes) => TextWithCharset(bytes, original.ContentType.Charset);

    /// <summary>Decrypted inline text: UTF-8 when it is valid UTF-8 (OpenPGP's text default), else the charset of the
    /// part it came in.</summary>
    private static TextPart DecryptedTextPiece(MimePart original, byte[] plaintext) =>
        TextWithCharset(plaintext, IsUtf8(plaintext) ? "utf-8" : original.ContentType.Charset);

    private static TextPart TextWithCharset(byte[] bytes, string? charset)
    {
        var part = new TextPart("plain")
        {
            Content = new MimeContent(new MemoryStream(bytes, writable: false)),
            ContentTransferEncoding = bytes.Any(b => b >= 0x80) ? ContentEncoding.EightBit : ContentEncoding.SevenBit,
        };
        if (charset is not null) part.ContentType.Charset = charset;
        return part;
    }

    /// <summary>A decrypted attachment, named as the encrypted one without its .pgp/.gpg/.asc extension, and typed
    /// application/octet-stream: the name is the sender's choice, and a type derived from it (x.html.asc as text/html)
    /// would make a client render decrypted data beside parts an attacker wrote (Efail direct exfiltration).</summary>
    private static MimePart FilePiece(MimePart original, Stream plaintext)
    {
        var name = original.FileName ?? original.ContentType.Name ?? "decrypted";
        var extension = OpenPgpExtensions.FirstOrDefault(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
        if (extension is not null && name.Length > extension.Length) name = name[..^extension.Length];
        return new MimePart("application", "octet-stream")
        {
            Content = new MimeContent(plaintext),
            ContentTransferEncoding = ContentEncoding.Base64,
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment) { FileName = name },
        };
    }

    private static bool IsUtf8(byte[] bytes)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
