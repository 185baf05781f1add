using System.Text;

namespace CryptoMail.Core.Tests.Stores;

/// <summary>Keys and certificate updates for the store tests.</summary>
internal static class StoreFixtures
{
    private static readonly Lazy<SecretKey> LazyAlice = new(() => new OpenPgp().GenerateKey("Alice <Alice@Example.org>",
        new KeyGenerationOptions { AdditionalUserIds = { "Alice at work <alice@work.example>" } }));

    private static readonly Lazy<SecretKey> LazyBob = new(() => new OpenPgp().GenerateKey("Bob <bob@example.org>"));

    /// <summary>Two user IDs; the first with a mixed-case address.</summary>
    public static SecretKey Alice => LazyAlice.Value;

    public static SecretKey Bob => LazyBob.Value;

    /// <summary>A copy of <paramref name="key"/>'s certificate carrying one more (distinct) revocation signature,
    /// whose description <paramref name="label"/> shows up in the exported packets, so a test can tell which
    /// updates a stored copy holds.</summary>
    public static Certificate Update(SecretKey key, string label) => key.Revoke(RevocationReason.Superseded, label);

    /// <summary>Whether the certificate's packets contain an update made by <see cref="Update"/> with this label.</summary>
    public static bool Holds(Certificate certificate, string label) =>
        certificate.Export().AsSpan().IndexOf(Encoding.UTF8.GetBytes(label)) >= 0;

    public static string TempDirectory(string prefix) => Directory.CreateTempSubdirectory(prefix).FullName;
}
