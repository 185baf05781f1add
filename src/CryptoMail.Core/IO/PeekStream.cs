
namespace CryptoMail.Core.IO;

/// <summary>Reads ahead a few bytes of a stream to recognise its format, then replays them.</summary>
internal sealed class PeekStream : ReadOnlyStage
{
    private readonly Stream inner;
    private readonly byte[] head;
    private int headPos;
    private readonly int headLen;

    public PeekStream(Stream inner, int peekBytes = 64)
    {
        this.inner = inner;
        head = new byte[peekBytes];
        int n = 0;
        while (n < head.Length)
        {
            int r = inner.Read(head, n, head.Length - n);
            if (r == 0) break;
            n += r;
        }
        headLen = n;
    }

    /// <summary>The bytes read ahead (fewer than asked only at end of input).</summary>
    public ReadOnlySpan<byte> Head => head.AsSpan(0, headLen);



    public override int Read(Span<byte> buffer)
    {
        if (headPos < headLen)
        {
            int n = Math.Min(buffer.Length, headLen - headPos);
            head.AsSpan(headPos, n).CopyTo(buffer);
            headPos += n;
            return n;
        }
        return inner.Read(buffer);
    }

    public override int ReadByte()
    {
        if (headPos < headLen) return head[headPos++];
        return inner.ReadByte();
    }
}

/// <summary>Counts bytes read through it (for decompression limits and progress); <c>onRead</c>, when given, hears
/// each read's count as it happens, so a limit can stop the reader at once.</summary>
internal sealed class CountingStream : ReadOnlyStage
{
    private readonly Stream inner;
    private readonly Action<int>? onRead;

    public CountingStream(Stream inner, Action<int>? onRead = null)
    {
        this.inner = inner;
        this.onRead = onRead;
    }

    public long Count { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        Count += n;
        onRead?.Invoke(n);
        return n;
    }

    public override int ReadByte()
    {
        int b = inner.ReadByte();
        if (b >= 0)
        {
            Count++;
            onRead?.Invoke(1);
        }
        return b;
    }
}

/// <summary>Opens an input that may be armored or binary OpenPGP data.</summary>
internal static class MessageInput
{
    public enum Kind { Binary, Armored, Cleartext }

    /// <summary>Returns the binary packet stream, and what the input was.</summary>
    public static (Stream Packets, Kind Kind, PeekStream Raw) Open(Stream input, string what)
    {
        var peek = new PeekStream(input, 128);
        var head = peek.Head;
        if (head.Length == 0) throw new MalformedDataException($"{what}: the input is empty.");
        if (PgpInput.LooksBinary(head)) return (peek, Kind.Binary, peek);
        if (PgpInput.LooksArmored(head))
        {
            // The first line decides: a cleartext-signed message is read as text by Cleartext, anything else is armor.
            var text = head.TrimStart(" \t\r\n"u8);
            int eol = text.IndexOf((byte)'\n');
            if (ArmorReader.TryParseBeginLine(eol < 0 ? text : text[..eol], out var label) && label == ArmorReader.CleartextLabel)
                return (peek, Kind.Cleartext, peek);
            // The armor decoder reads its input 64 KiB at a time, so an unbuffered input (a process's stdin, a socket)
            // is not read with one system call per line or character. Nothing reads the input after the armor.
            return (new ArmorReader(peek, what), Kind.Armored, peek);
        }
        throw new MalformedDataException($"{what}: the input is neither binary OpenPGP data nor ASCII armor.");
    }
}
