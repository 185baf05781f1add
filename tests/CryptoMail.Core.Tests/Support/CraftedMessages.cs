using System.IO.Compression;
using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using SignaturePacket = CryptoMail.Core.Packets.SignaturePacket;
using PacketTag = CryptoMail.Core.Types.PacketTag;

namespace CryptoMail.Core.Tests.Support;

/// <summary>Builds hostile messages packet by packet over our own packet layer: whatever inner packets a test needs,
/// signed with chosen subpackets, optionally compressed and encrypted to a recipient (SEIPD v1).</summary>
internal static class CraftedMessages
{
    /// <summary>One packet (new-format header) with the given tag and body.</summary>
    public static byte[] Packet(int tag, ReadOnlySpan<byte> body)
    {
        using var ms = new MemoryStream();
        PacketWriter.WritePacket(ms, (PacketTag)tag, body);
        return ms.ToArray();
    }

    /// <summary>A literal data packet (RFC 9580 section 5.9) with no file name and no date.</summary>
    public static byte[] Literal(byte[] data, char format = 'b') =>
        Packet(11, new byte[] { (byte)format, 0, 0, 0, 0, 0 }.Concat(data).ToArray());

    /// <summary>A ZLIB compressed data packet (RFC 9580 section 5.6) holding <paramref name="inner"/>.</summary>
    public static byte[] Compressed(byte[] inner)
    {
        using var ms = new MemoryStream();
        ms.WriteByte(2);
        using (var z = new ZLibStream(ms, CompressionLevel.SmallestSize, leaveOpen: true)) z.Write(inner);
        return Packet(8, ms.ToArray());
    }

    /// <summary><paramref name="packets"/> encrypted to <paramref name="recipient"/>'s encryption key: a PKESK v3 and
    /// a SEIPD v1 packet (RFC 9580 section 5.13.1).</summary>
    public static byte[] EncryptTo(Certificate recipient, byte[] packets)
    {
        var key = PolicyChecks.Recipients(new[] { recipient }, null, DateTimeOffset.UtcNow)[0].Key;
        using var session = new SessionKeyMaterial(9, RandomNumberGenerator.GetBytes(32));
        using var ms = new MemoryStream();
        PacketWriter.WritePacket(ms, PacketTag.PublicKeyEncryptedSessionKey, SessionKeyEncryptor.Pkesk(key, session, 3));
        using (var enc = new SeipdV1EncryptStream(ms, session)) enc.Write(packets);
        return ms.ToArray();
    }

    /// <summary>The signing key of <paramref name="key"/> and its private part.</summary>
    public static (KeyPacket Public, Org.BouncyCastle.Crypto.AsymmetricKeyParameter Private) SigningKey(SecretKey key)
    {
        var info = PolicyChecks.SigningKeys(key.Certificate, null, DateTimeOffset.UtcNow)[0];
        long id = Certificate.KeyIdOf(info);
        return (key.Certificate.Validated.ByKeyId[id], key.GetPrivateKey(id, null)!);
    }

    /// <summary>A data signature packet (with header) by <paramref name="key"/> over <paramref name="data"/>, of
    /// <paramref name="type"/> 0x00 or 0x01 (text: <paramref name="data"/> is hashed as given, so pass canonical
    /// CRLF text), made at <paramref name="created"/>, with <paramref name="extra"/> hashed subpackets.</summary>
    public static byte[] Signature(SecretKey key, byte[] data, int type = 0, DateTimeOffset? created = null,
        IEnumerable<Subpacket>? extra = null, HashAlgorithmTag hash = HashAlgorithmTag.Sha256, bool issuer = true)
    {
        var (pub, priv) = SigningKey(key);
        var when = DateTimeOffset.FromUnixTimeSeconds((created ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds());
        var hashed = new List<Subpacket> { Subpacket.Time(SubpacketType.CreationTime, when) };
        if (issuer) hashed.Add(Subpacket.Issuer(pub));
        hashed.AddRange(extra ?? Array.Empty<Subpacket>());
        using var b = SignaturePacket.Build(pub, type, hash, hashed);
        b.Hash.AppendData(data);
        return b.Sign(pub, priv).Encoded();
    }

    /// <summary>An Intended Recipient Fingerprint subpacket (RFC 9580 section 5.2.3.36) naming <paramref name="fingerprint"/>.</summary>
    public static Subpacket IntendedRecipient(string fingerprint, int version = 4) =>
        new(SubpacketType.IntendedRecipient, false, new[] { (byte)version }.Concat(Convert.FromHexString(fingerprint)).ToArray());

    /// <summary><paramref name="binary"/> as ASCII armor of the given kind.</summary>
    public static string Armor(byte[] binary, ArmorKind kind = ArmorKind.Signature)
    {
        using var ms = new MemoryStream();
        using (var a = new ArmorStream(ms, kind)) a.Write(binary);
        return System.Text.Encoding.ASCII.GetString(ms.ToArray());
    }
}
