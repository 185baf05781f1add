using CryptoMail.Core;

namespace CryptoMail.Tool.Tests;

/// <summary><c>cryptomail key adduid|revuid|addsubkey|revsubkey|rotate|expire|passwd|certify|revcert</c> and the
/// revocation certificate <c>key generate</c> writes.</summary>
public sealed class KeyLifecycleCommandTests : IDisposable
{
    private readonly ToolHarness tool = new();

    public void Dispose() => tool.Dispose();

    private string Store => tool.PathOf("store");

    private string StoreArg => $"--store={Store}";

    private string Generate(string userId, string passphraseFile) =>
        tool.Run("key", "generate", StoreArg, $"--passphrase-file={passphraseFile}", userId).Text.Trim();

    private Certificate Stored(string fingerprint) => Certificate.Parse(tool.Ok([], "key", "export", StoreArg, fingerprint));

    private SecretKey StoredSecret(string fingerprint) => SecretKey.Parse(tool.Ok([], "key", "export", "--secret", StoreArg, fingerprint));

    [Fact]
    public void Generate_writes_a_revocation_certificate_that_revokes_the_key()
    {
        var pw = tool.Write("pw", "secret words\n");
        var fpr = Generate("Alice <alice@example.org>", pw);
        var path = Path.Combine(Store, "revocations", fpr + ".rev");
        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var cert = Stored(fpr);
        Assert.False(cert.IsRevoked);
        Assert.True(cert.TryApplyRevocation(File.ReadAllBytes(path), out var revoked));
        Assert.True(revoked.IsRevoked);
        Assert.Contains("revocations/FINGERPRINT.rev", tool.Run("key", "generate", "--help").Text);
    }

    [Fact]
    public void Addsubkey_post_quantum_upgrades_a_stored_v4_key_and_mail_to_it_goes_to_the_new_subkey()
    {
        var pw = tool.Write("pw", "secret words\n");
        var fpr = Generate("Quinn <quinn@example.org>", pw);
        var pass = $"--passphrase-file={pw}";
        Assert.NotEqual(0, tool.Run("key", "addsubkey", StoreArg, pass, fpr, "--post-quantum", "--usage=sign").ExitCode);
        Assert.Equal(0, tool.Run("key", "addsubkey", StoreArg, pass, fpr, "--post-quantum").ExitCode);

        var cert = Stored(fpr);
        var pq = cert.Subkeys[^1];
        Assert.Equal(KeyAlgorithm.MlKem768X25519, pq.Algorithm);
        Assert.Equal(4, pq.Version);
        Assert.True(StoredSecret(fpr).IsProtected);
        var encrypted = new OpenPgp().Encrypt(new MemoryStream("to the new subkey"u8.ToArray()), new MemoryStream(), new EncryptOptions { Recipients = { cert } });
        var recipient = Assert.Single(encrypted.Recipients);
        Assert.Equal(pq.Fingerprint, recipient.KeyFingerprint);
        Assert.True(recipient.PostQuantum);
    }

    [Fact]
    public void User_ids_subkeys_and_expiry_are_edited_in_the_store_and_stay_protected()
    {
        var pw = tool.Write("pw", "secret words\n");
        var fpr = Generate("Alice <alice@example.org>", pw);
        var pass = $"--passphrase-file={pw}";

        Assert.Equal(0, tool.Run("key", "adduid", StoreArg, pass, fpr, "Alice <alice@work.example>", "--primary").ExitCode);
        // The secret key lists the new primary user ID first. (The cert-d copy is a merge with the older copy, whose
        // packet order Certificate.UserIds follows: ordering by the primary-user-ID flag belongs to key validation.)
        Assert.Equal("Alice <alice@work.example>", StoredSecret(fpr).UserIds[0]);
        Assert.Contains("Alice <alice@work.example>", Stored(fpr).UserIds);
        Assert.Equal(0, tool.Run("key", "revuid", StoreArg, pass, fpr, "Alice <alice@example.org>").ExitCode);
        Assert.Equal(new[] { "Alice <alice@work.example>" }, Stored(fpr).UserIds);

        Assert.Equal(0, tool.Run("key", "addsubkey", StoreArg, pass, fpr, "--usage=sign", "--expires=2099-01-01T00:00:00Z").ExitCode);
        var signing = Stored(fpr).Subkeys[^1];
        Assert.Equal(KeyUsage.Sign, signing.Usage);
        Assert.Equal(new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero), signing.ExpirationTime);

        var oldEncryption = Stored(fpr).EncryptionKeys(DateTimeOffset.UtcNow).Single();
        Assert.Equal(0, tool.Run("key", "rotate", StoreArg, pass, fpr).ExitCode);
        var now = DateTimeOffset.UtcNow;
        Assert.NotEqual(oldEncryption.Fingerprint, Stored(fpr).EncryptionKeys(now).Single().Fingerprint);

        Assert.Equal(0, tool.Run("key", "revsubkey", StoreArg, pass, fpr, signing.Fingerprint, "--reason=retired").ExitCode);
        Assert.True(Stored(fpr).Subkeys.Single(k => k.Fingerprint == signing.Fingerprint).IsRevoked);

        Assert.Equal(0, tool.Run("key", "expire", StoreArg, pass, fpr, "2090-06-01").ExitCode);
        Assert.Equal(new DateTimeOffset(2090, 6, 1, 0, 0, 0, TimeSpan.Zero), Stored(fpr).ExpirationTime);
        Assert.Equal(0, tool.Run("key", "expire", StoreArg, pass, fpr, "never").ExitCode);
        Assert.Null(Stored(fpr).ExpirationTime);

        var secret = StoredSecret(fpr);
        Assert.True(secret.IsProtected);
        Assert.True(secret.TryUnlock("secret words", out _));

        // Without the passphrase: the key is protected (exit 67); a wrong argument is bad data.
        Assert.Equal(67, tool.Run("key", "adduid", StoreArg, fpr, "X <x@example.org>").ExitCode);
        Assert.NotEqual(0, tool.Run("key", "revuid", StoreArg, pass, fpr, "Nobody <n@example.org>").ExitCode);
    }

    [Fact]
    public void Passwd_changes_the_passphrase_and_certify_adds_a_certification()
    {
        var pw = tool.Write("pw", "secret words\n");
        var newPw = tool.Write("newpw", "other words\n");
        var alice = Generate("Alice <alice@example.org>", pw);
        var bob = Generate("Bob <bob@example.org>", pw);

        Assert.Equal(0, tool.Run("key", "passwd", StoreArg, $"--passphrase-file={pw}", alice, $"--new-passphrase-file={newPw}").ExitCode);
        var secret = StoredSecret(alice);
        Assert.False(secret.TryUnlock("secret words", out _));
        Assert.True(secret.TryUnlock("other words", out _));

        var run = tool.Run("key", "certify", StoreArg, $"--passphrase-file={newPw}", "--level=casual", alice, bob, "Bob <bob@example.org>");
        Assert.Equal(0, run.ExitCode);
        var certified = Stored(bob);
        var c = Assert.Single(certified.CertificationsBy(Stored(alice)));
        Assert.Equal(CertificationLevel.Casual, c.Level);
        Assert.Equal(certified.Fingerprint, Certificate.Parse(run.Text).Fingerprint);

        var revcert = tool.Ok([], "key", "revcert", StoreArg, $"--passphrase-file={newPw}", "--reason=superseded", alice);
        Assert.True(Stored(alice).TryApplyRevocation(revcert, out var revoked));
        Assert.True(revoked.IsRevoked);
        Assert.False(Stored(alice).IsRevoked);
    }

    [Fact]
    public void Sop_certify_userid_and_validate_userid_agree()
    {
        var authority = tool.Ok([], "sop", "generate-key", "CA <ca@example.org>");
        var authorityCert = tool.Write("ca.cert", tool.Ok(authority, "sop", "extract-cert"));
        var authorityKey = tool.Write("ca.key", authority);
        var stranger = tool.Write("stranger.cert", tool.Ok(tool.Ok([], "sop", "generate-key", "X <x@example.org>"), "sop", "extract-cert"));
        var bob = tool.Ok(tool.Ok([], "sop", "generate-key", "Bob <bob@example.org>"), "sop", "extract-cert");

        // Not certified yet: CERT_USERID_NO_MATCH.
        Assert.Equal(107, tool.RunWithInput(bob, "sop", "validate-userid", "Bob <bob@example.org>", authorityCert).ExitCode);
        var certified = tool.Ok(bob, "sop", "certify-userid", "--userid=Bob <bob@example.org>", authorityKey);
        Assert.Single(Certificate.Parse(certified).Certifications);

        Assert.Equal(0, tool.RunWithInput(certified, "sop", "validate-userid", "Bob <bob@example.org>", authorityCert).ExitCode);
        Assert.Equal(0, tool.RunWithInput(certified, "sop", "validate-userid", "--addr-spec-only", "bob@example.org", authorityCert).ExitCode);
        Assert.Equal(107, tool.RunWithInput(certified, "sop", "validate-userid", "Bob <bob@example.org>", stranger).ExitCode);
        Assert.Equal(107, tool.RunWithInput(certified, "sop", "validate-userid", "Eve <bob@example.org>", authorityCert).ExitCode);
        // A user ID the certificate does not have cannot be certified.
        Assert.Equal(107, tool.RunWithInput(bob, "sop", "certify-userid", "--userid=Eve <eve@example.org>", authorityKey).ExitCode);
    }
}
