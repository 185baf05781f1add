using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Cryptography;

namespace CryptoMail.Core.Tests;

/// <summary>The README's tour, as code that runs. Each snippet between <c>// README:</c> markers is a ```csharp
/// block of README.md, character for character up to whitespace; <see cref="Every_csharp_block_of_the_README_is_tested_here"/>
/// fails when the two drift apart.</summary>
[Collection(Mime.MimeKitRegistry.Name)]
public sealed class ReadmeTourTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("cmreadme").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Every_csharp_block_of_the_README_is_tested_here()
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var tests = Normalize(File.ReadAllText(Path.Combine(root, "tests", "CryptoMail.Core.Tests", "ReadmeTourTests.cs")));

        var blocks = Regex.Matches(readme, "^```csharp\\s*\\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value).ToList();

        Assert.True(blocks.Count >= 6, $"README.md has only {blocks.Count} csharp blocks");
        foreach (var block in blocks)
        {
            Assert.True(tests.Contains(Normalize(block), StringComparison.Ordinal),
                "This README.md block is not in ReadmeTourTests.cs (update one to match the other):\n" + block);
        }
    }

    [Fact]
    public void Make_keys_and_export_and_parse_them()
    {
        // README: Make keys
        var pgp = new OpenPgp();
        SecretKey alice = pgp.GenerateKey("Alice <alice@example.org>");
        SecretKey bob = pgp.GenerateKey("Bob <bob@example.org>", new KeyGenerationOptions
        {
            Passphrase = "correct horse battery staple",
            Expiration = TimeSpan.FromDays(2 * 365),
        });
        // README: Export and parse
        string aliceArmored = alice.Certificate.ExportArmored();   // -----BEGIN PGP PUBLIC KEY BLOCK-----
        string bobSecretArmored = bob.ExportArmored();             // still protected by Bob's passphrase
        Certificate aliceCertificate = Certificate.Parse(aliceArmored);
        Certificate bobCertificate = Certificate.Parse(bob.Certificate.ExportArmored());
        SecretKey bobAgain = SecretKey.Parse(bobSecretArmored);
        Console.WriteLine($"{aliceCertificate.Fingerprint} {aliceCertificate.UserIds[0]} can encrypt: {aliceCertificate.CanEncrypt}");
        // end

        Assert.StartsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----", aliceArmored, StringComparison.Ordinal);
        Assert.Equal(alice.Fingerprint, aliceCertificate.Fingerprint);
        Assert.Equal(bob.Fingerprint, bobCertificate.Fingerprint);
        Assert.True(bobAgain.IsProtected);
        Assert.NotNull(bobCertificate.ExpirationTime);
    }

    [Fact]
    public void Encrypt_and_sign_a_stream_then_decrypt_and_verify_it()
    {
        var (pgp, alice, bob, aliceCertificate, bobCertificate) = Tour.Keys;
        var reportPath = Path.Combine(folder, "report.pdf");
        var report = new byte[300_000];
        Random.Shared.NextBytes(report);
        File.WriteAllBytes(reportPath, report);

        // README: Encrypt and sign a stream
        using (Stream input = File.OpenRead(reportPath), output = File.Create(reportPath + ".pgp"))
        {
            EncryptionResult sent = pgp.Encrypt(input, output, new EncryptOptions
            {
                Recipients = { bobCertificate },
                Signing = new SignatureSettings { Signers = { alice } },
            });
            Console.WriteLine($"{sent.PlaintextLength} bytes, {sent.Cipher}, {sent.IntegrityProtection}, {sent.Signatures.Count} signature(s)");
        }
        // README: Decrypt and verify
        using (Stream input = File.OpenRead(reportPath + ".pgp"), output = File.Create(reportPath + ".decrypted"))
        {
            DecryptionResult received = pgp.Decrypt(input, output, new DecryptOptions
            {
                Keys = { bob },
                KeyPassphrases = { "correct horse battery staple" },
                Verifiers = { aliceCertificate },
            });
            SignatureVerification signature = received.Signatures.Single();
            Console.WriteLine($"{signature.Status} signature by {signature.SignerFingerprint}: {signature.Reason}");
            if (!received.IsVerified) throw new InvalidOperationException("not signed by Alice");
        }
        // end

        Assert.Equal(report, File.ReadAllBytes(reportPath + ".decrypted"));
    }

    [Fact]
    public void MimeKit_code_runs_on_the_registered_context()
    {
        var (_, alice, bob, aliceCertificate, bobCertificate) = Tour.Keys;

        // README: MimeKit and MailKit code
        // Alice's program, once at start-up: MimeKit now makes CryptoMail contexts for PGP/MIME.
        CryptoMailContext.Register(new CryptoMailContextOptions(new InMemoryCertificateStore([bobCertificate]), new InMemorySecretKeyStore([alice])));

        var alicesAddress = new MailboxAddress("Alice", "alice@example.org");
        var bobsAddress = new MailboxAddress("Bob", "bob@example.org");
        var body = new TextPart("plain") { Text = "Pay Bob $100 on Friday." };
        using var ctx = (OpenPgpContext)CryptographyContext.Create("application/pgp-encrypted");
        MultipartSigned signed = MultipartSigned.Create(ctx, alicesAddress, DigestAlgorithm.Sha256, body);
        MultipartEncrypted encrypted = CryptoMailContext.SignAndEncrypt(ctx, alicesAddress, DigestAlgorithm.Sha256, new[] { bobsAddress }, body);

        // Bob's program: his key and passphrase, Alice's certificate.
        using var bobs = CryptoMailContext.Create(new CryptoMailContextOptions(new InMemoryCertificateStore([aliceCertificate]), new InMemorySecretKeyStore([bob]))
        {
            KeyPassphrases = { "correct horse battery staple" },
        });
        MimeEntity opened = CryptoMailContext.Decrypt(encrypted, bobs, out DigitalSignatureCollection signatures);
        bool fromAlice = signatures.Single().Verify() && signed.Verify(bobs).Single().Verify();
        // end

        Assert.True(fromAlice);
        Assert.Equal("Pay Bob $100 on Friday.", ((TextPart)opened).Text);
    }

    [Fact]
    public void Revoke_a_key_and_merge_updates()
    {
        var pgp = new OpenPgp();
        SecretKey alice = pgp.GenerateKey("Alice <alice@example.org>");
        Certificate aliceCertificate = alice.Certificate;
        // README: Revoke a key, merge updates
        Certificate revoked = alice.Revoke(RevocationReason.Superseded, "moved to a new key");
        Certificate merged = aliceCertificate.Merge(revoked);          // e.g. a stored copy and a published update
        Console.WriteLine($"revoked: {merged.IsRevoked}, hard: {merged.PrimaryKey.IsHardRevoked}, can encrypt: {merged.CanEncrypt}");
        // end

        Assert.True(merged.IsRevoked);
        Assert.False(merged.PrimaryKey.IsHardRevoked);
        Assert.False(merged.CanEncrypt);
        Assert.False(aliceCertificate.IsRevoked);
    }

    [Fact]
    public void Keep_a_key_healthy_and_vouch_for_others()
    {
        var (pgp, _, _, _, bobCertificate) = Tour.Keys;
        // README: Keep a key healthy, vouch for others
        SecretKey carol = pgp.GenerateKey("Carol <carol@example.org>");
        SecretKey renewed = carol
            .WithExpiration(DateTimeOffset.UtcNow.AddYears(2))         // the whole key, new self-signatures
            .AddUserId("Carol <carol@work.example>")
            .RotateEncryptionSubkey();                                  // new subkey; the old one superseded, still decrypts
        string revocationCertificate = renewed.CreateRevocationCertificate(RevocationReason.Compromised, "key lost");
        Certificate vouched = renewed.Certify(bobCertificate, "Bob <bob@example.org>");
        Console.WriteLine($"{renewed.UserIds.Count} user IDs, {vouched.CertificationsBy(renewed.Certificate).Count} certification by Carol");
        // end

        Assert.Equal(2, renewed.UserIds.Count);
        Assert.NotNull(renewed.Certificate.ExpirationTime);
        Assert.Null(carol.Certificate.ExpirationTime);
        var encryptionKeys = renewed.Certificate.EncryptionKeys(DateTimeOffset.UtcNow);
        Assert.Single(encryptionKeys);
        Assert.DoesNotContain(carol.Certificate.EncryptionKeys(DateTimeOffset.UtcNow)[0].Fingerprint, encryptionKeys.Select(k => k.Fingerprint));
        Assert.Single(vouched.CertificationsBy(renewed.Certificate));
        Assert.True(renewed.Certificate.TryApplyRevocation(System.Text.Encoding.ASCII.GetBytes(revocationCertificate), out var revokedCarol));
        Assert.True(revokedCarol.PrimaryKey.IsHardRevoked);
    }

    [Fact]
    public void Why_a_key_is_not_usable()
    {
        var pgp = new OpenPgp();
        // README: Why a key is not usable: validation under a policy
        SecretKey dave = pgp.GenerateKey("Dave <dave@example.org>", new KeyGenerationOptions { Expiration = TimeSpan.FromDays(30) });
        CertificateValidity nextMonth = dave.Certificate.Validate(OpenPgpPolicy.Strict, DateTimeOffset.UtcNow.AddDays(31));
        foreach (ValidationIssue issue in nextMonth.WhyNotUsableFor(KeyUsage.EncryptCommunications))
            Console.WriteLine($"{issue.Reason}: {issue.Message}");       // Expired: ...
        try
        {
            pgp.Encrypt(new MemoryStream("hi"u8.ToArray()), Stream.Null, new EncryptOptions { Recipients = { dave.Revoke() } });
        }
        catch (KeyNotUsableException e)
        {
            foreach (UnusableCertificate recipient in e.UnusableCertificates)
                Console.WriteLine($"{recipient.Certificate.Fingerprint}: {string.Join("; ", recipient.Reasons.Select(r => r.Reason))}");
        }
        // end

        Assert.Contains(nextMonth.WhyNotUsableFor(KeyUsage.EncryptCommunications), i => i.Reason == ValidationReason.Expired);
        Assert.Empty(dave.Certificate.Validate(OpenPgpPolicy.Strict).WhyNotUsableFor(KeyUsage.EncryptCommunications));
        var error = Assert.Throws<KeyNotUsableException>(() =>
            pgp.Encrypt(new MemoryStream("hi"u8.ToArray()), Stream.Null, new EncryptOptions { Recipients = { dave.Revoke() } }));
        var unusable = Assert.Single(error.UnusableCertificates);
        Assert.Equal(dave.Fingerprint, unusable.Certificate.Fingerprint);
        Assert.Contains(unusable.Reasons, r => r.Reason is ValidationReason.HardRevoked or ValidationReason.Revoked);
    }

    [Fact]
    public void Key_stores()
    {
        var (_, _, bob, _, bobCertificate) = Tour.Keys;
        string certDirectory = Path.Combine(folder, "pgp.cert.d");
        string secretKeyDirectory = Path.Combine(folder, "secret-keys");
        string gnupgHome = Directory.CreateDirectory(Path.Combine(folder, "gnupg")).FullName;

        // README: Key stores
        var certificates = new CertificateDirectory(certDirectory);   // or CertificateDirectory.OpenDefault(): $PGP_CERT_D, ~/.local/share/pgp.cert.d
        certificates.InsertCertificate(bobCertificate);                // merged with the stored copy, never overwritten
        Certificate forBob = certificates.FindCertificatesByEmail("Bob@Example.org").Single(c => c.CanEncrypt);

        var secretKeys = new SecretKeyDirectory(secretKeyDirectory);  // an unprotected key would be refused
        secretKeys.InsertSecretKey(bob);
        SecretKey mine = secretKeys.FindSecretKeysByKey(forBob.EncryptionKeys(DateTimeOffset.UtcNow)[0].KeyId).Single();

        var gnupg = new GnuPGHome(gnupgHome);                          // null: $GNUPGHOME or ~/.gnupg
        Console.WriteLine($"{forBob.Fingerprint} {mine.IsProtected}, {gnupg.GetAllCertificates().Count} certificate(s) in GnuPG");
        // end

        Assert.Equal(bob.Fingerprint, forBob.Fingerprint);
        Assert.Equal(bob.Fingerprint, mine.Fingerprint);
        Assert.True(mine.IsProtected);
        Assert.Empty(gnupg.GetAllCertificates());
        Assert.Throws<PolicyViolationException>(() => secretKeys.InsertSecretKey(new OpenPgp().GenerateKey("Plain <plain@example.org>")));
    }

    [Fact]
    public void Detached_signatures()
    {
        var (pgp, alice, _, aliceCertificate, _) = Tour.Keys;

        // README: Detached signatures
        byte[] contract = Encoding.UTF8.GetBytes("I agree to the terms.\n");
        using var signature = new MemoryStream();
        SigningResult signed = pgp.SignDetached(new MemoryStream(contract), signature, new SignOptions { Signers = { alice } });
        signature.Position = 0;   // binary unless Armor = true; signed.Micalg is "pgp-sha256"
        VerificationResult check = pgp.VerifyDetached(new MemoryStream(contract), signature, new VerifyOptions { Verifiers = { aliceCertificate } });
        Console.WriteLine(check.IsVerified ? $"signed by {check.GoodSignatures.First().SignerFingerprint}" : "NOT signed by Alice");
        // end

        Assert.Equal("pgp-sha256", signed.Micalg);
        Assert.True(check.IsVerified);
        Assert.Equal(alice.Fingerprint, check.GoodSignatures.First().SignerFingerprint);
    }

    [Fact]
    public void PGP_MIME_seal_and_open()
    {
        var (pgp, alice, bob, aliceCertificate, bobCertificate) = Tour.Keys;

        // README: PGP/MIME: seal and open a message
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Alice", "alice@example.org"));
        message.To.Add(new MailboxAddress("Bob", "bob@example.org"));
        message.Subject = "Lunch";
        message.Body = new TextPart("plain") { Text = "Noon at the usual place?" };

        MimeMessage sealedMessage = pgp.Mime.SignAndEncrypt(message, alice, new[] { bobCertificate });

        OpenedMessage opened = pgp.Mime.Open(sealedMessage, new MimeOpenOptions
        {
            Keys = { bob },
            KeyPassphrases = { "correct horse battery staple" },
            Verifiers = { aliceCertificate },
        });
        bool showAsSecure = opened.Encryption == ProtectionCoverage.Full && opened.IsFullySignedBySender;
        Console.WriteLine($"{opened.Message.TextBody} (encrypted: {opened.Encryption}, signed by the sender: {opened.IsFullySignedBySender})");
        // end

        Assert.True(showAsSecure);
        Assert.Equal("Noon at the usual place?", opened.Message.TextBody?.Trim());
        var sealedBody = Assert.IsAssignableFrom<Multipart>(sealedMessage.Body);
        Assert.Equal("multipart/encrypted", sealedBody.ContentType.MimeType);
        Assert.Equal("application/pgp-encrypted", sealedBody.ContentType.Parameters["protocol"]);
    }

    [Fact]
    public void Header_protection()
    {
        var (pgp, alice, bob, aliceCertificate, bobCertificate) = Tour.Keys;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Alice", "alice@example.org"));
        message.To.Add(new MailboxAddress("Bob", "bob@example.org"));
        message.Subject = "Lunch";
        message.Body = new TextPart("plain") { Text = "Noon at the usual place?" };

        // README: Header protection
        MimeMessage protectedMessage = pgp.Mime.SignAndEncrypt(message, alice, new[] { bobCertificate }, new MimeEncryptOptions
        {
            ProtectHeaders = true,                                     // the default when encrypting
            HeaderConfidentiality = HeaderConfidentiality.Baseline,    // or None: the outer header stays, integrity only
        });
        Console.WriteLine(protectedMessage.Subject);                   // [...]

        OpenedMessage received = pgp.Mime.Open(protectedMessage, new MimeOpenOptions
        {
            Keys = { bob },
            KeyPassphrases = { "correct horse battery staple" },
            Verifiers = { aliceCertificate },
        });
        ProtectedHeaders headers = received.ProtectedHeaders!;
        Console.WriteLine($"{received.Message.Subject} ({headers.Form}, {headers.Verdict}: {string.Join(", ", headers.Obscured.Select(f => f.Name))} hidden)");
        if (headers.Verdict == HeaderProtectionVerdict.Mismatch) Console.WriteLine("Warning: the header was changed on the way.");
        // end

        Assert.Equal("[...]", protectedMessage.Subject);
        Assert.Equal("Lunch", received.Message.Subject);
        Assert.Equal(HeaderProtectionForm.Encrypted, headers.Form);
        Assert.Equal(HeaderProtectionVerdict.Obscured, headers.Verdict);
        Assert.Equal("Subject", Assert.Single(headers.Obscured).Name);
        Assert.Equal("Noon at the usual place?", received.Message.TextBody?.Trim());
        Assert.True(received.IsFullySignedBySender);
    }

    [Fact]
    public async Task Finding_keys_with_WKD_and_Autocrypt()
    {
        var (_, alice, _, aliceCertificate, bobCertificate) = Tour.Keys;
        string webRoot = Path.Combine(folder, "www");
        string stateFolder = folder;
        using var server = new Discovery.LoopbackHttpServer(Directory.CreateDirectory(webRoot).FullName);
        // The README's client is `new WkdClient()`; here it is pointed at a real HTTP server on loopback.
        using var wkd = new WkdClient(new WkdClientOptions { UriRewriter = server.Rewrite });
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Alice", "alice@example.org"));
        message.To.Add(new MailboxAddress("Bob", "bob@example.org"));
        message.Body = new TextPart("plain") { Text = "Noon at the usual place?" };

        // README: Finding keys: WKD
        WkdDirectory.Write(webRoot, "example.org", new[] { aliceCertificate, bobCertificate });   // hu/ files + policy, both layouts

        WkdLookupResult found = await wkd.LookupAsync("bob@example.org");
        Certificate bobFromWkd = found.Certificates.Single();
        Console.WriteLine($"{found.Method} method: {found.Uri} -> {bobFromWkd.Fingerprint}");
        // README: Autocrypt
        AutocryptMime.SetHeader(message, AutocryptHeader.Create(alice.Certificate, "alice@example.org", AutocryptPreference.Mutual));

        var peers = new AutocryptStore(Path.Combine(stateFolder, "autocrypt"));   // Bob's side, when the message arrives
        AutocryptMime.ProcessIncoming(peers, message);
        AutocryptMessageRecommendation advice = peers.Recommend(new[] { "alice@example.org" }, AutocryptPreference.Mutual, replyToEncrypted: false);
        Console.WriteLine($"{advice.Recommendation}: encrypt to {advice.Recipients[0].TargetKey?.Fingerprint}");   // Encrypt: ...

        string setupCode = AutocryptSetup.GenerateSetupCode();   // show it to the user; never mail it
        MimeMessage setupMessage = AutocryptMime.CreateSetupMessage(alice, "alice@example.org", setupCode, AutocryptPreference.Mutual);
        SecretKey aliceOnHerPhone = AutocryptMime.ReadSetupMessage(setupMessage, setupCode).Key;
        // end

        Assert.Equal(WkdMethod.Advanced, found.Method);
        Assert.Equal(bobCertificate.Fingerprint, bobFromWkd.Fingerprint);
        Assert.Equal(AutocryptRecommendation.Encrypt, advice.Recommendation);
        Assert.Equal(alice.Fingerprint, advice.Recipients[0].TargetKey?.Fingerprint);
        Assert.Equal(alice.Fingerprint, aliceOnHerPhone.Fingerprint);
    }

    [Fact]
    public void Errors_are_typed_and_a_tampered_message_releases_nothing()
    {
        var (pgp, alice, bob, _, bobCertificate) = Tour.Keys;
        using var ciphertext = new MemoryStream();
        pgp.Encrypt(new MemoryStream(new byte[10_000]), ciphertext, new EncryptOptions { Recipients = { bobCertificate }, Signing = new SignatureSettings { Signers = { alice } } });
        var tampered = ciphertext.ToArray();
        tampered[tampered.Length / 2] ^= 0x20;
        using var untrusted = new MemoryStream(tampered);
        using var plaintext = new MemoryStream();

        // README: Errors
        string outcome;
        try
        {
            DecryptionResult result = pgp.Decrypt(untrusted, plaintext, new DecryptOptions
            {
                Keys = { bob },
                KeyPassphrases = { "correct horse battery staple" },
            });
            outcome = $"decrypted {result.PlaintextLength} bytes";
        }
        catch (IntegrityException)
        {
            outcome = "modified, truncated or unprotected: nothing was released";
        }
        catch (NoDecryptionKeyException e)
        {
            outcome = "not for us: encrypted to " + string.Join(", ", e.RecipientKeyIds);
        }
        catch (CryptoMailException e)
        {
            outcome = $"unreadable ({e.Kind}): {e.Message}";
        }
        // end

        Assert.StartsWith("modified", outcome, StringComparison.Ordinal);
        Assert.Equal(0, plaintext.Length);
    }

    private static string Normalize(string code) => Regex.Replace(code, "\\s+", " ").Trim();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CryptoMail.Core.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("CryptoMail.Core.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The keys of the tour, made once (Bob's is protected, as in the README).</summary>
    private static class Tour
    {
        private static readonly Lazy<(OpenPgp, SecretKey, SecretKey, Certificate, Certificate)> keys = new(() =>
        {
            var pgp = new OpenPgp();
            var alice = pgp.GenerateKey("Alice <alice@example.org>");
            var bob = pgp.GenerateKey("Bob <bob@example.org>", new KeyGenerationOptions { Passphrase = "correct horse battery staple" });
            return (pgp, alice, bob, Certificate.Parse(alice.Certificate.ExportArmored()), Certificate.Parse(bob.Certificate.ExportArmored()));
        });

        public static (OpenPgp Pgp, SecretKey Alice, SecretKey Bob, Certificate AliceCertificate, Certificate BobCertificate) Keys => keys.Value;
    }
}
