using System.Buffers.Binary;
using System.Security.Cryptography;

using PacketTag = CryptoMail.Core.Types.PacketTag;

namespace CryptoMail.Core.Packets;

/// <summary>Signature subpacket types we read or write (RFC 9580 section 5.2.3.7).</summary>
internal static class SubpacketType
{
    public const int CreationTime = 2;
    public const int SignatureExpiration = 3;
    public const int ExportableCertification = 4;
    public const int Revocable = 7;
    public const int KeyExpiration = 9;
    public const int PreferredSymmetric = 11;
    public const int IssuerKeyId = 16;
    public const int NotationData = 20;
    public const int PreferredHash = 21;
    public const int PreferredCompression = 22;
    public const int KeyServerPreferences = 23;
    public const int PrimaryUserId = 25;
    public const int KeyFlags = 27;
    public const int SignersUserId = 28;
    public const int RevocationReason = 29;
    public const int Features = 30;
    public const int EmbeddedSignature = 32;
    public const int IssuerFingerprint = 33;
    public const int IntendedRecipient = 35;
    public const int PreferredAeadCiphersuites = 39;

    /// <summary>Types whose meaning we understand, so a critical one does not void the signature.</summary>
    public static bool IsKnown(int type) => type is CreationTime or SignatureExpiration or ExportableCertification or Revocable
        or KeyExpiration or PreferredSymmetric or IssuerKeyId or PreferredHash or PreferredCompression or KeyServerPreferences
        or PrimaryUserId or KeyFlags or SignersUserId or RevocationReason or Features or EmbeddedSignature or IssuerFingerprint
        or IntendedRecipient or PreferredAeadCiphersuites;
}

/// <summary>One signature subpacket: type, critical bit, data.</summary>
internal sealed record Subpacket(int Type, bool Critical, byte[] Data)
{
    public static Subpacket Time(int type, DateTimeOffset t) => Seconds(type, (uint)t.ToUnixTimeSeconds());

    public static Subpacket Seconds(int type, uint seconds)
    {
        var d = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(d, seconds);
        return new Subpacket(type, false, d);
    }

    public static Subpacket Issuer(KeyPacket key)
    {
        var d = new byte[1 + key.Fingerprint.Length];
        d[0] = (byte)key.Version;
        key.Fingerprint.CopyTo(d, 1);
        return new Subpacket(SubpacketType.IssuerFingerprint, false, d);
    }

    public static Subpacket IssuerId(long keyId)
    {
        var d = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(d, keyId);
        return new Subpacket(SubpacketType.IssuerKeyId, false, d);
    }

    public static List<Subpacket> ParseArea(ReadOnlySpan<byte> area)
    {
        var list = new List<Subpacket>();
        while (area.Length > 0)
        {
            int len;
            int head;
            if (area[0] < 192) { len = area[0]; head = 1; }
            else if (area[0] < 255)
            {
                if (area.Length < 2) throw new MalformedDataException("A signature subpacket length is truncated.");
                len = ((area[0] - 192) << 8) + area[1] + 192;
                head = 2;
            }
            else
            {
                if (area.Length < 5) throw new MalformedDataException("A signature subpacket length is truncated.");
                len = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32BigEndian(area[1..]));
                head = 5;
            }
            // Compared as len > remaining: head + len overflows for a five-octet length near 2^31.
            if (len < 1 || len > area.Length - head) throw new MalformedDataException("A signature subpacket is truncated.");
            int type = area[head];
            list.Add(new Subpacket(type & 0x7F, (type & 0x80) != 0, area.Slice(head + 1, len - 1).ToArray()));
            area = area[(head + len)..];
        }
        return list;
    }

    public static byte[] EncodeArea(IEnumerable<Subpacket> subpackets)
    {
        using var ms = new MemoryStream();
        foreach (var s in subpackets)
        {
            PacketWriter.WriteLength(ms, s.Data.Length + 1);
            ms.WriteByte((byte)(s.Type | (s.Critical ? 0x80 : 0)));
            ms.Write(s.Data);
        }
        return ms.ToArray();
    }
}

/// <summary>A signature packet (tag 2), versions 3, 4 and 6 (RFC 9580 section 5.2): parsed fields, the original
/// octets for export, and the hashing rules of its version (v4 trailer; v6 salt prefix and trailer).</summary>
internal sealed class SignaturePacket
{
    private SignaturePacket() { }

    public int Version { get; private init; }
    public int Type { get; private init; }
    public PublicKeyAlgorithmId KeyAlgorithm { get; private init; }
    public HashAlgorithmId Hash { get; private init; }
    public IReadOnlyList<Subpacket> Hashed { get; private init; } = Array.Empty<Subpacket>();
    public IReadOnlyList<Subpacket> Unhashed { get; private init; } = Array.Empty<Subpacket>();
    public byte[] Salt { get; private init; } = Array.Empty<byte>();
    public byte[] Left16 { get; private init; } = new byte[2];
    public byte[] Material { get; private init; } = Array.Empty<byte>();
    /// <summary>The octets the hash covers after the data (v3: type and time; v4/v6: version through hashed area).</summary>
    private byte[] HashedHeader { get; init; } = Array.Empty<byte>();
    /// <summary>The whole packet body, exactly as read or written.</summary>
    public byte[] Body { get; private init; } = Array.Empty<byte>();
    private uint v3Time;
    private long v3KeyId;

    /// <summary>The packet with its header, for export.</summary>
    public byte[] Encoded()
    {
        using var ms = new MemoryStream();
        PacketWriter.WritePacket(ms, PacketTag.Signature, Body);
        return ms.ToArray();
    }

    public static int SaltSize(HashAlgorithmId hash) => hash switch
    {
        HashAlgorithmId.Sha256 or HashAlgorithmId.Sha224 or HashAlgorithmId.Sha3_256 => 16,
        HashAlgorithmId.Sha384 => 24,
        HashAlgorithmId.Sha512 or HashAlgorithmId.Sha3_512 => 32,
        _ => -1,
    };

    public static SignaturePacket Parse(byte[] body)
    {
        if (body.Length < 1) throw new MalformedDataException("The signature packet is empty.");
        int version = body[0];
        var span = body.AsSpan();
        switch (version)
        {
            case 3:
            {
                if (body.Length < 19 || body[1] != 5) throw new MalformedDataException("The v3 signature packet is malformed.");
                return new SignaturePacket
                {
                    Version = 3,
                    Type = body[2],
                    v3Time = BinaryPrimitives.ReadUInt32BigEndian(span[3..]),
                    v3KeyId = BinaryPrimitives.ReadInt64BigEndian(span[7..]),
                    KeyAlgorithm = (PublicKeyAlgorithmId)body[15],
                    Hash = (HashAlgorithmId)body[16],
                    Left16 = body[17..19],
                    Material = body[19..],
                    HashedHeader = body[2..7],
                    Body = body,
                };
            }
            case 4:
            case 6:
            {
                int lenSize = version == 6 ? 4 : 2;
                int pos = 4;
                int hashedLen = ReadCount(span, ref pos, lenSize);
                var hashedArea = Slice(span, ref pos, hashedLen);
                int headerEnd = pos;
                int unhashedLen = ReadCount(span, ref pos, lenSize);
                var unhashedArea = Slice(span, ref pos, unhashedLen);
                var left = Slice(span, ref pos, 2);
                byte[] salt = Array.Empty<byte>();
                if (version == 6)
                {
                    int saltLen = Slice(span, ref pos, 1)[0];
                    salt = Slice(span, ref pos, saltLen).ToArray();
                }
                return new SignaturePacket
                {
                    Version = version,
                    Type = body[1],
                    KeyAlgorithm = (PublicKeyAlgorithmId)body[2],
                    Hash = (HashAlgorithmId)body[3],
                    Hashed = Subpacket.ParseArea(hashedArea),
                    Unhashed = Subpacket.ParseArea(unhashedArea),
                    Salt = salt,
                    Left16 = left.ToArray(),
                    Material = body[pos..],
                    HashedHeader = body[..headerEnd],
                    Body = body,
                };
            }
            default:
                throw new UnsupportedPacketException($"Signature version {version} is not supported.");
        }
    }

    /// <summary>Parses, or keeps an unparseable signature (unknown version, malformed) as opaque octets that never
    /// verify but are exported as they came.</summary>
    public static SignaturePacket ParseLenient(byte[] body)
    {
        try
        {
            return Parse(body);
        }
        catch (Exception e) when (e is UnsupportedPacketException or MalformedDataException)
        {
            return new SignaturePacket
            {
                Version = body.Length > 0 ? body[0] : 0,
                Type = body.Length > 1 ? body[1] : 0,
                Body = body,
                IsOpaque = true,
                OpaqueReason = e.Message,
            };
        }
    }

    /// <summary>Kept as octets only: it could not be parsed (<see cref="OpaqueReason"/>).</summary>
    public bool IsOpaque { get; private init; }
    public string? OpaqueReason { get; private init; }

    private static int ReadCount(ReadOnlySpan<byte> s, ref int pos, int size)
    {
        if (s.Length < pos + size) throw new MalformedDataException("The signature packet is truncated.");
        long n = size == 4 ? BinaryPrimitives.ReadUInt32BigEndian(s[pos..]) : BinaryPrimitives.ReadUInt16BigEndian(s[pos..]);
        pos += size;
        if (n > s.Length) throw new MalformedDataException("A signature subpacket area is longer than the packet.");
        return (int)n;
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> s, ref int pos, int n)
    {
        if (n < 0 || s.Length < pos + n) throw new MalformedDataException("The signature packet is truncated.");
        var r = s.Slice(pos, n);
        pos += n;
        return r;
    }

    // ---- subpacket accessors ----

    private Subpacket? HashedOf(int type) => Hashed.LastOrDefault(s => s.Type == type);

    private Subpacket? AnyOf(int type) => HashedOf(type) ?? Unhashed.LastOrDefault(s => s.Type == type);

    public DateTimeOffset Created
    {
        get
        {
            if (Version == 3) return DateTimeOffset.FromUnixTimeSeconds(v3Time);
            var s = HashedOf(SubpacketType.CreationTime);
            return s is { Data.Length: >= 4 } ? DateTimeOffset.FromUnixTimeSeconds(BinaryPrimitives.ReadUInt32BigEndian(s.Data)) : DateTimeOffset.MinValue;
        }
    }

    public bool HasCreationTime => Version == 3 || HashedOf(SubpacketType.CreationTime) is { Data.Length: >= 4 };

    public uint? HashedSeconds(int type)
    {
        var s = HashedOf(type);
        return s is { Data.Length: >= 4 } ? BinaryPrimitives.ReadUInt32BigEndian(s.Data) : null;
    }

    /// <summary>The issuer fingerprint (hashed, else unhashed), or null.</summary>
    public byte[]? IssuerFingerprint
    {
        get
        {
            var s = AnyOf(SubpacketType.IssuerFingerprint);
            return s is { Data.Length: > 1 } ? s.Data[1..] : null;
        }
    }

    /// <summary>The issuer key ID: the v3 field, the issuer subpacket, or derived from the issuer fingerprint; 0 when absent.</summary>
    public long IssuerKeyId
    {
        get
        {
            if (Version == 3) return v3KeyId;
            var s = AnyOf(SubpacketType.IssuerKeyId);
            if (s is { Data.Length: 8 }) return BinaryPrimitives.ReadInt64BigEndian(s.Data);
            var f = AnyOf(SubpacketType.IssuerFingerprint);
            if (f is { Data.Length: > 8 })
                return f.Data[0] == 6 ? BinaryPrimitives.ReadInt64BigEndian(f.Data.AsSpan(1, 8)) : BinaryPrimitives.ReadInt64BigEndian(f.Data.AsSpan(f.Data.Length - 8));
            return 0;
        }
    }

    public int? KeyFlags
    {
        get
        {
            var s = HashedOf(SubpacketType.KeyFlags);
            return s is null ? null : s.Data.Length == 0 ? 0 : s.Data[0];
        }
    }

    public byte Features => HashedOf(SubpacketType.Features) is { Data.Length: > 0 } f ? f.Data[0] : (byte)0;

    public bool IsPrimaryUserId => HashedOf(SubpacketType.PrimaryUserId) is { Data.Length: > 0 } p && p.Data[0] != 0;

    /// <summary>The revocation reason code, or null when the subpacket is absent.</summary>
    public int? RevocationCode => HashedOf(SubpacketType.RevocationReason) is { Data.Length: > 0 } r ? r.Data[0] : null;

    public byte[]? HashedData(int type) => HashedOf(type)?.Data;

    /// <summary>The data of every hashed subpacket of <paramref name="type"/>, in order.</summary>
    public IEnumerable<byte[]> HashedAll(int type) => Hashed.Where(s => s.Type == type).Select(s => s.Data);

    /// <summary>Embedded signatures (hashed and unhashed areas) that parse.</summary>
    public IEnumerable<SignaturePacket> EmbeddedSignatures()
    {
        foreach (var s in Hashed.Concat(Unhashed))
        {
            if (s.Type != SubpacketType.EmbeddedSignature) continue;
            SignaturePacket? e = null;
            try { e = Parse(s.Data); }
            catch (Exception ex) when (ex is CryptoMailException or UnsupportedPacketException) { }
            if (e is not null) yield return e;
        }
    }

    /// <summary>A hashed critical subpacket we do not understand voids the signature (RFC 9580 section 5.2.3.7).</summary>
    public bool HasUnknownCritical => Hashed.Any(s => s.Critical && !SubpacketType.IsKnown(s.Type));

    // ---- hashing ----

    /// <summary>A fresh hash for this signature, with the v6 salt already fed.</summary>
    public IncrementalHash StartHash()
    {
        var h = Hashes.Create(Hash);
        if (Version == 6) h.AppendData(Salt);
        return h;
    }

    /// <summary>Appends the signature's own fields and trailer, and returns the digest.</summary>
    public byte[] FinishHash(IncrementalHash h) => FinishHash(h, Version, HashedHeader);

    private static byte[] FinishHash(IncrementalHash h, int version, ReadOnlySpan<byte> header)
    {
        h.AppendData(header);
        if (version != 3)
        {
            Span<byte> trailer = stackalloc byte[6];
            trailer[0] = (byte)version;
            trailer[1] = 0xFF;
            BinaryPrimitives.WriteUInt32BigEndian(trailer[2..], (uint)header.Length);
            h.AppendData(trailer);
        }
        return h.GetHashAndReset();
    }

    /// <summary>Checks the signature over data already fed into <paramref name="h"/> (from <see cref="StartHash"/>).</summary>
    public bool Verify(IncrementalHash h, KeyPacket key)
    {
        if (IsOpaque || HasUnknownCritical) return false;
        if (Version == 6 && (key.Version != 6 || Salt.Length != SaltSize(Hash))) return false;
        if (key.Version == 6 && Version != 6) return false;
        if (KeyAlgorithm != key.Algorithm) return false;
        var digest = FinishHash(h);
        if (digest[0] != Left16[0] || digest[1] != Left16[1]) return false;
        return SignatureAlgorithms.Verify(key.Algorithm, key.PublicKey, Hash, digest, Material);
    }

    // ---- hashing of keys and user IDs for certifications (RFC 9580 section 5.2.4) ----

    /// <summary>Feeds what a certification of this type covers: the primary key, then the user ID or attribute
    /// (0xB4 / 0xD1 framing; a v3 certification hashes the user ID without it, RFC 4880 section 5.2.4) or the
    /// subkey.</summary>
    public static void HashCertified(IncrementalHash h, KeyPacket primary, byte[]? userId, bool isAttribute, KeyPacket? subkey, bool v3Certification = false)
    {
        primary.HashInto(h);
        if (subkey is not null) subkey.HashInto(h);
        else if (userId is not null && v3Certification) h.AppendData(userId);
        else if (userId is not null)
        {
            Span<byte> head = stackalloc byte[5];
            head[0] = isAttribute ? (byte)0xD1 : (byte)0xB4;
            BinaryPrimitives.WriteUInt32BigEndian(head[1..], (uint)userId.Length);
            h.AppendData(head);
            h.AppendData(userId);
        }
    }

    /// <summary>Checks a certification (self-signature, binding, revocation) made by <paramref name="signer"/>.</summary>
    public bool VerifyCertification(KeyPacket signer, KeyPacket primary, byte[]? userId, bool isAttribute, KeyPacket? subkey)
    {
        try
        {
            if (!Hashes.IsSupported(Hash)) return false;
            using var h = StartHash();
            HashCertified(h, primary, userId, isAttribute, subkey, v3Certification: Version == 3);
            return Verify(h, signer);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return false;
        }
    }

    // ---- creation ----

    /// <summary>Starts a new signature: the caller hashes what it covers into <see cref="SignatureBuilder.Hash"/>, then
    /// calls <see cref="SignatureBuilder.Sign"/>.</summary>
    public static SignatureBuilder Build(KeyPacket signer, int type, HashAlgorithmId hash, IEnumerable<Subpacket> hashed, IEnumerable<Subpacket>? unhashed = null)
    {
        int version = signer.Version == 6 ? 6 : 4;
        var salt = Array.Empty<byte>();
        if (version == 6)
        {
            salt = new byte[SaltSize(hash)];
            RandomNumberGenerator.Fill(salt);
        }
        var hashedArea = Subpacket.EncodeArea(hashed);
        var header = new byte[(version == 6 ? 8 : 6) + hashedArea.Length];
        header[0] = (byte)version;
        header[1] = (byte)type;
        header[2] = (byte)signer.Algorithm;
        header[3] = (byte)hash;
        if (version == 6) BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)hashedArea.Length);
        else BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), (ushort)hashedArea.Length);
        hashedArea.CopyTo(header, version == 6 ? 8 : 6);
        var h = Hashes.Create(hash);
        if (version == 6) h.AppendData(salt);
        return new SignatureBuilder(h, version, header, Subpacket.EncodeArea(unhashed ?? Array.Empty<Subpacket>()), salt);
    }

    /// <summary>A signature being made: hash the covered data, then sign.</summary>
    internal sealed class SignatureBuilder : IDisposable
    {
        private readonly int version;
        private readonly byte[] header;
        private readonly byte[] unhashed;
        private readonly byte[] salt;

        public SignatureBuilder(IncrementalHash hash, int version, byte[] header, byte[] unhashed, byte[] salt)
        {
            Hash = hash;
            this.version = version;
            this.header = header;
            this.unhashed = unhashed;
            this.salt = salt;
        }

        public IncrementalHash Hash { get; }

        /// <summary>The salt (v6) that the matching one-pass signature packet announces.</summary>
        public byte[] Salt => salt;

        /// <exception cref="UnusableKeyException">The signer's algorithm cannot sign.</exception>
        public SignaturePacket Sign(KeyPacket signer, AsymmetricPrivateKey privateKey)
        {
            if (!SignatureAlgorithms.CanSign(signer.Algorithm))
                throw new UnusableKeyException($"Signing with {signer.AlgorithmName} keys is not supported.");
            var hashAlg = (HashAlgorithmId)header[3];
            var digest = FinishHash(Hash, version, header);
            var material = SignatureAlgorithms.Sign(signer.Algorithm, privateKey, hashAlg, digest);
            using var body = new MemoryStream();
            body.Write(header);
            Span<byte> n = stackalloc byte[4];
            if (version == 6)
            {
                BinaryPrimitives.WriteUInt32BigEndian(n, (uint)unhashed.Length);
                body.Write(n);
            }
            else
            {
                BinaryPrimitives.WriteUInt16BigEndian(n, (ushort)unhashed.Length);
                body.Write(n[..2]);
            }
            body.Write(unhashed);
            body.Write(digest, 0, 2);
            if (version == 6)
            {
                body.WriteByte((byte)salt.Length);
                body.Write(salt);
            }
            body.Write(material);
            CryptographicOperations.ZeroMemory(digest);
            return Parse(body.ToArray());
        }

        public void Dispose() => Hash.Dispose();
    }

    /// <summary>Makes a certification over keys and user IDs in one step.</summary>
    public static SignaturePacket Certify(KeyPacket signer, AsymmetricPrivateKey privateKey, int type,
        HashAlgorithmId hash, IEnumerable<Subpacket> hashed, KeyPacket primary, byte[]? userId, KeyPacket? subkey, IEnumerable<Subpacket>? unhashed = null)
    {
        using var b = Build(signer, type, hash, hashed, unhashed);
        HashCertified(b.Hash, primary, userId, isAttribute: false, subkey);
        return b.Sign(signer, privateKey);
    }
}

/// <summary>The platform's hash functions for OpenPGP hash algorithm IDs.</summary>
internal static class Hashes
{
    public static bool IsSupported(HashAlgorithmId hash) =>
        hash is HashAlgorithmId.Sha1 or HashAlgorithmId.Sha256 or HashAlgorithmId.Sha384 or HashAlgorithmId.Sha512
        || (hash == HashAlgorithmId.Sha3_256 && SHA3_256.IsSupported) || (hash == HashAlgorithmId.Sha3_512 && SHA3_512.IsSupported);

    private static readonly AsyncLocal<Counter?> Counting = new();

    /// <summary>Counts the hash instances created in this execution context until disposed (a test hook: the hash
    /// work of a verification must not grow with the number of signatures).</summary>
    public static Counter Count() => Counting.Value = new Counter();

    internal sealed class Counter : IDisposable
    {
        private int created;
        public int Created => Volatile.Read(ref created);
        public void Increment() => Interlocked.Increment(ref created);
        public void Dispose() => Counting.Value = null;
    }

    public static IncrementalHash Create(HashAlgorithmId hash)
    {
        Counting.Value?.Increment();
        return CreateUncounted(hash);
    }

    private static IncrementalHash CreateUncounted(HashAlgorithmId hash) => IncrementalHash.CreateHash(hash switch
    {
        HashAlgorithmId.Sha256 => HashAlgorithmName.SHA256,
        HashAlgorithmId.Sha384 => HashAlgorithmName.SHA384,
        HashAlgorithmId.Sha512 => HashAlgorithmName.SHA512,
        HashAlgorithmId.Sha3_256 => HashAlgorithmName.SHA3_256,
        HashAlgorithmId.Sha3_512 => HashAlgorithmName.SHA3_512,
#pragma warning disable CA5350 // SHA-1 only to check old signatures, which are then reported as weak.
        HashAlgorithmId.Sha1 => HashAlgorithmName.SHA1,
#pragma warning restore CA5350
        _ => throw new UnsupportedPacketException($"Hash algorithm {(int)hash} is not supported."),
    });
}
