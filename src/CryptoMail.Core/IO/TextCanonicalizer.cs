namespace CryptoMail.Core.IO;

/// <summary>Feeds data to a hash in canonical text form (line endings as CRLF), across chunk boundaries,
/// as text-mode signatures (type 0x01) require.</summary>
internal sealed class TextCanonicalizer
{
    private readonly Action<ReadOnlySpan<byte>> sink;
    private bool lastWasCr;
    private static readonly byte[] Crlf = { (byte)'\r', (byte)'\n' };

    public TextCanonicalizer(Action<ReadOnlySpan<byte>> sink) => this.sink = sink;

    public void Update(ReadOnlySpan<byte> data)
    {
        int start = 0;
        for (int i = 0; i < data.Length; i++)
        {
            byte b = data[i];
            if (b == (byte)'\n' && !(i == 0 ? lastWasCr : data[i - 1] == (byte)'\r'))
            {
                if (i > start) sink(data[start..i]);
                sink(Crlf);
                start = i + 1;
            }
        }
        if (start < data.Length) sink(data[start..]);
        if (data.Length > 0) lastWasCr = data[^1] == (byte)'\r';
    }
}
