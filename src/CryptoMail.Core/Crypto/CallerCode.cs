namespace CryptoMail.Core.Crypto;

/// <summary>Runs a caller's code (a key lookup, a passphrase provider) inside an operation: its exceptions are the
/// caller's own and are rethrown unchanged at the public boundary (see <see cref="Guard"/>), never translated.</summary>
internal static class CallerCode
{
    /// <summary>Runs <paramref name="synchronous"/>, or, in an asynchronous operation, waits for
    /// <paramref name="asynchronous"/> (as the operation waits for its streams).</summary>
    public static T Run<T>(bool async, Func<T> synchronous, Func<Task<T>> asynchronous, CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        try
        {
            return async ? asynchronous().GetAwaiter().GetResult() : synchronous();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new CallerStreamException(e);
        }
    }
}
