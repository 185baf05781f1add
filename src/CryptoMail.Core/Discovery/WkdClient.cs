using System.Net;
using System.Net.Sockets;

namespace CryptoMail.Core.Discovery;

/// <summary>Settings of a <see cref="WkdClient"/>.</summary>
public sealed class WkdClientOptions
{
    /// <summary>How long one HTTP request (connect, headers and body) may take. Default 10 seconds.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest response accepted, in bytes; larger ones raise <see cref="LimitExceededException"/>.
    /// Default 256 KiB, room for several certificates.</summary>
    public int MaxResponseBytes { get; init; } = 256 * 1024;

    /// <summary>Rewrites each request URI before it is sent, for tests and local mirrors (e.g. map
    /// <c>https://openpgpkey.example.org/...</c> to a loopback server). A rewritten URI must still use https unless
    /// its host is a loopback address, so production lookups cannot be downgraded to plain HTTP by accident.</summary>
    public Func<Uri, Uri>? UriRewriter { get; init; }

    /// <summary>The HTTP handler to use (a proxy, custom certificate checks); null for a default handler that
    /// follows up to 5 redirects and never from https to http. The client does not dispose a handler given here.</summary>
    public HttpMessageHandler? Handler { get; init; }
}

/// <summary>What a Web Key Directory lookup found.</summary>
public sealed record WkdLookupResult
{
    internal WkdLookupResult(string address, IReadOnlyList<Certificate> certificates, WkdMethod method, Uri uri, int rejectedCount)
    {
        Address = address;
        Certificates = certificates;
        Method = method;
        Uri = uri;
        RejectedCount = rejectedCount;
    }

    /// <summary>The address looked up.</summary>
    public string Address { get; init; }

    /// <summary>The certificates that carry the address in a valid user ID; empty when the
    /// directory has no key for it.</summary>
    public IReadOnlyList<Certificate> Certificates { get; init; }

    /// <summary>Which method answered.</summary>
    public WkdMethod Method { get; init; }

    /// <summary>The URI that answered (before any <see cref="WkdClientOptions.UriRewriter"/>).</summary>
    public Uri Uri { get; init; }

    /// <summary>Certificates served for the address but dropped because no valid user ID carries it.</summary>
    public int RejectedCount { get; init; }

    /// <summary>Whether at least one acceptable certificate was found.</summary>
    public bool Found => Certificates.Count > 0;
}

/// <summary>Why a Web Key Directory request failed.</summary>
public enum WkdFailure
{
    /// <summary>The host name does not resolve (for the advanced method this triggers the direct method).</summary>
    HostNotFound,
    /// <summary>The server could not be reached or the connection failed (TLS errors included).</summary>
    Unreachable,
    /// <summary>The request took longer than <see cref="WkdClientOptions.Timeout"/>.</summary>
    Timeout,
    /// <summary>The server answered with an error status other than 404.</summary>
    HttpStatus,
}

/// <summary>A Web Key Directory request failed on the network or at the server. A missing key is not an error
/// (<see cref="WkdLookupResult.Found"/> is false); malformed key data raises <see cref="MalformedDataException"/>
/// and an oversized answer <see cref="LimitExceededException"/>.</summary>
public sealed class WkdException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="failure">The kind of failure.</param>
    /// <param name="uri">The URI requested.</param>
    /// <param name="statusCode">The HTTP status, for <see cref="WkdFailure.HttpStatus"/>.</param>
    /// <param name="innerException">The cause, if any.</param>
    public WkdException(string message, WkdFailure failure, Uri uri, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        Uri = uri;
        StatusCode = statusCode;
    }

    /// <summary>The kind of failure.</summary>
    public WkdFailure Failure { get; }

    /// <summary>The URI requested (before any rewriting).</summary>
    public Uri Uri { get; }

    /// <summary>The HTTP status for <see cref="WkdFailure.HttpStatus"/>, else null.</summary>
    public HttpStatusCode? StatusCode { get; }
}

/// <summary>Looks up certificates in Web Key Directories (draft-koch-openpgp-webkey-service) over HTTPS.</summary>
/// <remarks>The advanced method is tried first; the direct method only when the <c>openpgpkey.</c> subdomain does
/// not resolve, as the draft requires (an unreachable or failing server is an error, not a reason to fall back).
/// Only certificates with a valid user ID carrying the looked-up address are returned. Thread-safe; dispose it to
/// release its connections.</remarks>
public sealed class WkdClient : IDisposable
{
    private readonly HttpClient http;
    private readonly WkdClientOptions options;

    /// <summary>Creates a client.</summary>
    /// <param name="options">Timeouts, size limit and test hooks; null for defaults.</param>
    public WkdClient(WkdClientOptions? options = null)
    {
        this.options = options ?? new WkdClientOptions();
        if (this.options.Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(options), "Timeout must be positive.");
        if (this.options.MaxResponseBytes <= 0) throw new ArgumentOutOfRangeException(nameof(options), "MaxResponseBytes must be positive.");
        HttpMessageHandler handler = this.options.Handler ?? new SocketsHttpHandler { AllowAutoRedirect = true, MaxAutomaticRedirections = 5 };
        http = new HttpClient(handler, disposeHandler: this.options.Handler is null) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    /// <summary>Looks up the certificates published for <paramref name="address"/>.</summary>
    /// <param name="address">The e-mail address.</param>
    /// <returns>The acceptable certificates (possibly none) and where they came from.</returns>
    /// <exception cref="ArgumentException">The address is not of the form <c>local@domain</c>.</exception>
    /// <exception cref="WkdException">The directory could not be queried.</exception>
    /// <exception cref="MalformedDataException">The directory served something that is not OpenPGP key data.</exception>
    /// <exception cref="LimitExceededException">The answer is larger than <see cref="WkdClientOptions.MaxResponseBytes"/>.</exception>
    public WkdLookupResult Lookup(string address) =>
        AsyncMode.Complete(LookupCore(address, sync: true, CancellationToken.None));

    /// <summary>Looks up the certificates published for <paramref name="address"/>; the asynchronous form of <see cref="Lookup"/>.</summary>
    /// <param name="address">The e-mail address.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The acceptable certificates (possibly none) and where they came from.</returns>
    public Task<WkdLookupResult> LookupAsync(string address, CancellationToken cancellationToken = default) =>
        LookupCore(address, sync: false, cancellationToken).AsTask();

    /// <summary>Reads a domain's policy file.</summary>
    /// <param name="domain">The mail domain.</param>
    /// <returns>The policy, or null when the directory has none (HTTP 404).</returns>
    /// <exception cref="WkdException">The directory could not be queried.</exception>
    public WkdPolicy? GetPolicy(string domain) =>
        AsyncMode.Complete(PolicyCore(domain, sync: true, CancellationToken.None));

    /// <summary>Reads a domain's policy file; the asynchronous form of <see cref="GetPolicy"/>.</summary>
    /// <param name="domain">The mail domain.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The policy, or null when the directory has none (HTTP 404).</returns>
    public Task<WkdPolicy?> GetPolicyAsync(string domain, CancellationToken cancellationToken = default) =>
        PolicyCore(domain, sync: false, cancellationToken).AsTask();

    /// <inheritdoc />
    public void Dispose() => http.Dispose();

    private async ValueTask<WkdLookupResult> LookupCore(string address, bool sync, CancellationToken cancellationToken)
    {
        var location = Wkd.Locate(address);
        string wanted = (location.LocalPart + "@" + location.Domain).ToLowerInvariant();
        var (method, uri, body) = await FetchWithFallback(location.AdvancedUri, location.DirectUri, sync, cancellationToken).ConfigureAwait(false);
        if (body is null) return new WkdLookupResult(address, Array.Empty<Certificate>(), method, uri, 0);
        if (body.Length == 0) throw new MalformedDataException($"The Web Key Directory at {uri} served an empty key file.");
        var all = Certificate.ParseAll(body);
        var accepted = all.Where(c => c.EmailAddresses.Any(e => string.Equals(AsciiDomain(e), wanted, StringComparison.Ordinal))).ToList();
        return new WkdLookupResult(address, accepted, method, uri, all.Count - accepted.Count);
    }

    private async ValueTask<WkdPolicy?> PolicyCore(string domain, bool sync, CancellationToken cancellationToken)
    {
        string d = DomainNames.Normalize(domain);
        var (_, _, body) = await FetchWithFallback(Wkd.PolicyUri(d, WkdMethod.Advanced), Wkd.PolicyUri(d, WkdMethod.Direct), sync, cancellationToken).ConfigureAwait(false);
        return body is null ? null : WkdPolicy.Parse(System.Text.Encoding.UTF8.GetString(body));
    }

    private static string AsciiDomain(string email)
    {
        int at = email.LastIndexOf('@');
        try
        {
            return (email[..at] + "@" + DomainNames.Normalize(email[(at + 1)..])).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return email;
        }
    }

    private async ValueTask<(WkdMethod Method, Uri Uri, byte[]? Body)> FetchWithFallback(Uri advanced, Uri direct, bool sync, CancellationToken cancellationToken)
    {
        try
        {
            return (WkdMethod.Advanced, advanced, await Fetch(advanced, sync, cancellationToken).ConfigureAwait(false));
        }
        catch (WkdException e) when (e.Failure == WkdFailure.HostNotFound)
        {
            return (WkdMethod.Direct, direct, await Fetch(direct, sync, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>GETs one URI: the body, or null on 404.</summary>
    private async ValueTask<byte[]?> Fetch(Uri uri, bool sync, CancellationToken cancellationToken)
    {
        Uri target = Rewrite(uri);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, target);
            using var response = sync
                ? http.Send(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token)
                : await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound) return null;
            if (!response.IsSuccessStatusCode)
                throw new WkdException($"The Web Key Directory at {uri} answered {(int)response.StatusCode} {response.ReasonPhrase}.", WkdFailure.HttpStatus, uri, response.StatusCode);
            if (response.Content.Headers.ContentLength > options.MaxResponseBytes) throw TooLarge(uri);
            using var body = sync
                ? response.Content.ReadAsStream(timeout.Token)
                : await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            while (true)
            {
                int n = sync ? body.Read(chunk) : await body.ReadAsync(chunk, timeout.Token).ConfigureAwait(false);
                if (n == 0) break;
                if (buffer.Length + n > options.MaxResponseBytes) throw TooLarge(uri);
                buffer.Write(chunk, 0, n);
            }
            return buffer.ToArray();
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WkdException($"The Web Key Directory at {uri} did not answer within {options.Timeout.TotalSeconds:0.#} s.", WkdFailure.Timeout, uri, null, e);
        }
        catch (HttpRequestException e)
        {
            var failure = e.HttpRequestError == HttpRequestError.NameResolutionError || e.InnerException is SocketException { SocketErrorCode: SocketError.HostNotFound }
                ? WkdFailure.HostNotFound
                : WkdFailure.Unreachable;
            throw new WkdException($"The Web Key Directory at {uri} could not be reached: {e.Message}", failure, uri, null, e);
        }
        catch (IOException e) when (e is not WkdException)
        {
            throw new WkdException($"The connection to the Web Key Directory at {uri} failed: {e.Message}", WkdFailure.Unreachable, uri, null, e);
        }
    }

    private LimitExceededException TooLarge(Uri uri) =>
        new($"The Web Key Directory at {uri} served more than {options.MaxResponseBytes} bytes (WkdClientOptions.MaxResponseBytes).");

    private Uri Rewrite(Uri uri)
    {
        if (options.UriRewriter is null) return uri;
        Uri target = options.UriRewriter(uri) ?? throw new InvalidOperationException("WkdClientOptions.UriRewriter returned null.");
        bool loopback = target.IsLoopback;
        if (target.Scheme != Uri.UriSchemeHttps && !(target.Scheme == Uri.UriSchemeHttp && loopback))
            throw new InvalidOperationException($"WkdClientOptions.UriRewriter produced {target}: only https, or http to a loopback address, is allowed.");
        return target;
    }
}
