namespace CryptoMail.Tool;

/// <summary>Collects output that may only be released after a later check (e.g. inline-verify's data before the
/// signature verdict): in memory up to a threshold, then in a temporary file deleted on close. Used only for
/// data that is not secret (signed, not encrypted).</summary>
internal sealed class HoldBackBuffer : Stream
{
    private const int MemoryLimit = 8 << 20;
    private Stream store = new MemoryStream();
    private bool spilled;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => store.Length;
    public override long Position { get => store.Position; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (!spilled && store.Length + buffer.Length > MemoryLimit)
        {
            var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
            store.Position = 0;
            store.CopyTo(file);
            store.Dispose();
            store = file;
            spilled = true;
        }
        store.Write(buffer);
    }

    /// <summary>Writes everything held to <paramref name="destination"/>.</summary>
    public void ReleaseTo(Stream destination)
    {
        store.Flush();
        store.Position = 0;
        store.CopyTo(destination);
        destination.Flush();
    }

    public override void Flush() => store.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) store.Dispose();
        base.Dispose(disposing);
    }
}
