namespace CryptoMail.Core.Autocrypt;

/// <summary>Where Autocrypt peer state lives: a directory (<see cref="AutocryptStore"/>), or a database a program
/// provides by implementing this interface. The Autocrypt processing (<c>AutocryptMime.ProcessIncoming</c>,
/// <c>ProcessGossip</c>, <see cref="AutocryptPeerStores.Recommend"/>) takes any implementation.</summary>
/// <remarks>
/// <para>Addresses reach the store as callers wrote them; an implementation keys its state by
/// <see cref="AutocryptHeader.CanonicalAddress"/> (and refuses, with <see cref="ArgumentException"/>, a text that
/// holds no address), so that <c>Bob@Example.org</c> and <c>bob@example.org</c> are one peer.</para>
/// <para><see cref="UpdatePeer"/> must be atomic for one address: two concurrent updates of the same peer, from threads or
/// processes, must both take effect (a row lock, or an optimistic version check that retries, in which case
/// <c>change</c> may run more than once and must not have side effects). Implementations are thread-safe.</para>
/// </remarks>
public interface IAutocryptPeerStore
{
    /// <summary>The state of one peer.</summary>
    /// <param name="address">The peer's address.</param>
    /// <returns>The state, or null when nothing is known about the peer.</returns>
    AutocryptPeer? FindPeer(string address);

    /// <summary>The state of one peer; the asynchronous form of <see cref="FindPeer"/>.</summary>
    /// <param name="address">The peer's address.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state, or null when nothing is known about the peer.</returns>
    Task<AutocryptPeer?> FindPeerAsync(string address, CancellationToken cancellationToken = default);

    /// <summary>Atomically changes one peer's state: <paramref name="change"/> gets the current state (a fresh
    /// <see cref="AutocryptPeer"/> for the canonical address when the peer is new), and what it returns is stored.</summary>
    /// <param name="address">The peer's address.</param>
    /// <param name="change">Computes the new state, for the same address.</param>
    /// <returns>The stored state.</returns>
    AutocryptPeer UpdatePeer(string address, Func<AutocryptPeer, AutocryptPeer> change);

    /// <summary>Atomically changes one peer's state; the asynchronous form of <see cref="UpdatePeer"/>.</summary>
    /// <param name="address">The peer's address.</param>
    /// <param name="change">Computes the new state, for the same address.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The stored state.</returns>
    Task<AutocryptPeer> UpdatePeerAsync(string address, Func<AutocryptPeer, AutocryptPeer> change, CancellationToken cancellationToken = default);
}

/// <summary>The Autocrypt Level 1 steps over any <see cref="IAutocryptPeerStore"/>: recording a message or gossip,
/// and the recommendation for an outgoing message. Written once here, so a database store gets them for free.</summary>
public static class AutocryptPeerStores
{
    /// <summary>Records a message from <paramref name="fromAddress"/> (see <see cref="AutocryptPeer.WithMessage"/>).</summary>
    /// <param name="store">The peer state store.</param>
    /// <param name="fromAddress">The message's From address.</param>
    /// <param name="effectiveDate">The message's effective date (<see cref="AutocryptPeer.EffectiveDate"/>).</param>
    /// <param name="header">The message's single valid Autocrypt header, or null.</param>
    /// <returns>The peer's new state.</returns>
    public static AutocryptPeer RecordMessage(this IAutocryptPeerStore store, string fromAddress, DateTimeOffset effectiveDate, AutocryptHeader? header)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.UpdatePeer(fromAddress, p => p.WithMessage(effectiveDate, header));
    }

    /// <summary>Records a message; the asynchronous form of <see cref="RecordMessage"/>.</summary>
    /// <param name="store">The peer state store.</param>
    /// <param name="fromAddress">The message's From address.</param>
    /// <param name="effectiveDate">The message's effective date.</param>
    /// <param name="header">The message's single valid Autocrypt header, or null.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The peer's new state.</returns>
    public static Task<AutocryptPeer> RecordMessageAsync(this IAutocryptPeerStore store, string fromAddress, DateTimeOffset effectiveDate, AutocryptHeader? header,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.UpdatePeerAsync(fromAddress, p => p.WithMessage(effectiveDate, header), cancellationToken);
    }

    /// <summary>Records gossip about a recipient of an encrypted message (see <see cref="AutocryptPeer.WithGossip"/>).</summary>
    /// <param name="store">The peer state store.</param>
    /// <param name="gossip">The gossip header; its address names the peer.</param>
    /// <param name="effectiveDate">The message's effective date.</param>
    /// <returns>The peer's new state.</returns>
    public static AutocryptPeer RecordGossip(this IAutocryptPeerStore store, AutocryptHeader gossip, DateTimeOffset effectiveDate)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(gossip);
        return store.UpdatePeer(gossip.Address, p => p.WithGossip(effectiveDate, gossip));
    }

    /// <summary>Records gossip; the asynchronous form of <see cref="RecordGossip"/>.</summary>
    /// <param name="store">The peer state store.</param>
    /// <param name="gossip">The gossip header.</param>
    /// <param name="effectiveDate">The message's effective date.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The peer's new state.</returns>
    public static Task<AutocryptPeer> RecordGossipAsync(this IAutocryptPeerStore store, AutocryptHeader gossip, DateTimeOffset effectiveDate,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(gossip);
        return store.UpdatePeerAsync(gossip.Address, p => p.WithGossip(effectiveDate, gossip), cancellationToken);
    }

    /// <summary>The recommendation for a message to <paramref name="recipients"/> from the stored state.</summary>
    /// <param name="store">The peer state store.</param>
    /// <param name="recipients">The recipients' addresses (To and Cc; Bcc too if it is encrypted to them).</param>
    /// <param name="ownPreference">The sending account's preference.</param>
    /// <param name="replyToEncrypted">Whether the message replies to an encrypted one.</param>
    /// <param name="time">When keys must be usable; null for now.</param>
    /// <returns>The message's and each recipient's recommendation.</returns>
    public static AutocryptMessageRecommendation Recommend(this IAutocryptPeerStore store, IEnumerable<string> recipients, AutocryptPreference ownPreference,
        bool replyToEncrypted, DateTimeOffset? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(recipients);
        return AutocryptRecommender.Combine(recipients.Select(r => AutocryptRecommender.Recommend(r, store.FindPeer(r), ownPreference, replyToEncrypted, time)).ToList());
    }
}
