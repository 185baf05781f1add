using System.Text;
using CryptoMail.Core.Tests.Interop;

namespace CryptoMail.Core.Tests.Legacy;

/// <summary>DSA signatures gpg makes, for every (L, N) it generates and every hash
/// (GnuPG 2.2 makes 1024/160, 2048/256 and 3072/256; a longer digest is truncated to q's size, FIPS 186-4 section 4.6), and the signatures the default policy refuses
/// (SHA-1 data signatures, 1024-bit keys), which name their reason by default and verify under
/// <see cref="OpenPgpPolicy.Legacy"/>.</summary>
public sealed class GnuPGDsaSignatureTests : IClassFixture<LegacyGpgFixture>
{
    private readonly OpenPgp pgp = new();
    private readonly LegacyGpgFixture fixture;

    public GnuPGDsaSignatureTests(LegacyGpgFixture fixture) => this.fixture = fixture;

    private GnuPG Gpg => fixture.Gpg;

    [GnuPGTheory]
    [InlineData("dsa1024", "SHA1")]
    [InlineData("dsa1024", "SHA256")]
    [InlineData("dsa2048", "SHA256")]
    [InlineData("dsa2048", "SHA384")]
    [InlineData("dsa2048", "SHA512")]
    [InlineData("dsa3072", "SHA256")]
    [InlineData("dsa3072", "SHA512")]
    public void Gpg_DSA_signatures_verify_for_every_q_and_hash(string kind, string digest)
    {
        var key = fixture.Key(kind);
        var data = Encoding.UTF8.GetBytes($"signed by {kind} with {digest}\n");
        var signature = GpgSign(key, data, $"{kind}-{digest}", "--digest-algo", digest);

        // DSA-1024 and SHA-1 need the legacy policy, and a SHA-1 signature made before its cutoff.
        var policy = kind == "dsa1024" ? OpenPgpPolicy.Legacy with { DataSignatureHashes = AnyTime(OpenPgpPolicy.Legacy.DataSignatureHashes) } : OpenPgpPolicy.Default;
        var verdict = Verify(data, signature, key, policy);

        Assert.Equal(SignatureStatus.Good, verdict.Status);
        Assert.Equal(Enum.Parse<OpenPgpHashAlgorithm>(digest, ignoreCase: true), verdict.HashAlgorithm);
        Assert.Equal(key.Fingerprint, verdict.SignerFingerprint, ignoreCase: true);

        // The same signature over other data is bad: the check is real.
        var other = Verify(Encoding.UTF8.GetBytes("other data"), signature, key, policy);
        Assert.Equal(SignatureStatus.Bad, other.Status);
    }

    [GnuPGTheory]
    [InlineData("SHA224")]
    [InlineData("RIPEMD160")]
    public void A_signature_over_a_hash_the_library_cannot_compute_is_unsupported_not_bad(string digest)
    {
        // The platform has neither SHA-224 nor RIPEMD-160. Such a signature was once reported Bad, which calls a
        // signature nobody checked a forgery; it is Unsupported, with the reason, whatever the data.
        var key = fixture.Key("rsa3072");
        var data = Encoding.UTF8.GetBytes("signed with " + digest + "\n");
        var signature = GpgSign(key, data, "rsa3072-" + digest, "--digest-algo", digest);

        var verdict = Verify(data, signature, key, OpenPgpPolicy.Legacy);

        Assert.Equal(SignatureStatus.Unsupported, verdict.Status);
        Assert.Equal(ValidationReason.UnsupportedAlgorithm, verdict.RejectionReason);
        Assert.Equal(Enum.Parse<OpenPgpHashAlgorithm>(digest, ignoreCase: true), verdict.HashAlgorithm);
        Assert.Equal(key.Fingerprint, verdict.SignerFingerprint, ignoreCase: true);
        Assert.Contains(digest, verdict.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(SignatureStatus.Unsupported, Verify(Encoding.UTF8.GetBytes("other data"), signature, key, OpenPgpPolicy.Legacy).Status);
    }

    [GnuPGTheory]
    [InlineData("SHA256")]
    [InlineData("SHA512")]
    public void DSA_1024_with_a_long_hash_is_refused_as_a_weak_key_by_default_and_good_under_legacy(string digest)
    {
        var key = fixture.Key("dsa1024");
        var data = Encoding.UTF8.GetBytes("DSA-1024, q of 160 bits, digest " + digest);
        var signature = GpgSign(key, data, "dsa1024-" + digest, "--faked-system-time", "20100101T000000", "--digest-algo", digest);

        var byDefault = Verify(data, signature, key, OpenPgpPolicy.Default);
        Assert.Equal(SignatureStatus.WeakAlgorithm, byDefault.Status);
        Assert.Equal(ValidationReason.WeakKey, byDefault.RejectionReason);

        var legacy = Verify(data, signature, key, OpenPgpPolicy.Legacy);
        Assert.Equal(SignatureStatus.Good, legacy.Status);
        Assert.Equal(SignatureStatus.Bad, Verify(Encoding.UTF8.GetBytes("tampered"), signature, key, OpenPgpPolicy.Legacy).Status);
    }

    [GnuPGTheory]
    [InlineData("dsa1024")]
    [InlineData("rsa1024")]
    public void SHA1_data_signatures_from_2010_are_refused_by_default_and_good_under_legacy(string kind)
    {
        var key = fixture.Key(kind);
        var data = Encoding.UTF8.GetBytes("a 2010 signature with SHA-1 by " + kind);
        var signature = GpgSign(key, data, kind + "-sha1", "--faked-system-time", "20100101T000000", "--digest-algo", "SHA1");

        var byDefault = Verify(data, signature, key, OpenPgpPolicy.Default);
        Assert.Equal(SignatureStatus.WeakAlgorithm, byDefault.Status);
        Assert.NotNull(byDefault.RejectionReason);
        Assert.False(string.IsNullOrEmpty(byDefault.Reason));

        var legacy = Verify(data, signature, key, OpenPgpPolicy.Legacy);
        Assert.Equal(SignatureStatus.Good, legacy.Status);
        Assert.Equal(OpenPgpHashAlgorithm.Sha1, legacy.HashAlgorithm);
    }

    private static Dictionary<OpenPgpHashAlgorithm, DateTimeOffset> AnyTime(IReadOnlyDictionary<OpenPgpHashAlgorithm, DateTimeOffset> hashes) =>
        hashes.ToDictionary(h => h.Key, _ => DateTimeOffset.MaxValue);

    [GnuPGFact]
    public void A_SHA1_data_signature_made_after_the_legacy_cutoff_is_refused_even_under_legacy()
    {
        var key = fixture.Key("dsa1024");
        var data = Encoding.UTF8.GetBytes("SHA-1 today");
        var signature = GpgSign(key, data, "dsa1024-sha1-now", "--digest-algo", "SHA1");

        var legacy = Verify(data, signature, key, OpenPgpPolicy.Legacy);
        Assert.Equal(SignatureStatus.WeakAlgorithm, legacy.Status);
        Assert.Equal(ValidationReason.WeakHash, legacy.RejectionReason);
    }

    [GnuPGFact]
    public void Gpg_verifies_our_DSA_signature()
    {
        var key = fixture.Key("dsa3072");
        var data = Encoding.UTF8.GetBytes("signed by CryptoMail.Core with DSA-3072\n");
        using var signature = new MemoryStream();
        pgp.SignDetached(new MemoryStream(data), signature, new SignOptions { Signers = { key.SecretKey }, SignerPassphrases = { key.Passphrase } });

        var result = Gpg.VerifyDetached(Gpg.WriteFile("ours-dsa.sig", signature.ToArray()), Gpg.WriteFile("ours-dsa.txt", data));

        Assert.True(result.GoodSignature, result.Stderr + result.Status);
        Assert.Equal(key.Fingerprint, Assert.Single(result.ValidSignatures)[9], ignoreCase: true);
    }

    [GnuPGTheory]
    [InlineData("dsa2048")]
    [InlineData("rsa3072")]
    public void Version_3_signatures_verify(string kind)
    {
        // GnuPG 2.2 no longer writes v3 signatures (PGP 2.6 and 5 did); BouncyCastle's v3 generator does, with gpg's key.
        var key = fixture.Key(kind);
        var ring = new Org.BouncyCastle.Bcpg.OpenPgp.PgpSecretKeyRing(
            Org.BouncyCastle.Bcpg.OpenPgp.PgpUtilities.GetDecoderStream(new MemoryStream(Encoding.ASCII.GetBytes(key.SecretKeyArmor))));
        var secret = ring.GetSecretKey();
        var privateKey = secret.ExtractPrivateKey(key.Passphrase.ToCharArray());
        var generator = new Org.BouncyCastle.Bcpg.OpenPgp.PgpV3SignatureGenerator(secret.PublicKey.Algorithm, Org.BouncyCastle.Bcpg.HashAlgorithmTag.Sha256);
        generator.InitSign(Org.BouncyCastle.Bcpg.OpenPgp.PgpSignature.BinaryDocument, privateKey);
        var data = Encoding.UTF8.GetBytes("a version 3 signature by " + kind);
        generator.Update(data);
        var signature = generator.Generate().GetEncoded();
        // An old-format header (BouncyCastle writes those): one octet, then a length of 1, 2 or 4 octets; then the version.
        Assert.Equal(0, signature[0] & 0x40);
        Assert.Equal(3, signature[1 + (1 << (signature[0] & 3))]);

        var verdict = Verify(data, signature, key, OpenPgpPolicy.Default);
        Assert.Equal(SignatureStatus.Good, verdict.Status);
        Assert.Equal(key.Fingerprint, verdict.SignerFingerprint, ignoreCase: true);
        Assert.Equal(SignatureStatus.Bad, Verify(Encoding.UTF8.GetBytes("other"), signature, key, OpenPgpPolicy.Default).Status);
    }

    private byte[] GpgSign(GpgKey key, byte[] data, string name, params string[] args)
    {
        var input = Gpg.WriteFile(name + ".txt", data);
        var output = Gpg.OutputPath(name + ".sig");
        Gpg.Run(null, args.Concat(new[] { "--passphrase", key.Passphrase, "--local-user", key.Fingerprint, "--detach-sign", "--output", output, input }).ToArray())
            .EnsureSuccess("sign " + name);
        return File.ReadAllBytes(output);
    }

    private SignatureVerification Verify(byte[] data, byte[] signature, GpgKey key, OpenPgpPolicy policy)
    {
        var result = pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(signature), new VerifyOptions { Verifiers = { key.Certificate }, Policy = policy });
        return Assert.Single(result.Signatures);
    }
}
