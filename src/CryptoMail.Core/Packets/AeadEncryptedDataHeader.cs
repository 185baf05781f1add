
namespace CryptoMail.Core.Packets;

/// <summary>The prefix of a LibrePGP OCB Encrypted Data packet (tag 20, RFC 4880bis-10 section 5.16, kept in
/// draft-koch-librepgp): version 1, cipher, AEAD algorithm, chunk size octet, and an IV of the AEAD nonce size.
/// GnuPG 2.3+ and RNP write it when a key announces AEAD; RFC 9580 replaced it with SEIPD v2. Read only: this
/// library never writes tag 20.</summary>
internal sealed class AeadEncryptedDataHeader
{
    public const byte Version = 1;
    /// <summary>Octets before the IV.</summary>
    public const int FixedSize = 4;

    private readonly byte[] iv;

    private AeadEncryptedDataHeader(byte symmetricAlgorithm, AeadAlgorithm aead, byte chunkSizeOctet, byte[] iv)
    {
        SymmetricAlgorithm = symmetricAlgorithm;
        Aead = aead;
        ChunkSizeOctet = chunkSizeOctet;
        this.iv = iv;
    }

    public byte SymmetricAlgorithm { get; }

    public AeadAlgorithm Aead { get; }

    public byte ChunkSizeOctet { get; }

    public int KeySize => AeadSuite.KeySize(SymmetricAlgorithm);

    /// <summary>Reads the prefix from the start of the packet body; anything this layer cannot read gives
    /// <see cref="MalformedDataException"/>.</summary>
    public static AeadEncryptedDataHeader Read(Stream body)
    {
        Span<byte> fixedPart = stackalloc byte[FixedSize];
        if (body.ReadAtLeast(fixedPart, FixedSize, throwOnEndOfStream: false) < FixedSize)
            throw new MalformedDataException("OCB Encrypted Data: the packet is too short for its header.");
        if (fixedPart[0] != Version) throw new MalformedDataException($"OCB Encrypted Data: version {fixedPart[0]}, expected 1.");
        byte cipher = fixedPart[1];
        var aead = (AeadAlgorithm)fixedPart[2];
        byte chunk = fixedPart[3];
        if (AeadSuite.KeySize(cipher) == 0) throw new MalformedDataException($"OCB Encrypted Data: unsupported cipher algorithm {cipher}.");
        // GCM has no LibrePGP code point here: 3 is unassigned in that draft.
        if (aead is not (AeadAlgorithm.Eax or AeadAlgorithm.Ocb)) throw new MalformedDataException($"OCB Encrypted Data: unsupported AEAD algorithm {fixedPart[2]}.");
        if (chunk > SeipdV2Header.MaxChunkSizeOctet)
            throw new MalformedDataException($"OCB Encrypted Data: chunk size octet {chunk} is above {SeipdV2Header.MaxChunkSizeOctet} (chunks over 4 MiB are not read).");
        var iv = new byte[AeadSuite.NonceSize(aead)];
        if (body.ReadAtLeast(iv, iv.Length, throwOnEndOfStream: false) < iv.Length)
            throw new MalformedDataException("OCB Encrypted Data: the packet is too short for its IV.");
        return new AeadEncryptedDataHeader(cipher, aead, chunk, iv);
    }

    /// <summary>The nonces and associated data of this packet's chunks; the session key is the message key.</summary>
    public AeadChunkSchedule CreateSchedule(ReadOnlySpan<byte> sessionKey)
    {
        if (sessionKey.Length != KeySize)
            throw new MalformedDataException($"OCB Encrypted Data: the session key has {sessionKey.Length} octets, cipher {SymmetricAlgorithm} needs {KeySize}.");
        var cipher = AeadCiphers.Create(SymmetricAlgorithm, Aead, sessionKey);
        // Associated data: the packet tag in OpenPGP format (0xD4), version, cipher, AEAD, chunk size octet.
        ReadOnlySpan<byte> header = [PacketWriter.HeaderOctet(PacketTag.OcbEncryptedData), Version, SymmetricAlgorithm, (byte)Aead, ChunkSizeOctet];
        return AeadChunkSchedule.LibrePgp(cipher, (byte[])iv.Clone(), ChunkSizeOctet, header);
    }
}
