using CryptoMail.Core;
using CryptoMail.Core.Tests.Discovery;

namespace CryptoMail.Tool.Tests;

/// <summary><c>cryptomail key lookup --wkd</c> against a real HTTP server on loopback serving a published tree.</summary>
public sealed class KeyLookupWkdTests : IDisposable
{
    private readonly ToolHarness tool = new();

    public void Dispose() => tool.Dispose();

    [Fact]
    public void Lookup_with_wkd_prints_the_published_certificate_and_reports_a_missing_one()
    {
        var carol = SecretKey.Parse(tool.Ok([], "sop", "generate-key", "Carol <carol@example.org>"));
        string root = Directory.CreateDirectory(tool.PathOf("www")).FullName;
        WkdDirectory.Write(root, "example.org", new[] { carol.Certificate });
        using var server = new LoopbackHttpServer(root);
        string serverUri = $"http://127.0.0.1:{server.Port}/";

        var found = Certificate.Parse(tool.Ok([], "key", "lookup", "--wkd", "--wkd-server", serverUri, "Carol@example.org"));
        Assert.Equal(carol.Fingerprint, found.Fingerprint);
        Assert.Contains($"/.well-known/openpgpkey/example.org/hu/{Wkd.HashLocalPart("carol")}?l=Carol", server.Requests);

        Assert.Equal(61, tool.Run("key", "lookup", "--wkd", "--wkd-server", serverUri, "dave@example.org").ExitCode);
        Assert.Equal(41, tool.Run("key", "lookup", "--wkd", "--wkd-server", "http://example.org/", "carol@example.org").ExitCode);
        Assert.Equal(83, tool.Run("key", "lookup", "--wkd-server", serverUri, "carol@example.org").ExitCode);
    }
}
