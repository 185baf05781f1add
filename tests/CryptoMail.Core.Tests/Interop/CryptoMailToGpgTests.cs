using System.Text;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Interop;

/// <summary>CryptoMail.Core makes the keys, messages and signatures; GnuPG reads them.</summary>
public sealed class CryptoMailToGpgTests : IClassFixture<GpgFixture>
{
    private readonly OpenPgp pgp = new();
    private readonly GpgFixture fixture;

    public CryptoMailToGpgTests(GpgFixture fixture) => this.fixture = fixture;

    private GnuPG Gpg => fixture.Gpg;

    public static TheoryData<string> Profiles => new() { "Curve25519", "Rsa3072" };

    [GnuPGTheory]
    [MemberData(nameof(Profiles))]
    public void Gpg_imports_our_secret_key_with_the_same_fingerprints(string profile)
    {
        var key = TestKeys.Get(profile);
        fixture.ImportOnce(key);

        Assert.Equal(key.Fingerprint, Gpg.Fingerprints("--list-keys", key.Fingerprint)[0], ignoreCase: true);
        var secret = Gpg.Fingerprints("--list-secret-keys");
        Assert.Contains(key.Fingerprint, secret, StringComparer.OrdinalIgnoreCase);
        foreach (var sub in key.Certificate.Subkeys) Assert.Contains(sub.Fingerprint, secret, StringComparer.OrdinalIgnoreCase);
    }

    [GnuPGTheory]
    [InlineData("Curve25519", true)]
    [InlineData("Curve25519", false)]
    [InlineData("Rsa3072", true)]
    public void Gpg_decrypts_our_messages(string profile, bool armor)
    {
        var key = TestKeys.Get(profile);
        fixture.ImportOnce(key);
        var plaintext = InteropData.Binary();
        var (ciphertext, result) = InteropData.Run((i, o) => pgp.Encrypt(i, o, new EncryptOptions { Recipients = { key.Certificate }, Armor = armor, EncryptionFormat = EncryptionFormat.SeipdV1 }), plaintext);
        Assert.Equal(armor, result.Armored);

        var decrypted = Gpg.OutputPath("dec.bin");
        var gpg = Gpg.Run(null, "--output", decrypted, "--decrypt", Gpg.WriteFile("dec.pgp", ciphertext)).EnsureSuccess();

        Assert.Equal(plaintext, File.ReadAllBytes(decrypted));
        Assert.True(gpg.HasStatus("DECRYPTION_OKAY"));
        Assert.True(gpg.HasStatus("GOODMDC"));
    }

    [GnuPGTheory]
    [InlineData("Curve25519")]
    [InlineData("Rsa3072")]
    public void Gpg_decrypts_and_verifies_our_signed_messages(string recipientProfile)
    {
        var sender = TestKeys.Get("Curve25519", "carol");
        var recipient = TestKeys.Get(recipientProfile, "bob");
        fixture.ImportOnce(sender);
        fixture.ImportOnce(recipient);
        var plaintext = Encoding.UTF8.GetBytes(InteropData.Text);
        var options = new EncryptOptions { Recipients = { recipient.Certificate }, Armor = true, EncryptionFormat = EncryptionFormat.SeipdV1, Signing = new SignatureSettings { Signers = { sender } } };
        var (ciphertext, result) = InteropData.Run((i, o) => pgp.Encrypt(i, o, options), plaintext);
        Assert.Single(result.Signatures);

        var decrypted = Gpg.OutputPath("signed.txt");
        var gpg = Gpg.Run(null, "--output", decrypted, "--decrypt", Gpg.WriteFile("signed.asc", ciphertext)).EnsureSuccess();

        Assert.Equal(plaintext, File.ReadAllBytes(decrypted));
        Assert.True(gpg.HasStatus("GOODSIG"));
        var valid = Assert.Single(gpg.ValidSignatures);
        Assert.Equal(sender.Fingerprint, valid[9], ignoreCase: true);
    }

    [GnuPGTheory]
    [InlineData("Curve25519", SignatureMode.Binary)]
    [InlineData("Curve25519", SignatureMode.Text)]
    [InlineData("Rsa3072", SignatureMode.Binary)]
    public void Gpg_verifies_our_detached_signatures(string profile, SignatureMode mode)
    {
        var key = TestKeys.Get(profile);
        fixture.ImportOnce(key);
        var data = mode == SignatureMode.Text ? Encoding.UTF8.GetBytes(InteropData.Text) : InteropData.Binary();
        var (signature, result) = InteropData.Run((i, o) => pgp.SignDetached(i, o, new SignOptions { Signers = { key }, Mode = mode }), data);
        Assert.Equal("pgp-sha256", result.Micalg);

        var gpg = Gpg.Run(null, "--verify", Gpg.WriteFile("det.asc", signature), Gpg.WriteFile("det.dat", data)).EnsureSuccess();

        var valid = Assert.Single(gpg.ValidSignatures);
        Assert.Equal(key.Fingerprint, valid[9], ignoreCase: true);
        Assert.Equal(mode == SignatureMode.Text ? "01" : "00", valid[8]);

        data[0] ^= 1;
        Assert.NotEqual(0, Gpg.Run(null, "--verify", Gpg.WriteFile("det.asc", signature), Gpg.WriteFile("det.dat", data)).ExitCode);
    }

    [GnuPGTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void Gpg_verifies_our_inline_signed_messages(bool armor)
    {
        var key = TestKeys.Get("Curve25519");
        fixture.ImportOnce(key);
        var data = InteropData.Binary();
        var (signed, _) = InteropData.Run((i, o) => pgp.SignInline(i, o, new SignOptions { Signers = { key }, Armor = armor }), data);

        var output = Gpg.OutputPath("inline.out");
        var gpg = Gpg.Run(null, "--output", output, "--decrypt", Gpg.WriteFile("inline.pgp", signed)).EnsureSuccess();

        Assert.Equal(data, File.ReadAllBytes(output));
        Assert.Equal(key.Fingerprint, Assert.Single(gpg.ValidSignatures)[9], ignoreCase: true);
    }

    [GnuPGTheory]
    [MemberData(nameof(Profiles))]
    public void Gpg_verifies_our_cleartext_signed_messages(string profile)
    {
        var key = TestKeys.Get(profile);
        fixture.ImportOnce(key);
        var text = InteropData.Text + "- a line that starts with a dash\n-----BEGIN not really\n";
        var (signed, _) = InteropData.Run((i, o) => pgp.SignCleartext(i, o, new SignOptions { Signers = { key } }), Encoding.UTF8.GetBytes(text));
        Assert.StartsWith("-----BEGIN PGP SIGNED MESSAGE-----", Encoding.UTF8.GetString(signed), StringComparison.Ordinal);

        var output = Gpg.OutputPath("clear.out");
        var gpg = Gpg.Run(null, "--output", output, "--decrypt", Gpg.WriteFile("clear.asc", signed)).EnsureSuccess();

        Assert.Equal(InteropData.NormalizeNewlines(text), InteropData.NormalizeNewlines(File.ReadAllText(output)));
        var valid = Assert.Single(gpg.ValidSignatures);
        Assert.Equal(key.Fingerprint, valid[9], ignoreCase: true);
        Assert.Equal("01", valid[8]);
    }

    [GnuPGFact]
    public void Gpg_decrypts_our_password_encrypted_messages()
    {
        var plaintext = InteropData.Binary(3000);
        var (ciphertext, _) = InteropData.Run((i, o) => pgp.Encrypt(i, o, new EncryptOptions { Passwords = { "pässword" } }), plaintext);

        var decrypted = Gpg.OutputPath("pw.bin");
        Gpg.Run(null, "--passphrase", "pässword", "--output", decrypted, "--decrypt", Gpg.WriteFile("pw.pgp", ciphertext)).EnsureSuccess();

        Assert.Equal(plaintext, File.ReadAllBytes(decrypted));
    }

    [GnuPGFact]
    public void Gpg_uses_our_passphrase_protected_secret_key_only_with_its_passphrase()
    {
        // A home of its own: what gpg does with the key must not depend on other tests.
        using var gpg = new GnuPG();
        var key = TestKeys.Get("Curve25519+passphrase", "petra");
        Assert.True(key.IsProtected);
        gpg.Import(key.ExportArmored());
        var plaintext = InteropData.Binary(2000);
        var (ciphertext, _) = InteropData.Run((i, o) => pgp.Encrypt(i, o, new EncryptOptions { Recipients = { key.Certificate }, EncryptionFormat = EncryptionFormat.SeipdV1 }), plaintext);
        var input = gpg.WriteFile("locked.pgp", ciphertext);

        var wrong = gpg.Run(null, "--passphrase", "wrong", "--output", gpg.OutputPath("wrong.bin"), "--decrypt", input);
        Assert.NotEqual(0, wrong.ExitCode);

        var decrypted = gpg.OutputPath("right.bin");
        gpg.Run(null, "--passphrase", TestKeys.Passphrase, "--output", decrypted, "--decrypt", input).EnsureSuccess();
        Assert.Equal(plaintext, File.ReadAllBytes(decrypted));

        // gpg signs with the key it unlocked; we verify.
        var sig = gpg.OutputPath("locked.sig");
        gpg.Run(null, "--passphrase", TestKeys.Passphrase, "--local-user", key.Fingerprint, "--detach-sign", "--output", sig, input).EnsureSuccess();
        var result = pgp.VerifyDetached(new MemoryStream(ciphertext), new MemoryStream(File.ReadAllBytes(sig)), new VerifyOptions { Verifiers = { key.Certificate } });
        Assert.True(result.IsVerified);
    }
}
