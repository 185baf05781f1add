using System.Text;

namespace CryptoMail.Core.IO;

/// <summary>Writes ASCII armor: no Version header, always with the CRC-24 line (GnuPG 2.2 needs it).</summary>
internal static class ArmorWriter
{
    public static string Label(ArmorKind kind) => kind switch
    {
        ArmorKind.Message => "PGP MESSAGE",
        ArmorKind.PublicKey => "PGP PUBLIC KEY BLOCK",
        ArmorKind.PrivateKey => "PGP PRIVATE KEY BLOCK",
        ArmorKind.Signature => "PGP SIGNATURE",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string ToArmoredString(byte[] binary, ArmorKind kind, bool writeCrc = true)
    {
        using var ms = new MemoryStream();
        using (var armor = new ArmorStream(ms, kind, writeCrc))
        {
            armor.Write(binary);
        }
        return Encoding.ASCII.GetString(ms.ToArray());
    }

    /// <summary>The armor kind that fits a binary packet stream, from its first packet tag.</summary>
    public static ArmorKind KindOf(byte firstByte) => PacketTags.TagOf(firstByte) switch
    {
        PacketTag.PublicKey => ArmorKind.PublicKey,
        PacketTag.SecretKey => ArmorKind.PrivateKey,
        PacketTag.Signature => ArmorKind.Signature,
        _ => ArmorKind.Message,
    };
}

/// <summary>Passes everything through but never closes the wrapped stream (callers' streams stay open).</summary>
internal sealed class NonClosingStream : Stream
{
    private readonly Stream inner;

    public NonClosingStream(Stream inner) => this.inner = inner;

    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => false;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => inner.Read(buffer);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
    public override void WriteByte(byte value) => inner.WriteByte(value);
    protected override void Dispose(bool disposing) { if (disposing) inner.Flush(); base.Dispose(disposing); }
}
