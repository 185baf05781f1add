namespace CryptoMail.Core.Tests.Keys;

/// <summary>The Argon2 derivations behind the public unlock, re-protection, key generation and password decryption
/// paths take the caller's token. Each runs the S2K we write (64 MiB, 3 passes, 4 lanes: hundreds of milliseconds,
/// more under load); the token is cancelled shortly after the start, so it fires inside the derivation, and the
/// operation must end with <see cref="OperationCanceledException"/> rather than finish. The same operation without
/// cancellation succeeds, so it is the token that stopped it.</summary>
public sealed class Argon2CancellationTests
{
    private const int CancelAfterMs = 30;
    private readonly OpenPgp pgp = new();

    private SecretKey ProtectedV6Key() =>
        pgp.GenerateKey("Ann <ann@example.org>", new KeyGenerationOptions { Profile = KeyProfile.V6Ed25519, Passphrase = "pw" });

    [Fact]
    public void Unlocking_a_v6_key_stops_when_the_token_is_cancelled()
    {
        var key = ProtectedV6Key();
        using var cancel = new CancellationTokenSource();
        cancel.CancelAfter(CancelAfterMs);
        Assert.ThrowsAny<OperationCanceledException>(() => key.Unlock("pw", ReadLimits.Default, cancel.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => key.Unlock("pw".AsSpan(), null, cancel.Token));

        using var unlocked = key.Unlock("pw", ReadLimits.Default, CancellationToken.None);
        Assert.True(unlocked.IsUnlocked);
    }

    [Fact]
    public void Changing_the_passphrase_stops_when_the_token_is_cancelled()
    {
        using var unlocked = ProtectedV6Key().Unlock("pw");
        using var cancel = new CancellationTokenSource();
        cancel.CancelAfter(CancelAfterMs);
        Assert.ThrowsAny<OperationCanceledException>(() => unlocked.ChangePassphrase("new", cancel.Token));
        Assert.True(unlocked.ChangePassphrase("new").IsProtected);
    }

    [Fact]
    public void Generating_a_protected_v6_key_stops_when_the_token_is_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        var options = new KeyGenerationOptions { Profile = KeyProfile.V6Ed25519, Passphrase = "pw" };
        // Signing keys take milliseconds; the two Argon2 protections (primary and subkey) take the rest.
        cancel.CancelAfter(CancelAfterMs);
        Assert.ThrowsAny<OperationCanceledException>(() => pgp.GenerateKey("Ann <ann@example.org>", options, cancel.Token));
    }

    [Fact]
    public void Decrypting_an_argon2_password_message_stops_when_the_token_is_cancelled()
    {
        var message = new MemoryStream();
        pgp.Encrypt(new MemoryStream("secret"u8.ToArray()), message,
            new EncryptOptions { Passwords = { "pw" }, EncryptionFormat = EncryptionFormat.SeipdV2 });
        using var cancel = new CancellationTokenSource();
        cancel.CancelAfter(CancelAfterMs);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            pgp.Decrypt(new MemoryStream(message.ToArray()), new MemoryStream(), new DecryptOptions { Passwords = { "pw" } }, cancel.Token));

        var output = new MemoryStream();
        pgp.Decrypt(new MemoryStream(message.ToArray()), output, new DecryptOptions { Passwords = { "pw" } });
        Assert.Equal("secret"u8.ToArray(), output.ToArray());
    }
}
