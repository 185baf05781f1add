namespace CryptoMail.Core.Crypto;

/// <summary>Runs a caller's code (a key lookup, a passphrase provider) inside an operation: its exceptions are the
/// caller's own and are rethrown unchanged at the public boundary (see <see cref="Guard"/>), never translated.</summary>
internal static class CallerCode
{
    /// <summary>Runs <paramref name="code"/> (through the caller's synchronous method: the reading grammar runs
    /// synchronously, also under an asynchronous operation's staged edges).</summary>
    public static T Run<T>(Func<T> code, CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        try
        {
            return code();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new CallerStreamException(e);
        }
    }
}
