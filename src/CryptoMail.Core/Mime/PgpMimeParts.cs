using MimeKit;

namespace CryptoMail.Core.Mime;

/// <summary>The RFC 3156 structures: building them, and recognising them in received messages.</summary>
internal static class PgpMimeParts
{
    public const string SignatureProtocol = "application/pgp-signature";
    public const string EncryptionProtocol = "application/pgp-encrypted";

    private static readonly byte[] VersionOne = "Version: 1\r\n"u8.ToArray();

    /// <summary>multipart/signed (RFC 3156 section 5) around <paramref name="content"/>.</summary>
    public static Multipart Signed(MimeEntity content, byte[] armoredSignature, string micalg)
    {
        var signed = new Multipart("signed");
        signed.ContentType.Parameters["protocol"] = SignatureProtocol;
        signed.ContentType.Parameters["micalg"] = micalg;
        signed.Add(content);

        var signature = AsciiPart("application", "pgp-signature", new MemoryStream(armoredSignature, writable: false), "OpenPGP digital signature", ContentDisposition.Attachment, "signature.asc");
        signed.Add(signature);
        return signed;
    }

    /// <summary>multipart/encrypted (RFC 3156 section 4) holding an armored OpenPGP message, read from
    /// <paramref name="armoredMessage"/> whenever the part is written (a seekable stream the part then owns).</summary>
    public static Multipart Encrypted(Stream armoredMessage)
    {
        var encrypted = new Multipart("encrypted");
        encrypted.ContentType.Parameters["protocol"] = EncryptionProtocol;

        encrypted.Add(AsciiPart("application", "pgp-encrypted", new MemoryStream(VersionOne, writable: false), "PGP/MIME version identification", null, null));
        // Inline, as common clients write it, so that readers without PGP/MIME show the armor.
        encrypted.Add(AsciiPart("application", "octet-stream", armoredMessage, "OpenPGP encrypted message", ContentDisposition.Inline, "encrypted.asc"));
        return encrypted;
    }

    /// <summary>A 7-bit leaf part holding ASCII <paramref name="content"/>, named <paramref name="fileName"/> when given.</summary>
    private static MimePart AsciiPart(string type, string subtype, Stream content, string description, string? disposition, string? fileName)
    {
        var part = new MimePart(type, subtype)
        {
            Content = new MimeContent(content),
            ContentTransferEncoding = ContentEncoding.SevenBit,
            ContentDescription = description,
        };
        if (disposition is not null) part.ContentDisposition = new ContentDisposition(disposition) { FileName = fileName };
        if (fileName is not null) part.ContentType.Name = fileName;
        return part;
    }

    /// <summary>A new message with <paramref name="original"/>'s headers (except its body's Content-* headers) and
    /// <paramref name="body"/>. The original is not changed.</summary>
    public static MimeMessage WithBody(MimeMessage original, MimeEntity body)
    {
        var result = WithHeaders(original, body);
        if (!result.Headers.Contains(HeaderId.MimeVersion)) result.Headers.Add(HeaderId.MimeVersion, "1.0");
        return result;
    }

    /// <summary>A new message with copies of <paramref name="original"/>'s header fields (except its body's Content-*
    /// fields) around <paramref name="body"/>, which is shared, not copied.</summary>
    public static MimeMessage WithHeaders(MimeMessage original, MimeEntity body)
    {
        var result = new MimeMessage();
        result.Headers.Clear();
        foreach (var header in original.Headers)
        {
            if (header.Field.StartsWith("Content-", StringComparison.OrdinalIgnoreCase)) continue;
            result.Headers.Add(header.Clone());
        }
        result.Body = body;
        return result;
    }

    /// <summary>Whether <paramref name="entity"/> is a PGP/MIME multipart/signed. One without a protocol parameter
    /// counts when its second part is an OpenPGP signature (some clients drop the parameter).</summary>
    public static bool IsPgpSigned(MimeEntity entity) =>
        entity is Multipart multipart
        && multipart.ContentType.IsMimeType("multipart", "signed")
        && ProtocolIs(multipart, SignatureProtocol, 1);

    /// <summary>Whether <paramref name="entity"/> is a PGP/MIME multipart/encrypted (protocol parameter, or a first
    /// part of type application/pgp-encrypted when the parameter is missing).</summary>
    public static bool IsPgpEncrypted(MimeEntity entity) =>
        entity is Multipart multipart
        && multipart.ContentType.IsMimeType("multipart", "encrypted")
        && ProtocolIs(multipart, EncryptionProtocol, 0);

    /// <summary>The signed first part, after checking that the multipart/signed holds exactly the two parts RFC 1847
    /// requires (a third part would be content outside the signature).</summary>
    /// <exception cref="MalformedDataException">The structure differs.</exception>
    public static MimeEntity SignedContent(Multipart signed)
    {
        if (signed.Count != 2)
            throw new MalformedDataException($"A PGP/MIME multipart/signed must hold exactly two parts; this one holds {signed.Count}.");
        return signed[0];
    }

    /// <summary>The second part of a multipart/signed when it is an application/pgp-signature leaf; otherwise null
    /// (a signature that is not there is a bad signature, not an unreadable message).</summary>
    public static MimePart? SignaturePart(Multipart signed) =>
        signed.Count > 1 && signed[1] is MimePart { Content: not null } signature && signature.ContentType.IsMimeType("application", "pgp-signature")
            ? signature
            : null;

    /// <summary>The encrypted-data part of a multipart/encrypted, after checking the two-part structure.</summary>
    /// <exception cref="MalformedDataException">The structure differs.</exception>
    public static MimePart EncryptedData(Multipart encrypted)
    {
        if (encrypted.Count != 2)
            throw new MalformedDataException($"A PGP/MIME multipart/encrypted must hold exactly two parts; this one holds {encrypted.Count}.");
        if (encrypted[0] is not MimePart control || !control.ContentType.IsMimeType("application", "pgp-encrypted"))
            throw new MalformedDataException("The first part of a PGP/MIME multipart/encrypted is not application/pgp-encrypted.");
        if (encrypted[1] is not MimePart data || !data.ContentType.IsMimeType("application", "octet-stream") || data.Content is null)
            throw new MalformedDataException("The second part of a PGP/MIME multipart/encrypted is not an application/octet-stream part.");
        return data;
    }

    /// <summary>The decoded content of a leaf part.</summary>
    public static byte[] Decode(MimePart part, CancellationToken token)
    {
        using var memory = new MemoryStream();
        part.Content?.DecodeTo(memory, token);
        return memory.ToArray();
    }

    private static bool ProtocolIs(Multipart multipart, string protocol, int markerIndex)
    {
        var value = multipart.ContentType.Parameters.TryGetValue("protocol", out string? p) ? p?.Trim() : null;
        if (!string.IsNullOrEmpty(value)) return string.Equals(value, protocol, StringComparison.OrdinalIgnoreCase);
        return multipart.Count > markerIndex
            && multipart[markerIndex].ContentType is { } type
            && string.Equals($"{type.MediaType}/{type.MediaSubtype}", protocol, StringComparison.OrdinalIgnoreCase);
    }
}
