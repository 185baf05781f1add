using System.Text;
using MimeKit;

namespace CryptoMail.Core.Mime;

/// <summary>RFC 9788 header protection: copying the header into the cryptographic payload when sealing, and reading
/// it back (also in the older <c>protected-headers="v1"</c> form) when opening.</summary>
/// <remarks>
/// Sealing: the payload (the entity inside every cryptographic layer) gets a copy of the message's
/// <see cref="Fields"/> and <c>hp="clear"</c> (signed only) or <c>hp="cipher"</c> (encrypted). When encrypting, the
/// Header Confidentiality Policy decides what the outer header still shows; one <c>HP-Outer</c> field per protected
/// field records that outer value, so the reader can tell a declared obscuring from a change in transit; user-facing
/// fields the policy hid are repeated at the top of each main text/plain part (Legacy Display Element).
/// Opening: the protected values win over the outer ones (never merged: an outer Cc that the payload lacks is
/// dropped), each field gets a state (unchanged, obscured, mismatch), and the Legacy Display Element is removed. The
/// address fields (From, To, Cc, Reply-To...) are the exception: unless the payload is authenticated as its protected
/// From's (a good signature over it by a key bound to that From, or a protected From equal to the outer one), a
/// protected value that differs from the outer one is a mismatch and the outer value stays.
/// </remarks>
internal static class HeaderProtection
{
    public const string HpOuter = "HP-Outer";
    private const string HpParameter = "hp";
    private const string LegacyParameter = "protected-headers";
    private const string LegacyDisplayParameter = "hp-legacy-display";

    /// <summary>The fields copied into the payload: RFC 9788's user-facing fields, the threading fields, and the two
    /// that <c>hcp_baseline</c> removes from the outer header (so they are not lost).</summary>
    public static readonly string[] Fields =
    [
        "Subject", "From", "To", "Cc", "Date", "Message-ID", "References", "In-Reply-To", "Reply-To", "Followup-To",
        "Comments", "Keywords",
    ];

    /// <summary>The fields a reader shows; the Legacy Display Element repeats these when they are obscured.</summary>
    private static readonly HashSet<string> UserFacing = new(StringComparer.OrdinalIgnoreCase)
    {
        "Subject", "From", "To", "Cc", "Date", "Reply-To", "Followup-To",
    };

    private static readonly HashSet<string> AddedInTransit = new(StringComparer.OrdinalIgnoreCase) { "Date", "Message-ID" };

    /// <summary>The fields that say who wrote the message and to whom a reply goes. Anyone can encrypt to the reader, so
    /// a protected value of these may replace or differ from the outer one only when the payload is authenticated as
    /// the protected From's (see <see cref="Open"/>).</summary>
    private static readonly HashSet<string> AddressFields = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "Sender", "To", "Cc", "Bcc", "Reply-To",
    };

    private static readonly HashSet<string> FieldSet = new(Fields, StringComparer.OrdinalIgnoreCase);

    private static bool IsProtectedField(string name) => FieldSet.Contains(name);

    // ---- sealing ----

    /// <summary>A copy of <paramref name="body"/> carrying <paramref name="message"/>'s protected fields, ready to be
    /// signed or encrypted. The caller's entities are not changed. The copy's content lives in
    /// <paramref name="scratch"/> (an empty spool the caller owns and keeps until it is done with the copy).</summary>
    public static MimeEntity Protect(MimeMessage message, MimeEntity body, bool encrypted, HeaderConfidentiality policy, bool legacyDisplay, MimeSpool scratch, CancellationToken token)
    {
        body.WriteTo(MimeCanonicalizer.CanonicalFormat(), scratch, token);
        var payload = MimeCanonicalizer.LoadEntity(scratch.Rewound(), token);
        // A body part's own copies of these fields (or of HP-Outer) would be mistaken for protected ones.
        foreach (var name in Fields.Append(HpOuter).Append("MIME-Version")) RemoveAll(payload.Headers, name);
        payload.ContentType.Parameters.Remove(LegacyParameter);

        var protectedFields = message.Headers.Where(h => IsProtectedField(h.Field)).ToList();
        foreach (var header in protectedFields) payload.Headers.Add(header.Clone());

        if (encrypted)
        {
            var hidden = new List<Header>();
            foreach (var header in protectedFields)
            {
                var outer = Obscure(policy, header.Field, header.Value);
                if (outer is not null) payload.Headers.Add(new Header(HpOuter, $"{header.Field}: {outer}"));
                if (outer != header.Value && UserFacing.Contains(header.Field)) hidden.Add(header);
            }
            if (legacyDisplay && hidden.Count > 0)
            {
                var lines = string.Concat(hidden.Select(h => $"{h.Field}: {Unfold(h.Value)}\n"));
                foreach (var part in MainTextParts(payload)) AddLegacyDisplay(part, lines);
            }
        }
        payload.ContentType.Parameters[HpParameter] = encrypted ? "cipher" : "clear";
        return payload;
    }

    /// <summary>Applies the confidentiality policy to the outer header of a sealed message.</summary>
    public static void ObscureOuter(MimeMessage sealedMessage, HeaderConfidentiality policy)
    {
        foreach (var header in sealedMessage.Headers.Where(h => IsProtectedField(h.Field)).ToList())
        {
            var outer = Obscure(policy, header.Field, header.Value);
            if (outer is null) sealedMessage.Headers.Remove(header);
            else if (outer != header.Value) header.Value = outer;
        }
    }

    /// <summary>The Header Confidentiality Policy: the outer value of a field, or null to leave it out.</summary>
    private static string? Obscure(HeaderConfidentiality policy, string name, string value) => policy switch
    {
        HeaderConfidentiality.None => value,
        _ when Is(name, "Subject") => "[...]",
        _ when Is(name, "Comments") || Is(name, "Keywords") => null,
        _ => value,
    };

    private static void AddLegacyDisplay(TextPart part, string lines)
    {
        var text = part.GetText(out Encoding encoding);
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var block = lines.Replace("\n", newline, StringComparison.Ordinal) + newline;
        var target = IsAscii(block) ? encoding : Encoding.UTF8;
        part.SetText(target, block + text);
        if (!IsAscii(block) && part.ContentTransferEncoding is ContentEncoding.Default or ContentEncoding.SevenBit)
            part.ContentTransferEncoding = ContentEncoding.QuotedPrintable;
        part.ContentType.Parameters[LegacyDisplayParameter] = "1";
    }

    // ---- opening ----

    /// <summary>Whether an entity carries an RFC 9788 <c>hp</c> or a legacy <c>protected-headers="v1"</c> marker.</summary>
    public static bool IsMarked(MimeEntity entity) => FormMarker(entity) is not null;

    private static string? FormMarker(MimeEntity entity)
    {
        var parameters = entity.ContentType.Parameters;
        if (parameters.TryGetValue(HpParameter, out string? hp) && hp?.Trim().ToLowerInvariant() is "cipher" or "clear" && hp is not null)
            return hp.Trim().ToLowerInvariant();
        if (parameters.TryGetValue(LegacyParameter, out string? v1) && string.Equals(v1?.Trim(), "v1", StringComparison.OrdinalIgnoreCase))
            return "v1";
        return null;
    }

    /// <summary>Reads the protected header of <paramref name="payload"/> against the outer header of
    /// <paramref name="message"/> as received, then makes <paramref name="message"/> show the protected values and removes the Legacy Display
    /// Element. Null when the payload carries no marker.</summary>
    /// <param name="message">The message as received; its header is changed to show the trusted protected values.</param>
    /// <param name="payload">The protected payload.</param>
    /// <param name="encrypted">Whether the payload was inside the message's encryption.</param>
    /// <param name="signedByFrom">Whether a good signature covering the payload was made by a key bound to every address
    /// of the given protected From value.</param>
    public static ProtectedHeaders? Open(MimeMessage message, MimeEntity payload, bool encrypted, Func<string, bool> signedByFrom)
    {
        var marker = FormMarker(payload);
        if (marker is null) return null;
        var form = marker switch
        {
            "v1" => HeaderProtectionForm.LegacyV1,
            "cipher" when encrypted => HeaderProtectionForm.Encrypted,
            _ => HeaderProtectionForm.SignedOnly,
        };

        var outer = message.Headers;
        var inner = payload.Headers.Where(h => !IsStructural(h.Field)).ToList();
        var declared = form == HeaderProtectionForm.Encrypted ? DeclaredOuter(payload.Headers) : null;

        var names = new List<string>();
        foreach (var name in inner.Select(h => h.Field).Concat(Fields))
        {
            if (!names.Contains(name, StringComparer.OrdinalIgnoreCase)) names.Add(name);
        }

        // RFC 9788 section 10 (security considerations): anyone can encrypt to the reader, so an unsigned payload may
        // carry a forged From, with HP-Outer lines copying the real outer header to pass as a declared obscuring. Who
        // wrote the payload is known only from a signature by the protected From's key, or when it names the same
        // sender the outer header (and the transport's checks on it) names.
        var protectedFrom = Join(inner, "From");
        bool addressesTrusted = protectedFrom is not null && (SameValue(protectedFrom, Join(outer, "From")) || signedByFrom(protectedFrom));

        var fields = new List<ProtectedHeaderField>();
        var keepOuter = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            var protectedValue = Join(inner, name);
            var outerValue = Join(outer, name);
            if (protectedValue is null && outerValue is null) continue;
            // The legacy form protects a client-chosen subset, and a submission server adds Date and Message-ID when
            // the sender did not write them: a field the payload lacks then says nothing, and the outer one stays.
            if (protectedValue is null && (form == HeaderProtectionForm.LegacyV1 || AddedInTransit.Contains(name))) continue;
            var state = State(form, name, protectedValue, outerValue, declared, encrypted);
            if (!addressesTrusted && AddressFields.Contains(name) && !SameValue(protectedValue, outerValue))
            {
                state = ProtectedHeaderState.Mismatch;
                keepOuter.Add(name);
            }
            fields.Add(new ProtectedHeaderField(name, protectedValue, outerValue, state));
        }
        var result = new ProtectedHeaders(form, fields);

        // Show the protected header: every compared field takes its protected value only (never merged with the outer
        // one), except address fields the payload is not authenticated to change, which keep their outer value.
        var shown = fields.Where(f => !keepOuter.Contains(f.Name)).ToList();
        foreach (var field in shown) RemoveAll(outer, field.Name);
        foreach (var header in inner.Where(h => shown.Any(f => Is(f.Name, h.Field)))) outer.Add(header.Clone());
        RemoveLegacyDisplay(payload, form);
        return result;
    }

    private static ProtectedHeaderState State(HeaderProtectionForm form, string name, string? protectedValue, string? outerValue, Dictionary<string, string>? declared, bool encrypted)
    {
        bool same = SameValue(protectedValue, outerValue);
        switch (form)
        {
            case HeaderProtectionForm.Encrypted:
                // HP-Outer records exactly what the sender put outside; a missing HP-Outer means "left out".
                declared!.TryGetValue(name, out var declaredValue);
                if (!SameValue(declaredValue, outerValue)) return ProtectedHeaderState.Mismatch;
                return same ? ProtectedHeaderState.Unchanged : ProtectedHeaderState.Obscured;
            case HeaderProtectionForm.LegacyV1:
                // Enigmail and Thunderbird hide only the Subject ("...", "Encrypted Message").
                if (same) return ProtectedHeaderState.Unchanged;
                return encrypted && Is(name, "Subject") ? ProtectedHeaderState.Obscured : ProtectedHeaderState.Mismatch;
            default:
                return same ? ProtectedHeaderState.Unchanged : ProtectedHeaderState.Mismatch;
        }
    }

    /// <summary>The HP-Outer fields as name to value (several fields of one name joined as <see cref="Join"/> does).</summary>
    private static Dictionary<string, string> DeclaredOuter(HeaderList headers)
    {
        var declared = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in headers.Where(h => Is(h.Field, HpOuter)))
        {
            var value = header.Value;
            int colon = value.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;
            var name = value[..colon].Trim();
            var outer = value[(colon + 1)..].Trim();
            declared[name] = declared.TryGetValue(name, out var earlier) ? earlier + ", " + outer : outer;
        }
        return declared;
    }

    /// <summary>Removes the Legacy Display Element: the header lines (up to the first blank line) at the top of
    /// main text/plain parts marked <c>hp-legacy-display="1"</c>, or the first part of a legacy-v1 multipart/mixed
    /// that only repeats the header (Enigmail's text/rfc822-headers, Thunderbird's marked text/plain).</summary>
    private static void RemoveLegacyDisplay(MimeEntity payload, HeaderProtectionForm form)
    {
        if (form == HeaderProtectionForm.LegacyV1)
        {
            if (payload is Multipart { Count: > 1 } mixed && mixed.ContentType.IsMimeType("multipart", "mixed")
                && mixed[0].ContentType is { } first   // MimeKit parses text/rfc822-headers as a message part
                && (first.IsMimeType("text", "rfc822-headers") || (first.IsMimeType("text", "plain") && first.Parameters.Contains(LegacyParameter))))
            {
                mixed.RemoveAt(0);
            }
            return;
        }
        foreach (var part in MainTextParts(payload))
        {
            if (!part.ContentType.Parameters.TryGetValue(LegacyDisplayParameter, out string? flag) || flag?.Trim() != "1") continue;
            var text = part.GetText(out Encoding encoding);
            var stripped = WithoutHeaderBlock(text);
            if (stripped is null) continue;
            part.SetText(encoding, stripped);
            part.ContentType.Parameters.Remove(LegacyDisplayParameter);
        }
    }

    /// <summary>The text after a leading block of <c>Name: value</c> lines and the blank line ending it; null when the
    /// text does not start with such a block (then nothing is removed).</summary>
    internal static string? WithoutHeaderBlock(string text)
    {
        int position = 0;
        bool any = false;
        while (position < text.Length)
        {
            int end = text.IndexOf('\n', position);
            if (end < 0) return null;
            var line = text[position..end].TrimEnd('\r');
            position = end + 1;
            if (line.Length == 0) return any ? text[position..] : null;
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            bool continuation = any && line[0] is ' ' or '\t';
            if (!continuation && (colon <= 0 || line[..colon].Any(c => c is ' ' or '\t'))) return null;
            any = true;
        }
        return null;
    }

    /// <summary>The text/plain parts a reader shows as the body (RFC 9787 Main Body Parts): the first child of each
    /// multipart, every child of a multipart/alternative, never attachments or attached messages.</summary>
    private static IEnumerable<TextPart> MainTextParts(MimeEntity entity)
    {
        switch (entity)
        {
            case TextPart text when text.IsPlain && !text.IsAttachment:
                yield return text;
                break;
            case Multipart multipart when multipart.ContentType.IsMimeType("multipart", "alternative"):
                foreach (var child in multipart)
                {
                    foreach (var part in MainTextParts(child)) yield return part;
                }
                break;
            case Multipart { Count: > 0 } multipart:
                foreach (var part in MainTextParts(multipart[0])) yield return part;
                break;
        }
    }

    // ---- helpers ----

    private static bool IsStructural(string name) =>
        name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) || Is(name, "MIME-Version") || Is(name, HpOuter);

    private static string? Join(IEnumerable<Header> headers, string name)
    {
        var values = headers.Where(h => Is(h.Field, name)).Select(h => Unfold(h.Value)).ToList();
        return values.Count == 0 ? null : string.Join(", ", values);
    }

    private static bool SameValue(string? a, string? b) =>
        a is null || b is null ? a is null && b is null : string.Equals(Collapse(a), Collapse(b), StringComparison.Ordinal);

    private static string Collapse(string value) => string.Join(' ', value.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    private static string Unfold(string value) => value.Replace("\r", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Trim();

    private static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static bool IsAscii(string s) => s.All(c => c < 0x80);

    private static void RemoveAll(HeaderList headers, string name)
    {
        while (headers.Remove(name))
        {
        }
    }
}
