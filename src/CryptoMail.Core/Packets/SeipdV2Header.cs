using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CryptoMail.Core.Packets;

/// <summary>The fixed prefix of a v2 SEIPD packet body (RFC 9580 section 5.13.2): version 2, cipher, AEAD
/// algorithm, chunk size octet, 32 octets of salt. Immutable; the salt is copied in and out.</summary>
internal sealed class SeipdV2Header
{
    public const byte Version = 2;
    public const int SaltSize = 32;
    /// <summary>Octets of the prefix on the wire.</summary>
    public const int Size = 4 + SaltSize;
    /// <summary>Largest chunk size octet a reader must accept and a writer may use (4 MiB chunks).</summary>
    public const byte MaxChunkSizeOctet = 16;
    /// <summary>2^(12+6) = 256 KiB: one chunk of memory per stream, large enough for full speed.</summary>
    public const byte DefaultChunkSizeOctet = 12;
    /// <summary>Octets of associated data per chunk: packet tag octet, version, cipher, AEAD, chunk size.</summary>
    public const int AssociatedDataSize = 5;

    private readonly byte[] salt;

    private SeipdV2Header(byte symmetricAlgorithm, AeadAlgorithm aead, byte chunkSizeOctet, byte[] salt)
    {
        SymmetricAlgorithm = symmetricAlgorithm;
        Aead = aead;
        ChunkSizeOctet = chunkSizeOctet;
        this.salt = salt;
    }

    public byte SymmetricAlgorithm { get; }

    public AeadAlgorithm Aead { get; }

    public byte ChunkSizeOctet { get; }

    /// <summary>chunk_size = 1 &lt;&lt; (c + 6), from 64 octets to 4 MiB.</summary>
    public int ChunkSize => 1 << (ChunkSizeOctet + 6);

    public int KeySize => AeadSuite.KeySize(SymmetricAlgorithm);

    public ReadOnlySpan<byte> Salt => salt;

    /// <summary>A header for writing; caller mistakes give <see cref="ArgumentException"/>.</summary>
    public static SeipdV2Header Create(byte symmetricAlgorithm, AeadAlgorithm aead, byte chunkSizeOctet, ReadOnlySpan<byte> salt)
    {
        if (!AeadCiphers.IsSupported(symmetricAlgorithm, aead))
            throw new ArgumentException($"Cipher {symmetricAlgorithm} with AEAD {(byte)aead} is not supported.", nameof(symmetricAlgorithm));
        if (chunkSizeOctet > MaxChunkSizeOctet)
            throw new ArgumentOutOfRangeException(nameof(chunkSizeOctet), chunkSizeOctet, "The chunk size octet is at most 16.");
        if (salt.Length != SaltSize) throw new ArgumentException("The salt is 32 octets.", nameof(salt));
        return new SeipdV2Header(symmetricAlgorithm, aead, chunkSizeOctet, salt.ToArray());
    }

    /// <summary>A header for writing with a fresh random salt (RFC 9580 section 13.10).</summary>
    public static SeipdV2Header CreateRandom(byte symmetricAlgorithm, AeadAlgorithm aead, byte chunkSizeOctet = DefaultChunkSizeOctet) =>
        Create(symmetricAlgorithm, aead, chunkSizeOctet, RandomNumberGenerator.GetBytes(SaltSize));

    /// <summary>Parses the 36-octet prefix; anything this layer cannot read gives <see cref="MalformedDataException"/>.</summary>
    public static SeipdV2Header Parse(ReadOnlySpan<byte> prefix)
    {
        if (prefix.Length < Size) throw new MalformedDataException("v2 SEIPD: the packet is too short for its header.");
        if (prefix[0] != Version) throw new MalformedDataException($"v2 SEIPD: version {prefix[0]}, expected 2.");
        byte cipher = prefix[1];
        var aead = (AeadAlgorithm)prefix[2];
        byte chunk = prefix[3];
        if (AeadSuite.KeySize(cipher) == 0) throw new MalformedDataException($"v2 SEIPD: unsupported cipher algorithm {cipher}.");
        if (!AeadSuite.IsKnown(aead)) throw new MalformedDataException($"v2 SEIPD: unsupported AEAD algorithm {prefix[2]}.");
        if (chunk > MaxChunkSizeOctet) throw new MalformedDataException($"v2 SEIPD: chunk size octet {chunk} is above 16.");
        return new SeipdV2Header(cipher, aead, chunk, prefix.Slice(4, SaltSize).ToArray());
    }

    /// <summary>Reads and parses the prefix from the start of a packet body.</summary>
    public static SeipdV2Header Read(Stream body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Span<byte> prefix = stackalloc byte[Size];
        int n = body.ReadAtLeast(prefix, Size, throwOnEndOfStream: false);
        return Parse(prefix[..n]);
    }

    public void WriteTo(Span<byte> destination)
    {
        destination[0] = Version;
        destination[1] = SymmetricAlgorithm;
        destination[2] = (byte)Aead;
        destination[3] = ChunkSizeOctet;
        salt.CopyTo(destination[4..Size]);
    }

    /// <summary>The octets used both as HKDF info and as per-chunk associated data: 0xD2 (packet tag 18 in
    /// OpenPGP format), version, cipher, AEAD, chunk size octet.</summary>
    public void WriteAssociatedData(Span<byte> destination)
    {
        destination[0] = PacketWriter.HeaderOctet(PacketTag.SymEncryptedIntegrityProtectedData);
        destination[1] = Version;
        destination[2] = SymmetricAlgorithm;
        destination[3] = (byte)Aead;
        destination[4] = ChunkSizeOctet;
    }

    /// <summary>Derives the message key and IV with HKDF-SHA256: IKM = session key, salt = the header salt,
    /// info = <see cref="WriteAssociatedData"/>; the leftmost key-size octets are the message key, the next
    /// nonce-size - 8 octets the IV that starts every chunk nonce.</summary>
    public void DeriveMessageKey(ReadOnlySpan<byte> sessionKey, Span<byte> messageKey, Span<byte> iv)
    {
        int keySize = KeySize;
        int ivSize = AeadSuite.NonceSize(Aead) - 8;
        if (sessionKey.Length != keySize) throw new ArgumentException($"The session key must be {keySize} octets for cipher {SymmetricAlgorithm}.", nameof(sessionKey));
        if (messageKey.Length != keySize) throw new ArgumentException($"The message key is {keySize} octets.", nameof(messageKey));
        if (iv.Length != ivSize) throw new ArgumentException($"The IV is {ivSize} octets.", nameof(iv));
        Span<byte> info = stackalloc byte[AssociatedDataSize];
        WriteAssociatedData(info);
        Span<byte> okm = stackalloc byte[32 + 8];
        okm = okm[..(keySize + ivSize)];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, sessionKey, okm, salt, info);
        okm[..keySize].CopyTo(messageKey);
        okm[keySize..].CopyTo(iv);
        CryptographicOperations.ZeroMemory(okm);
    }

    /// <summary>A cipher keyed with the derived message key; the IV goes to <paramref name="iv"/>.</summary>
    public IAeadCipher DeriveCipher(ReadOnlySpan<byte> sessionKey, Span<byte> iv)
    {
        Span<byte> messageKey = stackalloc byte[32];
        messageKey = messageKey[..KeySize];
        try
        {
            DeriveMessageKey(sessionKey, messageKey, iv);
            return AeadCiphers.Create(SymmetricAlgorithm, Aead, messageKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(messageKey);
        }
    }

    /// <summary>The nonces and associated data of this packet's chunks, keyed with the message key derived from
    /// <paramref name="sessionKey"/>.</summary>
    public AeadChunkSchedule CreateSchedule(ReadOnlySpan<byte> sessionKey)
    {
        var iv = new byte[AeadSuite.NonceSize(Aead) - 8];
        var cipher = DeriveCipher(sessionKey, iv);
        Span<byte> header = stackalloc byte[AssociatedDataSize];
        WriteAssociatedData(header);
        return AeadChunkSchedule.SeipdV2(cipher, iv, ChunkSizeOctet, header);
    }
}
