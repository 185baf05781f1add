using System.Globalization;
using System.Security.Cryptography;

namespace CryptoMail.Core.IO;

/// <summary>File primitives the directory stores share: atomic replacement, reading without locks, tags, the
/// directory write lock, and default locations.</summary>
internal static class StoreFiles
{
    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Replaces <paramref name="path"/> atomically: the content goes to a new temporary file in the same
    /// directory (created with <paramref name="mode"/> on Unix, so it is never readable by others, not even
    /// briefly), is flushed to disk, and is renamed over the target. A reader sees the old file or the new one,
    /// never a mix; a crash leaves at most a stray temporary file.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> content, UnixFileMode? mode, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(path)!;
        var temp = Path.Combine(directory, "." + Path.GetFileName(path) + "." + RandomSuffix() + ".tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (mode is { } m && !OperatingSystem.IsWindows()) options.UnixCreateMode = m;
        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>The whole file, or null when it does not exist. Readers take no lock: writers replace files by rename.</summary>
    public static byte[]? ReadIfExists(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return ReadAll(stream);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>An opaque tag that changes whenever the file is replaced or modified (from its size, modification
    /// and creation times), or null when the file does not exist.</summary>
    public static string? Tag(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return null;
        return string.Create(CultureInfo.InvariantCulture, $"{info.Length:x}-{info.LastWriteTimeUtc.Ticks:x}-{info.CreationTimeUtc.Ticks:x}");
    }

    /// <summary>Creates a directory (and its parents) when missing; on Unix a new directory is owner-only when
    /// <paramref name="ownerOnly"/> is set.</summary>
    public static void EnsureDirectory(string directory, bool ownerOnly)
    {
        if (Directory.Exists(directory)) return;
        if (ownerOnly && !OperatingSystem.IsWindows()) Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        else Directory.CreateDirectory(directory);
    }

    /// <summary>Takes the exclusive write lock of a directory: an exclusive, non-shared open of
    /// <paramref name="lockPath"/> (on Unix .NET takes it with <c>flock(LOCK_EX)</c>, the lock other cert-d
    /// implementations take; on Windows a sharing-mode lock), retried with a growing pause until
    /// <paramref name="timeout"/>. Dispose the result to release it. Works across processes and between threads.</summary>
    /// <exception cref="IOException">The lock was still held by someone else after <paramref name="timeout"/>.</exception>
    public static FileStream AcquireLock(string lockPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        int pause = 1;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
            {
                if (started.Elapsed >= timeout)
                    throw new IOException($"The write lock {lockPath} is still held by another writer after {timeout.TotalSeconds:0.#} s.", e);
            }
            // Jitter keeps two waiting writers from retrying in step.
            cancellationToken.WaitHandle.WaitOne(pause + RandomNumberGenerator.GetInt32(pause + 1));
            pause = Math.Min(pause * 2, 50);
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The per-user data directory: <c>$XDG_DATA_HOME</c>, else <c>$HOME/.local/share</c> on Linux and
    /// other Unix systems; <c>~/Library/Application Support</c> on macOS; <c>%APPDATA%</c> on Windows.</summary>
    public static string UserDataDirectory(Func<string, string?> environment)
    {
        string? Get(string name) => environment(name) is { Length: > 0 } v ? v : null;
        if (OperatingSystem.IsWindows())
            return Get("APPDATA") ?? Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData);
        var home = Get("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsMacOS()) return Path.Combine(home, "Library", "Application Support");
        return Get("XDG_DATA_HOME") is { } xdg && Path.IsPathRooted(xdg) ? xdg : Path.Combine(home, ".local", "share");
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static string RandomSuffix() => Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant();
}
