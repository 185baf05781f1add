using CryptoMail.Core.Internal.Packets;

namespace CryptoMail.Core.Internal;

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
    /// secret material from whichever copy has it.</summary>
    public KeyRing Merge(KeyRing other)
    {
        var direct = Union(Direct, other.Direct);
        var uids = UserIds.ToList();
        foreach (var u in other.UserIds)
        {
            int i = uids.FindIndex(x => x.IsAttribute == u.IsAttribute && x.Data.AsSpan().SequenceEqual(u.Data));
            if (i < 0) uids.Add(u);
            else uids[i] = uids[i] with { Signatures = Union(uids[i].Signatures, u.Signatures) };
        }
        var subs = Subkeys.ToList();
        foreach (var s in other.Subkeys)
        {
            int i = subs.FindIndex(x => x.Key.Fingerprint.AsSpan().SequenceEqual(s.Key.Fingerprint));
            if (i < 0) subs.Add(s);
            else subs[i] = subs[i] with { Secret = Better(subs[i].Secret, s.Secret), Signatures = Union(subs[i].Signatures, s.Signatures) };
        }
        return new KeyRing(Primary, Better(PrimarySecret, other.PrimarySecret), direct, uids, subs);
    }

    /// <summary>Secret material over a stub (GnuPG's "secret key not available" placeholder), else the first.</summary>
    private static SecretKeyPacket? Better(SecretKeyPacket? a, SecretKeyPacket? b) => a is null || (a.IsStub && b is { IsStub: false }) ? b : a;

    private static List<SignaturePacket> Union(IReadOnlyList<SignaturePacket> a, IReadOnlyList<SignaturePacket> b)
    {
        var result = a.ToList();
        foreach (var s in b)
            if (!result.Any(x => x.Body.AsSpan().SequenceEqual(s.Body))) result.Add(s);
        return result;
    }

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

    private sealed class Builder
    {
        private readonly KeyPacket primary;
        private readonly SecretKeyPacket? primarySecret;
        private readonly List<SignaturePacket> direct = new();
        private readonly List<(byte[] Data, bool Attr, List<SignaturePacket> Sigs)> uids = new();
        private readonly List<(KeyPacket Key, SecretKeyPacket? Secret, List<SignaturePacket> Sigs)> subs = new();
        private List<SignaturePacket> target;

        public Builder(SecretKeyPacket? secret, byte[] body)
        {
            primarySecret = secret;
            primary = secret?.Public ?? KeyPacket.Parse(body, out _);
            target = direct;
        }

        public void AddSubkey(SecretKeyPacket? secret, byte[] body)
        {
            var key = secret?.Public ?? KeyPacket.Parse(body, out _);
            var sigs = new List<SignaturePacket>();
            subs.Add((key, secret, sigs));
            target = sigs;
        }

        public void AddUserId(byte[] data, bool attribute)
        {
            var sigs = new List<SignaturePacket>();
            uids.Add((data, attribute, sigs));
            target = sigs;
        }

        public void AddSignature(SignaturePacket sig) => target.Add(sig);

        public KeyRing Build() => new(primary, primarySecret, direct,
            uids.Select(u => new UserIdComponent(u.Data, u.Attr, u.Sigs)).ToList(),
            subs.Select(s => new SubkeyComponent(s.Key, s.Secret, s.Sigs)).ToList());
    }
}
