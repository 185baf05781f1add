using System.Buffers;
using System.Buffers.Text;

namespace CryptoMail.Core.Internal;

/// <summary>Reads the binary data of one ASCII-armored block (RFC 9580 section 6.2) from a stream, line by line with
/// vectorized base64 decoding: the bulk path for large armored messages (BouncyCastle's armored reader goes byte by
/// byte through virtual calls).</summary>
/// <remarks>
/// Text before the <c>-----BEGIN PGP </c> line is skipped, armor headers are skipped up to the blank line that must
/// end them, white space inside data lines is ignored, and the CRC line (<c>=XXXX</c>) is ignored as RFC 9580 section
/// 6.1 advises (the packets carry their own integrity). Like common readers it accepts a missing END line at the end of
/// the input (a truncated message then fails in the layer that authenticates it). Bad base64, headers without the
/// blank line, or no BEGIN line at all are <see cref="MalformedDataException"/>s.
/// </remarks>
internal sealed class DearmorStream : ReadOnlyStage
{
    private const int InputSize = 1 << 16;
    private static readonly SearchValues<byte> Blanks = SearchValues.Create(" \t\r"u8);

    private enum State { BeforeBegin, Headers, Body, Done }

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
    private long total;
    private bool disposed;

    public DearmorStream(Stream input) => this.input = input;

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
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

    /// <summary>Consumes input lines until a batch of data is decoded or the block ends.</summary>
    private void Advance()
    {
        decodedStart = decodedEnd = 0;
        while (decodedEnd < InputSize / 4 && state != State.Done)
        {
            if (!NextLine(out var line))
            {
                // End of input: a missing END line is tolerated once the body started.
                if (state != State.Body) throw new MalformedDataException("The armored data has no BEGIN PGP line.");
                Finish();
                break;
            }
            switch (state)
            {
                case State.BeforeBegin:
                    if (line.StartsWith("-----BEGIN PGP "u8)) state = State.Headers;
                    break;
                case State.Headers:
                    if (Trim(line).Length == 0) state = State.Body;
                    else if (line.IndexOf((byte)':') < 0)
                        throw new MalformedDataException("The armor's headers are not followed by a blank line.");
                    break;
                case State.Body:
                    BodyLine(line);
                    break;
            }
        }
    }

    private void BodyLine(ReadOnlySpan<byte> line)
    {
        var text = Trim(line);
        if (text.StartsWith("-----"u8))
        {
            Finish();
            return;
        }
        // The CRC line: RFC 9580 section 6.1 says not to reject data for it (the packets carry their own integrity).
        if (text.Length == 5 && text[0] == (byte)'=') return;
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
        int usable = final ? charCount : charCount & ~3;
        if (usable == 0) return;
        var status = Base64.DecodeFromUtf8(chars.AsSpan(0, usable), decoded.AsSpan(decodedEnd), out int consumed, out int written, isFinalBlock: final);
        if (status != OperationStatus.Done && !(status == OperationStatus.NeedMoreData && !final))
            throw new MalformedDataException("The armored data is not valid base64.");
        decodedEnd += written;
        total += written;
        chars.AsSpan(consumed, charCount - consumed).CopyTo(chars);
        charCount -= consumed;
        if (final && charCount != 0) throw new MalformedDataException("The armored data ends inside a base64 group.");
    }

    private void Finish()
    {
        Decode(final: true);
        state = State.Done;
        if (total == 0) throw new MalformedDataException("The armor holds no data.");
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

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line)
    {
        int end = line.Length;
        while (end > 0 && Blanks.Contains(line[end - 1])) end--;
        int start = 0;
        while (start < end && Blanks.Contains(line[start])) start++;
        return line[start..end];
    }
}
