using System.Runtime.InteropServices;

namespace ZeroAccessGateway;

/// <summary>A Maildir (tmp/, new/, cur/) and the durable delivery protocol: write the message under tmp/, fsync the
/// file, rename it into new/ (atomic on one file system), fsync new/ so the rename itself survives a crash.</summary>
internal sealed partial class Maildir
{
    public Maildir(string path)
    {
        Path = path;
        foreach (var sub in new[] { "tmp", "new", "cur" }) Directory.CreateDirectory(System.IO.Path.Combine(path, sub));
    }

    public string Path { get; }

    public string Tmp => System.IO.Path.Combine(Path, "tmp");

    public string New => System.IO.Path.Combine(Path, "new");

    public string Cur => System.IO.Path.Combine(Path, "cur");

    /// <summary>The messages waiting in new/ and cur/.</summary>
    public IEnumerable<string> Messages() => Directory.EnumerateFiles(New).Concat(Directory.EnumerateFiles(Cur));

    /// <summary>Whether a message of this unique name is already in new/ or cur/ (cur/ names carry ":2,flags").</summary>
    public bool Contains(string uniqueName) =>
        File.Exists(System.IO.Path.Combine(New, uniqueName))
        || File.Exists(System.IO.Path.Combine(Cur, uniqueName))
        || Directory.EnumerateFiles(Cur, uniqueName + ":*").Any();

    /// <summary>Delivers durably: when this returns, the message is in new/ and survives a crash or power loss.</summary>
    /// <param name="uniqueName">The Maildir unique name (no '/' or ':').</param>
    /// <param name="write">Writes the message.</param>
    /// <param name="beforeRename">Called between the fsync of the tmp file and the rename (crash tests hook in here).</param>
    public void Deliver(string uniqueName, Action<Stream> write, Action? beforeRename = null)
    {
        var tmp = System.IO.Path.Combine(Tmp, uniqueName);
        using (var file = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            write(file);
            file.Flush(flushToDisk: true);   // fsync(2): the bytes are on disk before the name appears in new/
        }
        beforeRename?.Invoke();
        File.Move(tmp, System.IO.Path.Combine(New, uniqueName), overwrite: true);   // rename(2): atomic
        SyncDirectory(New);   // the rename is durable
    }

    /// <summary>fsync(2) on a directory, which makes renames and deletions in it durable. No-op where unsupported.</summary>
    public static void SyncDirectory(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD()) return;
        int fd = Open(path, 0 /* O_RDONLY */);
        if (fd < 0) throw new IOException($"open({path}) failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"fsync({path}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
