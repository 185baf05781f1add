using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CryptoMail.Core.Extensions;

/// <summary>Logs each Web Key Directory request of the registered client (both the synchronous and the asynchronous
/// lookups): host and path (the path names only the hash of the local part; the query, which may carry the local
/// part itself, is left out), status and duration, or the failure. Never a response body.</summary>
internal sealed partial class WkdLoggingHandler(ILogger<WkdLoggingHandler> logger) : DelegatingHandler
{
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            return Answered(request, base.Send(request, cancellationToken), clock);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            Failed(request, e, clock);
            throw;
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            return Answered(request, await base.SendAsync(request, cancellationToken).ConfigureAwait(false), clock);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            Failed(request, e, clock);
            throw;
        }
    }

    private static string Where(HttpRequestMessage request) =>
        request.RequestUri is { } uri ? uri.Host + uri.AbsolutePath : "?";

    private HttpResponseMessage Answered(HttpRequestMessage request, HttpResponseMessage response, Stopwatch clock)
    {
        var elapsed = clock.ElapsedMilliseconds;
        var where = Where(request);
        LogAnswer(logger, where, (int)response.StatusCode, elapsed);
        return response;
    }

    private void Failed(HttpRequestMessage request, Exception e, Stopwatch clock)
    {
        var elapsed = clock.ElapsedMilliseconds;
        var failure = e.GetType().Name;
        var where = Where(request);
        LogFailure(logger, where, failure, elapsed);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "WKD request {Where}: HTTP {Status} in {Milliseconds} ms")]
    private static partial void LogAnswer(ILogger logger, string where, int status, long milliseconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "WKD request {Where} failed ({Failure}) after {Milliseconds} ms")]
    private static partial void LogFailure(ILogger logger, string where, string failure, long milliseconds);
}
