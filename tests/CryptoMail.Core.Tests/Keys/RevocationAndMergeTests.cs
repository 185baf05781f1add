using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Keys;

public class RevocationAndMergeTests
{
    private readonly OpenPgp pgp = new();

    [Fact]
    public void A_revoked_certificate_cannot_be_encrypted_to_and_its_signatures_report_revoked()
    {
        var key = pgp.GenerateKey("Rev <rev@example.org>");
        var sig = new MemoryStream();
        pgp.SignDetached(new MemoryStream("x"u8.ToArray()), sig, new SignOptions { Signers = { key } });

        var revoked = key.Revoke(RevocationReason.Compromised, "lost laptop");
        Assert.True(revoked.IsRevoked);
        Assert.False(revoked.CanEncrypt);
        Assert.True(Certificate.Parse(revoked.ExportArmored()).IsRevoked);
        Assert.Throws<KeyNotUsableException>(() => pgp.Encrypt(new MemoryStream("x"u8.ToArray()), new MemoryStream(), new EncryptOptions { Recipients = { revoked } }));

        var result = pgp.VerifyDetached(new MemoryStream("x"u8.ToArray()), new MemoryStream(sig.ToArray()), new VerifyOptions { Verifiers = { revoked } });
        Assert.Equal(SignatureStatus.Revoked, Assert.Single(result.Signatures).Status);
    }

    [Fact]
    public void Revoking_a_locked_key_needs_its_passphrase()
    {
        var key = TestKeys.Get("Curve25519+passphrase", "erin");
        Assert.Throws<KeyNotUsableException>(() => key.Revoke());
        Assert.True(key.Revoke(passphrases: new[] { TestKeys.Passphrase }).IsRevoked);
    }

    [Fact]
    public void Merging_an_old_copy_with_its_revocation_gives_a_revoked_certificate_without_duplicates()
    {
        var key = pgp.GenerateKey("Mer <mer@example.org>", new KeyGenerationOptions { AdditionalUserIds = { "Mer <mer@work.example>" } });
        var old = key.Certificate;
        var revoked = key.Revoke(RevocationReason.Retired);

        var merged = old.Merge(revoked);
        Assert.True(merged.IsRevoked);
        Assert.Equal(revoked.Export().Length, merged.Export().Length);
        Assert.Equal(merged.Export(), merged.Merge(old).Export());
        Assert.Equal(2, merged.UserIds.Count);

        var other = pgp.GenerateKey("Other <o@example.org>");
        Assert.Throws<ArgumentException>(() => old.Merge(other.Certificate));
    }

    [Theory]
    [InlineData(RevocationReason.Retired, SignatureStatus.Good)]
    [InlineData(RevocationReason.Superseded, SignatureStatus.Good)]
    [InlineData(RevocationReason.Compromised, SignatureStatus.Revoked)]
    [InlineData(RevocationReason.Unspecified, SignatureStatus.Revoked)]
    public void Signatures_made_before_a_soft_revocation_stay_good_and_a_hard_revocation_voids_them_all(RevocationReason reason, SignatureStatus expected)
    {
        var key = pgp.GenerateKey("Old <old@example.org>", new KeyGenerationOptions { CreationTime = DateTimeOffset.UtcNow.AddDays(-30) });
        var before = new MemoryStream();
        pgp.SignDetached(new MemoryStream("x"u8.ToArray()), before, new SignOptions { Signers = { key }, Time = DateTimeOffset.UtcNow.AddDays(-1) });

        var revoked = key.Revoke(reason);
        Assert.True(revoked.IsRevoked);
        Assert.Equal(reason is RevocationReason.Compromised or RevocationReason.Unspecified, revoked.PrimaryKey.IsHardRevoked);
        Assert.False(revoked.CanEncrypt);
        Assert.False(revoked.CanSign);

        var result = pgp.VerifyDetached(new MemoryStream("x"u8.ToArray()), new MemoryStream(before.ToArray()), new VerifyOptions { Verifiers = { revoked } });
        Assert.Equal(expected, Assert.Single(result.Signatures).Status);
    }
}
