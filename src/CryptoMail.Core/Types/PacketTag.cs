namespace CryptoMail.Core.Types;

/// <summary>OpenPGP packet types (RFC 9580 section 5; tag 20 is LibrePGP's OCB Encrypted Data). Tags 40-63 are
/// non-critical (RFC 9580 section 4.3) and have no names here.</summary>
internal enum PacketTag : byte
{
    /// <summary>Reserved: a packet must not have this tag.</summary>
    Reserved = 0,
    /// <summary>Public-Key Encrypted Session Key (PKESK).</summary>
    PublicKeyEncryptedSessionKey = 1,
    Signature = 2,
    /// <summary>Symmetric-Key Encrypted Session Key (SKESK).</summary>
    SymmetricKeyEncryptedSessionKey = 3,
    OnePassSignature = 4,
    SecretKey = 5,
    PublicKey = 6,
    SecretSubkey = 7,
    CompressedData = 8,
    /// <summary>Symmetrically Encrypted Data without integrity protection (SED), which we refuse to decrypt.</summary>
    SymmetricallyEncryptedData = 9,
    Marker = 10,
    LiteralData = 11,
    Trust = 12,
    UserId = 13,
    PublicSubkey = 14,
    UserAttribute = 17,
    /// <summary>Symmetrically Encrypted and Integrity Protected Data (SEIPD, v1 and v2).</summary>
    SymEncryptedIntegrityProtectedData = 18,
    /// <summary>Modification Detection Code (legacy: only inside SEIPD v1).</summary>
    ModificationDetectionCode = 19,
    /// <summary>OCB Encrypted Data (LibrePGP, as GnuPG 2.3+ and RNP write it).</summary>
    OcbEncryptedData = 20,
    Padding = 21,
}

/// <summary>How a packet header gives its body length (RFC 9580 section 4.2).</summary>
internal enum PacketLengthKind
{
    /// <summary>The whole body length.</summary>
    Definite,
    /// <summary>The first partial body length (new format); more parts follow (RFC 9580 section 4.2.1.4).</summary>
    Partial,
    /// <summary>Old format, length type 3: the body runs to the end of the input (RFC 9580 section 4.2.2).</summary>
    Indeterminate,
}

/// <summary>A parsed packet header: the tag, the (first) body length and how to read it, and the header's own size.</summary>
internal readonly record struct PacketHeader(PacketTag Tag, long Length, PacketLengthKind LengthKind, int Size);

internal static class PacketTags
{
    /// <summary>The tag in a header's first octet (old or new format).</summary>
    public static PacketTag TagOf(byte first)
    {
        if ((first & 0x80) == 0) throw new MalformedDataException("The data is not an OpenPGP packet header.");
        return (PacketTag)((first & 0x40) != 0 ? first & 0x3F : (first >> 2) & 0x0F);
    }

    /// <summary>The tag of the packet that starts <paramref name="head"/>; false when it does not start one.</summary>
    public static bool TryTagOf(ReadOnlySpan<byte> head, out PacketTag tag)
    {
        tag = PacketTag.Reserved;
        if (head.Length == 0 || (head[0] & 0x80) == 0) return false;
        tag = TagOf(head[0]);
        return true;
    }

    /// <summary>The data packets, the only ones that may use partial body lengths (RFC 9580 section 4.2.1.4).</summary>
    public static bool IsData(PacketTag tag) => tag is PacketTag.LiteralData or PacketTag.CompressedData
        or PacketTag.SymmetricallyEncryptedData or PacketTag.SymEncryptedIntegrityProtectedData or PacketTag.OcbEncryptedData;

    /// <summary>The packets that start or hold an encrypted message.</summary>
    public static bool IsEncryption(PacketTag tag) => tag is PacketTag.PublicKeyEncryptedSessionKey
        or PacketTag.SymmetricKeyEncryptedSessionKey or PacketTag.SymmetricallyEncryptedData
        or PacketTag.SymEncryptedIntegrityProtectedData or PacketTag.OcbEncryptedData;
}
