using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Messages;

/// <summary>The passphrase provider: asked only when no listed passphrase fits, told which key or password it is asked
/// for and which attempt this is, asked again after a wrong answer, and the operation ends with
/// <see cref="BadPassphraseException"/> when every answer was wrong.</summary>
public class PassphraseProviderTests
{
    private readonly OpenPgp pgp = new();
    private static readonly SecretKey LockedBob = TestKeys.Get("Curve25519+passphrase", "bob");

    /// <summary>Answers from a script, one per request, and records the requests and the arrays it handed out.</summary>
    private sealed class Scripted(params string?[] answers) : IPassphraseProvider
    {
        private int next;
        public List<PassphraseRequest> Requests { get; } = new();
        public List<char[]> Handed { get; } = new();

        public char[]? GetPassphrase(PassphraseRequest request, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            var answer = next < answers.Length ? answers[next++] : null;
            if (answer is null) return null;
            var chars = answer.ToCharArray();
            Handed.Add(chars);
            return chars;
        }
    }

    private byte[] Encrypt(byte[] plaintext, EncryptOptions options)
    {
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream(plaintext), ct, options);
        return ct.ToArray();
    }

    [Fact]
    public void A_wrong_answer_is_followed_by_a_second_question_and_the_right_one_unlocks()
    {
        var message = Encrypt("secret"u8.ToArray(), new EncryptOptions { Recipients = { LockedBob.Certificate } });
        var provider = new Scripted("wrong", TestKeys.Passphrase);

        var output = new MemoryStream();
        pgp.Decrypt(new MemoryStream(message), output, new DecryptOptions { Keys = { LockedBob }, PassphraseProvider = provider });

        Assert.Equal("secret"u8.ToArray(), output.ToArray());
        Assert.Equal(2, provider.Requests.Count);
        var (first, second) = (provider.Requests[0], provider.Requests[1]);
        Assert.Equal(PassphraseTarget.SecretKey, first.Target);
        Assert.Equal(LockedBob.Fingerprint, first.Fingerprint);
        Assert.Equal(LockedBob.Certificate.Subkeys.Single().KeyId, first.KeyId);
        Assert.Equal(LockedBob.Certificate.Subkeys.Single().Fingerprint, first.KeyFingerprint);
        Assert.Equal("Bob <bob@example.org>", first.UserId);
        Assert.Equal((1, false), (first.Attempt, first.IsRetry));
        Assert.Equal((2, true, 3), (second.Attempt, second.IsRetry, second.MaxAttempts));
        // The arrays handed over were zeroed after use.
        Assert.All(provider.Handed, chars => Assert.All(chars, c => Assert.Equal('\0', c)));
    }

    [Fact]
    public void A_listed_passphrase_that_fits_means_the_provider_is_not_asked()
    {
        var message = Encrypt("x"u8.ToArray(), new EncryptOptions { Recipients = { LockedBob.Certificate } });
        var provider = new Scripted("never used");
        pgp.Decrypt(new MemoryStream(message), new MemoryStream(),
            new DecryptOptions { Keys = { LockedBob }, KeyPassphrases = { TestKeys.Passphrase }, PassphraseProvider = provider });
        Assert.Empty(provider.Requests);
    }

    [Fact]
    public void Only_wrong_answers_end_in_a_bad_passphrase_after_the_allowed_attempts()
    {
        var message = Encrypt("x"u8.ToArray(), new EncryptOptions { Recipients = { LockedBob.Certificate } });
        var provider = new Scripted("a", "b", "c", "d");
        var output = new MemoryStream();
        Assert.Throws<BadPassphraseException>(() => pgp.Decrypt(new MemoryStream(message), output,
            new DecryptOptions { Keys = { LockedBob }, PassphraseProvider = provider, MaxPassphraseAttempts = 2 }));
        Assert.Equal(new[] { 1, 2 }, provider.Requests.Select(r => r.Attempt));
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public void A_provider_that_gives_up_leaves_the_key_locked()
    {
        var message = Encrypt("x"u8.ToArray(), new EncryptOptions { Recipients = { LockedBob.Certificate } });
        var provider = new Scripted(new string?[] { null });
        Assert.Throws<KeyNotUsableException>(() => pgp.Decrypt(new MemoryStream(message), new MemoryStream(),
            new DecryptOptions { Keys = { LockedBob }, PassphraseProvider = provider }));
        Assert.Single(provider.Requests);
    }

    [Theory]
    [InlineData(EncryptionFormat.SeipdV1)]
    [InlineData(EncryptionFormat.SeipdV2)]
    public async Task A_message_password_is_asked_for_again_after_a_wrong_answer(EncryptionFormat format)
    {
        var message = Encrypt("by password"u8.ToArray(), new EncryptOptions { Passwords = { "correct horse" }, EncryptionFormat = format });
        var provider = new Scripted("battery staple", "correct horse");
        var output = new MemoryStream();
        var result = await pgp.DecryptAsync(new MemoryStream(message), output, new DecryptOptions { PassphraseProvider = provider });

        Assert.Equal("by password"u8.ToArray(), output.ToArray());
        Assert.True(result.DecryptedWithPassword);
        Assert.Equal(2, provider.Requests.Count);
        Assert.All(provider.Requests, r => Assert.Equal(PassphraseTarget.MessagePassword, r.Target));
        Assert.All(provider.Requests, r => Assert.Equal(1, r.PasswordPackets));
        Assert.Null(provider.Requests[0].Fingerprint);
    }

    [Fact]
    public void Wrong_message_passwords_end_in_a_bad_passphrase()
    {
        var message = Encrypt("x"u8.ToArray(), new EncryptOptions { Passwords = { "right" }, EncryptionFormat = EncryptionFormat.SeipdV2 });
        var provider = new Scripted("wrong", "still wrong", "no");
        Assert.Throws<BadPassphraseException>(() => pgp.Decrypt(new MemoryStream(message), new MemoryStream(), new DecryptOptions { PassphraseProvider = provider }));
        Assert.Equal(3, provider.Requests.Count);
    }

    [Fact]
    public void A_provider_failure_reaches_the_caller_unchanged()
    {
        var message = Encrypt("x"u8.ToArray(), new EncryptOptions { Recipients = { LockedBob.Certificate } });
        var e = Assert.Throws<InvalidOperationException>(() => pgp.Decrypt(new MemoryStream(message), new MemoryStream(),
            new DecryptOptions { Keys = { LockedBob }, PassphraseProvider = new Throwing() }));
        Assert.Equal("vault sealed", e.Message);
    }

    private sealed class Throwing : IPassphraseProvider
    {
        public char[]? GetPassphrase(PassphraseRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("vault sealed");
    }

    [Fact]
    public void A_mime_open_asks_the_provider_once_for_a_key_across_its_parts()
    {
        var sealedMessage = pgp.Mime.Encrypt(Mime.MimeFixtures.TextMessage("hello"), new[] { LockedBob.Certificate });
        var provider = new Scripted(TestKeys.Passphrase);
        var opened = pgp.Mime.Open(Mime.MimeFixtures.Transport(sealedMessage), new MimeOpenOptions { Keys = { LockedBob }, PassphraseProvider = provider });
        Assert.True(opened.Decrypted);
        Assert.Single(provider.Requests);
    }
}
