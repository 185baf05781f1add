using System.Net;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Discovery;

/// <summary>Web Key Directory: addressing (draft-koch-openpgp-webkey-service), publishing a tree, and looking keys
/// up from a real HTTP server on loopback that serves that tree.</summary>
public sealed class WkdTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("cmwkd-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    // draft-koch-openpgp-webkey-service-16, section 3.1: "Joe.Doe@Example.ORG" hashes to this value, and the
    // advanced and direct URIs are given there.
    [Fact]
    public void The_drafts_example_address_maps_to_the_drafts_hash_and_uris()
    {
        var location = Wkd.Locate("Joe.Doe@Example.ORG");
        Assert.Equal("iy9q119eutrkn8s1mk4r39qejnbu3n5q", location.Hash);
        Assert.Equal("example.org", location.Domain);
        Assert.Equal("https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe",
            location.AdvancedUri.AbsoluteUri);
        Assert.Equal("https://example.org/.well-known/openpgpkey/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe",
            location.DirectUri.AbsoluteUri);
        Assert.Equal("https://openpgpkey.example.org/.well-known/openpgpkey/example.org/policy", location.AdvancedPolicyUri.AbsoluteUri);
        Assert.Equal("https://example.org/.well-known/openpgpkey/policy", location.DirectPolicyUri.AbsoluteUri);
    }

    [Fact]
    public void The_hash_ignores_case_but_the_l_parameter_keeps_the_local_part_percent_encoded()
    {
        Assert.Equal(Wkd.HashLocalPart("joe.doe"), Wkd.HashLocalPart("JOE.DOE"));
        Assert.NotEqual(Wkd.HashLocalPart("joe.doe"), Wkd.HashLocalPart("joe.do"));
        var location = Wkd.Locate("Jo Ann <jo+ann@Bücher.example>");
        Assert.Equal("xn--bcher-kva.example", location.Domain);
        Assert.EndsWith("?l=jo%2Bann", location.DirectUri.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(32, location.Hash.Length);
    }

    [Theory]
    [InlineData("no-at-sign")]
    [InlineData("@example.org")]
    [InlineData("joe@")]
    [InlineData("joe doe@example.org")]
    public void Not_an_address_is_an_argument_error(string address) =>
        Assert.Throws<ArgumentException>(() => Wkd.Locate(address));

    [Fact]
    public void Policy_files_parse_and_round_trip()
    {
        var policy = WkdPolicy.Parse("# comment\nmailbox-only\nprotocol-version: 5\nsubmission-address: key-submission@example.org\nfuture-flag\n");
        Assert.True(policy.MailboxOnly);
        Assert.False(policy.AuthSubmit);
        Assert.Equal(5, policy.ProtocolVersion);
        Assert.Equal("key-submission@example.org", policy.SubmissionAddress);
        Assert.Equal(new[] { "future-flag" }, policy.OtherLines);
        var again = WkdPolicy.Parse(policy.ToFileText());
        Assert.Equal(policy.ToFileText(), again.ToFileText());
        Assert.Throws<MalformedDataException>(() => WkdPolicy.Parse("protocol-version: five"));
    }

    [Fact]
    public void Publishing_writes_both_layouts_with_one_file_per_address_and_the_policy()
    {
        var alice = TestKeys.Get("Curve25519", "alice").Certificate;
        var bob = TestKeys.Get("Curve25519", "bob").Certificate;
        var files = WkdDirectory.Write(root, "Example.org", new[] { alice, bob }, WkdLayouts.Both, new WkdPolicy { MailboxOnly = true });

        string aliceHash = Wkd.HashLocalPart("alice");
        string advanced = Path.Combine(root, ".well-known", "openpgpkey", "example.org", "hu", aliceHash);
        string direct = Path.Combine(root, ".well-known", "openpgpkey", "hu", aliceHash);
        Assert.Contains(advanced, files);
        Assert.Contains(direct, files);
        Assert.Equal(alice.Export(), File.ReadAllBytes(advanced));
        Assert.Equal("mailbox-only\n", File.ReadAllText(Path.Combine(root, ".well-known", "openpgpkey", "example.org", "policy")));
        Assert.Equal(6, files.Count); // 2 keys + policy, twice
        Assert.Throws<ArgumentException>(() => WkdDirectory.Write(root, "other.example", new[] { alice }));
    }

    [Fact]
    public async Task A_published_key_is_found_over_http_by_the_advanced_method()
    {
        var alice = TestKeys.Get("Curve25519", "alice").Certificate;
        await WkdDirectory.WriteAsync(root, "example.org", new[] { alice });
        using var server = new LoopbackHttpServer(root);
        using var client = new WkdClient(new WkdClientOptions { UriRewriter = server.Rewrite });

        var result = await client.LookupAsync("Alice@Example.org");

        Assert.True(result.Found);
        Assert.Equal(WkdMethod.Advanced, result.Method);
        Assert.Equal(alice.Fingerprint, Assert.Single(result.Certificates).Fingerprint);
        Assert.Equal($"/.well-known/openpgpkey/example.org/hu/{Wkd.HashLocalPart("alice")}?l=Alice", Assert.Single(server.Requests));
        var policy = client.GetPolicy("example.org");
        Assert.NotNull(policy);
        Assert.False(policy.MailboxOnly);
    }

    [Fact]
    public void The_direct_method_is_used_only_when_the_openpgpkey_subdomain_does_not_resolve()
    {
        var alice = TestKeys.Get("Curve25519", "alice").Certificate;
        WkdDirectory.Write(root, "example.org", new[] { alice }, WkdLayouts.Direct);
        using var server = new LoopbackHttpServer(root);
        // The .invalid top-level domain never resolves (RFC 6761), so the advanced host "does not exist".
        using var client = new WkdClient(new WkdClientOptions
        {
            UriRewriter = uri => uri.Host.StartsWith("openpgpkey.", StringComparison.Ordinal)
                ? new Uri("https://openpgpkey.example.invalid" + uri.PathAndQuery)
                : server.Rewrite(uri),
        });

        var result = client.Lookup("alice@example.org");

        Assert.Equal(WkdMethod.Direct, result.Method);
        Assert.Equal(alice.Fingerprint, Assert.Single(result.Certificates).Fingerprint);
        Assert.Equal("https://example.org/.well-known/openpgpkey/hu/" + Wkd.HashLocalPart("alice") + "?l=alice", result.Uri.AbsoluteUri);
    }

    [Fact]
    public void A_404_from_the_advanced_host_means_not_found_without_falling_back()
    {
        WkdDirectory.Write(root, "example.org", new[] { TestKeys.Get("Curve25519", "alice").Certificate }, WkdLayouts.Direct);
        using var server = new LoopbackHttpServer(root);
        using var client = new WkdClient(new WkdClientOptions { UriRewriter = server.Rewrite });

        var result = client.Lookup("alice@example.org");

        Assert.False(result.Found);
        Assert.Equal(WkdMethod.Advanced, result.Method);
        Assert.Single(server.Requests);
        Assert.Null(client.GetPolicy("nowhere.example"));
    }

    [Fact]
    public void Certificates_without_the_address_in_a_valid_user_id_are_dropped()
    {
        var alice = TestKeys.Get("Curve25519", "alice").Certificate;
        var mallory = TestKeys.Get("Curve25519", "mallory").Certificate;
        WkdDirectory.Write(root, "example.org", new[] { alice });
        string file = Path.Combine(root, ".well-known", "openpgpkey", "example.org", "hu", Wkd.HashLocalPart("alice"));
        File.WriteAllBytes(file, mallory.Export().Concat(alice.Export()).ToArray());
        using var server = new LoopbackHttpServer(root);
        using var client = new WkdClient(new WkdClientOptions { UriRewriter = server.Rewrite });

        var result = client.Lookup("alice@example.org");

        Assert.Equal(alice.Fingerprint, Assert.Single(result.Certificates).Fingerprint);
        Assert.Equal(1, result.RejectedCount);
    }

    [Fact]
    public void Garbage_oversized_and_failing_answers_raise_typed_errors()
    {
        WkdDirectory.Write(root, "example.org", new[] { TestKeys.Get("Rsa3072", "alice").Certificate });
        string file = Path.Combine(root, ".well-known", "openpgpkey", "example.org", "hu", Wkd.HashLocalPart("alice"));
        using var server = new LoopbackHttpServer(root);

        using (var small = new WkdClient(new WkdClientOptions { UriRewriter = server.Rewrite, MaxResponseBytes = 512 }))
        {
            Assert.Throws<LimitExceededException>(() => small.Lookup("alice@example.org"));
        }
        using var client = new WkdClient(new WkdClientOptions { UriRewriter = server.Rewrite });
        File.WriteAllBytes(file, TestData.Random(300));
        Assert.Throws<MalformedDataException>(() => client.Lookup("alice@example.org"));

        server.ForcedStatus = HttpStatusCode.InternalServerError;
        var e = Assert.Throws<WkdException>(() => client.Lookup("alice@example.org"));
        Assert.Equal(WkdFailure.HttpStatus, e.Failure);
        Assert.Equal(HttpStatusCode.InternalServerError, e.StatusCode);
    }

    [Fact]
    public async Task A_slow_server_times_out_and_a_cancelled_lookup_is_cancelled()
    {
        WkdDirectory.Write(root, "example.org", new[] { TestKeys.Get("Curve25519", "alice").Certificate });
        using var server = new LoopbackHttpServer(root) { Delay = TimeSpan.FromSeconds(3) };
        using var client = new WkdClient(new WkdClientOptions { UriRewriter = server.Rewrite, Timeout = TimeSpan.FromMilliseconds(300) });

        var e = await Assert.ThrowsAsync<WkdException>(() => client.LookupAsync("alice@example.org"));
        Assert.Equal(WkdFailure.Timeout, e.Failure);

        using var patient = new WkdClient(new WkdClientOptions { UriRewriter = server.Rewrite });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => patient.LookupAsync("alice@example.org", cts.Token));
    }

    [Fact]
    public void Rewriting_to_plain_http_is_refused_except_to_loopback()
    {
        using var client = new WkdClient(new WkdClientOptions { UriRewriter = uri => new Uri("http://example.org" + uri.PathAndQuery) });
        Assert.Throws<InvalidOperationException>(() => client.Lookup("alice@example.org"));
    }
}
