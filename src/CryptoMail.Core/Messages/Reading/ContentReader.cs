using System.Buffers;

namespace CryptoMail.Core.Messages.Reading;

/// <summary>Reads the content of an OpenPGP message (after decryption, or a signed or literal message): checks the
/// packet grammar, decompresses within limits, hashes for every signature while the literal data streams to a sink,
/// and matches trailing signatures to their one-pass headers.</summary>
internal sealed class ContentReader
{
    private const int BufferSize = 1 << 16;
    private readonly ReadLimits limits;
    private readonly VerifierSet verifiers;
    private readonly CancellationToken token;
    private readonly IProgress<long>? progress;
    private readonly List<PendingSignature> signatures = new();
    private CountingStream? compressedSource;
    private int signaturePackets;
    private long decompressed;

    public ContentReader(ReadLimits limits, VerifierSet verifiers, IProgress<long>? progress, CancellationToken token)
    {
        this.limits = limits;
        this.verifiers = verifiers;
        this.progress = progress;
        this.token = token;
    }

    public Compression Compression { get; private set; }
    public string FileName { get; private set; } = string.Empty;
    public LiteralFormat Format { get; private set; }
    public DateTimeOffset? ModificationTime { get; private set; }
    public long Length { get; private set; }

    /// <summary>The verdicts; <paramref name="decryptedBy"/> are the fingerprints of the key that decrypted the message
    /// and of its primary key (null when no key decrypted it), for the Intended Recipient Fingerprint check.</summary>
    public IReadOnlyList<SignatureVerification> Verdicts(DateTimeOffset? notBefore, DateTimeOffset? notAfter, OpenPgpPolicy? policy,
        IReadOnlyCollection<string>? decryptedBy = null)
    {
        var context = new VerdictContext(notBefore, notAfter, policy, decryptedBy);
        return signatures.Select(p => SignatureChecker.Verdict(p, context)).ToList();
    }

    /// <summary>Reads one message's content (a packet sequence) from <paramref name="input"/>.</summary>
    public void Read(Stream input, Action<ReadOnlySpan<byte>> sink, int depth, CountingStream? source)
    {
        if (depth > limits.MaxNestingDepth)
            throw DiagnosticSink.LimitExceeded(nameof(ReadLimits.MaxNestingDepth), limits.MaxNestingDepth, $"The message nests deeper than {limits.MaxNestingDepth} layers.");
        var onePass = new List<PendingSignature>();
        var pool = new HashPool();
        bool sawLiteral = false;
        bool sawCompressed = false;
        while (PacketReader.Read(input) is var (tag, body))
        {
            token.ThrowIfCancellationRequested();
            switch (tag)
            {
                case PacketTag.Marker:
                case PacketTag.Padding:
                    // Marker and padding packets (RFC 9580 sections 5.8 and 5.14) carry nothing.
                    body.Skip();
                    break;
                case PacketTag.CompressedData:
                {
                    if (sawLiteral || sawCompressed || onePass.Count > 0)
                        throw new MalformedDataException("Compressed data appears where the message grammar does not allow it.");
                    sawCompressed = true;
                    int algorithm = body.ReadByte();
                    Compression = algorithm switch
                    {
                        1 => Compression.Zip,
                        2 => Compression.Zlib,
                        3 => Compression.BZip2,
                        _ => Compression.None,
                    };
                    compressedSource ??= source;
                    // Every decompressed octet counts against the limits, whatever packet it belongs to (RFC 9580 section 5.6:
                    // compressed data holds any packets, so padding, markers and signatures cost as much as literal data).
                    using var inner = new CountingStream(Decompress(algorithm, body), Decompressed);
                    Read(inner, sink, depth + 1, inner);
                    sawLiteral = true;
                    break;
                }
                case PacketTag.OnePassSignature:
                {
                    if (sawLiteral) throw new MalformedDataException("A one-pass signature follows the literal data.");
                    Admit();
                    var bytes = PacketReader.ReadSmallBody(body, 1 << 10, "one-pass signature");
                    PendingSignature p;
                    try { p = SignatureChecker.ForOnePass(OnePassSignature.Parse(bytes), verifiers, pool); }
                    catch (UnsupportedPacketException e) { p = SignatureChecker.Unreadable($"The one-pass signature cannot be read ({e.Message})."); }
                    onePass.Add(p);
                    signatures.Add(p);
                    break;
                }
                case PacketTag.Signature:
                {
                    // Every signature packet counts (a trailing one closes a one-pass signature already admitted, so a
                    // message within the cap never has more signature packets than the cap).
                    if (++signaturePackets > limits.MaxSignatures)
                        throw DiagnosticSink.LimitExceeded(nameof(ReadLimits.MaxSignatures), limits.MaxSignatures, $"The message has more than {limits.MaxSignatures} signatures (ReadLimits.MaxSignatures).");
                    var sig = SignaturePacket.ParseLenient(PacketReader.ReadSmallBody(body, SignatureReader.MaxSignatureBytes, "signature"));
                    if (!sawLiteral)
                    {
                        // Old-style signed message: signatures before the data.
                        Admit();
                        var p = SignatureChecker.ForSignature(sig, verifiers, pool);
                        onePass.Add(p);
                        signatures.Add(p);
                    }
                    else
                    {
                        // Trailing signatures close the one-pass headers in reverse order.
                        SignatureChecker.Close(onePass, sig);
                    }
                    break;
                }
                case PacketTag.LiteralData:
                {
                    if (sawLiteral) throw new MalformedDataException("The message has more than one literal data packet.");
                    sawLiteral = true;
                    int format = body.ReadByte();
                    // RFC 9580 section 5.9: binary, text, UTF-8, and the legacy 'l', '1' and MIME 'm'.
                    if (format is not ('b' or 't' or 'u' or 'l' or '1' or 'm'))
                        throw new MalformedDataException("The literal data packet has an unknown format octet.");
                    int nameLength = body.ReadByte();
                    if (nameLength < 0) throw new MalformedDataException("The literal data packet is truncated.");
                    var header = new byte[nameLength + 4];
                    PacketReader.ReadExactly(body, header);
                    Format = format switch { 't' => LiteralFormat.Text, 'u' => LiteralFormat.Utf8, _ => LiteralFormat.Binary };
                    FileName = System.Text.Encoding.UTF8.GetString(header, 0, nameLength);
                    uint mtime = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(nameLength));
                    ModificationTime = mtime == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(mtime);
                    Pump(body, pool, sink);
                    break;
                }
                case var t when PacketTags.IsEncryption(t):
                    throw new MalformedDataException("Encrypted data is nested inside the message; this is not supported.");
                default:
                    throw new MalformedDataException("A packet of a kind the message grammar does not allow appears in the message.");
            }
        }
        if (!sawLiteral) throw new MalformedDataException("The message holds no literal data.");
    }

    private void Admit()
    {
        if (signatures.Count >= limits.MaxSignatures)
            throw DiagnosticSink.LimitExceeded(nameof(ReadLimits.MaxSignatures), limits.MaxSignatures, $"The message has more than {limits.MaxSignatures} signatures (ReadLimits.MaxSignatures).");
    }

    /// <summary>The decompressed stream of a compressed data packet body (RFC 9580 section 5.6).</summary>
    internal static Stream Decompress(int algorithm, Stream body) => algorithm switch
    {
        0 => body,
        1 => new System.IO.Compression.DeflateStream(body, System.IO.Compression.CompressionMode.Decompress, leaveOpen: true),
        2 => new System.IO.Compression.ZLibStream(body, System.IO.Compression.CompressionMode.Decompress, leaveOpen: true),
        3 => PacketStreams.Bzip2Decompressor(body),
        _ => throw new MalformedDataException("The compressed data packet names an unknown compression algorithm."),
    };

    /// <summary>Streams the literal data to the sink; the signatures' shared hashes run on the second core meanwhile.</summary>
    private void Pump(Stream data, HashPool pool, Action<ReadOnlySpan<byte>> sink)
    {
        ParallelStage.Pump(data, BufferSize, pool.IsEmpty ? null : (buffer, offset, count) => pool.Update(buffer.AsSpan(offset, count)), chunk =>
        {
            Length += chunk.Length;
            sink(chunk);
            progress?.Report(Length);
        }, token);
    }

    /// <summary>Counts <paramref name="count"/> more decompressed octets (of any layer) against the limits.</summary>
    private void Decompressed(int count)
    {
        decompressed += count;
        if (decompressed > limits.MaxDecompressedBytes)
            throw DiagnosticSink.LimitExceeded(nameof(ReadLimits.MaxDecompressedBytes), limits.MaxDecompressedBytes, $"Compressed data expands to more than {limits.MaxDecompressedBytes} bytes.");
        if (decompressed > (1 << 20) && compressedSource is { } src && decompressed / Math.Max(1, src.Count) > limits.MaxCompressionRatio)
            throw DiagnosticSink.LimitExceeded(nameof(ReadLimits.MaxCompressionRatio), limits.MaxCompressionRatio, $"Compressed data expands more than {limits.MaxCompressionRatio} times (a decompression bomb?).");
    }
}
