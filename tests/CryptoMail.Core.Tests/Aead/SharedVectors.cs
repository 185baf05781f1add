namespace CryptoMail.Core.Tests.Aead;

/// <summary>The public test vectors in <c>shared/vectors</c> beside the repository: found by walking up from the
/// test binaries to the folder holding CryptoMail.Core.sln, then to its parent.</summary>
internal static class SharedVectors
{
    public static string? Folder { get; } = Find();

    /// <summary>Skip only on a developer machine without the folder; in CI (CI=true) the tests must run.</summary>
    public static string? SkipReason =>
        Folder is null && Environment.GetEnvironmentVariable("CI") != "true"
            ? "shared/vectors is not present next to the repository (it is required when CI=true)."
            : null;

    public static byte[] Read(string name) =>
        File.ReadAllBytes(Path.Combine(
            Folder ?? throw new InvalidOperationException("shared/vectors was not found beside the repository; CI must provide it."),
            name));

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "CryptoMail.Core.sln"))) continue;
            if (dir.Parent is null) return null;
            string vectors = Path.Combine(dir.Parent.FullName, "shared", "vectors");
            return Directory.Exists(vectors) ? vectors : null;
        }
        return null;
    }
}

/// <summary>A theory over files in shared/vectors, skipped only where <see cref="SharedVectors.SkipReason"/> says.</summary>
public sealed class VectorTheoryAttribute : TheoryAttribute
{
    public VectorTheoryAttribute()
    {
        if (SharedVectors.SkipReason is { } reason) Skip = reason;
    }
}

/// <summary>A fact over files in shared/vectors, skipped only where <see cref="SharedVectors.SkipReason"/> says.</summary>
public sealed class VectorFactAttribute : FactAttribute
{
    public VectorFactAttribute()
    {
        if (SharedVectors.SkipReason is { } reason) Skip = reason;
    }
}
