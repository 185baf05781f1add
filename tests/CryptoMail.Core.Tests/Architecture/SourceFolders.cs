using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace CryptoMail.Core.Tests.Architecture;

/// <summary>Which source folder of src/CryptoMail.Core declares each type of the library, read from the library's
/// portable PDB: a method's sequence points name its file, and types without method bodies (enums, interfaces) carry
/// the compiler's type-definition-documents record. Nested and compiler-generated types belong to the folder of the
/// top-level type that declares them.</summary>
internal sealed class SourceFolders
{
    /// <summary>The folder of the files at the project's top level.</summary>
    public const string Root = "(root)";

    // The compiler's custom debug information kind for "documents of a type without method bodies".
    private static readonly Guid TypeDefinitionDocuments = new("932E74BC-DBA9-4478-8D46-0F32A7BAB3D3");

    private readonly Dictionary<string, HashSet<string>> folders = new(StringComparer.Ordinal);

    private SourceFolders() { }

    /// <summary>Folders keyed by the top-level type's full name (namespace and name, generic arity included).</summary>
    public IReadOnlyDictionary<string, HashSet<string>> ByType => folders;

    public static SourceFolders Read(string assemblyPath)
    {
        var result = new SourceFolders();
        var pdbPath = Path.ChangeExtension(assemblyPath, ".pdb");
        using var peStream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(peStream);
        var md = pe.GetMetadataReader();
        using var pdbStream = File.OpenRead(pdbPath);
        using var pdbProvider = MetadataReaderProvider.FromPortablePdbStream(pdbStream);
        var pdb = pdbProvider.GetMetadataReader();

        foreach (var methodHandle in md.MethodDefinitions)
        {
            var info = pdb.GetMethodDebugInformation(methodHandle.ToDebugInformationHandle());
            var docs = new HashSet<DocumentHandle>();
            if (!info.Document.IsNil) docs.Add(info.Document);
            else if (!info.SequencePointsBlob.IsNil)
                foreach (var point in info.GetSequencePoints()) docs.Add(point.Document);
            var owner = md.GetMethodDefinition(methodHandle).GetDeclaringType();
            foreach (var doc in docs) result.Add(md, owner, FolderOf(pdb, doc));
        }
        foreach (var cdiHandle in pdb.CustomDebugInformation)
        {
            var cdi = pdb.GetCustomDebugInformation(cdiHandle);
            if (pdb.GetGuid(cdi.Kind) != TypeDefinitionDocuments || cdi.Parent.Kind != HandleKind.TypeDefinition) continue;
            var blob = pdb.GetBlobReader(cdi.Value);
            while (blob.RemainingBytes > 0)
            {
                var doc = MetadataTokens.DocumentHandle(blob.ReadCompressedInteger());
                result.Add(md, (TypeDefinitionHandle)cdi.Parent, FolderOf(pdb, doc));
            }
        }
        return result;
    }

    private void Add(MetadataReader md, TypeDefinitionHandle type, string? folder)
    {
        if (folder is null) return;
        var top = md.GetTypeDefinition(type);
        while (top.IsNested) top = md.GetTypeDefinition(top.GetDeclaringType());
        var name = md.GetString(top.Namespace) is { Length: > 0 } ns ? ns + "." + md.GetString(top.Name) : md.GetString(top.Name);
        if (!folders.TryGetValue(name, out var set)) folders[name] = set = new HashSet<string>(StringComparer.Ordinal);
        set.Add(folder);
    }

    /// <summary>The first folder under src/CryptoMail.Core of a source document; null for generated files (obj/).</summary>
    private static string? FolderOf(MetadataReader pdb, DocumentHandle handle)
    {
        var path = pdb.GetString(pdb.GetDocument(handle).Name).Replace('\\', '/');
        const string marker = "/CryptoMail.Core/";
        var at = path.LastIndexOf("/src" + marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var rest = path[(at + 4 + marker.Length)..];
        var slash = rest.IndexOf('/');
        if (slash < 0) return Root;
        var folder = rest[..slash];
        return folder is "obj" or "bin" ? null : folder;
    }
}
