
namespace CryptoMail.Core.Packets;

/// <summary>A version 6 public-key encrypted session key packet (RFC 9580 section 5.1.2). The session key carries
/// no algorithm octet: the SEIPD v2 packet names the cipher.</summary>
internal static class PkeskV6
{
    /// <summary>Parses into the same shape as v3: key ID from the fingerprint (0 when anonymous), algorithm, fields.</summary>
    public static (Pkesk Packet, byte[]? Fingerprint) Parse(byte[] body)
    {
        if (body.Length < 3 || body[0] != 6) throw new UnsupportedPacketException("Not a v6 PKESK.");
        int size = body[1];
        // The key-version octet and fingerprint (size octets), then the algorithm octet: all must be present.
        if (body.Length < 2 + size + 1) throw new MalformedDataException("The v6 public-key encrypted session key packet is too short.");
        byte[]? fingerprint = null;
        long keyId = 0;
        if (size > 0)
        {
            int version = body[2];
            if (size - 1 < 8) throw new MalformedDataException("The v6 public-key encrypted session key packet names a fingerprint shorter than a key ID.");
            fingerprint = body[3..(2 + size)];
            keyId = version == 4
                ? System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(fingerprint.AsSpan(fingerprint.Length - 8))
                : System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(fingerprint.AsSpan(0, 8));
        }
        int pos = 2 + size;
        var algorithm = (PublicKeyAlgorithmId)body[pos];
        return (new Pkesk { Version = 6, KeyId = keyId, Fingerprint = fingerprint, Algorithm = algorithm, Fields = body[(pos + 1)..] }, fingerprint);
    }
}
