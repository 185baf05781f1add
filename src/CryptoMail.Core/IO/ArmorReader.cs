using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace CryptoMail.Core.IO;

/// <summary>The library's one ASCII-armor decoder (RFC 9580 section 6.2): reads armored blocks from a stream, line by
/// line with vectorized base64 decoding, and exposes each block's label and header lines.</summary>
/// <remarks>
/// Text before a <c>-----BEGIN PGP ...-----</c> line is skipped. <see cref="TryReadHeader"/> reads that line and the
/// header lines up to the blank line that must end them; <see cref="Read(Span{byte})"/> then yields the block's
/// binary data (reading the header first if no one did). White space inside data lines is ignored. The CRC-24
/// footer (<c>=XXXX</c>) is accepted when present, absent or wrong: RFC 9580 section 6.1 says an implementation MUST
/// NOT reject an object for its footer (the packets carry their own integrity), so it is not computed. Like common
/// readers it accepts a missing END line at the end of the input (a truncated message then fails in the layer that
/// authenticates it); an END line must carry the BEGIN line's label. Once a block ends, <see cref="TryReadHeader"/>
/// moves on to the next one. A cleartext-signed message (<c>-----BEGIN PGP SIGNED MESSAGE-----</c>) has a header
/// (its <c>Hash:</c> lines) but no armored data. Every defect is a <see cref="MalformedDataException"/> whose message
/// holds no input bytes. Lines are read 64 KiB at a time from the input, never a byte at a time.
/// </remarks>
internal sealed class ArmorReader : ReadOnlyStage
{
    /// <summary>The label of the cleartext signature framework's first line (RFC 9580 section 7).</summary>
    public const string CleartextLabel = "PGP SIGNED MESSAGE";

    /// <summary>The most header lines one block may carry (memory bound; real armor has a handful).</summary>
    public const int MaxHeaderLines = 64;

    private const int InputSize = 1 << 16;
    private static readonly SearchValues<byte> Blanks = SearchValues.Create(" \t\r"u8);

    private enum State { BeforeBegin, Headers, Body, AfterChecksum, Done }

    private readonly Stream input;
    private readonly byte[] inBuf = ArrayPool<byte>.Shared.Rent(InputSize);
    private int inStart;
    private int inEnd;
    private bool inputEnded;

    // Base64 characters of the body not yet decoded: fewer than DecodeBatch, plus one line of at most InputSize.
    private const int DecodeBatch = 8192;
    private readonly byte[] chars = ArrayPool<byte>.Shared.Rent(DecodeBatch + InputSize);
    private int charCount;
    // Decoded bytes: refilled while fewer than InputSize / 4 wait, by at most (DecodeBatch + InputSize) * 3 / 4.
    private readonly byte[] decoded = ArrayPool<byte>.Shared.Rent(2 * InputSize);
    private int decodedStart;
    private int decodedEnd;

    private State state = State.BeforeBegin;
    private readonly List<KeyValuePair<string, string>> headers = new();
    private string? label;
    private long total;
    private bool disposed;

    private readonly string? what;

    /// <param name="input">The armored text.</param>
    /// <param name="what">The operation, to begin every error message with; null for none.</param>
    public ArmorReader(Stream input, string? what = null)
    {
        this.input = input;
        this.what = what;
    }

    /// <summary>The current block's label (<c>PGP MESSAGE</c>, <c>PGP SIGNATURE</c>, ...); null before a header was read.</summary>
    public string? Label => label;

    /// <summary>The current block's kind, or null for a label that names none (a cleartext-signed message, an
    /// unknown label, or before a header was read).</summary>
    public ArmorKind? Kind => label switch
    {
        "PGP MESSAGE" => ArmorKind.Message,
        "PGP PUBLIC KEY BLOCK" => ArmorKind.PublicKey,
        "PGP PRIVATE KEY BLOCK" => ArmorKind.PrivateKey,
        "PGP SIGNATURE" => ArmorKind.Signature,
        _ => null,
    };

    /// <summary>Whether the current block is a cleartext-signed message (its header read; the text follows it).</summary>
    public bool IsCleartext => label == CleartextLabel;

    /// <summary>The current block's header lines (<c>Key: Value</c>), in order; keys may repeat (<c>Hash:</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => headers;

    /// <summary>Reads the next block's BEGIN line and header lines (after the current block, if one ended); false
    /// when the input ends before another BEGIN line.</summary>
    public bool TryReadHeader()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (state == State.Done)
        {
            state = State.BeforeBegin;
            headers.Clear();
            label = null;
            total = 0;
            decodedStart = decodedEnd = charCount = 0;
        }
        if (state is State.Body or State.AfterChecksum)
            throw new InvalidOperationException("The current armor block has not been read to its end.");
        while (state is State.BeforeBegin or State.Headers)
        {
            if (!NextLine(out var line))
            {
                if (state == State.BeforeBegin) return false;
                throw Malformed("The armor ends inside its header lines.");
            }
            if (state == State.BeforeBegin)
            {
                // GnuPG writes a revocation certificate's BEGIN line after a colon, so that it is not imported by
                // accident; asked to read one, we read it.
                if (TryParseBeginLine(line, out label) || (line.Length > 0 && line[0] == (byte)':' && TryParseBeginLine(line[1..], out label)))
                    state = State.Headers;
            }
            else if (Trim(line).Length == 0)
            {
                state = State.Body;
            }
            else
            {
                if (!TryParseHeaderLine(line, out var key, out var value))
                    throw Malformed("The armor's headers are not followed by a blank line.");
                if (headers.Count == MaxHeaderLines)
                    throw Malformed($"The armor has more than {MaxHeaderLines} header lines.");
                headers.Add(new(key, value));
            }
        }
        return true;
    }

    /// <summary>Reads the first block's header; a <see cref="MalformedDataException"/> when there is no BEGIN line.</summary>
    public void ReadHeader()
    {
        if (state == State.BeforeBegin && !TryReadHeader()) throw Malformed("The armored data has no BEGIN PGP line.");
    }

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        ReadHeader();
        if (IsCleartext) throw Malformed("A cleartext-signed message holds no armored data.");
        while (decodedStart == decodedEnd)
        {
            if (state == State.Done) return 0;
            Advance();
        }
        int n = Math.Min(buffer.Length, decodedEnd - decodedStart);
        decoded.AsSpan(decodedStart, n).CopyTo(buffer);
        decodedStart += n;
        return n;
    }

    /// <summary>Decodes the rest of the current block into an array of at most <paramref name="max"/> bytes.</summary>
    public byte[] ReadBlock(int max)
    {
        using var ms = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(InputSize);
        try
        {
            int n;
            while ((n = Read(buffer.AsSpan(0, InputSize))) > 0)
            {
                if (ms.Length + n > max) throw new LimitExceededException($"The armor block is larger than {max} bytes.");
                ms.Write(buffer, 0, n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return ms.ToArray();
    }

    /// <summary>Parses an armor header line (<c>-----BEGIN PGP MESSAGE-----</c>, trailing white space allowed) and
    /// returns its label.</summary>
    public static bool TryParseBeginLine(ReadOnlySpan<byte> line, out string? label)
    {
        label = null;
        var text = Trim(line);
        if (text.Length < "-----BEGIN PGP -----".Length || !text.StartsWith("-----BEGIN PGP "u8) || !text.EndsWith("-----"u8)) return false;
        var name = text["-----BEGIN ".Length..^"-----".Length];
        foreach (var b in name)
            if (b is < 0x20 or > 0x7E) return false;
        label = Encoding.ASCII.GetString(name);
        return true;
    }

    /// <summary>Parses an armor header (<c>Key: Value</c>, RFC 9580 section 6.2.2): a key of printable ASCII without
    /// spaces, a colon, and a UTF-8 value (one space after the colon is dropped, as is surrounding white space).</summary>
    public static bool TryParseHeaderLine(ReadOnlySpan<byte> line, out string key, out string value)
    {
        key = value = string.Empty;
        var text = Trim(line);
        int colon = text.IndexOf((byte)':');
        if (colon <= 0) return false;
        foreach (var b in text[..colon])
            if (b is <= 0x20 or > 0x7E) return false;
        key = Encoding.ASCII.GetString(text[..colon]);
        value = Encoding.UTF8.GetString(Trim(text[(colon + 1)..]));
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !disposed)
        {
            disposed = true;
            ArrayPool<byte>.Shared.Return(inBuf);
            ArrayPool<byte>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(decoded);
        }
        base.Dispose(disposing);
    }

    /// <summary>Consumes body lines until a batch of data is decoded or the block ends.</summary>
    private void Advance()
    {
        decodedStart = decodedEnd = 0;
        while (decodedEnd < InputSize / 4 && state != State.Done)
        {
            if (!NextLine(out var line))
            {
                // End of input: a missing END line is tolerated.
                Finish();
                break;
            }
            BodyLine(line);
        }
    }

    private void BodyLine(ReadOnlySpan<byte> line)
    {
        var text = Trim(line);
        if (text.StartsWith("-----"u8))
        {
            if (!text.StartsWith("-----END "u8) || !text.EndsWith("-----"u8) || text.Length != "-----END -----".Length + label!.Length
                || !Ascii.Equals(text["-----END ".Length..^"-----".Length], label))
                throw Malformed("The armor's END line does not match its BEGIN line.");
            Finish();
            return;
        }
        if (text.Length == 0) return;
        if (state == State.AfterChecksum) throw Malformed("Armored data follows the armor's checksum line.");
        // The CRC-24 footer: RFC 9580 section 6.1 says not to reject an object for it, present, missing, malformed or wrong.
        if (text[0] == (byte)'=')
        {
            state = State.AfterChecksum;
            return;
        }
        if (text.IndexOfAny(Blanks) < 0)
        {
            text.CopyTo(chars.AsSpan(charCount));
            charCount += text.Length;
        }
        else
        {
            foreach (var b in text)
                if (!Blanks.Contains(b)) chars[charCount++] = b;
        }
        if (charCount >= DecodeBatch) Decode(final: false);
    }

    private void Decode(bool final)
    {
        // Before the end, the last group waits: it may be the padded one, which only a final decode accepts (decoding it
        // early failed armor whose padding fell at the end of a batch, 6,143 octets for one).
        int usable = final ? charCount : Math.Max(0, (charCount & ~3) - 4);
        if (usable == 0) return;
        var status = Base64.DecodeFromUtf8(chars.AsSpan(0, usable), decoded.AsSpan(decodedEnd), out int consumed, out int written, isFinalBlock: final);
        if (status != OperationStatus.Done && !(status == OperationStatus.NeedMoreData && !final))
            throw Malformed("The armored data is not valid base64.");
        decodedEnd += written;
        total += written;
        chars.AsSpan(consumed, charCount - consumed).CopyTo(chars);
        charCount -= consumed;
        if (final && charCount != 0) throw Malformed("The armored data ends inside a base64 group.");
    }

    private void Finish()
    {
        Decode(final: true);
        state = State.Done;
        if (total == 0) throw Malformed("The armor holds no data.");
    }

    /// <summary>The next line without its line break; false at the end of the input. A line longer than the buffer
    /// is returned in pieces (only data lines are that long).</summary>
    private bool NextLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var window = inBuf.AsSpan(inStart, inEnd - inStart);
            int nl = window.IndexOf((byte)'\n');
            if (nl >= 0)
            {
                line = window[..nl];
                inStart += nl + 1;
                return true;
            }
            if (inputEnded || inEnd - inStart == InputSize)
            {
                if (window.Length == 0)
                {
                    line = default;
                    return false;
                }
                line = window;
                inStart = inEnd;
                return true;
            }
            window.CopyTo(inBuf);
            inEnd = window.Length;
            inStart = 0;
            int r = input.Read(inBuf, inEnd, InputSize - inEnd);
            if (r <= 0) inputEnded = true;
            else inEnd += r;
        }
    }

    private MalformedDataException Malformed(string message) =>
        new(what is null ? message : $"{what}: the ASCII armor is invalid ({message})");

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line)
    {
        int end = line.Length;
        while (end > 0 && Blanks.Contains(line[end - 1])) end--;
        int start = 0;
        while (start < end && Blanks.Contains(line[start])) start++;
        return line[start..end];
    }
}
