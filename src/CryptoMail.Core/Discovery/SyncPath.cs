namespace CryptoMail.Core;

/// <summary>The synchronous forms of the discovery and Autocrypt I/O methods run the same implementation as the
/// asynchronous ones with a <c>sync</c> flag, under which every await completes synchronously.</summary>
internal static class SyncPath
{
    public static T Result<T>(ValueTask<T> task) =>
        task.IsCompleted ? task.Result : task.AsTask().GetAwaiter().GetResult();
}
