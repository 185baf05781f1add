// CryptoMail.Core and its public namespaces are imported by GlobalUsings.cs; this file adds the namespaces a caller is
// likely to import beside them. It compiles only while no unqualified name below is ambiguous.
using System.Security.Cryptography;
using MimeKit;
using MimeKit.Cryptography;
using Xunit;

namespace CryptoMail.Core.Tests.Architecture;

/// <summary>No public name of the library collides with System.Security.Cryptography or MimeKit, so a caller that
/// imports both never has to qualify (the old <c>HashAlgorithm</c> enum did collide).</summary>
public sealed class NameClashTests
{
    [Fact]
    public void Library_and_framework_names_are_used_unqualified_in_one_file()
    {
        // Framework names, unqualified.
        byte[] digest = SHA256.HashData("abc"u8);
        HashAlgorithmName framework = HashAlgorithmName.SHA256;
        DigestAlgorithm mimeKit = DigestAlgorithm.Sha256;
        PublicKeyAlgorithm mimeKitKey = PublicKeyAlgorithm.EdwardsCurveDsa;

        // Library names, unqualified.
        OpenPgpHashAlgorithm hash = OpenPgpHashAlgorithm.Sha256;
        SymmetricCipher cipher = SymmetricCipher.Aes256;
        KeyAlgorithm key = KeyAlgorithm.Ed25519;
        IntegrityProtection protection = IntegrityProtection.SeipdV2;
        SignatureType type = SignatureType.SubkeyBinding;
        var options = new EncryptOptions { Cipher = cipher, Signing = new SignatureSettings { Hash = hash } };

        Assert.Equal(32, digest.Length);
        Assert.Equal("SHA256", framework.Name);
        Assert.Equal(DigestAlgorithm.Sha256, mimeKit);
        Assert.Equal(PublicKeyAlgorithm.EdwardsCurveDsa, mimeKitKey);
        // The OpenPGP registry numbers (RFC 9580 sections 9.1, 9.3, 9.5 and 5.2.1).
        Assert.Equal(8, (int)options.Signing.Hash);
        Assert.Equal(9, (int)options.Cipher);
        Assert.Equal(0x18, (int)type);
        Assert.Equal(nameof(KeyAlgorithm.Ed25519), key.ToString());
        Assert.Equal(nameof(IntegrityProtection.SeipdV2), protection.ToString());
    }

    [Fact]
    public void No_public_type_shares_a_name_with_a_type_of_the_namespaces_callers_import_beside_it()
    {
        string[] foreign = ["System.Security.Cryptography", "MimeKit", "MimeKit.Cryptography"];
        var theirs = new[] { typeof(Aes).Assembly, typeof(System.Security.Cryptography.HashAlgorithm).Assembly, typeof(RandomNumberGenerator).Assembly, typeof(MimeMessage).Assembly }
            .Distinct()
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => t.DeclaringType is null && foreign.Contains(t.Namespace))
            .Select(t => t.Name)
            .ToHashSet(StringComparer.Ordinal);
        var ours = typeof(OpenPgp).Assembly.GetExportedTypes().Where(t => t.DeclaringType is null).ToList();

        Assert.Contains("HashAlgorithm", theirs);
        Assert.Contains("DigestAlgorithm", theirs);
        Assert.True(ours.Count > 50, $"Only {ours.Count} public types were found.");
        Assert.Empty(ours.Where(t => theirs.Contains(t.Name)).Select(t => t.FullName));
    }
}
