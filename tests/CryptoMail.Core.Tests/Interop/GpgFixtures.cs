using System.Collections.Concurrent;

namespace CryptoMail.Core.Tests.Interop;

/// <summary>A key gpg made, as gpg exported it.</summary>
/// <param name="Fingerprint">The primary fingerprint gpg reports.</param>
/// <param name="Passphrase">Its passphrase, empty when unprotected.</param>
/// <param name="CertificateArmor">gpg's <c>--armor --export</c>.</param>
/// <param name="SecretKeyArmor">gpg's <c>--armor --export-secret-keys</c>.</param>
internal sealed record GpgKey(string Fingerprint, string Passphrase, string CertificateArmor, string SecretKeyArmor)
{
    public Certificate Certificate => Certificate.Parse(CertificateArmor);

    public SecretKey SecretKey => SecretKey.Parse(SecretKeyArmor);
}

/// <summary>One GnuPG home per test class, with keys made on first use (nothing runs when the tests skip).</summary>
public sealed class GpgFixture : IDisposable
{
    private readonly Lazy<GnuPG> gpg = new(() => new GnuPG());
    private readonly ConcurrentDictionary<string, Lazy<GpgKey>> keys = new();
    private readonly ConcurrentDictionary<string, Lazy<string>> imported = new();

    internal GnuPG Gpg => gpg.Value;

    /// <summary>A gpg-made key of the given kind (<c>ed25519</c> or <c>rsa3072</c>, optionally <c>-protected</c>).</summary>
    internal GpgKey Key(string kind) => keys.GetOrAdd(kind, k => new Lazy<GpgKey>(() => Make(k))).Value;

    /// <summary>Imports one of our secret keys into this home once; returns its fingerprint.</summary>
    internal string ImportOnce(SecretKey key) =>
        imported.GetOrAdd(key.Fingerprint, _ => new Lazy<string>(() =>
        {
            Gpg.Import(key.ExportArmored());
            return key.Fingerprint;
        })).Value;

    private GpgKey Make(string kind)
    {
        var algorithm = kind.Split('-')[0];
        var passphrase = kind.EndsWith("-protected", StringComparison.Ordinal) ? "gpg pass " + kind : string.Empty;
        var fpr = Gpg.GenerateKey($"Gpg {kind} <{kind}@gpg.example>", algorithm, passphrase);
        return new GpgKey(fpr, passphrase, Gpg.ExportCertificate(fpr), Gpg.ExportSecretKey(fpr, passphrase));
    }

    public void Dispose()
    {
        if (gpg.IsValueCreated) gpg.Value.Dispose();
    }
}

internal static class InteropData
{
    /// <summary>Text with LF line endings and non-ASCII characters.</summary>
    public const string Text = "Grüße aus Zürich!\nZeile zwei: ünïcödé ✓\nlast line\n";

    public static byte[] Binary(int size = 5000) => Support.TestData.Random(size, seed: size);

    public static string NormalizeNewlines(string s) => s.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n');

    public static (byte[] Output, T Result) Run<T>(Func<Stream, Stream, T> operation, byte[] input)
    {
        using var output = new MemoryStream();
        var result = operation(new MemoryStream(input, writable: false), output);
        return (output.ToArray(), result);
    }
}
