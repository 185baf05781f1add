using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using CryptoMail.Core.Internal;
using CryptoMail.Core.Internal.Packets;

namespace CryptoMail.Core;

/// <summary>Builds the minimal certificate Autocrypt sends (Level 1, "OpenPGP Based key data"): the primary key,
/// one user ID carrying the address with its newest self-signature, and the current encryption subkey with its
/// newest binding signature.</summary>
/// <remarks>
/// Works at packet level on <see cref="Certificate.Export()"/> and chooses packets with what the public model
/// already validated (<see cref="Certificate.UserIds"/>, <see cref="Certificate.EncryptionKeys"/>): signatures are
/// not verified here. Picking the newest signature by its creation time could pick a forged one, so the result is
/// parsed once as a certificate; if the chosen user ID or subkey does not survive that, the next older signature is
/// tried. Kept in this one file so it can move onto the certificate model when that offers a minimal export.
/// </remarks>
internal static class MinimalCertificate
{
    private const int TagSignature = 2, TagPublicKey = 6, TagUserId = 13, TagPublicSubkey = 14;
    private const int MaxPacketBytes = 1 << 20;

    private sealed record Packet(int Tag, byte[] Body);

    private sealed record Component(Packet Packet, List<Packet> Signatures);

    /// <summary>The minimal certificate as binary packets.</summary>
    /// <exception cref="KeyNotUsableException">No valid user ID carries the address, or no encryption key is usable at <paramref name="time"/>.</exception>
    public static byte[] Build(Certificate certificate, string address, DateTimeOffset time)
    {
        string wanted = address.Trim().ToLowerInvariant();
        if (certificate.PrimaryKey.IsRevokedAt(time)) throw new KeyNotUsableException($"Certificate {certificate.Fingerprint} is revoked.");
        string userId = certificate.UserIds.FirstOrDefault(u => UserId.EmailOf(u) == wanted)
            ?? throw new KeyNotUsableException($"Certificate {certificate.Fingerprint} has no valid user ID with the address {address}.");
        KeyInfo encryption = certificate.EncryptionKeys(time).OrderByDescending(k => k.CreationTime).FirstOrDefault()
            ?? throw new KeyNotUsableException($"Certificate {certificate.Fingerprint} has no encryption key usable now.");

        var (primary, directSignatures, components) = Split(certificate.Export());
        byte[] primaryFingerprint = Convert.FromHexString(certificate.Fingerprint);
        var uid = components.First(c => c.Packet.Tag == TagUserId && Encoding.UTF8.GetString(c.Packet.Body) == userId);
        var uidSignatures = SelfSignatures(uid, primaryFingerprint, t => t is >= 0x10 and <= 0x13);

        bool primaryEncrypts = encryption.Fingerprint == certificate.Fingerprint;
        Component? subkey = primaryEncrypts ? null : components.First(c => c.Packet.Tag == TagPublicSubkey && Hex.Of(Fingerprint(c.Packet.Body)) == encryption.Fingerprint);
        var subkeySignatures = subkey is null ? new List<Packet> { null! } : SelfSignatures(subkey, primaryFingerprint, t => t == 0x18);

        // Version 6 keys keep their key flags and expiration in a direct-key signature; version 4 keys need none.
        Packet? direct = certificate.Version >= 6
            ? SelfSignatures(new Component(primary, directSignatures), primaryFingerprint, t => t == 0x1F).FirstOrDefault()
            : null;

        int u = 0, s = 0;
        while (u < uidSignatures.Count && s < subkeySignatures.Count)
        {
            byte[] candidate = Assemble(primary, direct, uid.Packet, uidSignatures[u], subkey?.Packet, subkeySignatures[s]);
            Certificate parsed;
            try
            {
                parsed = Certificate.Parse(candidate);
            }
            catch (MalformedDataException)
            {
                u++;
                continue;
            }
            bool uidOk = parsed.UserIds.Contains(userId);
            bool keyOk = parsed.EncryptionKeys(time).Any(k => k.Fingerprint == encryption.Fingerprint);
            if (uidOk && keyOk) return candidate;
            // The primary key's validity may hang on the user ID's self-signature, so judge the subkey binding
            // only once the user ID holds.
            if (!uidOk) u++;
            else s++;
        }
        throw new KeyNotUsableException($"No self-signatures of certificate {certificate.Fingerprint} make a valid minimal certificate for {address}.");
    }

    private static byte[] Assemble(Packet primary, Packet? direct, Packet userId, Packet userIdSignature, Packet? subkey, Packet? subkeySignature)
    {
        using var output = new MemoryStream();
        foreach (var packet in new[] { primary, direct, userId, userIdSignature, subkey, subkeySignature })
        {
            if (packet is not null) KeyRings.WritePacket(output, packet.Tag, packet.Body);
        }
        return output.ToArray();
    }

    /// <summary>The primary key packet, the signatures directly on it, and each user ID, attribute or subkey
    /// with the signatures that follow it.</summary>
    private static (Packet Primary, List<Packet> DirectSignatures, List<Component> Components) Split(byte[] data)
    {
        using var input = new MemoryStream(data);
        Packet? primary = null;
        var direct = new List<Packet>();
        var components = new List<Component>();
        while (PacketReader.Next(input) is var (tag, body))
        {
            var packet = new Packet(tag, PacketReader.ReadSmallBody(body, MaxPacketBytes, "key"));
            if (primary is null)
            {
                if (tag != TagPublicKey) throw new MalformedDataException("A certificate must start with a public key packet.");
                primary = packet;
            }
            else if (tag == TagSignature)
            {
                (components.Count == 0 ? direct : components[^1].Signatures).Add(packet);
            }
            else if (tag != 12) // trust packets are local data
            {
                components.Add(new Component(packet, new List<Packet>()));
            }
        }
        return (primary ?? throw new MalformedDataException("The certificate is empty."), direct, components);
    }

    /// <summary>The component's signatures of the wanted types that name the primary key as issuer (or name no
    /// issuer), newest first.</summary>
    private static List<Packet> SelfSignatures(Component component, byte[] primaryFingerprint, Func<int, bool> wantedType)
    {
        var found = new List<(Packet Packet, long Created)>();
        foreach (var signature in component.Signatures)
        {
            if (ReadSignature(signature.Body) is not { } info || !wantedType(info.Type)) continue;
            bool byPrimary = info.IssuerFingerprint is { } fpr ? fpr.AsSpan().SequenceEqual(primaryFingerprint)
                : info.IssuerKeyId is not { } keyId || keyId.AsSpan().SequenceEqual(KeyIdOf(primaryFingerprint));
            if (byPrimary) found.Add((signature, info.Created));
        }
        return found.OrderByDescending(f => f.Created).Select(f => f.Packet).ToList();
    }

    private static byte[] KeyIdOf(byte[] fingerprint) =>
        fingerprint.Length == 32 ? fingerprint[..8] : fingerprint[^8..]; // v6: leftmost 8 octets; v4: rightmost

    private sealed record SignatureInfo(int Type, long Created, byte[]? IssuerFingerprint, byte[]? IssuerKeyId);

    /// <summary>Type, creation time and issuer of a version 4 or 6 signature (RFC 9580 section 5.2.3); null for
    /// other versions or a body too short to hold them.</summary>
    private static SignatureInfo? ReadSignature(byte[] body)
    {
        if (body.Length < 6 || (body[0] != 4 && body[0] != 6)) return null;
        int countBytes = body[0] == 6 ? 4 : 2;
        int pos = 4;
        long created = 0;
        byte[]? fingerprint = null, keyId = null;
        for (int area = 0; area < 2; area++)
        {
            if (pos + countBytes > body.Length) return null;
            long length = countBytes == 4 ? BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(pos)) : BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(pos));
            pos += countBytes;
            if (pos + length > body.Length) return null;
            var subpackets = body.AsSpan(pos, (int)length);
            pos += (int)length;
            while (subpackets.Length > 0)
            {
                int header;
                long size;
                if (subpackets[0] < 192) { size = subpackets[0]; header = 1; }
                else if (subpackets[0] < 255) { if (subpackets.Length < 2) return null; size = ((subpackets[0] - 192) << 8) + subpackets[1] + 192; header = 2; }
                else { if (subpackets.Length < 5) return null; size = BinaryPrimitives.ReadUInt32BigEndian(subpackets[1..]); header = 5; }
                if (size < 1 || header + size > subpackets.Length) return null;
                var data = subpackets.Slice(header + 1, (int)size - 1);
                int type = subpackets[header] & 0x7F;
                bool hashed = area == 0;
                if (type == 2 && hashed && data.Length == 4) created = BinaryPrimitives.ReadUInt32BigEndian(data);
                else if (type == 33 && data.Length > 1) fingerprint = data[1..].ToArray();
                else if (type == 16 && data.Length == 8) keyId = data.ToArray();
                subpackets = subpackets[(header + (int)size)..];
            }
        }
        return new SignatureInfo(body[1], created, fingerprint, keyId);
    }

    /// <summary>A version 4 (SHA-1) or version 6 (SHA-256) key fingerprint of a key packet body (RFC 9580 section 5.5.4).</summary>
    private static byte[] Fingerprint(byte[] keyBody)
    {
        if (keyBody.Length > 0 && keyBody[0] == 6)
        {
            var prefix6 = new byte[5];
            prefix6[0] = 0x9B;
            BinaryPrimitives.WriteUInt32BigEndian(prefix6.AsSpan(1), (uint)keyBody.Length);
            return SHA256.HashData(prefix6.Concat(keyBody).ToArray());
        }
        byte[] prefix4 = { 0x99, (byte)(keyBody.Length >> 8), (byte)keyBody.Length };
#pragma warning disable CA5350 // RFC 9580 section 5.5.4.2 defines v4 fingerprints with SHA-1.
        return SHA1.HashData(prefix4.Concat(keyBody).ToArray());
#pragma warning restore CA5350
    }
}
