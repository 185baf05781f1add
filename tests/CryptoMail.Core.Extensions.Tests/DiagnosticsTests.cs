using System.Collections.Concurrent;
using System.Text;
using CryptoMail.Core.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CryptoMail.Core.Extensions.Tests;

/// <summary>The decisions operations report (policy refusals, rejected keys and signatures, limits reached), as
/// <see cref="OpenPgpDiagnostic"/>s on the core's hook and as log entries through <c>AddCryptoMail</c>.</summary>
public sealed class DiagnosticsTests
{
    private const string Passphrase = "PASSPHRASE-MARKER-7731 correct horse";
    private const string Plaintext = "PLAINTEXT-MARKER-4409: the quarterly numbers";

    private static readonly OpenPgp Plain = new();

    private static (OpenPgp Pgp, Recorder Events) Recorded(OpenPgpPolicy? policy = null)
    {
        var events = new Recorder();
        return (new OpenPgp(new OpenPgpOptions { Diagnostics = events, Policy = policy ?? OpenPgpPolicy.Default }), events);
    }

    [Fact]
    public void Signing_with_SHA1_is_refused_and_reported_with_the_hash()
    {
        var (pgp, events) = Recorded();
        using var key = Plain.GenerateKey("Alice <alice@example.org>");
        var options = new SignOptions { Hash = OpenPgpHashAlgorithm.Sha1 };
        options.Signers.Add(key);

        Assert.Throws<PolicyViolationException>(() => pgp.SignDetached(new MemoryStream("data"u8.ToArray()), new MemoryStream(), options));

        var e = Assert.Single(events.All);
        Assert.Equal(OpenPgpDiagnosticKind.PolicyRefused, e.Kind);
        Assert.Equal(ValidationReason.WeakHash, e.Reason);
        Assert.Equal(OpenPgpHashAlgorithm.Sha1, e.Hash);
    }

    [Fact]
    public void A_SHA1_signature_is_reported_as_a_weak_hash_with_its_signer()
    {
        var sha1Allowed = OpenPgpPolicy.Default with
        {
            DataSignatureHashes = new Dictionary<OpenPgpHashAlgorithm, DateTimeOffset>
            {
                [OpenPgpHashAlgorithm.Sha1] = DateTimeOffset.MaxValue,
                [OpenPgpHashAlgorithm.Sha256] = DateTimeOffset.MaxValue,
            },
        };
        using var key = Plain.GenerateKey("Alice <alice@example.org>");
        var data = "signed with SHA-1"u8.ToArray();
        var signature = new MemoryStream();
        var sign = new SignOptions { Hash = OpenPgpHashAlgorithm.Sha1, Policy = sha1Allowed };
        sign.Signers.Add(key);
        Plain.SignDetached(new MemoryStream(data), signature, sign);

        var (pgp, events) = Recorded();
        var verify = new VerifyOptions();
        verify.Verifiers.Add(key.Certificate);
        var result = pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(signature.ToArray()), verify);

        Assert.Equal(SignatureStatus.WeakAlgorithm, Assert.Single(result.Signatures).Status);
        var e = Assert.Single(events.All);
        Assert.Equal(OpenPgpDiagnosticKind.SignatureRejected, e.Kind);
        Assert.Equal(ValidationReason.WeakHash, e.Reason);
        Assert.Equal(OpenPgpHashAlgorithm.Sha1, e.Hash);
        Assert.Equal(key.Certificate.Fingerprint, e.CertificateFingerprint);
        Assert.Equal(key.Certificate.PrimaryKey.Algorithm, e.KeyAlgorithm);
        Assert.NotNull(e.KeyBits);
    }

    [Fact]
    public void Encrypting_to_an_expired_certificate_reports_the_rejected_key_and_reason()
    {
        var (pgp, events) = Recorded();
        using var key = Plain.GenerateKey("Old <old@example.org>", new KeyGenerationOptions
        {
            CreationTime = DateTimeOffset.UtcNow.AddDays(-10),
            Expiration = TimeSpan.FromDays(1),
        });
        var options = new EncryptOptions();
        options.Recipients.Add(key.Certificate);

        Assert.Throws<KeyNotUsableException>(() => pgp.Encrypt(new MemoryStream("x"u8.ToArray()), new MemoryStream(), options));

        Assert.NotEmpty(events.All);
        Assert.All(events.All, e => Assert.Equal(OpenPgpDiagnosticKind.KeyRejected, e.Kind));
        var expired = Assert.Single(events.All, e => e.Reason == ValidationReason.Expired);
        Assert.Equal(key.Certificate.Fingerprint, expired.CertificateFingerprint);
        Assert.NotNull(expired.Fingerprint);
        Assert.NotNull(expired.KeyAlgorithm);
    }

    [Fact]
    public void An_unknown_signer_and_a_bad_signature_are_reported()
    {
        using var key = Plain.GenerateKey("Alice <alice@example.org>");
        var data = "original"u8.ToArray();
        var signature = new MemoryStream();
        var sign = new SignOptions();
        sign.Signers.Add(key);
        Plain.SignDetached(new MemoryStream(data), signature, sign);

        var (pgp, events) = Recorded();
        pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(signature.ToArray()), new VerifyOptions());
        var unknown = Assert.Single(events.All);
        Assert.Equal(OpenPgpDiagnosticKind.SignatureRejected, unknown.Kind);
        Assert.Equal(ValidationReason.UnknownKey, unknown.Reason);
        Assert.Equal(key.Certificate.PrimaryKey.KeyId, unknown.KeyId);

        events.Clear();
        var verify = new VerifyOptions();
        verify.Verifiers.Add(key.Certificate);
        pgp.VerifyDetached(new MemoryStream("modified"u8.ToArray()), new MemoryStream(signature.ToArray()), verify);
        var bad = Assert.Single(events.All);
        Assert.Equal(ValidationReason.BadSignature, bad.Reason);
        Assert.Equal(key.Certificate.Fingerprint, bad.CertificateFingerprint);

        events.Clear();
        pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(signature.ToArray()), verify);
        Assert.Empty(events.All);   // a good signature is no diagnostic
    }

    [Fact]
    public void A_limit_reached_is_reported_with_its_name_and_value()
    {
        using var a = Plain.GenerateKey("A <a@example.org>");
        using var b = Plain.GenerateKey("B <b@example.org>");
        var encrypt = new EncryptOptions();
        encrypt.Recipients.Add(a.Certificate);
        encrypt.Recipients.Add(b.Certificate);
        var ciphertext = new MemoryStream();
        Plain.Encrypt(new MemoryStream("x"u8.ToArray()), ciphertext, encrypt);

        var (pgp, events) = Recorded();
        var decrypt = new DecryptOptions { Limits = new ReadLimits { MaxRecipients = 1 } };
        decrypt.Keys.Add(b);
        Assert.Throws<LimitExceededException>(() => pgp.Decrypt(new MemoryStream(ciphertext.ToArray()), new MemoryStream(), decrypt));

        var e = Assert.Single(events.All);
        Assert.Equal(OpenPgpDiagnosticKind.LimitExceeded, e.Kind);
        Assert.Equal(nameof(ReadLimits.MaxRecipients), e.LimitName);
        Assert.Equal(1, e.LimitValue);
    }

    [Fact]
    public async Task Asynchronous_operations_report_too()
    {
        var (pgp, events) = Recorded();
        using var key = Plain.GenerateKey("Alice <alice@example.org>");
        var signature = new MemoryStream();
        var sign = new SignOptions();
        sign.Signers.Add(key);
        await Plain.SignDetachedAsync(new MemoryStream("d"u8.ToArray()), signature, sign);

        await pgp.VerifyInlineAsync(new MemoryStream(Inline(key, "inline")), new MemoryStream(), new VerifyOptions());

        Assert.Equal(ValidationReason.UnknownKey, Assert.Single(events.All).Reason);
    }

    [Fact]
    public void A_sink_that_throws_changes_no_outcome()
    {
        var pgp = new OpenPgp(new OpenPgpOptions { Diagnostics = new Throwing() });
        using var key = Plain.GenerateKey("Alice <alice@example.org>");
        var result = pgp.VerifyInline(new MemoryStream(Inline(key, "inline")), new MemoryStream(), new VerifyOptions());
        Assert.Equal(SignatureStatus.UnknownKey, Assert.Single(result.Signatures).Status);
    }

    [Fact]
    public void AddCryptoMail_logs_each_kind_with_a_stable_event_id_and_structured_properties()
    {
        var logs = new CapturingLoggerProvider();
        using var provider = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs))
            .AddCryptoMail()
            .BuildServiceProvider();
        var pgp = provider.GetRequiredService<OpenPgp>();
        using var key = Plain.GenerateKey("Alice <alice@example.org>");

        pgp.VerifyInline(new MemoryStream(Inline(key, "inline")), new MemoryStream(), new VerifyOptions());
        var sha1 = new SignOptions { Hash = OpenPgpHashAlgorithm.Sha1 };
        sha1.Signers.Add(key);
        Assert.Throws<PolicyViolationException>(() => pgp.SignInline(new MemoryStream("d"u8.ToArray()), new MemoryStream(), sha1));

        var signature = Assert.Single(logs.Entries, e => e.EventId.Id == 102);
        Assert.Equal("SignatureRejected", signature.EventId.Name);
        Assert.Equal(LogLevel.Warning, signature.Level);
        Assert.Equal("CryptoMail.Core.Diagnostics", signature.Category);
        Assert.Equal(ValidationReason.UnknownKey, signature.Properties["Reason"]);
        Assert.Equal(key.Certificate.PrimaryKey.KeyId, signature.Properties["KeyId"]);
        var policy = Assert.Single(logs.Entries, e => e.EventId.Id == 100);
        Assert.Equal(OpenPgpHashAlgorithm.Sha1, policy.Properties["Hash"]);
        Assert.Contains("SHA", policy.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_engine_keeps_every_setting_of_the_registered_options_when_it_adds_the_logging_sink()
    {
        // AddCryptoMail copies the registered OpenPgpOptions to add its sink: a property it does not know would be lost.
        var known = new[] { "Default", "Diagnostics", "Limits", "MaxParallelism", "Policy" };
        Assert.Equal(known, typeof(OpenPgpOptions).GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal));

        var registered = new OpenPgpOptions { Policy = OpenPgpPolicy.Strict, Limits = new ReadLimits { MaxRecipients = 3 }, MaxParallelism = 1 };
        using var provider = new ServiceCollection().AddSingleton(registered).AddCryptoMail().BuildServiceProvider();
        var options = provider.GetRequiredService<OpenPgp>().Options;
        Assert.Same(registered.Policy, options.Policy);
        Assert.Same(registered.Limits, options.Limits);
        Assert.Equal(1, options.MaxParallelism);
        Assert.Same(provider.GetRequiredService<IOpenPgpDiagnostics>(), options.Diagnostics);

        var own = new Recorder();
        var withSink = new OpenPgpOptions { Diagnostics = own };
        using var second = new ServiceCollection().AddSingleton(withSink).AddCryptoMail().BuildServiceProvider();
        Assert.Same(withSink, second.GetRequiredService<OpenPgp>().Options);
    }

    [Fact]
    public async Task No_log_entry_or_diagnostic_holds_a_passphrase_or_plaintext()
    {
        var logs = new CapturingLoggerProvider();
        var recorder = new Recorder();
        using var provider = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs))
            .AddCryptoMail()
            .BuildServiceProvider();
        // The package's logging sink, and a recorder beside it for the diagnostics themselves.
        var pgp = new OpenPgp(new OpenPgpOptions { Diagnostics = new Tee(recorder, provider.GetRequiredService<IOpenPgpDiagnostics>()) });

        using var alice = Plain.GenerateKey("Alice <alice@example.org>", new KeyGenerationOptions { Passphrase = Passphrase });
        using var bob = Plain.GenerateKey("Bob <bob@example.org>", new KeyGenerationOptions { Passphrase = Passphrase });
        var plaintext = Encoding.UTF8.GetBytes(Plaintext);

        // Encrypted and signed with SHA-1 refused, then with SHA-256.
        var encrypt = new EncryptOptions { Signing = new SignatureSettings { Hash = OpenPgpHashAlgorithm.Sha1 } };
        encrypt.Recipients.Add(bob.Certificate);
        encrypt.Signing.Signers.Add(alice);
        encrypt.Signing.SignerPassphrases.Add(Passphrase);
        await Assert.ThrowsAsync<PolicyViolationException>(() => pgp.EncryptAsync(new MemoryStream(plaintext), new MemoryStream(), encrypt));
        var good = new EncryptOptions();
        good.Recipients.Add(bob.Certificate);
        good.Signing.Signers.Add(alice);
        good.Signing.SignerPassphrases.Add(Passphrase);
        var ciphertext = new MemoryStream();
        await pgp.EncryptAsync(new MemoryStream(plaintext), ciphertext, good);

        // Decrypted with the signer unknown, then with a limit reached.
        var decrypt = new DecryptOptions();
        decrypt.Keys.Add(bob);
        decrypt.KeyPassphrases.Add(Passphrase);
        var output = new MemoryStream();
        var result = pgp.Decrypt(new MemoryStream(ciphertext.ToArray()), output, decrypt);
        Assert.Equal(plaintext, output.ToArray());
        Assert.Equal(SignatureStatus.UnknownKey, Assert.Single(result.Signatures).Status);
        var limited = new DecryptOptions { Limits = new ReadLimits { MaxRecipients = 0 } };
        limited.Keys.Add(bob);
        limited.KeyPassphrases.Add(Passphrase);
        Assert.Throws<LimitExceededException>(() => pgp.Decrypt(new MemoryStream(ciphertext.ToArray()), new MemoryStream(), limited));

        // A signature over the plaintext that does not match, and an expired recipient.
        var signature = new MemoryStream();
        var sign = new SignOptions();
        sign.Signers.Add(alice);
        sign.SignerPassphrases.Add(Passphrase);
        pgp.SignDetached(new MemoryStream(plaintext), signature, sign);
        var verify = new VerifyOptions();
        verify.Verifiers.Add(alice.Certificate);
        pgp.VerifyDetached(new MemoryStream(Encoding.UTF8.GetBytes(Plaintext + "!")), new MemoryStream(signature.ToArray()), verify);
        using var expired = Plain.GenerateKey("Old <old@example.org>", new KeyGenerationOptions
        {
            Passphrase = Passphrase, CreationTime = DateTimeOffset.UtcNow.AddDays(-10), Expiration = TimeSpan.FromDays(1),
        });
        var toExpired = new EncryptOptions();
        toExpired.Recipients.Add(expired.Certificate);
        Assert.Throws<KeyNotUsableException>(() => pgp.Encrypt(new MemoryStream(plaintext), new MemoryStream(), toExpired));

        // Every kind was reported and logged, so the check below looks at real entries.
        Assert.Equal(Enum.GetValues<OpenPgpDiagnosticKind>().ToHashSet(), recorder.All.Select(e => e.Kind).ToHashSet());
        var diagnosticLogs = logs.Entries.Where(e => e.Category == "CryptoMail.Core.Diagnostics").ToList();
        Assert.True(diagnosticLogs.Count >= recorder.All.Count, $"{diagnosticLogs.Count} log entries for {recorder.All.Count} diagnostics");

        var texts = logs.Entries.SelectMany(e => e.Properties.Values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "").Append(e.Message))
            .Concat(recorder.All.SelectMany(d => typeof(OpenPgpDiagnostic).GetProperties().Select(p => Convert.ToString(p.GetValue(d), System.Globalization.CultureInfo.InvariantCulture) ?? "")))
            .ToList();
        Assert.NotEmpty(texts);
        foreach (var secret in new[] { "PASSPHRASE-MARKER", "correct horse", "PLAINTEXT-MARKER", "quarterly numbers" })
            Assert.DoesNotContain(texts, t => t.Contains(secret, StringComparison.OrdinalIgnoreCase));
    }

    private static byte[] Inline(SecretKey key, string text)
    {
        var signed = new MemoryStream();
        var sign = new SignOptions();
        sign.Signers.Add(key);
        Plain.SignInline(new MemoryStream(Encoding.UTF8.GetBytes(text)), signed, sign);
        return signed.ToArray();
    }

    private sealed class Recorder : IOpenPgpDiagnostics
    {
        private readonly ConcurrentQueue<OpenPgpDiagnostic> events = new();

        public List<OpenPgpDiagnostic> All => events.ToList();

        public void Clear() => events.Clear();

        public void Report(OpenPgpDiagnostic diagnostic) => events.Enqueue(diagnostic);
    }

    private sealed class Throwing : IOpenPgpDiagnostics
    {
        public void Report(OpenPgpDiagnostic diagnostic) => throw new InvalidOperationException("the log is down");
    }

    private sealed class Tee(IOpenPgpDiagnostics first, IOpenPgpDiagnostics second) : IOpenPgpDiagnostics
    {
        public void Report(OpenPgpDiagnostic diagnostic)
        {
            first.Report(diagnostic);
            second.Report(diagnostic);
        }
    }

    internal sealed record Entry(string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, object?> Properties);

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<Entry> entries = new();

        public List<Entry> Entries => entries.ToList();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose() { }

        private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs
                    ? pairs.ToDictionary(p => p.Key, p => p.Value)
                    : new Dictionary<string, object?>();
                owner.entries.Enqueue(new Entry(category, logLevel, eventId, formatter(state, exception), properties));
            }
        }
    }
}
