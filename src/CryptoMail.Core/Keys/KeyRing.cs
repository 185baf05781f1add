
namespace CryptoMail.Core.Keys;

/// <summary>A user ID or user attribute packet and the signatures over it.</summary>
internal sealed record UserIdComponent(byte[] Data, bool IsAttribute, IReadOnlyList<SignaturePacket> Signatures);

/// <summary>A subkey (public, with secret material when the ring is secret) and its binding and revocation signatures.</summary>
internal sealed record SubkeyComponent(KeyPacket Key, SecretKeyPacket? Secret, IReadOnlyList<SignaturePacket> Signatures);

/// <summary>A transferable public or secret key (RFC 9580 sections 10.1 and 10.2), v4 or v6, as our own immutable
/// model: the primary key, its direct signatures, user IDs and attributes, and subkeys, each with its signatures in
/// the order read. Export writes the packets back as they came (new-format headers).</summary>
internal sealed class KeyRing
{
    public KeyRing(KeyPacket primary, SecretKeyPacket? primarySecret, IReadOnlyList<SignaturePacket> direct,
        IReadOnlyList<UserIdComponent> userIds, IReadOnlyList<SubkeyComponent> subkeys)
    {
        Primary = primary;
        PrimarySecret = primarySecret;
        Direct = direct;
        UserIds = userIds;
        Subkeys = subkeys;
    }

    public KeyPacket Primary { get; }
    public SecretKeyPacket? PrimarySecret { get; }
    public IReadOnlyList<SignaturePacket> Direct { get; }
    public IReadOnlyList<UserIdComponent> UserIds { get; }
    public IReadOnlyList<SubkeyComponent> Subkeys { get; }

    public bool HasSecret => PrimarySecret is not null || Subkeys.Any(s => s.Secret is not null);

    /// <summary>Every secret key packet, primary first.</summary>
    public IEnumerable<SecretKeyPacket> Secrets =>
        (PrimarySecret is null ? Enumerable.Empty<SecretKeyPacket>() : new[] { PrimarySecret })
            .Concat(Subkeys.Where(s => s.Secret is not null).Select(s => s.Secret!));

    public IEnumerable<KeyPacket> AllKeys => Subkeys.Select(s => s.Key).Prepend(Primary);

    public SecretKeyPacket? SecretFor(long keyId) => Secrets.FirstOrDefault(s => s.Public.KeyId == keyId);

    public KeyRing PublicOnly() => new(Primary, null, Direct, UserIds, Subkeys.Select(s => s with { Secret = null }).ToList());

    public KeyRing WithDirect(SignaturePacket sig) => new(Primary, PrimarySecret, Direct.Append(sig).ToList(), UserIds, Subkeys);

    public KeyRing WithUserId(UserIdComponent uid) => new(Primary, PrimarySecret, Direct, UserIds.Append(uid).ToList(), Subkeys);

    /// <summary>The same ring with each secret key packet replaced by <paramref name="map"/>'s result.</summary>
    public KeyRing MapSecrets(Func<SecretKeyPacket, SecretKeyPacket> map) =>
        new(Primary, PrimarySecret is null ? null : map(PrimarySecret), Direct, UserIds,
            Subkeys.Select(s => s.Secret is null ? s : s with { Secret = map(s.Secret) }).ToList());

    /// <summary>The packets in transferable-key order.</summary>
    public byte[] Encode(bool withSecret)
    {
        using var ms = new MemoryStream();
        if (withSecret && PrimarySecret is not null) ms.Write(PrimarySecret.Encoded());
        else PacketWriter.WritePacket(ms, PacketTag.PublicKey, Primary.Body);
        foreach (var s in Exportable(Direct)) ms.Write(s.Encoded());
        foreach (var u in UserIds)
        {
            PacketWriter.WritePacket(ms, u.IsAttribute ? PacketTag.UserAttribute : PacketTag.UserId, u.Data);
            foreach (var s in Exportable(u.Signatures)) ms.Write(s.Encoded());
        }
        foreach (var sub in Subkeys)
        {
            if (withSecret && sub.Secret is not null) ms.Write(sub.Secret.Encoded());
            else PacketWriter.WritePacket(ms, PacketTag.PublicSubkey, sub.Key.Body);
            foreach (var s in Exportable(sub.Signatures)) ms.Write(s.Encoded());
        }
        return ms.ToArray();
    }

    /// <summary>Leaves out signatures marked non-exportable (GnuPG's local signatures, RFC 9580 section 5.2.3.19),
    /// which a keybox or <c>--export-options export-local-sigs</c> may hand us.</summary>
    private static IEnumerable<SignaturePacket> Exportable(IEnumerable<SignaturePacket> signatures) =>
        signatures.Where(s => s.HashedData(SubpacketType.ExportableCertification) is not [0]);

    /// <summary>Combines two copies of the same key: every user ID, subkey and signature of both, without duplicates;
    /// secret material from whichever copy has it. This copy's packets come first, so when a flooded copy reaches
    /// <see cref="CertificateLimits"/>, what this copy held is kept.</summary>
    /// <exception cref="LimitExceededException">The merged key would carry more self-signatures than allowed.</exception>
    public KeyRing Merge(KeyRing other)
    {
        var builder = new Builder(Primary, Better(PrimarySecret, other.PrimarySecret));
        builder.AddRing(this);
        builder.AddRing(other);
        return builder.Build();
    }

    /// <summary>Secret material over a stub (GnuPG's "secret key not available" placeholder), else the first.</summary>
    private static SecretKeyPacket? Better(SecretKeyPacket? a, SecretKeyPacket? b) => a is null || (a.IsStub && b is { IsStub: false }) ? b : a;

    /// <summary>Reads every transferable key in the data (armored or binary, several blocks, several keys each).</summary>
    public static List<KeyRing> ReadAll(byte[] data, string what)
    {
        var result = new List<KeyRing>();
        foreach (var block in PgpInput.DecodeBlocks(data, what))
        {
            using var input = new MemoryStream(block, writable: false);
            Builder? current = null;
            while (PacketReader.Read(input) is var (tag, body))
            {
                var bytes = PacketReader.ReadSmallBody(body, PgpInput.MaxKeyFileBytes, "key");
                switch (tag)
                {
                    case PacketTag.SecretKey or PacketTag.PublicKey:
                        if (current is not null) result.Add(current.Build());
                        current = new Builder(tag == PacketTag.SecretKey ? SecretKeyPacket.Parse(bytes, isSubkey: false) : null, bytes);
                        break;
                    case PacketTag.SecretSubkey or PacketTag.PublicSubkey:
                        Need(current, what).AddSubkey(tag == PacketTag.SecretSubkey ? SecretKeyPacket.Parse(bytes, isSubkey: true) : null, bytes);
                        break;
                    case PacketTag.UserId or PacketTag.UserAttribute:
                        Need(current, what).AddUserId(bytes, tag == PacketTag.UserAttribute);
                        break;
                    case PacketTag.Signature:
                        Need(current, what).AddSignature(SignaturePacket.ParseLenient(bytes));
                        break;
                    case PacketTag.Marker or PacketTag.Trust or PacketTag.Padding:
                        // Marker, trust and padding packets carry nothing we keep.
                        break;
                    case PacketTag.CompressedData or PacketTag.LiteralData:
                    case var _ when PacketTags.IsEncryption(tag):
                        throw new MalformedDataException($"{what}: expected keys but found {Describe(tag)}.");
                    default:
                        // Unknown packet types are skipped (RFC 9580 section 4.3: non-critical tags 40-63 are ignorable).
                        if ((int)tag < 40) throw new MalformedDataException($"{what}: unexpected packet type {(int)tag} in a key.");
                        break;
                }
            }
            if (current is not null) result.Add(current.Build());
        }
        if (result.Count == 0) throw new MalformedDataException($"{what}: the input holds no keys.");
        return result;
    }

    private static Builder Need(Builder? b, string what) =>
        b ?? throw new MalformedDataException($"{what}: the data does not start with a key packet.");

    private static string Describe(PacketTag tag) => tag switch
    {
        _ when PacketTags.IsEncryption(tag) => "an encrypted message",
        PacketTag.OnePassSignature => "a signed message",
        PacketTag.CompressedData => "compressed data",
        PacketTag.LiteralData => "a literal data packet",
        _ => $"packet type {(int)tag}",
    };

    /// <summary>Collects one key's packets as read, in linear time: identical signatures, user IDs and subkeys are
    /// combined through hash sets, and <see cref="CertificateLimits"/> is enforced as each signature arrives.</summary>
    private sealed class Builder
    {
        private readonly KeyPacket primary;
        private readonly SecretKeyPacket? primarySecret;
        private readonly Signatures direct = new();
        private readonly List<(byte[] Data, bool Attr, Signatures Sigs)> uids = new();
        private readonly Dictionary<(bool Attr, byte[] Data), int> uidIndex = new(new UserIdComparer());
        private readonly List<SubkeyEntry> subs = new();
        private readonly Dictionary<byte[], int> subIndex = new(ContentComparer.Instance);
        private Signatures target;
        private int selfSignatures;

        public Builder(SecretKeyPacket? secret, byte[] body)
            : this(secret?.Public ?? KeyPacket.Parse(body, out _), secret)
        {
        }

        public Builder(KeyPacket primary, SecretKeyPacket? secret)
        {
            this.primary = primary;
            primarySecret = secret;
            target = direct;
        }

        public void AddSubkey(SecretKeyPacket? secret, byte[] body) => AddSubkey(secret?.Public ?? KeyPacket.Parse(body, out _), secret);

        private void AddSubkey(KeyPacket key, SecretKeyPacket? secret)
        {
            if (subIndex.TryGetValue(key.Fingerprint, out int i))
            {
                subs[i].Secret = Better(subs[i].Secret, secret);
            }
            else
            {
                i = subs.Count;
                subIndex.Add(key.Fingerprint, i);
                subs.Add(new SubkeyEntry(key, secret));
            }
            target = subs[i].Sigs;
        }

        public void AddUserId(byte[] data, bool attribute)
        {
            if (!uidIndex.TryGetValue((attribute, data), out int i))
            {
                i = uids.Count;
                uidIndex.Add((attribute, data), i);
                uids.Add((data, attribute, new Signatures()));
            }
            target = uids[i].Sigs;
        }

        public void AddSignature(SignaturePacket sig)
        {
            if (!target.Seen.Add(sig.Body)) return;
            if (KeyValidation.IssuedBy(sig, primary))
            {
                if (++target.Self > CertificateLimits.MaxSelfSignaturesPerComponent)
                    throw new LimitExceededException($"Key {Hex.Of(primary.Fingerprint)} carries more than {CertificateLimits.MaxSelfSignaturesPerComponent} self-signatures on one component.");
                if (++selfSignatures > CertificateLimits.MaxSelfSignaturesPerCertificate)
                    throw new LimitExceededException($"Key {Hex.Of(primary.Fingerprint)} carries more than {CertificateLimits.MaxSelfSignaturesPerCertificate} self-signatures.");
            }
            else
            {
                // Third-party signatures are never checked here; beyond the limit they are dropped unread.
                if (target.Other >= CertificateLimits.MaxOtherSignaturesPerComponent) return;
                target.Other++;
            }
            target.List.Add(sig);
        }

        /// <summary>Adds every component and signature of <paramref name="ring"/> (a copy of the same key).</summary>
        public void AddRing(KeyRing ring)
        {
            target = direct;
            foreach (var s in ring.Direct) AddSignature(s);
            foreach (var u in ring.UserIds)
            {
                AddUserId(u.Data, u.IsAttribute);
                foreach (var s in u.Signatures) AddSignature(s);
            }
            foreach (var sub in ring.Subkeys)
            {
                AddSubkey(sub.Key, sub.Secret);
                foreach (var s in sub.Signatures) AddSignature(s);
            }
        }

        public KeyRing Build() => new(primary, primarySecret, direct.List,
            uids.Select(u => new UserIdComponent(u.Data, u.Attr, u.Sigs.List)).ToList(),
            subs.Select(s => new SubkeyComponent(s.Key, s.Secret, s.Sigs.List)).ToList());

        private sealed class SubkeyEntry(KeyPacket key, SecretKeyPacket? secret)
        {
            public KeyPacket Key { get; } = key;
            public SecretKeyPacket? Secret { get; set; } = secret;
            public Signatures Sigs { get; } = new();
        }

        /// <summary>One component's signatures in order, the bodies seen, and how many are self-signatures.</summary>
        private sealed class Signatures
        {
            public List<SignaturePacket> List { get; } = new();
            public HashSet<byte[]> Seen { get; } = new(ContentComparer.Instance);
            public int Self { get; set; }
            public int Other { get; set; }
        }

        private sealed class UserIdComparer : IEqualityComparer<(bool Attr, byte[] Data)>
        {
            public bool Equals((bool Attr, byte[] Data) x, (bool Attr, byte[] Data) y) => x.Attr == y.Attr && ContentComparer.Instance.Equals(x.Data, y.Data);
            public int GetHashCode((bool Attr, byte[] Data) obj) => HashCode.Combine(obj.Attr, ContentComparer.Instance.GetHashCode(obj.Data));
        }
    }
}

/// <summary>Compares byte arrays by content.</summary>
internal sealed class ContentComparer : IEqualityComparer<byte[]>
{
    public static readonly ContentComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj)
    {
        var h = new HashCode();
        h.AddBytes(obj);
        return h.ToHashCode();
    }
}
