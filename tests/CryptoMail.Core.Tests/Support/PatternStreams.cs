namespace CryptoMail.Core.Tests.Support;

/// <summary>Large test inputs made on the fly and checked on the fly, so that a test of bounded memory holds none
/// of its data itself.</summary>
internal static class Pattern
{
    /// <summary>The deterministic pseudo-random byte at <paramref name="position"/> (a 64-bit mix of it).</summary>
    public static byte At(long position)
    {
        ulong x = (ulong)(position >> 3) * 0x9E3779B97F4A7C15UL;
        x ^= x >> 29;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 32;
        return (byte)(x >> (int)((position & 7) * 8));
    }
}

/// <summary>Produces <c>length</c> pattern bytes on demand (seekable, as MimeKit's content objects require).</summary>
internal sealed class GeneratorStream(long length) : Stream
{
    private long position;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => position; set => position = Math.Clamp(value, 0, length); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = (int)Math.Min(buffer.Length, length - position);
        for (int i = 0; i < n; i++) buffer[i] = Pattern.At(position + i);
        position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) =>
        Position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => position + offset, _ => length + offset };

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Counts what it is given and checks it against the pattern, keeping none of it.</summary>
internal sealed class CheckingSink(long expectedLength) : Stream
{
    private long position;

    public bool Mismatch { get; private set; }
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => position;
    public override long Position { get => position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (position + buffer.Length > expectedLength) Mismatch = true;
        for (int i = 0; i < buffer.Length && !Mismatch; i++) Mismatch = buffer[i] != Pattern.At(position + i);
        position += buffer.Length;
    }
}

/// <summary>Reads another stream forward only, as a pipe or a socket does (no seeking, no length).</summary>
internal sealed class ForwardOnlyStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => inner.Read(buffer);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
