namespace CryptoMail.Core.Autocrypt;

/// <summary>What Autocrypt Level 1 remembers about one communication peer (<c>peers[addr]</c>), with the spec's
/// update rules. Immutable: the update methods return the new state.</summary>
public sealed record AutocryptPeer
{
    /// <summary>Creates the state of a peer nothing is known about yet.</summary>
    /// <param name="address">The peer's canonical address.</param>
    public AutocryptPeer(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Address = address;
    }

    /// <summary>The peer's canonical address.</summary>
    public string Address { get; init; }

    /// <summary><c>last_seen</c>: the newest effective date of any message processed from the peer.</summary>
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary><c>autocrypt_timestamp</c>: the newest effective date of a message from the peer with a valid <c>Autocrypt</c> header.</summary>
    public DateTimeOffset? AutocryptTimestamp { get; init; }

    /// <summary><c>public_key</c>: the key from the youngest valid <c>Autocrypt</c> header.</summary>
    public Certificate? PublicKey { get; init; }

    /// <summary><c>prefer_encrypt</c>: the preference from the youngest valid <c>Autocrypt</c> header.</summary>
    public AutocryptPreference PreferEncrypt { get; init; }

    /// <summary><c>gossip_timestamp</c>: the newest effective date of a message with valid gossip about the peer.</summary>
    public DateTimeOffset? GossipTimestamp { get; init; }

    /// <summary><c>gossip_key</c>: the key from the most recent valid <c>Autocrypt-Gossip</c> header about the peer.</summary>
    public Certificate? GossipKey { get; init; }

    /// <summary>The effective date of a message: its Date header, or the time of receipt when the date is missing or
    /// in the future (Level 1, "Updating Autocrypt Peer State").</summary>
    /// <param name="dateHeader">The Date header, if any.</param>
    /// <param name="receivedAt">When the message was received (or is processed).</param>
    /// <returns>The effective date.</returns>
    public static DateTimeOffset EffectiveDate(DateTimeOffset? dateHeader, DateTimeOffset receivedAt) =>
        dateHeader is { } date && date <= receivedAt ? date : receivedAt;

    /// <summary>Applies a message from the peer (Level 1 update steps 1-6): <c>last_seen</c> moves forward, and a
    /// valid header not older than the last one replaces key and preference.</summary>
    /// <param name="effectiveDate">The message's effective date (<see cref="EffectiveDate"/>).</param>
    /// <param name="header">The message's single valid <c>Autocrypt</c> header for this peer, or null when it has none.</param>
    /// <returns>The new state (this one when nothing changes).</returns>
    /// <exception cref="ArgumentException">The header is for another address.</exception>
    public AutocryptPeer WithMessage(DateTimeOffset effectiveDate, AutocryptHeader? header)
    {
        if (header is not null && header.Address != Address)
            throw new ArgumentException($"The header is for {header.Address}, not {Address}.", nameof(header));
        if (AutocryptTimestamp is { } newest && effectiveDate < newest) return this;
        var next = LastSeen is null || effectiveDate > LastSeen ? this with { LastSeen = effectiveDate } : this;
        if (header is null) return next;
        return next with { AutocryptTimestamp = effectiveDate, PublicKey = header.Certificate, PreferEncrypt = header.PreferEncrypt };
    }

    /// <summary>Applies an <c>Autocrypt-Gossip</c> header about the peer found in an encrypted message (Level 1,
    /// "Updating Autocrypt Peer State from Key Gossip", steps 2-4; the caller has checked step 1, that the address
    /// is a recipient of that message).</summary>
    /// <param name="effectiveDate">The message's effective date.</param>
    /// <param name="gossip">The gossip header.</param>
    /// <returns>The new state (this one when older gossip is already known).</returns>
    /// <exception cref="ArgumentException">The header is for another address.</exception>
    public AutocryptPeer WithGossip(DateTimeOffset effectiveDate, AutocryptHeader gossip)
    {
        ArgumentNullException.ThrowIfNull(gossip);
        if (gossip.Address != Address) throw new ArgumentException($"The gossip is about {gossip.Address}, not {Address}.", nameof(gossip));
        if (GossipTimestamp is { } newest && newest > effectiveDate) return this;
        return this with { GossipTimestamp = effectiveDate, GossipKey = gossip.Certificate };
    }
}

/// <summary>The Autocrypt Level 1 <c>ui-recommendation</c>.</summary>
public enum AutocryptRecommendation
{
    /// <summary>Encryption is not possible: hide or disable the choice.</summary>
    Disable,
    /// <summary>Possible, but the recipient may not read it: off by default, warn when chosen.</summary>
    Discourage,
    /// <summary>Possible: offer it, off by default.</summary>
    Available,
    /// <summary>Encrypt by default.</summary>
    Encrypt,
}

/// <summary>The recommendation for one recipient and the key to encrypt to (<c>target-keys[addr]</c>).</summary>
public sealed record AutocryptRecipientRecommendation
{
    internal AutocryptRecipientRecommendation(string address, AutocryptRecommendation recommendation, Certificate? targetKey)
    {
        Address = address;
        Recommendation = recommendation;
        TargetKey = targetKey;
    }

    /// <summary>The recipient's canonical address.</summary>
    public string Address { get; init; }

    /// <summary>The final recommendation for this recipient.</summary>
    public AutocryptRecommendation Recommendation { get; init; }

    /// <summary>The key to use, or null when the recommendation is <see cref="AutocryptRecommendation.Disable"/>.</summary>
    public Certificate? TargetKey { get; init; }
}

/// <summary>The recommendation for a whole message and each recipient's part in it.</summary>
public sealed record AutocryptMessageRecommendation
{
    internal AutocryptMessageRecommendation(AutocryptRecommendation recommendation, IReadOnlyList<AutocryptRecipientRecommendation> recipients)
    {
        Recommendation = recommendation;
        Recipients = recipients;
    }

    /// <summary>The aggregate recommendation.</summary>
    public AutocryptRecommendation Recommendation { get; init; }

    /// <summary>Each recipient's recommendation and target key.</summary>
    public IReadOnlyList<AutocryptRecipientRecommendation> Recipients { get; init; }
}

/// <summary>The Autocrypt Level 1 recommendation algorithm ("Provide a recommendation for message encryption").</summary>
public static class AutocryptRecommender
{
    /// <summary>How much older than <c>last_seen</c> the Autocrypt header may be before encryption is discouraged.</summary>
    public static readonly TimeSpan StalenessLimit = TimeSpan.FromDays(35);

    /// <summary>The recommendation for one recipient.</summary>
    /// <param name="address">The recipient's address.</param>
    /// <param name="peer">What is known about the recipient, or null when nothing is.</param>
    /// <param name="ownPreference">The sending account's <c>prefer_encrypt</c>.</param>
    /// <param name="replyToEncrypted">Whether the message replies to an encrypted message.</param>
    /// <param name="time">When keys must be usable (revoked and expired keys count as absent); null for now.</param>
    /// <returns>The recommendation and target key.</returns>
    public static AutocryptRecipientRecommendation Recommend(string address, AutocryptPeer? peer, AutocryptPreference ownPreference, bool replyToEncrypted, DateTimeOffset? time = null)
    {
        string canonical = AutocryptHeader.CanonicalAddress(address) ?? throw new ArgumentException($"'{address}' is not an e-mail address.", nameof(address));
        DateTimeOffset now = time ?? DateTimeOffset.UtcNow;
        Certificate? publicKey = Usable(peer?.PublicKey, now);
        Certificate? gossipKey = Usable(peer?.GossipKey, now);
        if (peer is null || (publicKey is null && gossipKey is null))
            return new AutocryptRecipientRecommendation(canonical, AutocryptRecommendation.Disable, null);

        Certificate target;
        AutocryptRecommendation preliminary;
        if (publicKey is null)
        {
            target = gossipKey!;
            preliminary = AutocryptRecommendation.Discourage;
        }
        else
        {
            target = publicKey;
            bool stale = peer.AutocryptTimestamp is { } stamp && peer.LastSeen is { } seen && seen - stamp > StalenessLimit;
            preliminary = stale ? AutocryptRecommendation.Discourage : AutocryptRecommendation.Available;
        }

        var final = preliminary;
        if (replyToEncrypted) final = AutocryptRecommendation.Encrypt;
        else if (preliminary == AutocryptRecommendation.Available && peer.PreferEncrypt == AutocryptPreference.Mutual && ownPreference == AutocryptPreference.Mutual)
            final = AutocryptRecommendation.Encrypt;
        return new AutocryptRecipientRecommendation(canonical, final, target);
    }

    /// <summary>Combines per-recipient recommendations: any <c>disable</c> disables; all <c>encrypt</c> encrypts;
    /// any <c>discourage</c> discourages; otherwise <c>available</c>.</summary>
    /// <param name="recipients">Each recipient's recommendation.</param>
    /// <returns>The message's recommendation.</returns>
    /// <exception cref="ArgumentException">There are no recipients.</exception>
    public static AutocryptMessageRecommendation Combine(IEnumerable<AutocryptRecipientRecommendation> recipients)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        var list = recipients.ToList();
        if (list.Count == 0) throw new ArgumentException("A message needs at least one recipient.", nameof(recipients));
        Check.NoNulls(list, nameof(recipients));
        var result = list.Any(r => r.Recommendation == AutocryptRecommendation.Disable) ? AutocryptRecommendation.Disable
            : list.All(r => r.Recommendation == AutocryptRecommendation.Encrypt) ? AutocryptRecommendation.Encrypt
            : list.Any(r => r.Recommendation == AutocryptRecommendation.Discourage) ? AutocryptRecommendation.Discourage
            : AutocryptRecommendation.Available;
        return new AutocryptMessageRecommendation(result, list);
    }

    private static Certificate? Usable(Certificate? key, DateTimeOffset time) =>
        key is not null && !key.PrimaryKey.IsRevokedAt(time) && key.EncryptionKeys(time).Count > 0 ? key : null;
}
