using System.Globalization;
using System.Text;

namespace CryptoMail.Core.Discovery;

/// <summary>A Web Key Directory policy file (draft-koch-openpgp-webkey-service, section 4.5): one keyword per line,
/// optionally with a value after a colon; <c>#</c> starts a comment.</summary>
public sealed record WkdPolicy
{
    /// <summary><c>mailbox-only</c>: the directory only publishes keys whose user IDs are bare addresses.</summary>
    public bool MailboxOnly { get; init; }

    /// <summary><c>dane-only</c>: the submission protocol uses only DANE to find the submission key.</summary>
    public bool DaneOnly { get; init; }

    /// <summary><c>auth-submit</c>: keys are submitted through an authenticated channel, not the mail protocol.</summary>
    public bool AuthSubmit { get; init; }

    /// <summary><c>protocol-version</c>: the Web Key Service protocol version the provider speaks, if stated.</summary>
    public int? ProtocolVersion { get; init; }

    /// <summary><c>submission-address</c>: where keys are submitted by mail, if stated.</summary>
    public string? SubmissionAddress { get; init; }

    /// <summary>Other keywords, as found (kept for callers who know them; ignored here).</summary>
    public IReadOnlyList<string> OtherLines { get; init; } = Array.Empty<string>();

    /// <summary>Parses a policy file.</summary>
    /// <param name="text">The file's text.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="MalformedDataException">A known keyword has a value it cannot have.</exception>
    public static WkdPolicy Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var policy = new WkdPolicy();
        var other = new List<string>();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            string keyword = (colon < 0 ? line : line[..colon]).Trim().ToLowerInvariant();
            string value = colon < 0 ? string.Empty : line[(colon + 1)..].Trim();
            switch (keyword)
            {
                case "mailbox-only": policy = policy with { MailboxOnly = true }; break;
                case "dane-only": policy = policy with { DaneOnly = true }; break;
                case "auth-submit": policy = policy with { AuthSubmit = true }; break;
                case "protocol-version":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int version))
                        throw new MalformedDataException($"The WKD policy's protocol-version '{value}' is not a number.");
                    policy = policy with { ProtocolVersion = version };
                    break;
                case "submission-address":
                    if (UserId.EmailOf(value) is null) throw new MalformedDataException($"The WKD policy's submission-address '{value}' is not an address.");
                    policy = policy with { SubmissionAddress = value };
                    break;
                default: other.Add(line); break;
            }
        }
        return policy with { OtherLines = other };
    }

    /// <summary>The policy as file text (LF line ends); an empty policy is an empty file.</summary>
    /// <returns>The text.</returns>
    public string ToFileText()
    {
        var sb = new StringBuilder();
        if (MailboxOnly) sb.Append("mailbox-only\n");
        if (DaneOnly) sb.Append("dane-only\n");
        if (AuthSubmit) sb.Append("auth-submit\n");
        if (ProtocolVersion is { } v) sb.Append(CultureInfo.InvariantCulture, $"protocol-version: {v}\n");
        if (SubmissionAddress is { } a) sb.Append(CultureInfo.InvariantCulture, $"submission-address: {a}\n");
        foreach (string line in OtherLines) sb.Append(line).Append('\n');
        return sb.ToString();
    }
}
