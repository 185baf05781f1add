using System.Text;
using CryptoMail.Core.Tests.Aead;

namespace CryptoMail.Core.Tests.Keys;

/// <summary>RFC 9580 sample keys beyond the appendix (Data/Rpgp/Rfc9580Samples: v4 and v6 keys of each algorithm
/// family with SEIPD v1/v2 messages to them and (where present) a cleartext-signed message, all of "hello world\n").</summary>
/// <remarks>The NIST P-curve samples pad their ECDH session keys beyond the next multiple of 8 (PKCS#5 to a larger
/// block, as RFC 6637 allowed); the reader accepts that.</remarks>
public class Rfc9580SampleSetTests
{
    private readonly OpenPgp pgp = new();

    [VectorTheory]
    [InlineData("v6-25519-annex-a-4", true)]
    [InlineData("v6-ed25519-x448", true)]
    [InlineData("v6-ed448-x448", true)]
    [InlineData("v6-rsa", true)]
    [InlineData("v4-ed25519-x25519", false)]
    [InlineData("v4-rsa", false, false)]
    [InlineData("v6-nistp", true)]
    [InlineData("v4-nistp", false, false)]
    public void Sample_key_decrypts_its_messages_and_verifies_its_cleartext_signature(string name, bool hasV1, bool hasCsf = true)
    {
        var key = SecretKey.Parse(SharedVectors.Read($"rfc9580_{name}_tsk.asc"));
        Assert.Equal(name.StartsWith("v6", StringComparison.Ordinal) ? 6 : 4, key.Certificate.Version);
        var files = new List<string> { $"rfc9580_{name}_enc-seipdv2.msg" };
        if (hasV1) files.Add($"rfc9580_{name}_enc-seipdv1.msg");
        foreach (var file in files)
        {
            var output = new MemoryStream();
            pgp.Decrypt(new MemoryStream(SharedVectors.Read(file)), output, new DecryptOptions { Keys = { key } });
            Assert.Equal("hello world\n", Encoding.UTF8.GetString(output.ToArray()));
        }
        if (!hasCsf) return;
        var v = pgp.VerifyInline(new MemoryStream(SharedVectors.Read($"rfc9580_{name}_csf.msg")), new MemoryStream(), new VerifyOptions { Verifiers = { key.Certificate } });
        var sig = Assert.Single(v.Signatures);
        Assert.True(sig.IsGood, sig.Reason);
    }
}
