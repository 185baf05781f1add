using System.Text;

namespace CryptoMail.Tool;

/// <summary>A read-only pass-through that checks, as the bytes flow, that the input is UTF-8 text. SOP's
/// <c>--as=text</c> requires it (EXPECTED_TEXT otherwise) without reading the whole input first.</summary>
internal sealed class Utf8CheckingStream : Stream
{
    private readonly Stream inner;
    private readonly Decoder decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
    private readonly char[] chars = new char[8192];

    public Utf8CheckingStream(Stream inner) => this.inner = inner;

    /// <summary>Set once invalid UTF-8 was seen (the library may wrap the exception; callers check this).</summary>
    public bool SawInvalidText { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        Check(buffer[..n], flush: n == 0);
        return n;
    }

    private void Check(ReadOnlySpan<byte> bytes, bool flush)
    {
        try
        {
            while (true)
            {
                decoder.Convert(bytes, chars, flush, out int used, out _, out bool completed);
                bytes = bytes[used..];
                if (completed && bytes.IsEmpty) break;
            }
        }
        catch (DecoderFallbackException e)
        {
            SawInvalidText = true;
            throw new ToolException(SopExit.ExpectedText, "The input is not UTF-8 text, but --as=text was requested.", e);
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
