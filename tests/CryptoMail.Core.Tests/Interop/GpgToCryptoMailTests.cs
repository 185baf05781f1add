using System.Text;

namespace CryptoMail.Core.Tests.Interop;

/// <summary>GnuPG makes the keys, messages and signatures; CryptoMail.Core reads them.</summary>
public sealed class GpgToCryptoMailTests : IClassFixture<GpgFixture>
{
    private readonly OpenPgp pgp = new();
    private readonly GpgFixture fixture;

    public GpgToCryptoMailTests(GpgFixture fixture) => this.fixture = fixture;

    private GnuPG Gpg => fixture.Gpg;

    public static TheoryData<string> Kinds => new() { "ed25519", "ed25519-protected", "rsa3072", "rsa3072-protected" };

    [GnuPGTheory]
    [MemberData(nameof(Kinds))]
    public void We_read_a_gpg_certificate_and_secret_key(string kind)
    {
        var key = fixture.Key(kind);

        var cert = key.Certificate;
        Assert.Equal(key.Fingerprint, cert.Fingerprint, ignoreCase: true);
        Assert.Equal(kind.StartsWith("ed25519", StringComparison.Ordinal) ? KeyAlgorithm.Ed25519 : KeyAlgorithm.Rsa, cert.PrimaryKey.Algorithm);
        Assert.Equal($"Gpg {kind} <{kind}@gpg.example>", Assert.Single(cert.UserIds));
        Assert.True(cert.CanSign);
        Assert.True(cert.CanEncrypt);

        var secret = key.SecretKey;
        Assert.Equal(key.Fingerprint, secret.Fingerprint, ignoreCase: true);
        Assert.Equal(key.Passphrase.Length > 0, secret.IsProtected);
        if (secret.IsProtected)
        {
            Assert.Throws<BadPassphraseException>(() => secret.Unlock("not the passphrase"));
            Assert.True(secret.Unlock(key.Passphrase).IsUnlocked);
        }
    }

    [GnuPGTheory]
    [MemberData(nameof(Kinds))]
    public void We_decrypt_what_gpg_encrypts(string kind)
    {
        var key = fixture.Key(kind);
        var plaintext = InteropData.Binary();
        var input = Gpg.WriteFile($"enc-{kind}.bin", plaintext);
        var ciphertext = Gpg.OutputPath($"enc-{kind}.gpg");
        Gpg.Run(null, "--encrypt", "--recipient", key.Fingerprint, "--output", ciphertext, input).EnsureSuccess();

        var (output, result) = InteropData.Run((i, o) => pgp.Decrypt(i, o,
            new DecryptOptions { Keys = { key.SecretKey }, KeyPassphrases = { key.Passphrase } }), File.ReadAllBytes(ciphertext));

        Assert.Equal(plaintext, output);
        Assert.True(result.WasEncrypted);
        Assert.True(result.IntegrityProtected);
        Assert.True(key.Certificate.HasKey(result.DecryptedWith!));
        Assert.Empty(result.Signatures);
    }

    [GnuPGTheory]
    [MemberData(nameof(Kinds))]
    public void We_decrypt_and_verify_what_gpg_signs_and_encrypts(string kind)
    {
        var sender = fixture.Key("ed25519");
        var recipient = fixture.Key(kind);
        var plaintext = Encoding.UTF8.GetBytes(InteropData.Text);
        var input = Gpg.WriteFile($"se-{kind}.txt", plaintext);
        var ciphertext = Gpg.OutputPath($"se-{kind}.asc");
        Gpg.Run(null, "--armor", "--sign", "--encrypt", "--local-user", sender.Fingerprint, "--recipient", recipient.Fingerprint,
            "--output", ciphertext, input).EnsureSuccess();

        var options = new DecryptOptions { Keys = { recipient.SecretKey }, KeyPassphrases = { recipient.Passphrase }, Verifiers = { sender.Certificate } };
        var (output, result) = InteropData.Run((i, o) => pgp.Decrypt(i, o, options), File.ReadAllBytes(ciphertext));

        Assert.Equal(plaintext, output);
        Assert.True(result.IntegrityProtected);
        var signature = Assert.Single(result.Signatures);
        Assert.Equal(SignatureStatus.Good, signature.Status);
        Assert.Equal(sender.Fingerprint, signature.SignerFingerprint, ignoreCase: true);
        Assert.True(result.IsVerified);
    }

    [GnuPGTheory]
    [InlineData("zip", Compression.Zip)]
    [InlineData("zlib", Compression.Zlib)]
    [InlineData("bzip2", Compression.BZip2)]
    [InlineData("none", Compression.None)]
    public void We_decrypt_gpg_messages_with_each_compression(string algorithm, Compression expected)
    {
        var key = fixture.Key("ed25519");
        // Compressible text, so gpg really compresses it.
        var plaintext = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(InteropData.Text, 200)));
        var input = Gpg.WriteFile($"z-{algorithm}.txt", plaintext);
        var ciphertext = Gpg.OutputPath($"z-{algorithm}.gpg");
        Gpg.Run(null, "--compress-algo", algorithm, "--encrypt", "--recipient", key.Fingerprint, "--output", ciphertext, input).EnsureSuccess();
        if (expected != Compression.None) Assert.True(new FileInfo(ciphertext).Length < plaintext.Length / 4, "gpg did not compress");

        var (output, result) = InteropData.Run((i, o) => pgp.Decrypt(i, o, new DecryptOptions { Keys = { key.SecretKey } }), File.ReadAllBytes(ciphertext));

        Assert.Equal(plaintext, output);
        Assert.Equal(expected, result.Compression);
    }

    [GnuPGFact]
    public void We_decrypt_gpg_password_encrypted_messages()
    {
        var plaintext = InteropData.Binary(3000);
        var input = Gpg.WriteFile("sym.bin", plaintext);
        var ciphertext = Gpg.OutputPath("sym.gpg");
        Gpg.Run(null, "--passphrase", "pässword", "--symmetric", "--cipher-algo", "AES256", "--output", ciphertext, input).EnsureSuccess();

        var (output, result) = InteropData.Run((i, o) => pgp.Decrypt(i, o, new DecryptOptions { Passwords = { "pässword" } }), File.ReadAllBytes(ciphertext));

        Assert.Equal(plaintext, output);
        Assert.True(result.DecryptedWithPassword);
        Assert.True(result.IntegrityProtected);
    }

    [GnuPGFact]
    public void We_refuse_gpg_data_without_integrity_protection()
    {
        // gpg 2.2 still writes a Symmetrically Encrypted Data packet (tag 9, no MDC) under --rfc2440.
        var key = fixture.Key("ed25519");
        var input = Gpg.WriteFile("sed.txt", InteropData.Text);
        var ciphertext = Gpg.OutputPath("sed.gpg");
        Gpg.Run(null, "--rfc2440", "--cipher-algo", "AES256", "--encrypt", "--recipient", key.Fingerprint, "--output", ciphertext, input).EnsureSuccess();
        var packets = Gpg.Run(null, "--list-packets", ciphertext).Stdout;
        Assert.Contains(":encrypted data packet:", packets, StringComparison.Ordinal);

        using var output = new MemoryStream();
        Assert.Throws<IntegrityException>(() =>
            pgp.Decrypt(new MemoryStream(File.ReadAllBytes(ciphertext)), output, new DecryptOptions { Keys = { key.SecretKey } }));
        Assert.Equal(0, output.Length);
    }

    [GnuPGTheory]
    [MemberData(nameof(Kinds))]
    public void We_verify_gpg_detached_binary_signatures(string kind)
    {
        var key = fixture.Key(kind);
        var data = InteropData.Binary();
        var input = Gpg.WriteFile($"det-{kind}.bin", data);
        var sig = Gpg.OutputPath($"det-{kind}.sig");
        Gpg.Run(null, "--passphrase", key.Passphrase, "--local-user", key.Fingerprint, "--detach-sign", "--output", sig, input).EnsureSuccess();

        var result = pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(File.ReadAllBytes(sig)), new VerifyOptions { Verifiers = { key.Certificate } });

        var signature = Assert.Single(result.Signatures);
        Assert.Equal(SignatureStatus.Good, signature.Status);
        Assert.Equal(SignatureMode.Binary, signature.Mode);
        Assert.Equal(key.Fingerprint, signature.SignerFingerprint, ignoreCase: true);

        data[^1] ^= 1;
        var tampered = pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(File.ReadAllBytes(sig)), new VerifyOptions { Verifiers = { key.Certificate } });
        Assert.Equal(SignatureStatus.Bad, Assert.Single(tampered.Signatures).Status);
    }

    [GnuPGFact]
    public void We_verify_gpg_detached_text_signatures_whatever_the_line_endings()
    {
        var key = fixture.Key("ed25519");
        var input = Gpg.WriteFile("text.txt", InteropData.Text);
        var sig = Gpg.OutputPath("text.asc");
        Gpg.Run(null, "--armor", "--textmode", "--local-user", key.Fingerprint, "--detach-sign", "--output", sig, input).EnsureSuccess();

        foreach (var text in new[] { InteropData.Text, InteropData.Text.Replace("\n", "\r\n", StringComparison.Ordinal) })
        {
            var result = pgp.VerifyDetached(new MemoryStream(Encoding.UTF8.GetBytes(text)), new MemoryStream(File.ReadAllBytes(sig)), new VerifyOptions { Verifiers = { key.Certificate } });
            var signature = Assert.Single(result.Signatures);
            Assert.Equal(SignatureStatus.Good, signature.Status);
            Assert.Equal(SignatureMode.Text, signature.Mode);
        }
    }

    [GnuPGTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void We_verify_gpg_inline_signed_messages(bool compressed)
    {
        var key = fixture.Key("ed25519");
        var data = InteropData.Binary();
        var input = Gpg.WriteFile($"inline-{compressed}.bin", data);
        var signed = Gpg.OutputPath($"inline-{compressed}.gpg");
        Gpg.Run(null, "--compress-level", compressed ? "6" : "0", "--local-user", key.Fingerprint, "--sign", "--output", signed, input).EnsureSuccess();

        var (output, result) = InteropData.Run((i, o) => pgp.VerifyInline(i, o, new VerifyOptions { Verifiers = { key.Certificate } }), File.ReadAllBytes(signed));

        Assert.Equal(data, output);
        var signature = Assert.Single(result.Signatures);
        Assert.Equal(SignatureStatus.Good, signature.Status);
        Assert.Equal(key.Fingerprint, signature.SignerFingerprint, ignoreCase: true);
    }

    [GnuPGTheory]
    [MemberData(nameof(Kinds))]
    public void We_verify_gpg_cleartext_signed_messages(string kind)
    {
        var key = fixture.Key(kind);
        var text = InteropData.Text + "- a line that starts with a dash\nFrom the end\n";
        var input = Gpg.WriteFile($"clear-{kind}.txt", text);
        var signed = Gpg.OutputPath($"clear-{kind}.asc");
        Gpg.Run(null, "--passphrase", key.Passphrase, "--local-user", key.Fingerprint, "--clearsign", "--output", signed, input).EnsureSuccess();
        Assert.StartsWith("-----BEGIN PGP SIGNED MESSAGE-----", File.ReadAllText(signed), StringComparison.Ordinal);

        var (output, result) = InteropData.Run((i, o) => pgp.VerifyInline(i, o, new VerifyOptions { Verifiers = { key.Certificate } }), File.ReadAllBytes(signed));

        Assert.Equal(InteropData.NormalizeNewlines(text), InteropData.NormalizeNewlines(Encoding.UTF8.GetString(output)));
        var signature = Assert.Single(result.Signatures);
        Assert.Equal(SignatureStatus.Good, signature.Status);
        Assert.Equal(SignatureMode.Text, signature.Mode);
        Assert.Equal(key.Fingerprint, signature.SignerFingerprint, ignoreCase: true);
    }
}
