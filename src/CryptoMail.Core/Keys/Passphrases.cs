namespace CryptoMail.Core;

/// <summary>What a <see cref="PassphraseRequest"/> asks for.</summary>
public enum PassphraseTarget
{
    /// <summary>The passphrase of a protected secret key (see <see cref="PassphraseRequest.Fingerprint"/>).</summary>
    SecretKey = 1,

    /// <summary>A password the message was encrypted with (its symmetric-key encrypted session key packets).</summary>
    MessagePassword = 2,
}

/// <summary>Describes one question to an <see cref="IPassphraseProvider"/>: which key or which password, and which
/// attempt this is.</summary>
public sealed class PassphraseRequest
{
    /// <summary>A secret key or a message password.</summary>
    public PassphraseTarget Target { get; init; }

    /// <summary>For a secret key: the primary key's fingerprint (uppercase hex); null for a message password.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>For a secret key: the key ID of the key (primary key or subkey) the operation needs, 16 uppercase hex
    /// digits; null for a message password.</summary>
    public string? KeyId { get; init; }

    /// <summary>For a secret key: that key's (primary key's or subkey's) fingerprint; null for a message password.</summary>
    public string? KeyFingerprint { get; init; }

    /// <summary>For a secret key: its primary user ID, to show the user (null when it has none, and for a message
    /// password).</summary>
    public string? UserId { get; init; }

    /// <summary>For a message password: how many password packets the message holds (any one password may fit).</summary>
    public int PasswordPackets { get; init; }

    /// <summary>Which attempt this is, from 1. Greater than 1 means the previous answer was wrong.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The most attempts the operation makes for this key or password.</summary>
    public int MaxAttempts { get; init; } = 1;

    /// <summary>Whether the previous answer for the same key or password was wrong.</summary>
    public bool IsRetry => Attempt > 1;

    /// <inheritdoc />
    public override string ToString() => Target == PassphraseTarget.SecretKey
        ? $"passphrase for key {KeyId} of {Fingerprint} ({UserId}), attempt {Attempt} of {MaxAttempts}"
        : $"message password ({PasswordPackets} password packets), attempt {Attempt} of {MaxAttempts}";
}

/// <summary>Supplies passphrases when an operation meets a protected secret key or a password-encrypted message, so a
/// program can ask its user, a vault or a hardware token only for what the message needs.</summary>
/// <remarks>
/// <para>The operation asks once per protected key it needs (each key is unlocked at most once per operation) and once
/// per message password, and asks again after a wrong answer, up to
/// <see cref="DecryptOptions.MaxPassphraseAttempts"/> times; when every answer was wrong and nothing else decrypts
/// the message, the operation fails with <see cref="BadPassphraseException"/>. The passphrases in the options' lists
/// are tried first.</para>
/// <para>Return the passphrase in a fresh array: the library zeroes it after use, so it does not linger in memory as a
/// string would. Return null to give up on this key or password (the operation goes on with what else it has).</para>
/// <para>The method is synchronous, in the synchronous and the asynchronous operations alike: the message grammar that
/// meets the key is synchronous code (see the async section of docs/ARCHITECTURE.md), and a task it had to wait for
/// would hold a thread. A provider whose answer needs I/O (a vault over the network) fetches it before the operation,
/// or blocks in its own code, where the application decides what a thread may do. The stretching a passphrase costs
/// counts against <see cref="ReadLimits.MaxKeyDerivationWork"/>, whoever supplied it.</para>
/// </remarks>
public interface IPassphraseProvider
{
    /// <summary>Returns the passphrase for what <paramref name="request"/> describes, or null to give up.</summary>
    /// <param name="request">Which key or password, and which attempt.</param>
    /// <param name="cancellationToken">The operation's cancellation token.</param>
    /// <returns>The passphrase (the library zeroes the array after use), or null.</returns>
    char[]? GetPassphrase(PassphraseRequest request, CancellationToken cancellationToken);
}
