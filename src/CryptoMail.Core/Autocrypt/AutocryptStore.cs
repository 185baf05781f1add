using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CryptoMail.Core.Autocrypt;

/// <summary>Autocrypt peer state kept in a directory, one JSON file per peer, that survives restarts and is safe
/// for concurrent updates from several threads or processes.</summary>
/// <remarks>
/// Each update takes an exclusive lock on the peer's <c>.lock</c> file (an OS file lock, released when the holder
/// exits), reads the current state, applies the change, writes a temporary file and renames it over the old one,
/// so readers never see a half-written file and no update is lost. Reads take no lock. File names are the SHA-256
/// of the canonical address, so addresses never become paths.
/// </remarks>
public sealed class AutocryptStore : IAutocryptPeerStore
{
    private readonly TimeSpan lockTimeout;

    /// <summary>Opens (and creates, if missing) a store.</summary>
    /// <param name="directory">The directory that holds the peer files.</param>
    /// <param name="lockTimeout">How long an update waits for another writer of the same peer; default 10 seconds.</param>
    public AutocryptStore(string directory, TimeSpan? lockTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = System.IO.Directory.CreateDirectory(directory).FullName;
        this.lockTimeout = lockTimeout ?? TimeSpan.FromSeconds(10);
    }

    /// <summary>The store's directory.</summary>
    public string Directory { get; }

    /// <summary>The state of one peer.</summary>
    /// <param name="address">The peer's address.</param>
    /// <returns>The state, or null when nothing is known about the peer.</returns>
    /// <exception cref="MalformedDataException">The peer's file is damaged.</exception>
    public AutocryptPeer? Get(string address) => AsyncMode.Complete(GetCore(Canonical(address), sync: true, CancellationToken.None));

    /// <summary>The state of one peer; the asynchronous form of <see cref="Get"/>.</summary>
    /// <param name="address">The peer's address.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state, or null when nothing is known about the peer.</returns>
    public Task<AutocryptPeer?> GetAsync(string address, CancellationToken cancellationToken = default) =>
        GetCore(Canonical(address), sync: false, cancellationToken).AsTask();

    /// <summary>Atomically changes one peer's state: <paramref name="change"/> gets the current state (a fresh one
    /// when the peer is new) under the peer's lock, and what it returns is stored.</summary>
    /// <param name="address">The peer's address.</param>
    /// <param name="change">Computes the new state; it may run while other processes wait, so keep it short.</param>
    /// <returns>The stored state.</returns>
    /// <exception cref="TimeoutException">Another writer held the peer's lock longer than the lock timeout.</exception>
    public AutocryptPeer Update(string address, Func<AutocryptPeer, AutocryptPeer> change) =>
        AsyncMode.Complete(UpdateCore(Canonical(address), change, sync: true, CancellationToken.None));

    /// <summary>Atomically changes one peer's state; the asynchronous form of <see cref="Update"/>.</summary>
    /// <param name="address">The peer's address.</param>
    /// <param name="change">Computes the new state.</param>
    /// <param name="cancellationToken">Cancels waiting for the lock and the write.</param>
    /// <returns>The stored state.</returns>
    public Task<AutocryptPeer> UpdateAsync(string address, Func<AutocryptPeer, AutocryptPeer> change, CancellationToken cancellationToken = default) =>
        UpdateCore(Canonical(address), change, sync: false, cancellationToken).AsTask();

    AutocryptPeer? IAutocryptPeerStore.FindPeer(string address) => Get(address);

    Task<AutocryptPeer?> IAutocryptPeerStore.FindPeerAsync(string address, CancellationToken cancellationToken) => GetAsync(address, cancellationToken);

    AutocryptPeer IAutocryptPeerStore.UpdatePeer(string address, Func<AutocryptPeer, AutocryptPeer> change) => Update(address, change);

    Task<AutocryptPeer> IAutocryptPeerStore.UpdatePeerAsync(string address, Func<AutocryptPeer, AutocryptPeer> change, CancellationToken cancellationToken) =>
        UpdateAsync(address, change, cancellationToken);

    /// <summary>Records a message from <paramref name="fromAddress"/> (see <see cref="AutocryptPeer.WithMessage"/>).</summary>
    /// <param name="fromAddress">The message's From address.</param>
    /// <param name="effectiveDate">The message's effective date (<see cref="AutocryptPeer.EffectiveDate"/>).</param>
    /// <param name="header">The message's single valid Autocrypt header, or null.</param>
    /// <returns>The peer's new state.</returns>
    public AutocryptPeer RecordMessage(string fromAddress, DateTimeOffset effectiveDate, AutocryptHeader? header) =>
        AutocryptPeerStores.RecordMessage(this, fromAddress, effectiveDate, header);

    /// <summary>Records a message; the asynchronous form of <see cref="RecordMessage"/>.</summary>
    /// <param name="fromAddress">The message's From address.</param>
    /// <param name="effectiveDate">The message's effective date.</param>
    /// <param name="header">The message's single valid Autocrypt header, or null.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The peer's new state.</returns>
    public Task<AutocryptPeer> RecordMessageAsync(string fromAddress, DateTimeOffset effectiveDate, AutocryptHeader? header, CancellationToken cancellationToken = default) =>
        AutocryptPeerStores.RecordMessageAsync(this, fromAddress, effectiveDate, header, cancellationToken);

    /// <summary>Records gossip about a recipient of an encrypted message (see <see cref="AutocryptPeer.WithGossip"/>).</summary>
    /// <param name="gossip">The gossip header; its address names the peer.</param>
    /// <param name="effectiveDate">The message's effective date.</param>
    /// <returns>The peer's new state.</returns>
    public AutocryptPeer RecordGossip(AutocryptHeader gossip, DateTimeOffset effectiveDate) =>
        AutocryptPeerStores.RecordGossip(this, gossip, effectiveDate);

    /// <summary>Records gossip; the asynchronous form of <see cref="RecordGossip"/>.</summary>
    /// <param name="gossip">The gossip header.</param>
    /// <param name="effectiveDate">The message's effective date.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The peer's new state.</returns>
    public Task<AutocryptPeer> RecordGossipAsync(AutocryptHeader gossip, DateTimeOffset effectiveDate, CancellationToken cancellationToken = default) =>
        AutocryptPeerStores.RecordGossipAsync(this, gossip, effectiveDate, cancellationToken);

    /// <summary>The recommendation for a message to <paramref name="recipients"/> from the stored state.</summary>
    /// <param name="recipients">The recipients' addresses (To and Cc; Bcc too if it is encrypted to them).</param>
    /// <param name="ownPreference">The sending account's preference.</param>
    /// <param name="replyToEncrypted">Whether the message replies to an encrypted one.</param>
    /// <param name="time">When keys must be usable; null for now.</param>
    /// <returns>The message's and each recipient's recommendation.</returns>
    public AutocryptMessageRecommendation Recommend(IEnumerable<string> recipients, AutocryptPreference ownPreference, bool replyToEncrypted, DateTimeOffset? time = null) =>
        AutocryptPeerStores.Recommend(this, recipients, ownPreference, replyToEncrypted, time);

    private static string Canonical(string address) =>
        AutocryptHeader.CanonicalAddress(address) ?? throw new ArgumentException($"'{address}' is not an e-mail address.", nameof(address));

    private string PathOf(string canonical, string extension) =>
        Path.Combine(Directory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))) + extension);

    private async ValueTask<AutocryptPeer?> GetCore(string canonical, bool sync, CancellationToken cancellationToken)
    {
        string path = PathOf(canonical, ".json");
        byte[] data;
        try
        {
            data = sync ? File.ReadAllBytes(path) : await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        var peer = Deserialize(data, path);
        return peer.Address == canonical ? peer : throw new MalformedDataException($"The Autocrypt state file {path} belongs to {peer.Address}, not {canonical}.");
    }

    private async ValueTask<AutocryptPeer> UpdateCore(string canonical, Func<AutocryptPeer, AutocryptPeer> change, bool sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        using var held = await AcquireLock(PathOf(canonical, ".lock"), sync, cancellationToken).ConfigureAwait(false);
        var current = await GetCore(canonical, sync, cancellationToken).ConfigureAwait(false);
        var next = change(current ?? new AutocryptPeer(canonical));
        if (next is null || next.Address != canonical) throw new InvalidOperationException("The change must return a state for the same address.");
        if (next == current) return next;
        // The shared store primitive: temporary file, flush to disk, rename over the old state.
        StoreFiles.WriteAtomically(PathOf(canonical, ".json"), Serialize(next), null, cancellationToken);
        return next;
    }

    /// <summary>Opens the lock file exclusively (FileShare.None is an OS file lock on every platform), retrying while
    /// another writer holds it.</summary>
    private async ValueTask<FileStream> AcquireLock(string path, bool sync, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + lockTimeout;
        int wait = 1;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(path))
            {
                if (sync) Thread.Sleep(wait);
                else await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                wait = Math.Min(wait * 2, 50);
            }
            catch (IOException e) when (File.Exists(path))
            {
                throw new TimeoutException($"Another writer held {path} for more than {lockTimeout.TotalSeconds:0.#} s.", e);
            }
        }
    }

    private static byte[] Serialize(AutocryptPeer peer)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("addr", peer.Address);
            WriteTime(json, "last_seen", peer.LastSeen);
            WriteTime(json, "autocrypt_timestamp", peer.AutocryptTimestamp);
            WriteKey(json, "public_key", peer.PublicKey);
            json.WriteString("prefer_encrypt", peer.PreferEncrypt == AutocryptPreference.Mutual ? "mutual" : "nopreference");
            WriteTime(json, "gossip_timestamp", peer.GossipTimestamp);
            WriteKey(json, "gossip_key", peer.GossipKey);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } t) json.WriteString(name, t.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture));
        else json.WriteNull(name);
    }

    private static void WriteKey(Utf8JsonWriter json, string name, Certificate? key)
    {
        if (key is not null) json.WriteBase64String(name, key.Export());
        else json.WriteNull(name);
    }

    private static AutocryptPeer Deserialize(byte[] data, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            var root = document.RootElement;
            return new AutocryptPeer(root.GetProperty("addr").GetString() ?? throw new FormatException("addr is null"))
            {
                LastSeen = ReadTime(root, "last_seen"),
                AutocryptTimestamp = ReadTime(root, "autocrypt_timestamp"),
                PublicKey = ReadKey(root, "public_key"),
                PreferEncrypt = root.GetProperty("prefer_encrypt").GetString() == "mutual" ? AutocryptPreference.Mutual : AutocryptPreference.NoPreference,
                GossipTimestamp = ReadTime(root, "gossip_timestamp"),
                GossipKey = ReadKey(root, "gossip_key"),
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException or CryptoMailException)
        {
            throw new MalformedDataException($"The Autocrypt state file {path} is damaged: {e.Message}", e);
        }
    }

    private static DateTimeOffset? ReadTime(JsonElement root, string name) =>
        root.GetProperty(name).ValueKind == JsonValueKind.Null ? null
            : DateTimeOffset.Parse(root.GetProperty(name).GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static Certificate? ReadKey(JsonElement root, string name) =>
        root.GetProperty(name).ValueKind == JsonValueKind.Null ? null : Certificate.Parse(root.GetProperty(name).GetBytesFromBase64());
}
