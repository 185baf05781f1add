using System.Text;
using CryptoMail.Core.Tests.Interop;

namespace CryptoMail.Core.Tests.Legacy;

/// <summary>The messages 25 years of GnuPG and PGP compatibility modes write, made by the real gpg: every cipher it
/// offers under integrity protection (read, the 64-bit ones flagged), the same without MDC (refused under every
/// policy), every compression, the <c>--pgp6</c>/<c>--pgp7</c>/<c>--pgp8</c>/<c>--rfc2440</c> modes, signed and
/// unsigned, to DSA + ElGamal, RSA and Curve25519 recipients. gpg writes old-format packet headers (PKESK, literal
/// data, one-pass signature, signature) and an indeterminate-length old-format compressed packet, so every message here
/// also reads those.</summary>
public sealed class GnuPGLegacyMatrixTests : IClassFixture<LegacyGpgFixture>
{
    private readonly OpenPgp pgp = new();
    private readonly LegacyGpgFixture fixture;

    public GnuPGLegacyMatrixTests(LegacyGpgFixture fixture) => this.fixture = fixture;

    private GnuPG Gpg => fixture.Gpg;

    /// <summary>gpg's name of each cipher, with ours and whether the default policy calls it weak.</summary>
    private static readonly Dictionary<string, (SymmetricCipher Cipher, bool Weak)> Ciphers = new()
    {
        ["IDEA"] = (SymmetricCipher.Idea, true),
        ["3DES"] = (SymmetricCipher.TripleDes, true),
        ["CAST5"] = (SymmetricCipher.Cast5, true),
        ["BLOWFISH"] = (SymmetricCipher.Blowfish, true),
        ["AES"] = (SymmetricCipher.Aes128, false),
        ["AES192"] = (SymmetricCipher.Aes192, false),
        ["AES256"] = (SymmetricCipher.Aes256, false),
        ["TWOFISH"] = (SymmetricCipher.Twofish, false),
        ["CAMELLIA128"] = (SymmetricCipher.Camellia128, false),
        ["CAMELLIA192"] = (SymmetricCipher.Camellia192, false),
        ["CAMELLIA256"] = (SymmetricCipher.Camellia256, false),
    };

    private static readonly string[] Recipients = { "dsa2048-elg2048", "rsa3072", "ed25519" };

    public static TheoryData<string, string> CipherByRecipient()
    {
        var data = new TheoryData<string, string>();
        foreach (var cipher in Ciphers.Keys)
            foreach (var recipient in Recipients) data.Add(cipher, recipient);
        return data;
    }

    public static TheoryData<string> CipherNames() => new(Ciphers.Keys);

    [GnuPGTheory]
    [MemberData(nameof(CipherByRecipient))]
    public void Every_cipher_gpg_writes_with_an_MDC_is_read_and_the_old_ones_are_flagged(string cipher, string recipient)
    {
        var key = fixture.Key(recipient);
        var plaintext = InteropData.Binary(3000 + cipher.Length);
        var ciphertext = GpgEncrypt(plaintext, $"{cipher}-{recipient}", "--recipient", key.Fingerprint, "--cipher-algo", cipher, "--force-mdc");

        var (output, result) = Decrypt(ciphertext, key, OpenPgpPolicy.Default);

        Assert.Equal(plaintext, output);
        Assert.Equal(Ciphers[cipher].Cipher, result.Cipher);
        Assert.Equal(Ciphers[cipher].Weak, result.WeakCipher);
        Assert.True(result.IntegrityProtected);
        Assert.Equal(IntegrityProtection.SeipdV1, result.IntegrityProtection);
        Assert.True(key.Certificate.HasKey(result.DecryptedWith!));
    }

    [GnuPGTheory]
    [MemberData(nameof(CipherNames))]
    public void Strict_reads_only_AES_and_names_the_cipher_it_refuses(string cipher)
    {
        var key = fixture.Key("rsa3072");
        var plaintext = Encoding.UTF8.GetBytes("strict " + cipher);
        var ciphertext = GpgEncrypt(plaintext, "strict-" + cipher, "--recipient", key.Fingerprint, "--cipher-algo", cipher, "--force-mdc");

        var expected = Ciphers[cipher].Cipher;
        if (expected is SymmetricCipher.Aes128 or SymmetricCipher.Aes192 or SymmetricCipher.Aes256)
        {
            var (output, result) = Decrypt(ciphertext, key, OpenPgpPolicy.Strict);
            Assert.Equal(plaintext, output);
            Assert.False(result.WeakCipher);
            return;
        }
        using var sink = new MemoryStream();
        var e = Assert.Throws<PolicyViolationException>(() => pgp.Decrypt(new MemoryStream(ciphertext), sink,
            new DecryptOptions { Keys = { key.SecretKey }, KeyPassphrases = { key.Passphrase }, Policy = OpenPgpPolicy.Strict }));
        Assert.Equal(ValidationReason.RejectedAlgorithm, e.Reason);
        Assert.Contains(expected.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Equal(0, sink.Length);
    }

    [GnuPGTheory]
    [InlineData("CAST5")]
    [InlineData("IDEA")]
    [InlineData("3DES")]
    [InlineData("AES256")]
    public void Messages_without_an_MDC_are_refused_under_every_policy(string cipher)
    {
        var key = fixture.Key("dsa2048-elg2048");
        var ciphertext = GpgEncrypt(Encoding.UTF8.GetBytes("no integrity"), "nomdc-" + cipher, "--rfc2440", "--recipient", key.Fingerprint, "--cipher-algo", cipher);

        foreach (var policy in new[] { OpenPgpPolicy.Default, OpenPgpPolicy.Legacy, OpenPgpPolicy.Strict })
        {
            using var sink = new MemoryStream();
            var e = Assert.Throws<IntegrityException>(() => pgp.Decrypt(new MemoryStream(ciphertext), sink,
                new DecryptOptions { Keys = { key.SecretKey }, KeyPassphrases = { key.Passphrase }, Policy = policy }));
            Assert.Contains("without integrity protection", e.Message, StringComparison.Ordinal);
            Assert.Equal(0, sink.Length);
        }
    }

    public static TheoryData<string, string, bool> Modes()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var signed in new[] { false, true })
        {
            foreach (var z in new[] { "none", "zip", "zlib", "bzip2" })
            {
                data.Add("gnupg", z, signed);
                data.Add("pgp8", z, signed);
            }
            // PGP 6 and 7 know only ZIP.
            foreach (var z in new[] { "none", "zip" })
            {
                data.Add("pgp6", z, signed);
                data.Add("pgp7", z, signed);
            }
        }
        return data;
    }

    [GnuPGTheory]
    [MemberData(nameof(Modes))]
    public void Compatibility_modes_and_compression_to_a_DSA_ElGamal_key(string mode, string compression, bool withSignature)
    {
        var key = fixture.Key("dsa2048-elg2048");
        var plaintext = Encoding.UTF8.GetBytes(InteropData.Text + mode + compression);
        var args = new List<string> { "--recipient", key.Fingerprint, "--compress-algo", compression, "--force-mdc" };
        if (mode != "gnupg") args.Insert(0, "--" + mode);
        // PGP 6 and 7 wrote CAST5 by default.
        if (mode is "pgp6" or "pgp7") args.AddRange(new[] { "--cipher-algo", "CAST5" });
        if (withSignature) args.AddRange(new[] { "--sign", "--local-user", key.Fingerprint });
        var ciphertext = GpgEncrypt(plaintext, $"mode-{mode}-{compression}-{withSignature}", args.ToArray());

        var (output, result) = Decrypt(ciphertext, key, OpenPgpPolicy.Default, verify: true);

        Assert.Equal(plaintext, output);
        Assert.True(result.IntegrityProtected);
        Assert.Equal(mode is "pgp6" or "pgp7", result.WeakCipher);
        var expectedCompression = compression switch
        {
            "zip" => Compression.Zip,
            "zlib" => Compression.Zlib,
            "bzip2" => Compression.BZip2,
            _ => Compression.None,
        };
        Assert.Equal(expectedCompression, result.Compression);
        if (!withSignature)
        {
            Assert.Empty(result.Signatures);
            return;
        }
        var signature = Assert.Single(result.Signatures);
        Assert.Equal(SignatureStatus.Good, signature.Status);
        Assert.Equal(key.Fingerprint, signature.SignerFingerprint, ignoreCase: true);
    }

    [GnuPGFact]
    public void We_encrypt_and_sign_with_DSA_ElGamal_and_gpg_reads_it()
    {
        var key = fixture.Key("dsa2048-elg2048");
        var plaintext = InteropData.Binary(7000);
        using var output = new MemoryStream();
        var sent = pgp.Encrypt(new MemoryStream(plaintext), output, new EncryptOptions
        {
            Recipients = { key.Certificate },
            Signing = { Signers = { key.SecretKey }, SignerPassphrases = { key.Passphrase } },
        });
        Assert.Equal(IntegrityProtection.SeipdV1, sent.IntegrityProtection);
        var subkeys = Gpg.Fingerprints("--list-keys", key.Fingerprint);
        Assert.Equal(subkeys[1], Assert.Single(sent.Recipients).KeyFingerprint, ignoreCase: true);

        var file = Gpg.WriteFile("to-elg.gpg", output.ToArray());
        var decrypted = Gpg.Run(null, "--passphrase", key.Passphrase, "--status-fd", "1", "--decrypt", file);

        Assert.Equal(0, decrypted.ExitCode);
        Assert.Contains("[GNUPG:] DECRYPTION_OKAY", decrypted.Status, StringComparison.Ordinal);
        Assert.True(decrypted.GoodSignature, decrypted.Stderr);
        Assert.Contains("ENC_TO " + subkeys[1][^16..], decrypted.Status, StringComparison.OrdinalIgnoreCase);
        // The plaintext is on standard output before the status lines gpg writes after it.
        Assert.True(decrypted.StdoutBytes.AsSpan().IndexOf(plaintext) >= 0);
    }

    [GnuPGFact]
    public void We_read_what_we_encrypt_to_an_ElGamal_key()
    {
        var key = fixture.Key("dsa1024-elg1024");
        var plaintext = Encoding.UTF8.GetBytes("round trip through ElGamal-1024");
        using var output = new MemoryStream();
        pgp.Encrypt(new MemoryStream(plaintext), output, new EncryptOptions { Recipients = { key.Certificate }, Policy = OpenPgpPolicy.Legacy });

        var (clear, result) = Decrypt(output.ToArray(), key, OpenPgpPolicy.Legacy);
        Assert.Equal(plaintext, clear);
        Assert.Equal(SymmetricCipher.Aes256, result.Cipher);

        // ElGamal-1024 is below the default minimum: the default policy finds no key to encrypt to, and says why.
        var e = Assert.Throws<KeyNotUsableException>(() => pgp.Encrypt(new MemoryStream(plaintext), new MemoryStream(),
            new EncryptOptions { Recipients = { key.Certificate } }));
        Assert.Contains(e.UnusableCertificates.SelectMany(u => u.Reasons), r => r.Reason == ValidationReason.WeakKey);
    }

    private byte[] GpgEncrypt(byte[] plaintext, string name, params string[] args)
    {
        var input = Gpg.WriteFile(name + ".in", plaintext);
        var output = Gpg.OutputPath(name + ".gpg");
        Gpg.Run(null, new[] { "--passphrase", LegacyGpgFixture.Passphrase, "--encrypt", "--output", output }.Concat(args).Append(input).ToArray())
            .EnsureSuccess("encrypt " + name);
        return File.ReadAllBytes(output);
    }

    private (byte[] Output, DecryptionResult Result) Decrypt(byte[] ciphertext, GpgKey key, OpenPgpPolicy policy, bool verify = false)
    {
        var options = new DecryptOptions { Keys = { key.SecretKey }, KeyPassphrases = { key.Passphrase }, Policy = policy };
        if (verify) options.Verifiers.Add(key.Certificate);
        return InteropData.Run((i, o) => pgp.Decrypt(i, o, options), ciphertext);
    }
}
