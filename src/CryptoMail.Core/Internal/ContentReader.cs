using System.Buffers;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace CryptoMail.Core.Internal;

/// <summary>Reads the content of an OpenPGP message (after decryption, or a signed or literal message): checks the
/// packet grammar, decompresses within limits, hashes for every signature while the literal data streams to a sink,
/// and matches trailing signatures to their one-pass headers.</summary>
internal sealed class ContentReader
{
    private const int BufferSize = 1 << 16;
    private const int MaxSignatures = 256;
    private readonly ReadLimits limits;
    private readonly IReadOnlyList<Certificate> verifiers;
    private readonly CancellationToken token;
    private readonly IProgress<long>? progress;
    private readonly List<PendingSignature> signatures = new();
    private CountingStream? compressedSource;

    public ContentReader(ReadLimits limits, IEnumerable<Certificate> verifiers, IProgress<long>? progress, CancellationToken token)
    {
        this.limits = limits;
        this.verifiers = verifiers.ToList();
        this.progress = progress;
        this.token = token;
    }

    public Compression Compression { get; private set; }
    public string FileName { get; private set; } = string.Empty;
    public LiteralFormat Format { get; private set; }
    public DateTimeOffset? ModificationTime { get; private set; }
    public long Length { get; private set; }

    public IReadOnlyList<SignatureVerification> Verdicts(DateTimeOffset? notBefore, DateTimeOffset? notAfter) =>
        signatures.Select(p => SignatureChecker.Verdict(p, notBefore, notAfter)).ToList();

    /// <summary>Reads one message's content from <paramref name="factory"/>; <paramref name="first"/> is an object already taken from it.</summary>
    public void Read(PgpObjectFactory factory, PgpObject? first, Action<ReadOnlySpan<byte>> sink, int depth, CountingStream? source)
    {
        if (depth > limits.MaxNestingDepth)
            throw new LimitExceededException($"The message nests deeper than {limits.MaxNestingDepth} layers.");
        var onePass = new List<PendingSignature>();
        bool sawLiteral = false;
        bool sawCompressed = false;
        var obj = first ?? Next(factory);
        for (; obj is not null; obj = Next(factory))
        {
            token.ThrowIfCancellationRequested();
            switch (obj)
            {
                case PgpMarker:
                case PgpPadding:
                    // Marker and padding packets (RFC 9580 sections 5.8 and 5.14) carry nothing.
                    break;
                case PgpCompressedData compressed:
                    if (sawLiteral || sawCompressed || onePass.Count > 0)
                        throw new MalformedDataException("Compressed data appears where the message grammar does not allow it.");
                    sawCompressed = true;
                    Compression = compressed.Algorithm switch
                    {
                        CompressionAlgorithmTag.Zip => Compression.Zip,
                        CompressionAlgorithmTag.ZLib => Compression.Zlib,
                        CompressionAlgorithmTag.BZip2 => Compression.BZip2,
                        _ => Compression.None,
                    };
                    compressedSource ??= source;
                    var inner = new CountingStream(compressed.GetDataStream());
                    Read(new PgpObjectFactory(inner), null, sink, depth + 1, inner);
                    sawLiteral = true;
                    break;
                case PgpOnePassSignatureList ops:
                    if (sawLiteral) throw new MalformedDataException("A one-pass signature follows the literal data.");
                    for (int i = 0; i < ops.Count; i++)
                    {
                        if (signatures.Count >= MaxSignatures) throw new LimitExceededException($"The message has more than {MaxSignatures} signatures.");
                        var p = SignatureChecker.ForOnePass(ops[i], verifiers);
                        onePass.Add(p);
                        signatures.Add(p);
                    }
                    break;
                case PgpSignatureList list:
                    if (!sawLiteral)
                    {
                        // Old-style signed message: signatures before the data.
                        for (int i = 0; i < list.Count; i++)
                        {
                            if (signatures.Count >= MaxSignatures) throw new LimitExceededException($"The message has more than {MaxSignatures} signatures.");
                            var p = SignatureChecker.ForSignature(list[i], verifiers);
                            onePass.Add(p);
                            signatures.Add(p);
                        }
                    }
                    else
                    {
                        // Trailing signatures close the one-pass headers in reverse order.
                        for (int i = 0; i < list.Count; i++)
                        {
                            var sig = list[i];
                            var match = onePass.LastOrDefault(p => p.Signature is null && p.OnePass is not null && p.KeyId == sig.KeyId)
                                ?? onePass.LastOrDefault(p => p.Signature is null && p.KeyId == sig.KeyId);
                            if (match is not null) match.Signature = sig;
                        }
                    }
                    break;
                case PgpLiteralData literal:
                    if (sawLiteral) throw new MalformedDataException("The message has more than one literal data packet.");
                    sawLiteral = true;
                    FileName = literal.FileName;
                    Format = literal.Format switch { PgpLiteralData.Text => LiteralFormat.Text, PgpLiteralData.Utf8 => LiteralFormat.Utf8, _ => LiteralFormat.Binary };
                    var mtime = literal.ModificationTime;
                    ModificationTime = mtime <= DateTime.UnixEpoch ? null : new DateTimeOffset(DateTime.SpecifyKind(mtime, DateTimeKind.Utc));
                    Pump(literal.GetDataStream(), onePass, sink);
                    break;
                case PgpEncryptedDataList:
                    throw new MalformedDataException("Encrypted data is nested inside the message; this is not supported.");
                default:
                    throw new MalformedDataException($"Unexpected {obj.GetType().Name.Replace("Pgp", "", StringComparison.Ordinal)} packet in the message.");
            }
        }
        if (!sawLiteral) throw new MalformedDataException("The message holds no literal data.");
    }

    private void Pump(Stream data, List<PendingSignature> hashers, Action<ReadOnlySpan<byte>> sink)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int n;
            while ((n = data.Read(buffer, 0, BufferSize)) > 0)
            {
                token.ThrowIfCancellationRequested();
                var chunk = buffer.AsSpan(0, n);
                foreach (var h in hashers) h.Update(chunk);
                Length += n;
                if (compressedSource is not null) CheckDecompression();
                sink(chunk);
                progress?.Report(Length);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    private void CheckDecompression()
    {
        if (Length > limits.MaxDecompressedBytes)
            throw new LimitExceededException($"Compressed data expands to more than {limits.MaxDecompressedBytes} bytes.");
        if (Length > (1 << 20) && compressedSource is { } src && Length / Math.Max(1, src.Count) > limits.MaxCompressionRatio)
            throw new LimitExceededException($"Compressed data expands more than {limits.MaxCompressionRatio} times (a decompression bomb?).");
    }

    public static PgpObject? Next(PgpObjectFactory factory)
    {
        try
        {
            return factory.NextPgpObject();
        }
        catch (Exception e) when (e is not CryptoMailException and not OperationCanceledException and not CallerStreamException)
        {
            if (e is EndOfStreamException) throw new MalformedDataException("The message is truncated.", e);
            throw new MalformedDataException($"The message is malformed ({e.Message}).", e);
        }
    }
}
