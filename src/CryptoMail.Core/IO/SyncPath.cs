namespace CryptoMail.Core.IO;

/// <summary>The synchronous forms of I/O methods (discovery, Autocrypt, the SEIPD v2 writer) run the same implementation as the
/// asynchronous ones with a <c>sync</c> flag, under which every await completes synchronously.</summary>
internal static class SyncPath
{
    public static T Result<T>(ValueTask<T> task) =>
        task.IsCompleted ? task.Result : task.AsTask().GetAwaiter().GetResult();

    public static void Wait(ValueTask task)
    {
        if (task.IsCompleted) task.GetAwaiter().GetResult();
        else task.AsTask().GetAwaiter().GetResult();
    }
}
