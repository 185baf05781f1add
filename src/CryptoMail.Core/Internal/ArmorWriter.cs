using System.Text;
using Org.BouncyCastle.Bcpg;

namespace CryptoMail.Core.Internal;

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

    /// <summary>Opens an armoring stream over <paramref name="output"/>; disposing it writes the tail, not closing output.</summary>
    public static ArmoredOutputStream Open(Stream output) =>
        new(new NonClosingStream(output), new Dictionary<string, string>(), addVersionHeader: false);

    public static string ToArmoredString(byte[] binary, ArmorKind kind)
    {
        // BouncyCastle picks the label from the first packet; we check it says what the caller expects.
        using var ms = new MemoryStream();
        using (var armor = Open(ms))
        {
            armor.Write(binary);
        }
        var text = Encoding.ASCII.GetString(ms.ToArray());
        var expected = Label(kind);
        if (!text.Contains("BEGIN " + expected, StringComparison.Ordinal))
        {
            // Relabel: the content decides BouncyCastle's label; ours is the contract.
            int s = text.IndexOf("BEGIN ", StringComparison.Ordinal) + 6;
            int e = text.IndexOf("-----", s, StringComparison.Ordinal);
            var old = text[s..e];
            text = text.Replace("BEGIN " + old, "BEGIN " + expected, StringComparison.Ordinal)
                       .Replace("END " + old, "END " + expected, StringComparison.Ordinal);
        }
        return text;
    }
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
