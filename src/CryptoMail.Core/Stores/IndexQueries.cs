
namespace CryptoMail.Core.Stores;

/// <summary>The lookups every store answers, written once: the query is normalized first (<see cref="KeyQuery"/>,
/// so a caller mistake throws before any work starts) and then run against the store's <see cref="KeyIndex{T}"/>.
/// Stores on disk run the asynchronous forms on the thread pool (they scan files); in-memory stores answer at once.</summary>
internal sealed class IndexQueries<T>
    where T : class
{
    private readonly Func<Func<KeyIndex<T>, object?>, CancellationToken, object?> withIndex;

    /// <param name="withIndex">Runs a query against the current index (under the store's lock, or on a fresh
    /// scan) and returns its result.</param>
    /// <remarks>The async forms run the query on the caller's thread (<see cref="Completed"/>): a directory scan reads
    /// small local files, and holding a second pool thread for it, as a hop to the pool did, only adds to the load.</remarks>
    public IndexQueries(Func<Func<KeyIndex<T>, object?>, CancellationToken, object?> withIndex) => this.withIndex = withIndex;

    public T? Get(string fingerprint, string parameterName) => Run(ForFingerprint(fingerprint, parameterName), CancellationToken.None);

    public Task<T?> GetAsync(string fingerprint, string parameterName, CancellationToken cancellationToken) =>
        RunAsync(ForFingerprint(fingerprint, parameterName), cancellationToken);

    public IReadOnlyList<T> ByKey(string keyIdOrFingerprint, string parameterName) => Run(ForKey(keyIdOrFingerprint, parameterName), CancellationToken.None);

    public Task<IReadOnlyList<T>> ByKeyAsync(string keyIdOrFingerprint, string parameterName, CancellationToken cancellationToken) =>
        RunAsync(ForKey(keyIdOrFingerprint, parameterName), cancellationToken);

    public IReadOnlyList<T> ByEmail(string address, string parameterName) => Run(ForEmail(address, parameterName), CancellationToken.None);

    public Task<IReadOnlyList<T>> ByEmailAsync(string address, string parameterName, CancellationToken cancellationToken) =>
        RunAsync(ForEmail(address, parameterName), cancellationToken);

    public IReadOnlyList<T> All() => Run(AllQuery, CancellationToken.None);

    public Task<IReadOnlyList<T>> AllAsync(CancellationToken cancellationToken) => RunAsync(AllQuery, cancellationToken);

    /// <summary>Every item, one at a time: the store's index is read when the enumeration starts (on the caller's
    /// thread, as <see cref="AllAsync"/>), then the items are yielded with the token checked before each.</summary>
    public async IAsyncEnumerable<T> EnumerateAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var item in await AllAsync(cancellationToken).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
    }

    private static IReadOnlyList<T> AllQuery(KeyIndex<T> index) => index.All();

    private static Func<KeyIndex<T>, T?> ForFingerprint(string fingerprint, string parameterName)
    {
        var normalized = KeyQuery.Fingerprint(fingerprint, parameterName);
        return index => index.Get(normalized);
    }

    private static Func<KeyIndex<T>, IReadOnlyList<T>> ForKey(string keyIdOrFingerprint, string parameterName)
    {
        var normalized = KeyQuery.KeyIdOrFingerprint(keyIdOrFingerprint, parameterName);
        return index => index.ByKey(normalized);
    }

    private static Func<KeyIndex<T>, IReadOnlyList<T>> ForEmail(string address, string parameterName)
    {
        var normalized = KeyQuery.Email(address, parameterName);
        return index => index.ByEmail(normalized);
    }

    private TResult Run<TResult>(Func<KeyIndex<T>, TResult> query, CancellationToken cancellationToken) =>
        (TResult)withIndex(index => query(index), cancellationToken)!;

    private Task<TResult> RunAsync<TResult>(Func<KeyIndex<T>, TResult> query, CancellationToken cancellationToken) =>
        Completed.Run(() => Run(query, cancellationToken), cancellationToken);
}
