using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Utilities.Bzip2;

namespace CryptoMail.Core.Crypto;

/// <summary>The streaming packet writers and the BZip2 codec that BouncyCastle provides, behind plain streams so that
/// the message layers do not name its types.</summary>
internal static class PacketStreams
{
    /// <summary>A stream that writes a compressed data packet (RFC 9580 section 5.6) of <paramref name="algorithm"/>
    /// (ZIP, ZLIB or BZip2) to <paramref name="output"/> with partial lengths; disposing it finishes the packet.</summary>
    public static Stream Compressed(Stream output, CompressionAlgorithmId algorithm, byte[] buffer)
    {
        var tag = algorithm switch
        {
            CompressionAlgorithmId.Zip => CompressionAlgorithmTag.Zip,
            CompressionAlgorithmId.Zlib => CompressionAlgorithmTag.ZLib,
            CompressionAlgorithmId.BZip2 => CompressionAlgorithmTag.BZip2,
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Not a compression algorithm we write."),
        };
        return new PgpCompressedDataGenerator(tag).Open(output, buffer);
    }

    /// <summary>A stream that writes a literal data packet (RFC 9580 section 5.9) with the format octet
    /// <paramref name="format"/> ('b', 't' or 'u'), file name and date, with partial lengths; disposing it finishes
    /// the packet.</summary>
    public static Stream Literal(Stream output, char format, string fileName, DateTime modified, byte[] buffer) =>
        new PgpLiteralDataGenerator().Open(output, format, fileName, modified, buffer);

    /// <summary>The decompressed stream of BZip2 data (compression algorithm 3).</summary>
    public static Stream Bzip2Decompressor(Stream compressed) => new CBZip2InputStream(compressed);
}
