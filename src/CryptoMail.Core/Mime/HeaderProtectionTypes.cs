namespace CryptoMail.Core.Mime;

/// <summary>A Header Confidentiality Policy (RFC 9788 section 3.2): what an encrypted message shows in its outer,
/// unprotected header. The real values always travel inside the encryption.</summary>
public enum HeaderConfidentiality
{
    /// <summary><c>hcp_baseline</c>: the outer Subject becomes <c>[...]</c> and Comments and Keywords are removed;
    /// everything else (From, To, Cc, Date, Message-ID, threading headers) stays visible, as mail transport and
    /// threading need it.</summary>
    Baseline,

    /// <summary><c>hcp_no_confidentiality</c>: the outer header is left as it is; the protected copy still gives
    /// integrity (a reader detects a changed outer header).</summary>
    None,
}

/// <summary>Which form of header protection a received message uses.</summary>
public enum HeaderProtectionForm
{
    /// <summary>RFC 9788 <c>hp="cipher"</c> on an encrypted message: the protected headers are confidential, and
    /// <c>HP-Outer</c> fields say what the sender put in the outer header.</summary>
    Encrypted,

    /// <summary>RFC 9788 <c>hp="clear"</c> (or <c>hp="cipher"</c> on a message that is not encrypted): the protected
    /// headers are signed, not confidential.</summary>
    SignedOnly,

    /// <summary>The older <c>protected-headers="v1"</c> form written by Enigmail and Thunderbird; it carries no
    /// record of the outer header.</summary>
    LegacyV1,
}

/// <summary>How one header field's outer value relates to its protected value.</summary>
public enum ProtectedHeaderState
{
    /// <summary>The outer header shows the protected value.</summary>
    Unchanged,

    /// <summary>The outer value differs, or is absent, because the sender's confidentiality policy hid it (for
    /// example an outer Subject of <c>[...]</c>). Expected; show the protected value.</summary>
    Obscured,

    /// <summary>The outer value differs from what the sender wrote (changed in transit, added by someone else, or
    /// the protected value was forged around a different outer header). Show the protected value, and warn.</summary>
    Mismatch,
}

/// <summary>The overall verdict on a message's header protection.</summary>
public enum HeaderProtectionVerdict
{
    /// <summary>The outer header agrees with the protected one.</summary>
    Consistent,

    /// <summary>The outer header hides some values, as the sender's policy declared; nothing else differs.</summary>
    Obscured,

    /// <summary>At least one outer field disagrees with the protected header in a way the sender did not declare,
    /// e.g. the outer From differs from the protected From. A mail client should warn.</summary>
    Mismatch,
}

/// <summary>One header field of a message with header protection.</summary>
public sealed record ProtectedHeaderField
{
    internal ProtectedHeaderField(string name, string? protectedValue, string? outerValue, ProtectedHeaderState state)
    {
        Name = name;
        ProtectedValue = protectedValue;
        OuterValue = outerValue;
        State = state;
    }

    /// <summary>The field name, as in the protected header (e.g. <c>Subject</c>).</summary>
    public string Name { get; init; }

    /// <summary>The value inside the cryptographic payload; null when only the outer header has it.</summary>
    public string? ProtectedValue { get; init; }

    /// <summary>The value the outer (unprotected) header showed; null when absent there.</summary>
    public string? OuterValue { get; init; }

    /// <summary>How the two relate.</summary>
    public ProtectedHeaderState State { get; init; }
}

/// <summary>Headers carried inside the cryptographic payload (RFC 9788, or the older <c>protected-headers="v1"</c>),
/// compared with the outer header of the message as received.</summary>
public sealed record ProtectedHeaders
{
    internal ProtectedHeaders(HeaderProtectionForm form, IReadOnlyList<ProtectedHeaderField> fields)
    {
        Form = form;
        Fields = fields;
    }

    /// <summary>Which form of header protection the message uses.</summary>
    public HeaderProtectionForm Form { get; init; }

    /// <summary>Every user-facing or threading field found in either header, with its state.</summary>
    public IReadOnlyList<ProtectedHeaderField> Fields { get; init; }

    /// <summary>The protected Subject.</summary>
    public string? Subject => Get("Subject");

    /// <summary>The protected From.</summary>
    public string? From => Get("From");

    /// <summary>The protected To.</summary>
    public string? To => Get("To");

    /// <summary>The protected Cc.</summary>
    public string? Cc => Get("Cc");

    /// <summary>The protected Date.</summary>
    public string? Date => Get("Date");

    /// <summary>The fields whose outer value the sender's confidentiality policy hid.</summary>
    public IEnumerable<ProtectedHeaderField> Obscured => Fields.Where(f => f.State == ProtectedHeaderState.Obscured);

    /// <summary>The fields whose outer value disagrees with the protected header in a way the sender did not declare.</summary>
    public IEnumerable<ProtectedHeaderField> Mismatches => Fields.Where(f => f.State == ProtectedHeaderState.Mismatch);

    /// <summary>Mismatch when any field mismatches, else Obscured when any field is obscured, else Consistent.</summary>
    public HeaderProtectionVerdict Verdict =>
        Mismatches.Any() ? HeaderProtectionVerdict.Mismatch
        : Obscured.Any() ? HeaderProtectionVerdict.Obscured
        : HeaderProtectionVerdict.Consistent;

    /// <summary>The protected value of a field (case-insensitive name), or null when the payload does not carry it.</summary>
    /// <param name="name">The field name, e.g. <c>Reply-To</c>.</param>
    /// <returns>The value, or null.</returns>
    public string? Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))?.ProtectedValue;
    }
}
