using System.Text;

namespace CryptoMail.Core.Messages.Reading;

/// <summary>The cleartext signature framework (RFC 9580 section 7): dash-escaped text followed by an armored
/// signature over the text with trailing whitespace removed and CRLF line endings, without the final line ending.</summary>
internal static class Cleartext
{
    private const int MaxLine = 1 << 20;
    private static readonly byte[] Crlf = { (byte)'\r', (byte)'\n' };

    /// <summary>Signs in sync mode: the framework reads its input line by line in place (the async form stages it,
    /// see <see cref="StagedIo"/>).</summary>
    public static SigningResult Sign(Stream input, Stream output, SignOptions options, CancellationToken token) =>
        AsyncMode.Complete(MessageWriter.Signing(input, output, options, SignatureMode.Text, async: false, (sink, signers, _) =>
        {
            var source = new IoBridge(input, token);
            // The Hash header names every digest the signatures use (RFC 9580 section 7.1; an Ed448 key forces SHA-512).
            string hashNames = string.Join(", ", signers.Select(s => SignatureChecker.HashName(s.HashAlgorithm)).Distinct());
            sink.Write(Encoding.ASCII.GetBytes($"-----BEGIN PGP SIGNED MESSAGE-----\nHash: {hashNames}\n\n"));
            var hasher = new CanonicalLineHasher(data => { foreach (var s in signers) s.Raw(data); });
            var lines = new LineReader(source, MaxLine);
            long total = 0;
            while (lines.Next() is { } line)
            {
                token.ThrowIfCancellationRequested();
                hasher.Line(line);
                if (line.Length > 0 && line[0] == (byte)'-') sink.Write("- "u8);
                sink.Write(line);
                sink.WriteByte((byte)'\n');
                total += line.Length + 1;
                options.Progress?.Report(total);
            }
            using var armor = new ArmorStream(sink, ArmorKind.Signature);
            foreach (var s in signers) armor.Write(s.Generate().Encoded());
            return ValueTask.CompletedTask;
        }, token));

    public sealed record Verified(IReadOnlyList<SignatureVerification> Signatures, long Length);

    /// <summary>Verifies a cleartext-signed message read from <paramref name="raw"/> and writes exactly the text that
    /// was signed (RFC 9580 section 7): dash-escaping removed, trailing spaces and tabs removed (they are not signed),
    /// each line ended by LF as GnuPG writes it (the framework signs the same octets with or without a final line
    /// ending).</summary>
    public static Verified Verify(Stream raw, Stream sink, VerifierSet verifiers, DateTimeOffset? notBefore, DateTimeOffset? notAfter,
        OpenPgpPolicy? policy, bool requireGood, long holdBack, ReadLimits limits, CancellationToken token)
    {
        using var held = new HoldBackBuffer(holdBack);
        var framework = ReadFramework(raw, held, token);
        var pool = new HashPool();
        var pending = SignatureReader.ReadAll(framework.Signatures, "Reading the cleartext signature block", limits.MaxSignatures)
            .Select(sig => SignatureChecker.ForSignature(sig, verifiers, pool)).ToList();

        // Hash the held text in canonical form once per hash algorithm, then judge.
        var hasher = new CanonicalLineHasher(pool.Feed);
        using (var splitter = new LineSplitStream(hasher))
        {
            held.CopyTo(splitter, token);
        }
        var context = new VerdictContext(notBefore, notAfter, policy, CleartextHashes: framework.Hashes);
        var verdicts = pending.Select(p => SignatureChecker.Verdict(p, context)).ToList();
        MessageReader.RequireGood(requireGood, verdicts);
        held.CopyTo(sink, token);
        sink.Flush();
        return new Verified(verdicts, framework.Length);
    }

    /// <summary>Splits a cleartext-signed message into its text (to <paramref name="sink"/>, exactly as signed) and its
    /// signatures (binary).</summary>
    public static byte[] Detach(Stream raw, Stream sink, CancellationToken token)
    {
        using var held = new HoldBackBuffer(32L << 20);
        var framework = ReadFramework(raw, held, token);
        // The line ending before the signature block is not part of the signed text.
        held.CopyTo(sink, token, Math.Max(0, framework.Length - 1));
        return framework.Signatures;
    }

    private sealed record Framework(byte[] Signatures, long Length, IReadOnlyCollection<HashAlgorithmId> Hashes);

    /// <summary>Reads the framework: the signed text (un-dash-escaped, trailing whitespace removed, each line ended by LF)
    /// into <paramref name="held"/>, the hash algorithms the Hash headers name, and the decoded signature block. Anything
    /// outside the signed block other than blank lines (other armor headers, text after the signature, a second signed
    /// block) is refused: a reader could take it for signed text.</summary>
    private static Framework ReadFramework(Stream raw, HoldBackBuffer held, CancellationToken token)
    {
        var lines = new LineReader(raw, MaxLine);
        byte[]? line;
        while ((line = lines.Next()) is not null && !IsMarker(line, "-----BEGIN PGP SIGNED MESSAGE-----"))
        {
            if (TrimEnd(line).Length > 0) throw new MalformedDataException("The cleartext-signed message has text before its BEGIN line.");
        }
        if (line is null) throw new MalformedDataException("The cleartext-signed message has no BEGIN line.");
        // RFC 9580 section 7.1: Hash armor headers (a comma-separated list each) up to the blank line, nothing else.
        var hashes = new List<HashAlgorithmId>();
        while ((line = lines.Next()) is not null && TrimEnd(line).Length > 0)
        {
            var header = Encoding.ASCII.GetString(TrimEnd(line));
            if (!header.StartsWith("Hash: ", StringComparison.Ordinal))
                throw new MalformedDataException("The cleartext-signed message has an armor header other than Hash.");
            foreach (var name in header["Hash: ".Length..].Split(','))
            {
                hashes.Add(SignatureChecker.HashByName(name.Trim())
                    ?? throw new MalformedDataException("The cleartext-signed message's Hash header names an unknown algorithm."));
            }
        }
        if (line is null) throw new MalformedDataException("The cleartext-signed message is truncated.");

        long length = 0;
        bool sawSignature = false;
        while ((line = lines.Next()) is not null)
        {
            token.ThrowIfCancellationRequested();
            if (IsMarker(line, "-----BEGIN PGP SIGNATURE-----")) { sawSignature = true; break; }
            ReadOnlySpan<byte> text = line;
            if (text.StartsWith("- "u8)) text = text[2..];
            text = TrimEnd(text);
            held.Write(text);
            held.Write("\n"u8);
            length += text.Length + 1;
        }
        if (!sawSignature) throw new MalformedDataException("The cleartext-signed message has no signature.");

        var armored = new MemoryStream();
        armored.Write("-----BEGIN PGP SIGNATURE-----\n"u8);
        bool sawEnd = false;
        while ((line = lines.Next()) is not null)
        {
            armored.Write(line);
            armored.WriteByte((byte)'\n');
            if (IsMarker(line, "-----END PGP SIGNATURE-----")) { sawEnd = true; break; }
            if (armored.Length > (16 << 20)) throw new LimitExceededException("The cleartext signature block is too large.");
        }
        if (!sawEnd) throw new MalformedDataException("The cleartext signature block has no END line.");
        while ((line = lines.Next()) is not null)
        {
            if (TrimEnd(line).Length > 0)
                throw new MalformedDataException("The cleartext-signed message has text after its signature block, which is not signed.");
        }
        return new Framework(PgpInput.Dearmor(armored.ToArray(), "Reading the cleartext signature"), length, hashes);
    }

    private static bool IsMarker(byte[] line, string marker) => TrimEnd(line).SequenceEqual(Encoding.ASCII.GetBytes(marker));

    private static ReadOnlySpan<byte> TrimEnd(ReadOnlySpan<byte> line)
    {
        int end = line.Length;
        while (end > 0 && line[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r') end--;
        return line[..end];
    }

    /// <summary>Hashes lines as the framework signs them: trailing whitespace removed, CRLF between lines.</summary>
    private sealed class CanonicalLineHasher
    {
        private readonly Action<ReadOnlySpan<byte>> update;
        private bool first = true;

        public CanonicalLineHasher(Action<ReadOnlySpan<byte>> update) => this.update = update;

        public void Line(ReadOnlySpan<byte> line)
        {
            if (!first) update(Crlf);
            first = false;
            update(TrimEnd(line));
        }
    }

    /// <summary>Splits written text at LF and hands each line to a hasher.</summary>
    private sealed class LineSplitStream : WriteOnlyStage
    {
        private readonly CanonicalLineHasher hasher;
        private readonly MemoryStream current = new();

        public LineSplitStream(CanonicalLineHasher hasher) => this.hasher = hasher;

                                        
        public override void Write(ReadOnlySpan<byte> data)
        {
            while (data.Length > 0)
            {
                int nl = data.IndexOf((byte)'\n');
                if (nl < 0) { current.Write(data); return; }
                current.Write(data[..nl]);
                hasher.Line(current.GetBuffer().AsSpan(0, (int)current.Length));
                current.SetLength(0);
                data = data[(nl + 1)..];
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && current.Length > 0) hasher.Line(current.GetBuffer().AsSpan(0, (int)current.Length));
            base.Dispose(disposing);
        }
    }
}

/// <summary>Reads lines (LF-terminated, a trailing CR removed) as bytes, with a length cap.</summary>
internal sealed class LineReader
{
    private readonly Stream input;
    private readonly int max;
    private readonly byte[] buffer = new byte[1 << 16];
    private int pos;
    private int len;

    public LineReader(Stream input, int max)
    {
        this.input = input;
        this.max = max;
    }

    /// <summary>The next line, or null at the end (a last line without LF is returned).</summary>
    public byte[]? Next()
    {
        var line = new MemoryStream();
        while (true)
        {
            if (pos == len)
            {
                len = input.Read(buffer, 0, buffer.Length);
                pos = 0;
                if (len == 0) return line.Length > 0 ? Strip(line.ToArray()) : null;
            }
            int nl = Array.IndexOf(buffer, (byte)'\n', pos, len - pos);
            int end = nl < 0 ? len : nl;
            line.Write(buffer, pos, end - pos);
            if (line.Length > max) throw new LimitExceededException($"A line is longer than {max} bytes.");
            pos = nl < 0 ? len : nl + 1;
            if (nl >= 0) return Strip(line.ToArray());
        }
    }

    private static byte[] Strip(byte[] line) => line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
}
