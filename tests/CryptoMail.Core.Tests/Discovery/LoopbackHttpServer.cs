using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace CryptoMail.Core.Tests.Discovery;

/// <summary>A real HTTP server on 127.0.0.1 (HttpListener) that serves the files of a web root, as a web server
/// would serve a Web Key Directory tree. Tests point <see cref="WkdClientOptions.UriRewriter"/> at it.</summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly HttpListener listener;
    private readonly Task loop;

    public LoopbackHttpServer(string webRoot)
    {
        WebRoot = webRoot;
        // The free port can be taken by another process before Start binds it. A listener whose Start failed is
        // closed (using it again throws ObjectDisposedException, seen once in CI), so each attempt gets a new one.
        for (int attempt = 0; ; attempt++)
        {
            Port = FreePort();
            var candidate = new HttpListener();
            candidate.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                candidate.Start();
                listener = candidate;
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                candidate.Close();
            }
        }
        loop = Task.Run(Serve);
    }

    public string WebRoot { get; }

    public int Port { get; }

    /// <summary>Every request path and query received, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>When set, every request is answered with this status and no body.</summary>
    public HttpStatusCode? ForcedStatus { get; set; }

    /// <summary>When set, the server waits this long before answering.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Maps any https URI to the same path and query on this server.</summary>
    public Uri Rewrite(Uri uri) => new($"http://127.0.0.1:{Port}{uri.PathAndQuery}");

    private async Task Serve()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => Answer(context));
        }
    }

    private async Task Answer(HttpListenerContext context)
    {
        try
        {
            Requests.Enqueue(context.Request.Url!.PathAndQuery);
            if (Delay > TimeSpan.Zero) await Task.Delay(Delay);
            if (ForcedStatus is { } status)
            {
                context.Response.StatusCode = (int)status;
                return;
            }
            string relative = Uri.UnescapeDataString(context.Request.Url.AbsolutePath).TrimStart('/');
            string path = Path.GetFullPath(Path.Combine(WebRoot, relative));
            if (!path.StartsWith(Path.GetFullPath(WebRoot), StringComparison.Ordinal) || !File.Exists(path))
            {
                context.Response.StatusCode = 404;
                return;
            }
            byte[] body = await File.ReadAllBytesAsync(path);
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away (e.g. after a timeout).
        }
        finally
        {
            try { context.Response.Close(); } catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { }
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        try { loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }
}
