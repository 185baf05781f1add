using CryptoMail.Core.Tests.Support;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>The PGP/MIME options configure signatures with the same <see cref="SignatureSettings"/> as
/// <see cref="EncryptOptions.Signing"/>: hash, mode, passphrases of a locked key, and further signers.</summary>
public class MimeSigningSettingsTests
{
    private readonly OpenPgp pgp = new();
    private static readonly SecretKey LockedAlice = TestKeys.Get("Curve25519+passphrase", "alice");

    private static MimeOpenOptions Opens(params Certificate[] verifiers)
    {
        var options = new MimeOpenOptions { Keys = { Bob } };
        foreach (var c in verifiers) options.Verifiers.Add(c);
        return options;
    }

    [Fact]
    public void Signing_settings_give_the_hash_the_mode_and_the_passphrase_of_a_locked_signer()
    {
        var settings = new SignatureSettings { Hash = OpenPgpHashAlgorithm.Sha512, Mode = SignatureMode.Text, SignerPassphrases = { TestKeys.Passphrase } };
        var signed = pgp.Mime.Sign(TextMessage(), LockedAlice, new MimeSignOptions { Signing = settings });

        var opened = pgp.Mime.Open(Transport(signed), Opens(LockedAlice.Certificate));

        var verification = Assert.Single(opened.Signatures).Verification;
        Assert.Equal(SignatureStatus.Good, verification.Status);
        Assert.Equal((OpenPgpHashAlgorithm.Sha512, SignatureMode.Text), (verification.HashAlgorithm, verification.Mode));
        Assert.Equal("pgp-sha512", Assert.IsAssignableFrom<MimeKit.Multipart>(signed.Body).ContentType.Parameters["micalg"]);
    }

    [Fact]
    public void A_locked_signer_without_its_passphrase_is_refused()
    {
        Assert.Throws<KeyNotUsableException>(() => pgp.Mime.Sign(TextMessage(), LockedAlice));
    }

    [Fact]
    public void Signers_listed_in_the_settings_sign_beside_the_given_one_inside_the_encryption()
    {
        var options = new MimeEncryptOptions { Signing = new SignatureSettings { Signers = { Mallory } } };
        var sealedMessage = pgp.Mime.SignAndEncrypt(TextMessage(), Alice, new[] { Bob.Certificate }, options);

        var opened = pgp.Mime.Open(Transport(sealedMessage), Opens(Alice.Certificate, Mallory.Certificate));

        Assert.True(opened.Decrypted);
        var signers = opened.Signatures.Select(s => s.Verification).ToList();
        Assert.All(signers, v => Assert.Equal(SignatureStatus.Good, v.Status));
        Assert.Equal(new[] { Alice.Fingerprint, Mallory.Fingerprint }.Order(), signers.Select(v => v.SignerFingerprint!).Order());
    }
}
