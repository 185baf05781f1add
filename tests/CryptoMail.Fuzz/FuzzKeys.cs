using System.Reflection;

namespace CryptoMail.Fuzz;

/// <summary>The fixed keys every target decrypts and verifies with, so that the committed seed messages stay
/// readable from one run to the next. Made once by <c>seed --new-keys</c> (unprotected test keys: unlocking on every
/// execution would spend the fuzzing budget in the string-to-key function) and embedded in the assembly.</summary>
internal static class FuzzKeys
{
    /// <summary>The password the seed messages are also encrypted to.</summary>
    public const string Password = "fuzz password";

    /// <summary>The address of the recipient key (WKD and Autocrypt targets look it up).</summary>
    public const string Address = "fuzz@example.org";

    /// <summary>The user ID of the v4 Curve25519 recipient and signer.</summary>
    public const string UserId = "Fuzz Recipient <fuzz@example.org>";

    /// <summary>The file names of the embedded keys.</summary>
    public static readonly string[] Files = ["v4.asc", "v6.asc"];

    private static readonly Lazy<SecretKey[]> Loaded = new(() => Files.Select(Load).ToArray());

    /// <summary>The v4 Curve25519 key (the default profile).</summary>
    public static SecretKey V4 => Loaded.Value[0];

    /// <summary>The v6 Ed25519/X25519 key (RFC 9580).</summary>
    public static SecretKey V6 => Loaded.Value[1];

    /// <summary>Every key.</summary>
    public static IReadOnlyList<SecretKey> All => Loaded.Value;

    /// <summary>Every key's certificate.</summary>
    public static IReadOnlyList<Certificate> Certificates => Loaded.Value.Select(k => k.Certificate).ToArray();

    private static SecretKey Load(string file)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("CryptoMail.Fuzz.keys." + file)
            ?? throw new InvalidOperationException($"The fuzz key {file} is not embedded; run `seed --new-keys` first.");
        return SecretKey.Load(stream);
    }
}
