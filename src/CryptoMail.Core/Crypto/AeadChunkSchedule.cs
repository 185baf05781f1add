using System.Buffers.Binary;
using System.Security.Cryptography;

namespace CryptoMail.Core.Crypto;

/// <summary>What differs between the two chunked AEAD packets: the keyed cipher, the chunk size, and the nonce and
/// associated data of chunk <c>i</c> and of the final tag. <see cref="ChunkedAeadStream"/> does the chunking, the
/// release rules and the failure handling once for both.</summary>
/// <remarks>
/// RFC 9580 SEIPD v2 (tag 18, <see cref="SeipdV2Header.CreateSchedule"/>): message key and IV from HKDF over the
/// session key and a salt; nonce = IV || index; associated data = the five header octets, plus the total length
/// for the final tag.
/// LibrePGP OCB Encrypted Data (tag 20, <see cref="AeadEncryptedDataHeader.CreateSchedule"/>): the session key is
/// the message key; nonce = IV with the index XORed into its last 8 octets; associated data = the five header
/// octets and the 8-octet index, plus the total length for the final tag.
/// Instances are not thread-safe; the returned spans are valid until the next call.
/// </remarks>
internal sealed class AeadChunkSchedule : IDisposable
{
    private readonly byte[] iv;
    private readonly byte[] nonce;
    private readonly byte[] associatedData;
    private readonly int headerLength;
    // SEIPD v2: nonce = IV || index, index not in the chunk's associated data. LibrePGP: nonce = IV with the index
    // XORed into its last 8 octets, index in the associated data.
    private readonly bool librePgp;
    private bool disposed;

    private AeadChunkSchedule(IAeadCipher cipher, byte[] iv, byte chunkSizeOctet, ReadOnlySpan<byte> header, bool librePgp, string name)
    {
        Cipher = cipher;
        this.iv = iv;
        ChunkSize = 1 << (chunkSizeOctet + 6);
        Name = name;
        nonce = new byte[cipher.NonceSize];
        headerLength = header.Length;
        this.librePgp = librePgp;
        associatedData = new byte[header.Length + 16];
        header.CopyTo(associatedData);
    }

    /// <summary>RFC 9580 SEIPD v2. <paramref name="cipher"/> (keyed with the message key) and <paramref name="iv"/>
    /// (nonce size - 8 octets) are owned by the schedule from now on.</summary>
    public static AeadChunkSchedule SeipdV2(IAeadCipher cipher, byte[] iv, byte chunkSizeOctet, ReadOnlySpan<byte> header) =>
        new(cipher, iv, chunkSizeOctet, header, librePgp: false, "v2 SEIPD");

    /// <summary>LibrePGP OCB Encrypted Data (tag 20). <paramref name="cipher"/> (keyed with the session key) and
    /// <paramref name="iv"/> (the whole nonce size) are owned by the schedule from now on.</summary>
    public static AeadChunkSchedule LibrePgp(IAeadCipher cipher, byte[] iv, byte chunkSizeOctet, ReadOnlySpan<byte> header) =>
        new(cipher, iv, chunkSizeOctet, header, librePgp: true, "OCB Encrypted Data");

    public IAeadCipher Cipher { get; }

    public int ChunkSize { get; }

    /// <summary>The packet's name in error messages.</summary>
    public string Name { get; }

    /// <summary>The nonce of chunk (or final tag) <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Nonce(long index)
    {
        if (!librePgp)
        {
            WriteNonce(iv, index, nonce);
            return nonce;
        }
        iv.CopyTo(nonce, 0);
        var tail = nonce.AsSpan(nonce.Length - 8);
        BinaryPrimitives.WriteInt64BigEndian(tail, BinaryPrimitives.ReadInt64BigEndian(tail) ^ index);
        return nonce;
    }

    /// <summary>The associated data of chunk <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> ChunkAssociatedData(long index)
    {
        if (!librePgp) return associatedData.AsSpan(0, headerLength);
        BinaryPrimitives.WriteInt64BigEndian(associatedData.AsSpan(headerLength), index);
        return associatedData.AsSpan(0, headerLength + 8);
    }

    /// <summary>The associated data of the final tag, which follows <paramref name="index"/> chunks holding
    /// <paramref name="totalPlaintext"/> octets in all.</summary>
    public ReadOnlySpan<byte> FinalAssociatedData(long index, long totalPlaintext)
    {
        int at = headerLength;
        if (librePgp)
        {
            BinaryPrimitives.WriteInt64BigEndian(associatedData.AsSpan(at), index);
            at += 8;
        }
        BinaryPrimitives.WriteInt64BigEndian(associatedData.AsSpan(at), totalPlaintext);
        return associatedData.AsSpan(0, at + 8);
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        Cipher.Dispose();
        CryptographicOperations.ZeroMemory(iv);
        CryptographicOperations.ZeroMemory(nonce);
    }

    /// <summary>The nonce of chunk <paramref name="index"/>: the IV followed by the index as 8 big-endian octets.</summary>
    public static void WriteNonce(ReadOnlySpan<byte> iv, long index, Span<byte> nonce)
    {
        iv.CopyTo(nonce);
        BinaryPrimitives.WriteInt64BigEndian(nonce[iv.Length..], index);
    }
}
