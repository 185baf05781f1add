using System.Text;
using MimeKit;

namespace CryptoMail.Core.Mime;

/// <summary>Autocrypt Level 1 on MimeKit messages: the <c>Autocrypt</c> header of outgoing mail, processing of
/// incoming mail into an <see cref="IAutocryptPeerStore"/> (such as <see cref="AutocryptStore"/>), <c>Autocrypt-Gossip</c> inside encrypted mail, and the
/// Autocrypt Setup Message.</summary>
public static class AutocryptMime
{
    /// <summary>The <c>Autocrypt</c> header name.</summary>
    public const string HeaderName = "Autocrypt";

    /// <summary>The <c>Autocrypt-Gossip</c> header name.</summary>
    public const string GossipHeaderName = "Autocrypt-Gossip";

    /// <summary>The header that marks an Autocrypt Setup Message (value <c>v1</c>).</summary>
    public const string SetupMessageHeaderName = "Autocrypt-Setup-Message";

    /// <summary>The content type of the Setup Message's payload part.</summary>
    public const string SetupContentType = "application/autocrypt-setup";

    /// <summary>Puts <paramref name="header"/> on an outgoing message as its only <c>Autocrypt</c> header, folded as
    /// Level 1 shows it.</summary>
    /// <param name="message">The outgoing message; its single From address must be the header's address.</param>
    /// <param name="header">The account's header (<see cref="AutocryptHeader.Create"/>).</param>
    /// <exception cref="ArgumentException">The From address is not the header's address.</exception>
    public static void SetHeader(MimeMessage message, AutocryptHeader header)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(header);
        if (SingleFrom(message) != header.Address)
            throw new ArgumentException($"The message's From address must be {header.Address} alone.", nameof(message));
        message.Headers.RemoveAll(HeaderName);
        message.Headers.Add(Folded(HeaderName, header));
    }

    /// <summary>The sender's single valid <c>Autocrypt</c> header, or null when there is none, when there are
    /// several, or when the message is one Level 1 says to ignore (see <see cref="IsIgnored"/>).</summary>
    /// <param name="message">An incoming message.</param>
    /// <returns>The header, or null.</returns>
    public static AutocryptHeader? GetSenderHeader(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (IsIgnored(message) || SingleFrom(message) is not { } from) return null;
        return AutocryptHeader.SelectSenderHeader(message.Headers.Where(h => h.Field.Equals(HeaderName, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value), from);
    }

    /// <summary>Whether Level 1 says not to update peer state from this message: it is marked
    /// <c>Auto-Submitted: auto-replied</c>, it is a <c>multipart/report</c>, or its From header does not hold
    /// exactly one address.</summary>
    /// <param name="message">An incoming message.</param>
    /// <returns>True when the message must not update peer state.</returns>
    public static bool IsIgnored(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        string? autoSubmitted = message.Headers[HeaderId.AutoSubmitted];
        if (autoSubmitted is not null && autoSubmitted.Trim().StartsWith("auto-replied", StringComparison.OrdinalIgnoreCase)) return true;
        if (message.Body?.ContentType.IsMimeType("multipart", "report") == true) return true;
        return SingleFrom(message) is null;
    }

    /// <summary>Updates the sender's peer state from an incoming message (Level 1 update process).</summary>
    /// <param name="store">The peer state store.</param>
    /// <param name="message">The incoming message.</param>
    /// <param name="receivedAt">When it was received; null for now. Used when the Date header is missing or in the future.</param>
    /// <returns>The sender's new state, or null when the message is ignored.</returns>
    public static AutocryptPeer? ProcessIncoming(IAutocryptPeerStore store, MimeMessage message, DateTimeOffset? receivedAt = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(message);
        if (IsIgnored(message)) return null;
        return store.RecordMessage(SingleFrom(message)!, EffectiveDate(message, receivedAt), GetSenderHeader(message));
    }

    /// <summary>Updates the sender's peer state from an incoming message; the asynchronous form of <see cref="ProcessIncoming"/>.</summary>
    /// <param name="store">The peer state store.</param>
    /// <param name="message">The incoming message.</param>
    /// <param name="receivedAt">When it was received; null for now.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The sender's new state, or null when the message is ignored.</returns>
    public static async Task<AutocryptPeer?> ProcessIncomingAsync(IAutocryptPeerStore store, MimeMessage message, DateTimeOffset? receivedAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(message);
        if (IsIgnored(message)) return null;
        return await store.RecordMessageAsync(SingleFrom(message)!, EffectiveDate(message, receivedAt), GetSenderHeader(message), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds <c>Autocrypt-Gossip</c> headers to the root MIME part of a message that is about to be
    /// encrypted (Level 1, "Key Gossip"), one per address, without a preference. Encrypt the message afterwards:
    /// gossip must never travel in the clear.</summary>
    /// <param name="message">The message before encryption; its body gets the headers.</param>
    /// <param name="gossip">One header per recipient, each for an address in To, Cc or Reply-To, carrying the key
    /// the message is encrypted to.</param>
    /// <exception cref="ArgumentException">A header is for an address that is not a recipient, or two are for one address.</exception>
    public static void AddGossipHeaders(MimeMessage message, IEnumerable<AutocryptHeader> gossip)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(gossip);
        var body = message.Body ?? throw new ArgumentException("The message has no body to carry gossip headers.", nameof(message));
        var recipients = GossipRecipients(message);
        var list = gossip.ToList();
        Check.NoNulls(list, nameof(gossip));
        if (list.Select(g => g.Address).Distinct(StringComparer.Ordinal).Count() != list.Count)
            throw new ArgumentException("Give at most one gossip header per address.", nameof(gossip));
        foreach (var header in list)
        {
            if (!recipients.Contains(header.Address))
                throw new ArgumentException($"{header.Address} is not in To, Cc or Reply-To; gossip is only for recipients.", nameof(gossip));
        }
        body.Headers.RemoveAll(GossipHeaderName);
        foreach (var header in list) body.Headers.Add(Folded(GossipHeaderName, header.ForGossip()));
    }

    /// <summary>The valid <c>Autocrypt-Gossip</c> headers of an opened message: only when the whole message was
    /// encrypted, only from the root of the decrypted payload, only for addresses in To, Cc or Reply-To, and
    /// none for an address that has more than one.</summary>
    /// <param name="opened">The result of <see cref="PgpMime.Open"/>.</param>
    /// <returns>The gossip headers; empty when there are none or the message was not fully encrypted.</returns>
    public static IReadOnlyList<AutocryptHeader> GetGossipHeaders(OpenedMessage opened)
    {
        ArgumentNullException.ThrowIfNull(opened);
        if (opened.Encryption != ProtectionCoverage.Full || opened.Message.Body is not { } body) return Array.Empty<AutocryptHeader>();
        var recipients = GossipRecipients(opened.Message);
        var valid = new List<AutocryptHeader>();
        foreach (var h in body.Headers.Where(h => h.Field.Equals(GossipHeaderName, StringComparison.OrdinalIgnoreCase)))
        {
            if (AutocryptHeader.TryParse(h.Value, out var header) && recipients.Contains(header.Address)) valid.Add(header);
        }
        return valid.GroupBy(h => h.Address, StringComparer.Ordinal).Where(g => g.Count() == 1).Select(g => g.First()).ToList();
    }

    /// <summary>Updates the gossiped peers' state from an opened, fully encrypted message.</summary>
    /// <param name="store">The peer state store.</param>
    /// <param name="opened">The result of <see cref="PgpMime.Open"/>.</param>
    /// <param name="receivedAt">When it was received; null for now.</param>
    /// <returns>The new states of the peers gossiped about.</returns>
    public static IReadOnlyList<AutocryptPeer> ProcessGossip(IAutocryptPeerStore store, OpenedMessage opened, DateTimeOffset? receivedAt = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(opened);
        var date = EffectiveDate(opened.Message, receivedAt);
        return GetGossipHeaders(opened).Select(g => store.RecordGossip(g, date)).ToList();
    }

    /// <summary>Updates the gossiped peers' state; the asynchronous form of <see cref="ProcessGossip"/>.</summary>
    /// <param name="store">The peer state store.</param>
    /// <param name="opened">The result of <see cref="PgpMime.Open"/>.</param>
    /// <param name="receivedAt">When it was received; null for now.</param>
    /// <param name="cancellationToken">Cancels the updates.</param>
    /// <returns>The new states of the peers gossiped about.</returns>
    public static async Task<IReadOnlyList<AutocryptPeer>> ProcessGossipAsync(IAutocryptPeerStore store, OpenedMessage opened, DateTimeOffset? receivedAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(opened);
        var date = EffectiveDate(opened.Message, receivedAt);
        var peers = new List<AutocryptPeer>();
        foreach (var g in GetGossipHeaders(opened)) peers.Add(await store.RecordGossipAsync(g, date, cancellationToken).ConfigureAwait(false));
        return peers;
    }

    /// <summary>Makes an Autocrypt Setup Message: a self-addressed <c>multipart/mixed</c> message with an
    /// explanation and the encrypted key as an <c>application/autocrypt-setup</c> attachment.</summary>
    /// <param name="key">The account's secret key (unlocked, or with <paramref name="passphrase"/>).</param>
    /// <param name="address">The account's address (From and To).</param>
    /// <param name="setupCode">The Setup Code (<see cref="AutocryptSetup.GenerateSetupCode"/>); show it to the user, never send it.</param>
    /// <param name="preferEncrypt">The account's preference, carried along.</param>
    /// <param name="passphrase">The key's passphrase when it is protected and locked.</param>
    /// <returns>The message, ready to send to the account itself.</returns>
    public static MimeMessage CreateSetupMessage(SecretKey key, string address, string setupCode, AutocryptPreference preferEncrypt = AutocryptPreference.NoPreference, string? passphrase = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        string account = AutocryptHeader.CanonicalAddress(address) ?? throw new ArgumentException($"'{address}' is not an e-mail address.", nameof(address));
        string payload = AutocryptSetup.CreatePayload(key, setupCode, preferEncrypt, passphrase);
        string begin = AutocryptSetup.NormalizeSetupCode(setupCode)[..2];

        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(null, account));
        message.To.Add(new MailboxAddress(null, account));
        message.Subject = "Autocrypt Setup Message";
        message.Date = DateTimeOffset.UtcNow;
        message.Headers.Add(SetupMessageHeaderName, "v1");
        var explanation = new TextPart("plain")
        {
            Text = "This message holds your end-to-end encryption setup (your secret key), protected by a Setup Code.\n\n" +
                   "To use it on another device, open this message in an Autocrypt-capable mail app there and enter the\n" +
                   $"Setup Code shown when the message was made (it begins with {begin}).\n\n" +
                   "You may keep this message as a backup of your key; keep the Setup Code somewhere safe too.\n",
        };
        var attachment = new MimePart("application", "autocrypt-setup")
        {
            Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes(payload), writable: false)),
            ContentDisposition = new ContentDisposition(ContentDisposition.Attachment) { FileName = "autocrypt-setup-message.txt" },
            ContentTransferEncoding = ContentEncoding.SevenBit,
        };
        message.Body = new Multipart("mixed") { explanation, attachment };
        return message;
    }

    /// <summary>Whether a message is an Autocrypt Setup Message (it has <c>Autocrypt-Setup-Message: v1</c>).</summary>
    /// <param name="message">A message.</param>
    /// <returns>True for a setup message.</returns>
    public static bool IsSetupMessage(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return string.Equals(message.Headers[SetupMessageHeaderName]?.Trim(), "v1", StringComparison.Ordinal);
    }

    /// <summary>Reads an Autocrypt Setup Message with the Setup Code the user entered.</summary>
    /// <param name="message">The setup message.</param>
    /// <param name="setupCode">The Setup Code.</param>
    /// <returns>The secret key and the account preference.</returns>
    /// <exception cref="MalformedDataException">The message is not a well-formed Level 1 setup message.</exception>
    /// <exception cref="NoDecryptionKeyException">The Setup Code is wrong.</exception>
    public static AutocryptSetupPayload ReadSetupMessage(MimeMessage message, string setupCode)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!IsSetupMessage(message)) throw new MalformedDataException("The message has no 'Autocrypt-Setup-Message: v1' header.");
        if (message.Body is not Multipart { } mixed || !mixed.ContentType.IsMimeType("multipart", "mixed") || mixed.Count < 2
            || mixed[1] is not MimePart { } part || !part.ContentType.IsMimeType("application", "autocrypt-setup") || part.Content is null)
        {
            throw new MalformedDataException("A setup message is multipart/mixed with an application/autocrypt-setup second part.");
        }
        using var text = new MemoryStream();
        part.Content.DecodeTo(text);
        return AutocryptSetup.ReadPayload(Encoding.UTF8.GetString(text.ToArray()), setupCode);
    }

    private static Header Folded(string name, AutocryptHeader header)
    {
        var folded = new Header(name, "-");
        folded.SetRawValue(Encoding.ASCII.GetBytes(" " + header.ToHeaderValue("\n") + "\n"));
        return folded;
    }

    private static string? SingleFrom(MimeMessage message)
    {
        var mailboxes = message.From.Mailboxes.ToList();
        return message.From.Count == 1 && mailboxes.Count == 1 ? AutocryptHeader.CanonicalAddress(mailboxes[0].Address) : null;
    }

    private static HashSet<string> GossipRecipients(MimeMessage message) =>
        message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.ReplyTo.Mailboxes)
            .Select(m => AutocryptHeader.CanonicalAddress(m.Address)).OfType<string>().ToHashSet(StringComparer.Ordinal);

    private static DateTimeOffset EffectiveDate(MimeMessage message, DateTimeOffset? receivedAt) =>
        AutocryptPeer.EffectiveDate(message.Headers.Contains(HeaderId.Date) ? message.Date : null, receivedAt ?? DateTimeOffset.UtcNow);
}
