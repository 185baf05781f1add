using System.Text;
using System.Text.RegularExpressions;
using CryptoMail.Core;

namespace CryptoMail.Tool.Tests;

/// <summary>sign, verify, encrypt, decrypt, inline-*, armor, dearmor: these need the message engine
/// (see <see cref="EngineFactAttribute"/>).</summary>
public sealed partial class MessageSubcommandTests : IDisposable
{
    private static readonly byte[] Text = Encoding.UTF8.GetBytes("Grüße aus Zürich\nzweite Zeile\r\ndritte Zeile\n");
    private readonly ToolHarness tool = new();
    private readonly (string Key, string Cert) alice;
    private readonly (string Key, string Cert) bob;

    public MessageSubcommandTests()
    {
        alice = tool.NewKey("alice", "Alice <alice@example.org>");
        bob = tool.NewKey("bob", "Bob <bob@example.org>");
    }

    public void Dispose() => tool.Dispose();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ [0-9A-F]{40} [0-9A-F]{40} mode:(binary|text)$")]
    private static partial Regex VerificationLine();

    private string PrimaryOf(string certPath) => Certificate.Parse(File.ReadAllBytes(certPath)).Fingerprint;

    private static byte[] RandomBytes(int n)
    {
        var b = new byte[n];
        new Random(42).NextBytes(b);
        return b;
    }

    [EngineFact]
    public void Sign_then_verify_prints_a_line_naming_the_primary_key()
    {
        var data = RandomBytes(700);
        var sig = tool.Write("sig", tool.Ok(data, "sop", "sign", alice.Key));
        Assert.StartsWith("-----BEGIN PGP SIGNATURE-----", File.ReadAllText(sig));
        var run = tool.RunWithInput(data, "sop", "verify", sig, alice.Cert);
        Assert.Equal(0, run.ExitCode);
        var line = Assert.Single(run.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(VerificationLine(), line);
        Assert.Equal(PrimaryOf(alice.Cert), line.Split(' ')[2]);
        Assert.EndsWith("mode:binary", line);
    }

    [EngineFact]
    public void Verify_of_modified_data_is_no_signature()
    {
        var sig = tool.Write("sig", tool.Ok(Text, "sop", "sign", "--as=text", alice.Key));
        var modified = (byte[])Text.Clone();
        modified[modified.Length / 2] ^= 0x01;
        var run = tool.RunWithInput(modified, "sop", "verify", sig, alice.Cert);
        Assert.Equal(3, run.ExitCode);
        Assert.Empty(run.Stdout);
    }

    [EngineFact]
    public void Verify_with_someone_elses_certificate_is_no_signature()
    {
        var sig = tool.Write("sig", tool.Ok(Text, "sop", "sign", alice.Key));
        Assert.Equal(3, tool.RunWithInput(Text, "sop", "verify", sig, bob.Cert).ExitCode);
    }

    [EngineFact]
    public void Verify_outside_the_time_window_is_no_signature()
    {
        var sig = tool.Write("sig", tool.Ok(Text, "sop", "sign", alice.Key));
        Assert.Equal(3, tool.RunWithInput(Text, "sop", "verify", "--not-after=2000-01-01T00:00:00Z", sig, alice.Cert).ExitCode);
    }

    [EngineFact]
    public void Sign_as_text_rejects_non_utf8_input_with_expected_text()
    {
        var run = tool.RunWithInput(new byte[] { 0x41, 0xff, 0xfe, 0x42 }, "sop", "sign", "--as=text", alice.Key);
        Assert.Equal(53, run.ExitCode);
        Assert.Empty(run.Stdout);
    }

    [EngineFact]
    public void Sign_writes_the_micalg()
    {
        var micalg = tool.PathOf("micalg");
        tool.Ok(Text, "sop", "sign", $"--micalg-out={micalg}", alice.Key);
        Assert.Matches("^pgp-sha(256|384|512)$", File.ReadAllText(micalg));
    }

    [EngineFact]
    public void Sign_with_a_locked_key_needs_its_password()
    {
        var pw = tool.Write("pw", "s3cret");
        var locked = tool.Write("locked.key", tool.Ok([], "sop", "generate-key", $"--with-key-password={pw}", "L <l@example.org>"));
        Assert.Equal(67, tool.RunWithInput(Text, "sop", "sign", locked).ExitCode);
        Assert.Equal(0, tool.RunWithInput(Text, "sop", "sign", $"--with-key-password={pw}", locked).ExitCode);
    }

    [Fact]
    public void Sign_without_keys_is_missing_arg()
    {
        Assert.Equal(19, tool.RunWithInput(Text, "sop", "sign").ExitCode);
    }

    [Fact]
    public void Sign_with_a_certificate_instead_of_a_key_is_bad_data()
    {
        Assert.Equal(41, tool.RunWithInput(Text, "sop", "sign", alice.Cert).ExitCode);
    }

    [Fact]
    public void Verify_needs_a_signature_and_certificates()
    {
        Assert.Equal(19, tool.RunWithInput(Text, "sop", "verify").ExitCode);
        Assert.Equal(19, tool.RunWithInput(Text, "sop", "verify", alice.Cert).ExitCode);
    }

    [EngineFact]
    public void Encrypt_then_decrypt_returns_the_bytes_unchanged()
    {
        var data = RandomBytes(700);
        var ciphertext = tool.Ok(data, "sop", "encrypt", "--no-armor", bob.Cert);
        Assert.False(OpenPgpArmor.IsArmored(ciphertext));
        Assert.Equal(data, tool.Ok(ciphertext, "sop", "decrypt", bob.Key));
    }

    [EngineFact]
    public void Encrypt_is_armored_by_default()
    {
        var ciphertext = tool.Ok(Text, "sop", "encrypt", bob.Cert);
        Assert.StartsWith("-----BEGIN PGP MESSAGE-----", Encoding.ASCII.GetString(ciphertext));
        Assert.Equal(Text, tool.Ok(ciphertext, "sop", "decrypt", bob.Key));
    }

    [EngineFact]
    public void Encrypt_signed_then_decrypt_writes_verifications()
    {
        var ciphertext = tool.Ok(Text, "sop", "encrypt", $"--sign-with={alice.Key}", bob.Cert);
        var verifications = tool.PathOf("verifications");
        var plain = tool.Ok(ciphertext, "sop", "decrypt", $"--verifications-out={verifications}", $"--verify-with={alice.Cert}", bob.Key);
        Assert.Equal(Text, plain);
        var line = Assert.Single(File.ReadAllLines(verifications));
        Assert.Matches(VerificationLine(), line);
        Assert.Equal(PrimaryOf(alice.Cert), line.Split(' ')[2]);
    }

    [EngineFact]
    public void Encrypt_to_several_recipients_decrypts_for_each()
    {
        var ciphertext = tool.Ok(Text, "sop", "encrypt", alice.Cert, bob.Cert);
        Assert.Equal(Text, tool.Ok(ciphertext, "sop", "decrypt", bob.Key));
        Assert.Equal(Text, tool.Ok(ciphertext, "sop", "decrypt", alice.Key));
    }

    [EngineFact]
    public void Password_encryption_round_trips_and_decrypt_trims_a_trailing_newline()
    {
        var pw = tool.Write("pw", "correct horse");
        var pwNewline = tool.Write("pw-nl", "correct horse\n");
        var ciphertext = tool.Ok(Text, "sop", "encrypt", $"--with-password={pw}");
        Assert.Equal(Text, tool.Ok(ciphertext, "sop", "decrypt", $"--with-password={pwNewline}"));
    }

    [EngineFact]
    public void Decrypt_with_the_wrong_key_is_cannot_decrypt_and_writes_nothing()
    {
        var ciphertext = tool.Ok(Text, "sop", "encrypt", bob.Cert);
        var run = tool.RunWithInput(ciphertext, "sop", "decrypt", alice.Key);
        Assert.Equal(29, run.ExitCode);
        Assert.Empty(run.Stdout);
    }

    [EngineFact]
    public void Decrypt_of_tampered_ciphertext_fails_and_writes_no_plaintext()
    {
        var data = Encoding.ASCII.GetBytes(new string('x', 4096));
        var ciphertext = tool.Ok(data, "sop", "encrypt", "--no-armor", bob.Cert);
        ciphertext[ciphertext.Length / 2] ^= 0xff;
        var run = tool.RunWithInput(ciphertext, "sop", "decrypt", bob.Key);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Empty(run.Stdout);
    }

    [EngineFact]
    public void Encrypt_to_a_signing_only_certificate_is_cert_cannot_encrypt()
    {
        var key = tool.Ok([], "sop", "generate-key", "--signing-only", "S <s@example.org>");
        var cert = tool.Write("s.cert", tool.Ok(key, "sop", "extract-cert"));
        var run = tool.RunWithInput(Text, "sop", "encrypt", cert);
        Assert.Equal(17, run.ExitCode);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void Encrypt_without_recipients_or_passwords_is_missing_arg()
    {
        Assert.Equal(19, tool.RunWithInput(Text, "sop", "encrypt").ExitCode);
    }

    [Fact]
    public void Decrypt_without_keys_or_passwords_is_missing_arg()
    {
        Assert.Equal(19, tool.RunWithInput(Text, "sop", "decrypt").ExitCode);
    }

    [Fact]
    public void Decrypt_writes_the_session_key_and_decrypts_with_it_alone()
    {
        var ct = tool.Write("ct", tool.Ok(Text, "sop", "encrypt", bob.Cert));
        var skPath = tool.PathOf("sk");
        var plain = tool.Ok(File.ReadAllBytes(ct), "sop", "decrypt", $"--session-key-out={skPath}", bob.Key);
        Assert.Equal(Text, plain);
        var sk = File.ReadAllText(skPath);
        Assert.Matches("^9:[0-9A-F]{64}\n$", sk);

        Assert.Equal(Text, tool.Ok(File.ReadAllBytes(ct), "sop", "decrypt", $"--with-session-key={skPath}"));
        var wrong = tool.Write("wrong-sk", "9:" + new string('0', 64));
        Assert.Equal(29, tool.RunWithInput(File.ReadAllBytes(ct), "sop", "decrypt", $"--with-session-key={wrong}").ExitCode);
        var garbage = tool.Write("garbage-sk", "not a session key");
        Assert.Equal(41, tool.RunWithInput(File.ReadAllBytes(ct), "sop", "decrypt", $"--with-session-key={garbage}").ExitCode);
    }

    [Fact]
    public void Encrypt_session_key_out_writes_the_key_that_decrypts_the_message()
    {
        var skPath = tool.PathOf("enc-sk");
        var ct = tool.Ok(Text, "sop", "encrypt", $"--session-key-out={skPath}", bob.Cert);
        Assert.Matches("^9:[0-9A-F]{64}\\n$", File.ReadAllText(skPath));
        Assert.Equal(Text, tool.Ok(ct, "sop", "decrypt", $"--with-session-key={skPath}"));
    }

    [Fact]
    public void Decrypt_tries_every_password()
    {
        var p1 = tool.Write("p1", "correct horse");
        var p2 = tool.Write("p2", "wrong");
        var ct = tool.Ok(Text, "sop", "encrypt", $"--with-password={p1}");
        Assert.Equal(Text, tool.Ok(ct, "sop", "decrypt", $"--with-password={p2}", $"--with-password={p1}"));
    }

    [Fact]
    public void Decrypt_refuses_an_existing_verifications_file_before_decrypting()
    {
        var existing = tool.Write("verifications", "old");
        Assert.Equal(59, tool.RunWithInput(Text, "sop", "decrypt", $"--verifications-out={existing}", bob.Key).ExitCode);
    }

    [EngineFact]
    public void Inline_sign_then_inline_verify_gives_back_the_data()
    {
        var data = RandomBytes(700);
        var signed = tool.Ok(data, "sop", "inline-sign", alice.Key);
        Assert.StartsWith("-----BEGIN PGP MESSAGE-----", Encoding.ASCII.GetString(signed));
        var verifications = tool.PathOf("v");
        Assert.Equal(data, tool.Ok(signed, "sop", "inline-verify", $"--verifications-out={verifications}", alice.Cert));
        Assert.Equal(PrimaryOf(alice.Cert), Assert.Single(File.ReadAllLines(verifications)).Split(' ')[2]);
    }

    [EngineFact]
    public void Clearsigned_message_verifies_inline()
    {
        var signed = tool.Ok(Text, "sop", "inline-sign", "--as=clearsigned", alice.Key);
        Assert.StartsWith("-----BEGIN PGP SIGNED MESSAGE-----", Encoding.UTF8.GetString(signed));
        var output = Encoding.UTF8.GetString(tool.Ok(signed, "sop", "inline-verify", alice.Cert));
        Assert.Equal(Encoding.UTF8.GetString(Text).Replace("\r", "").TrimEnd('\n'), output.Replace("\r", "").TrimEnd('\n'));
    }

    [EngineFact]
    public void Inline_verify_without_a_good_signature_is_no_signature_and_writes_nothing()
    {
        var signed = tool.Ok(Text, "sop", "inline-sign", alice.Key);
        var run = tool.RunWithInput(signed, "sop", "inline-verify", bob.Cert);
        Assert.Equal(3, run.ExitCode);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void Clearsigned_without_armor_is_incompatible()
    {
        Assert.Equal(83, tool.RunWithInput(Text, "sop", "inline-sign", "--as=clearsigned", "--no-armor", alice.Key).ExitCode);
    }

    [EngineFact]
    public void Armor_and_dearmor_round_trip_with_the_right_labels()
    {
        var binaryCert = tool.Ok(File.ReadAllBytes(alice.Cert), "sop", "dearmor");
        Assert.False(OpenPgpArmor.IsArmored(binaryCert));
        var armored = tool.Ok(binaryCert, "sop", "armor");
        Assert.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", Encoding.ASCII.GetString(armored));
        Assert.Equal(binaryCert, tool.Ok(armored, "sop", "dearmor"));

        var sig = tool.Ok(Text, "sop", "sign", "--no-armor", alice.Key);
        Assert.StartsWith("-----BEGIN PGP SIGNATURE-----", Encoding.ASCII.GetString(tool.Ok(sig, "sop", "armor")));
        var msg = tool.Ok(Text, "sop", "encrypt", "--no-armor", bob.Cert);
        Assert.StartsWith("-----BEGIN PGP MESSAGE-----", Encoding.ASCII.GetString(tool.Ok(msg, "sop", "armor")));
    }

    [EngineFact]
    public void Dearmor_of_broken_armor_is_bad_data()
    {
        var run = tool.RunWithInput("-----BEGIN PGP MESSAGE-----\n\n!!!not base64!!!\n-----END PGP MESSAGE-----\n", "sop", "dearmor");
        Assert.Equal(41, run.ExitCode);
    }

    [EngineFact]
    public void Inline_detach_splits_a_message_into_data_and_signatures_that_verify()
    {
        foreach (var asValue in new[] { "binary", "clearsigned" })
        {
            var signed = tool.Ok(Text, "sop", "inline-sign", $"--as={asValue}", alice.Key);
            var sigs = tool.PathOf("sigs-" + asValue);
            var data = tool.Ok(signed, "sop", "inline-detach", $"--signatures-out={sigs}");
            Assert.StartsWith("-----BEGIN PGP SIGNATURE-----", File.ReadAllText(sigs));
            var verification = tool.Ok(data, "sop", "verify", sigs, alice.Cert);
            Assert.Contains(PrimaryOf(alice.Cert), Encoding.UTF8.GetString(verification));
        }
        Assert.Equal(19, tool.RunWithInput(Text, "sop", "inline-detach").ExitCode);
    }

    [Fact]
    public void Encrypt_profile_rfc9580_writes_seipd_v2_that_decrypts()
    {
        var ct = tool.Ok(Text, "sop", "encrypt", "--profile=rfc9580", "--no-armor", bob.Cert);
        Assert.Equal(Text, tool.Ok(ct, "sop", "decrypt", bob.Key));
        var result = new OpenPgp().Decrypt(new MemoryStream(ct), new MemoryStream(), new DecryptOptions { Keys = { SecretKey.Parse(File.ReadAllBytes(bob.Key)) } });
        Assert.Equal(IntegrityProtection.SeipdV2, result.IntegrityProtection);
        Assert.Equal(AeadMode.Ocb, result.Aead);
        Assert.Equal(89, tool.RunWithInput(Text, "sop", "encrypt", "--profile=nonsense", bob.Cert).ExitCode);
    }
}
