namespace CryptoMail.Core.Tests.Aead;

/// <summary>The public test vectors in the test project's <c>Data</c> folder (copied next to the test binaries; see
/// <c>Data/README.md</c> for their sources). Tests name a vector by a short name; <see cref="Files"/> says which file
/// holds it. A missing file fails the test: the data is part of the repository, so nothing is skipped.</summary>
internal static class SharedVectors
{
    /// <summary>The short names the tests use, and the files (relative to <c>Data</c>) they stand for.</summary>
    private static readonly Dictionary<string, string> Files = BuildFiles();

    /// <summary>The folder holding the data, beside the test assembly.</summary>
    public static string Folder { get; } = Path.Combine(AppContext.BaseDirectory, "Data");

    /// <summary>The bytes of a vector, by short name.</summary>
    public static byte[] Read(string name) =>
        File.ReadAllBytes(Path.Combine(Folder, Files.TryGetValue(name, out var file)
            ? file
            : throw new ArgumentException($"No test vector is named {name}; add it to SharedVectors.Files.", nameof(name))));

    private static Dictionary<string, string> BuildFiles()
    {
        const string appendix = "Rfc9580-AppendixA/";
        var files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["A3_v6_cert.asc"] = appendix + "a3-v6-certificate.asc",
            ["A4_v6_tsk.asc"] = appendix + "a4-v6-secret-key.asc",
            ["A5_v6_locked_tsk.asc"] = appendix + "a5-v6-locked-secret-key.asc",
            ["A6_csf.asc"] = appendix + "a6-cleartext-signed.asc",
            ["A7_inline_signed.asc"] = appendix + "a7-inline-signed.asc",
            ["A8_x25519_ocb.asc"] = appendix + "a8-x25519-aead-ocb.asc",
            ["aead_eax.msg"] = appendix + "a9-password-aead-eax.asc",
            ["aead_ocb.msg"] = appendix + "a10-password-aead-ocb.asc",
            ["aead_gcm.msg"] = appendix + "a11-password-aead-gcm.asc",
            ["argon2_aes128.msg"] = appendix + "a12.1-argon2-aes128.asc",
            ["argon2_aes192.msg"] = appendix + "a12.2-argon2-aes192.asc",
            ["argon2_aes256.msg"] = appendix + "a12.3-argon2-aes256.asc",
        };
        // rPGP's padding messages: padding_NAME is Rpgp/Padding/NAME.
        foreach (var name in new[] { "alice.key", "msg-short-padding.pgp", "msg-long-padding.pgp", "rpgp-0-10.enc.asc", "rpgp-current.enc.asc" })
            files["padding_" + name] = "Rpgp/Padding/" + name;
        // rPGP's RFC 9580 sample set: rfc9580_SET_FILE is Rpgp/Rfc9580Samples/SET/FILE.
        foreach (var set in new[] { "v6-25519-annex-a-4", "v6-ed25519-x448", "v6-ed448-x448", "v6-rsa", "v6-nistp", "v4-ed25519-x25519", "v4-rsa", "v4-nistp" })
            foreach (var file in new[] { "tsk.asc", "enc-seipdv1.msg", "enc-seipdv2.msg", "csf.msg" })
                files[$"rfc9580_{set}_{file}"] = $"Rpgp/Rfc9580Samples/{set}/{file}";
        return files;
    }
}

/// <summary>A theory over the test vectors in <c>Data</c> (never skipped: the files are in the repository).</summary>
public sealed class VectorTheoryAttribute : TheoryAttribute;

/// <summary>A fact over the test vectors in <c>Data</c> (never skipped: the files are in the repository).</summary>
public sealed class VectorFactAttribute : FactAttribute;
