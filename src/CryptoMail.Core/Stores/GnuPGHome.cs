using System.Buffers.Binary;

namespace CryptoMail.Core.Stores;

/// <summary>Reads the certificates of a GnuPG home directory directly, without running gpg: the keybox
/// <c>pubring.kbx</c> that GnuPG 2.1 and later write, or else the legacy keyring <c>pubring.gpg</c>.</summary>
/// <remarks>
/// <para>Read-only: GnuPG owns these files. The file is read again whenever it changed (by size and time), so
/// the lookups see what gpg imported in the meantime.</para>
/// <para>Ephemeral keybox entries (keys gpg fetched only to check a signature, which <c>gpg --list-keys</c> does
/// not show) are left out. A key block that does not parse (for example a PGP 2 key, or a v5 key of GnuPG 2.3+)
/// is skipped and counted in <see cref="SkippedKeyBlocks"/>; a keybox whose structure is broken throws
/// <see cref="MalformedDataException"/>.</para>
/// <para>Secret keys live in the agent's <c>private-keys-v1.d</c>, in a format of GnuPG's own: take them with
/// <c>gpg --export-secret-keys</c> and <see cref="SecretKey.ParseAll(ReadOnlySpan{byte})"/>.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class GnuPGHome : ICertificateLookup
{
    private readonly object gate = new();
    private readonly IndexQueries<Certificate> queries;
    private (string Tag, KeyIndex<Certificate> Index, int Skipped)? loaded;

    /// <summary>Opens a GnuPG home directory.</summary>
    /// <param name="directory">The directory; null for the default (<see cref="DefaultDirectory()"/>).</param>
    public GnuPGHome(string? directory = null)
    {
        Directory = Path.GetFullPath(directory ?? DefaultDirectory());
        queries = new IndexQueries<Certificate>((query, cancellationToken) => query(Load(cancellationToken)));
    }

    /// <summary>The home directory.</summary>
    public string Directory { get; }

    /// <summary>The key ring this home uses: <c>pubring.kbx</c> when it exists, else <c>pubring.gpg</c> (as gpg
    /// itself chooses), or null when neither exists.</summary>
    public string? KeyRingPath
    {
        get
        {
            var kbx = Path.Combine(Directory, "pubring.kbx");
            if (File.Exists(kbx)) return kbx;
            var gpg = Path.Combine(Directory, "pubring.gpg");
            return File.Exists(gpg) ? gpg : null;
        }
    }

    /// <summary>How many key blocks of the last read could not be parsed and were skipped.</summary>
    public int SkippedKeyBlocks
    {
        get
        {
            lock (gate) return loaded?.Skipped ?? 0;
        }
    }

    /// <summary>The default GnuPG home: <c>$GNUPGHOME</c> when set, else <c>~/.gnupg</c> (on Windows
    /// <c>%APPDATA%\gnupg</c>).</summary>
    /// <returns>The path.</returns>
    public static string DefaultDirectory()
    {
        if (Environment.GetEnvironmentVariable("GNUPGHOME") is { Length: > 0 } home) return home;
        if (OperatingSystem.IsWindows()) return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "gnupg");
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".gnupg");
    }

    /// <inheritdoc />
    public Certificate? GetCertificate(string fingerprint) => queries.Get(fingerprint, nameof(fingerprint));

    /// <inheritdoc />
    public Task<Certificate?> GetCertificateAsync(string fingerprint, CancellationToken cancellationToken = default) =>
        queries.GetAsync(fingerprint, nameof(fingerprint), cancellationToken);

    /// <inheritdoc />
    public IReadOnlyList<Certificate> FindCertificatesByKey(string keyIdOrFingerprint) => queries.ByKey(keyIdOrFingerprint, nameof(keyIdOrFingerprint));

    /// <inheritdoc />
    public Task<IReadOnlyList<Certificate>> FindCertificatesByKeyAsync(string keyIdOrFingerprint, CancellationToken cancellationToken = default) =>
        queries.ByKeyAsync(keyIdOrFingerprint, nameof(keyIdOrFingerprint), cancellationToken);

    /// <inheritdoc />
    public IReadOnlyList<Certificate> FindCertificatesByEmail(string address) => queries.ByEmail(address, nameof(address));

    /// <inheritdoc />
    public Task<IReadOnlyList<Certificate>> FindCertificatesByEmailAsync(string address, CancellationToken cancellationToken = default) =>
        queries.ByEmailAsync(address, nameof(address), cancellationToken);

    /// <inheritdoc />
    public IReadOnlyList<Certificate> GetAllCertificates() => queries.All();

    /// <inheritdoc />
    public Task<IReadOnlyList<Certificate>> GetAllCertificatesAsync(CancellationToken cancellationToken = default) => queries.AllAsync(cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<Certificate> EnumerateCertificatesAsync(CancellationToken cancellationToken = default) => queries.EnumerateAsync(cancellationToken);

    /// <summary>Reads every certificate of a GnuPG keybox file (<c>pubring.kbx</c>).</summary>
    /// <param name="keybox">The file's content.</param>
    /// <returns>The certificates in file order; unparsable key blocks and ephemeral entries are left out.</returns>
    /// <exception cref="MalformedDataException">The data is not a keybox, or its structure is broken.</exception>
    public static IReadOnlyList<Certificate> ReadKeybox(ReadOnlySpan<byte> keybox) => ParseKeyBlocks(keybox, Keybox.OpenPgpKeyBlocks(keybox), out _);

    /// <summary>Parses each key block on its own (of a keybox, or of a legacy keyring, which is a plain sequence of
    /// key blocks), so one bad key does not hide the rest.</summary>
    private static List<Certificate> ParseKeyBlocks(ReadOnlySpan<byte> file, List<(int Offset, int Length)> blocks, out int skipped)
    {
        var result = new List<Certificate>();
        skipped = 0;
        foreach (var (offset, length) in blocks)
        {
            if (!TryParse(file.Slice(offset, length), result)) skipped++;
        }
        return result;
    }

    /// <summary>Parses one key block without GnuPG's trust packets (tag 12): they are local to this keyring and
    /// must not travel on with the certificate when it is exported or stored elsewhere.</summary>
    private static bool TryParse(ReadOnlySpan<byte> keyBlock, List<Certificate> into)
    {
        try
        {
            into.AddRange(Certificate.ParseAll(Keybox.WithoutTrustPackets(keyBlock)));
            return true;
        }
        catch (Exception e) when (e is MalformedDataException or LimitExceededException)
        {
            return false;
        }
    }

    private KeyIndex<Certificate> Load(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var path = KeyRingPath;
        var tag = path is null ? "none" : path + "|" + StoreFiles.Tag(path);
        lock (gate)
        {
            if (loaded is { } current && current.Tag == tag) return current.Index;
        }
        var data = path is null ? null : StoreFiles.ReadIfExists(path);
        int skipped = 0;
        List<Certificate> certificates;
        if (data is null) certificates = new List<Certificate>();
        else if (path!.EndsWith(".kbx", StringComparison.Ordinal)) certificates = ParseKeyBlocks(data, Keybox.OpenPgpKeyBlocks(data), out skipped);
        else certificates = ParseKeyBlocks(data, Keybox.KeyBlocksOfKeyRing(data), out skipped);
        var index = new KeyIndex<Certificate>(c => c);
        // gpg keeps one block per primary key; should two copies appear, they are merged rather than one dropped.
        foreach (var c in certificates) index.Set(index.Get(c.Fingerprint) is { } other ? other.Merge(c) : c);
        lock (gate)
        {
            loaded = (tag, index, skipped);
        }
        return index;
    }
}

/// <summary>The GnuPG keybox format (<c>pubring.kbx</c>, GnuPG's <c>kbx/keybox-blob.c</c> describes it): a sequence
/// of blobs, each starting with its total length (4 bytes, big-endian), its type (1 byte: 1 = the header blob,
/// 2 = OpenPGP, 3 = X.509) and a version byte. The header blob carries the magic <c>KBXf</c> at offset 8. An
/// OpenPGP blob holds, after 2 bytes of flags (bit 1 = ephemeral), the offset (from the blob's start) and length of
/// the key block, 4 bytes each, then key and user ID tables (only an index) and a checksum.</summary>
internal static class Keybox
{
    private const int HeaderBlob = 1;
    private const int OpenPgpBlob = 2;
    private const int EphemeralFlag = 0x02;

    /// <summary>Where each non-ephemeral OpenPGP key block is, as absolute offsets into the file.</summary>
    public static List<(int Offset, int Length)> OpenPgpKeyBlocks(ReadOnlySpan<byte> file)
    {
        var blocks = new List<(int, int)>();
        if (file.Length == 0) return blocks;
        int position = 0;
        bool first = true;
        while (position < file.Length)
        {
            if (file.Length - position < 6) throw Broken($"a blob at offset {position} is truncated");
            uint blobLength = BinaryPrimitives.ReadUInt32BigEndian(file[position..]);
            if (blobLength < 6 || blobLength > file.Length - position)
                throw Broken($"the blob at offset {position} claims {blobLength} bytes, but {file.Length - position} remain");
            var blob = file.Slice(position, (int)blobLength);
            int type = blob[4];
            if (first)
            {
                if (type != HeaderBlob || blob.Length < 12 || !blob.Slice(8, 4).SequenceEqual("KBXf"u8))
                    throw Broken("it does not start with a keybox header blob (magic KBXf)");
                first = false;
            }
            else if (type == OpenPgpBlob)
            {
                if (blob.Length < 16) throw Broken($"the OpenPGP blob at offset {position} is too short");
                int flags = BinaryPrimitives.ReadUInt16BigEndian(blob[6..]);
                uint keyBlockOffset = BinaryPrimitives.ReadUInt32BigEndian(blob[8..]);
                uint keyBlockLength = BinaryPrimitives.ReadUInt32BigEndian(blob[12..]);
                if (keyBlockOffset < 16 || keyBlockOffset > blob.Length || keyBlockLength > blob.Length - keyBlockOffset)
                    throw Broken($"the OpenPGP blob at offset {position} points outside itself");
                if ((flags & EphemeralFlag) == 0) blocks.Add((position + (int)keyBlockOffset, (int)keyBlockLength));
            }
            // Empty (0), X.509 (3) and unknown blobs are skipped by their length, as gpg does.
            position += (int)blobLength;
        }
        return blocks;
    }

    /// <summary>The packets of a key block without trust packets (tag 12).</summary>
    public static byte[] WithoutTrustPackets(ReadOnlySpan<byte> keyBlock)
    {
        using var kept = new MemoryStream(keyBlock.Length);
        int position = 0;
        while (position < keyBlock.Length)
        {
            var (tag, total) = PacketAt(keyBlock[position..]);
            if (tag != PacketTag.Trust) kept.Write(keyBlock.Slice(position, total));
            position += total;
        }
        return kept.ToArray();
    }

    /// <summary>Splits a legacy keyring (a packet sequence) into key blocks: each starts at a public or secret key
    /// packet (tags 6 and 5).</summary>
    public static List<(int Offset, int Length)> KeyBlocksOfKeyRing(ReadOnlySpan<byte> data)
    {
        var starts = new List<int>();
        int position = 0;
        while (position < data.Length)
        {
            var (tag, total) = PacketAt(data[position..]);
            if (tag is PacketTag.SecretKey or PacketTag.PublicKey) starts.Add(position);
            position += total;
        }
        var blocks = new List<(int, int)>();
        for (int i = 0; i < starts.Count; i++)
        {
            int end = i + 1 < starts.Count ? starts[i + 1] : data.Length;
            blocks.Add((starts[i], end - starts[i]));
        }
        return blocks;
    }

    /// <summary>The tag and total length of the packet at the start of <paramref name="data"/> (definite lengths
    /// only, which is all a key block holds).</summary>
    private static (PacketTag Tag, int Total) PacketAt(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2 || (data[0] & 0x80) == 0) throw new MalformedDataException("The key ring holds something that is not an OpenPGP packet.");
        var header = PacketReader.ParseHeader(data);
        if (header.LengthKind != PacketLengthKind.Definite)
            throw new MalformedDataException("The key ring holds a packet with a partial or indeterminate length.");
        if (header.Length > data.Length - header.Size) throw new MalformedDataException("The key ring ends inside a packet.");
        return (header.Tag, header.Size + (int)header.Length);
    }

    private static MalformedDataException Broken(string what) => new($"Not a readable GnuPG keybox: {what}.");
}
