using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using Xunit;

namespace CryptoMail.Core.Tests.Architecture;

/// <summary>The library's folders are its layers (docs/ARCHITECTURE.md): a folder may use the folders below it and
/// never one above it or beside it, BouncyCastle is reached only through Crypto (and the MimeKit adapter, whose base
/// class MimeKit defines in BouncyCastle's types), and MimeKit only from Mime. The dependency graph is ArchUnitNET's
/// (every type named in a signature, a field, a base type or a method body); the folder of each type is read from the
/// library's PDB, so a file that moves to another folder moves its type to that layer.</summary>
public sealed class LayeringTests
{
    /// <summary>Bottom to top. A folder may depend on folders of a lower rank; folders of one rank are independent.</summary>
    internal static readonly IReadOnlyDictionary<string, int> Rank = new Dictionary<string, int>
    {
        ["Types"] = 0,
        ["Crypto"] = 1,
        ["IO"] = 2,
        ["Packets"] = 3,
        ["Policy"] = 4,
        ["Keys"] = 5,
        ["Messages"] = 6,
        ["Stores"] = 7,
        ["Discovery"] = 7,
        ["Autocrypt"] = 7,
        ["Mime"] = 8,
        [SourceFolders.Root] = 9,
    };

    /// <summary>The MimeKit plug-in point: MimeKit's <c>OpenPgpContext</c> is declared in BouncyCastle's OpenPGP
    /// types, so the one class that derives from it must name them.</summary>
    private static readonly HashSet<string> BouncyCastleAdapters = new(StringComparer.Ordinal)
    {
        "CryptoMail.Core.Mime.CryptoMailOpenPgpContext",
    };

    private static readonly Lazy<(ArchUnitNET.Domain.Architecture Graph, SourceFolders Folders)> Library = new(() =>
    {
        var assembly = typeof(OpenPgp).Assembly;
        return (new ArchLoader().LoadAssemblies(assembly).Build(), SourceFolders.Read(assembly.Location));
    });

    [Fact]
    public void Every_type_lives_in_one_known_folder()
    {
        var (_, folders) = Library.Value;
        Assert.NotEmpty(folders.ByType);
        var problems = folders.ByType
            .Where(t => t.Value.Count != 1 || !Rank.ContainsKey(t.Value.Single()))
            .Select(t => $"{t.Key}: {string.Join(", ", t.Value.Order())}")
            .ToList();
        Assert.True(problems.Count == 0, "types spread over several folders, or in a folder with no layer:\n" + string.Join("\n", problems));
        // The check is not vacuous: the engine's own types are found where they are.
        Assert.Equal("Packets", folders.ByType["CryptoMail.Core.Packets.PacketReader"].Single());
        Assert.Equal(SourceFolders.Root, folders.ByType["CryptoMail.Core.OpenPgp"].Single());
    }

    [Fact]
    public void No_folder_depends_on_a_folder_above_or_beside_it()
    {
        var breaking = Dependencies()
            .Where(d => d.TargetFolder is not null && d.OriginFolder != d.TargetFolder
                        && Rank[d.TargetFolder] >= Rank[d.OriginFolder])
            .ToList();
        var violations = breaking.Where(d => !KnownViolations.Layering.Contains((d.Origin, d.Target)))
            .Select(d => $"{d.OriginFolder} -> {d.TargetFolder}: {d.Origin} uses {d.Target}")
            .Distinct().Order().ToList();
        Assert.True(violations.Count == 0, $"{violations.Count} dependencies break the layering:\n" + string.Join("\n", violations));
        var stale = KnownViolations.Layering.Except(breaking.Select(d => (d.Origin, d.Target))).Select(e => $"{e.Origin} -> {e.Target}").Order().ToList();
        Assert.True(stale.Count == 0, "fixed, so delete from KnownViolations.Layering:\n" + string.Join("\n", stale));
    }

    [Fact]
    public void Only_Crypto_and_the_MimeKit_adapter_use_BouncyCastle()
    {
        var outside = Dependencies()
            .Where(d => d.Target.StartsWith("Org.BouncyCastle.", StringComparison.Ordinal)
                        && d.OriginFolder != "Crypto" && !BouncyCastleAdapters.Contains(d.Origin))
            .ToList();
        var violations = outside.Where(d => !KnownViolations.BouncyCastle.Contains(d.Origin))
            .Select(d => $"{d.OriginFolder}: {d.Origin} uses {d.Target}")
            .Distinct().Order().ToList();
        Assert.True(violations.Count == 0, $"{violations.Count} uses of BouncyCastle outside Crypto:\n" + string.Join("\n", violations));
        var stale = KnownViolations.BouncyCastle.Except(outside.Select(d => d.Origin)).Order().ToList();
        Assert.True(stale.Count == 0, "no longer uses BouncyCastle, so delete from KnownViolations.BouncyCastle:\n" + string.Join("\n", stale));
    }

    [Fact]
    public void Only_Mime_uses_MimeKit()
    {
        var violations = Dependencies()
            .Where(d => d.Target.StartsWith("MimeKit.", StringComparison.Ordinal) && d.OriginFolder != "Mime")
            .Select(d => $"{d.OriginFolder}: {d.Origin} uses {d.Target}")
            .Distinct().Order().ToList();
        Assert.True(violations.Count == 0, "MimeKit used outside Mime:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void The_graph_sees_dependencies_in_method_bodies()
    {
        // A guard on the tool, not on the library: OpenPgp.GenerateKey calls KeyGenerator only inside its body.
        Assert.Contains(Dependencies(), d => d.Origin == "CryptoMail.Core.OpenPgp" && d.Target == "CryptoMail.Core.Keys.KeyGenerator");
        Assert.Contains(Dependencies(), d => d.OriginFolder == "Crypto" && d.Target.StartsWith("Org.BouncyCastle.", StringComparison.Ordinal));
    }

    internal sealed record Edge(string Origin, string OriginFolder, string Target, string? TargetFolder);

    private static List<Edge>? edges;

    internal static IReadOnlyList<Edge> Dependencies()
    {
        if (edges is not null) return edges;
        var (graph, folders) = Library.Value;
        var list = new List<Edge>();
        foreach (var type in graph.Types)
        {
            var origin = TopLevel(type.FullName);
            if (!folders.ByType.TryGetValue(origin, out var from) || from.Count != 1) continue;
            var originFolder = from.Single();
            foreach (var dependency in type.Dependencies)
            {
                var target = TopLevel(dependency.Target.FullName);
                string? targetFolder = folders.ByType.TryGetValue(target, out var to) && to.Count == 1 ? to.Single() : null;
                list.Add(new Edge(origin, originFolder, target, targetFolder));
            }
        }
        return edges = list;
    }

    /// <summary>The top-level type of a (possibly nested, possibly generic) type's full name.</summary>
    private static string TopLevel(string fullName)
    {
        var end = fullName.IndexOfAny(['+', '/', '<', '[']);
        return end < 0 ? fullName : fullName[..end];
    }
}
