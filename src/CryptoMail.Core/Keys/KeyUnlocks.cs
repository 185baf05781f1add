
namespace CryptoMail.Core.Keys;

/// <summary>The passphrase work of one reading operation (a decryption, or every part of one PGP/MIME open): each
/// protected secret key is unlocked at most once, whatever the number of session key packets that name it, and the
/// stretching it costs (iterated S2K, Argon2) counts against <see cref="ReadLimits.MaxKeyDerivationWork"/>, as does
/// every password tried on a SKESK; at most <see cref="ReadLimits.MaxPasswordSkesks"/> SKESKs are tried.</summary>
/// <remarks>Every S2K of the operation passes <see cref="Charge"/> before it runs, so the budget is checked before the
/// work. Unlocked keys are BouncyCastle parameter objects, whose big integers and arrays cannot be zeroed from here:
/// <see cref="Dispose"/> drops every reference so that nothing outlives the operation through this object.
/// Not shared between threads (the MIME engine opens parts one after another); a lock keeps it safe anyway.</remarks>
internal sealed class KeyUnlocks : IDisposable
{
    private readonly ReadLimits limits;
    private readonly CancellationToken token;
    private readonly Dictionary<SecretKey, Dictionary<long, AsymmetricPrivateKey?>> unlocked = new(ReferenceEqualityComparer.Instance);
    private readonly object gate = new();
    private long work;
    private int skesksTried;
    private bool disposed;

    /// <param name="limits">The limits on passphrase stretching.</param>
    /// <param name="token">The operation's token, checked while each passphrase or password is stretched.</param>
    public KeyUnlocks(ReadLimits limits, CancellationToken token = default)
    {
        this.limits = limits;
        this.token = token;
    }

    /// <summary>Whether a passphrase provider answered wrongly as often as it was allowed for some key or password:
    /// when nothing else decrypts, the operation fails with <see cref="BadPassphraseException"/>.</summary>
    public bool ProviderExhausted { get; private set; }

    /// <summary>The private key for <paramref name="keyId"/> of <paramref name="key"/>, unlocked with the first of
    /// <paramref name="passphrases"/> that fits, or else with what <paramref name="prompt"/> answers (asked again after
    /// a wrong answer, up to its attempts), once per operation; null when the key has no secret material for it.</summary>
    /// <exception cref="KeyNotUsableException">The key is protected and no passphrase unlocks it (remembered too).</exception>
    public AsymmetricPrivateKey? PrivateKey(SecretKey key, long keyId, IEnumerable<string> passphrases, PassphrasePrompt? prompt = null)
    {
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (!unlocked.TryGetValue(key, out var keys)) unlocked[key] = keys = new Dictionary<long, AsymmetricPrivateKey?>();
            if (keys.TryGetValue(keyId, out var known)) return known ?? throw Locked(key, keyId);
            var sk = key.Ring.SecretFor(keyId);
            AsymmetricPrivateKey? result = null;
            if (key.IsUnlocked || sk is null || sk.IsStub || !sk.IsProtected)
            {
                // No passphrase to stretch: an unprotected or already unlocked key, or none here.
                result = key.GetPrivateKey(keyId, null, limits.MaxArgon2MemoryBytes);
                if (result is null) return null;
            }
            else
            {
                foreach (var passphrase in passphrases)
                {
                    using var octets = Utf8Passphrase.FromChars(passphrase);
                    result = TryUnlock(sk, octets);
                    if (result is not null) break;
                }
                for (int attempt = 1; result is null && prompt is not null && attempt <= prompt.MaxAttempts; attempt++)
                {
                    using var answer = prompt.Ask(new PassphraseRequest
                    {
                        Target = PassphraseTarget.SecretKey,
                        Fingerprint = key.Fingerprint,
                        KeyId = Hex.KeyId(keyId),
                        KeyFingerprint = Hex.Of(sk.Public.Fingerprint),
                        UserId = key.Certificate.UserIds.Count > 0 ? key.Certificate.UserIds[0] : null,
                        Attempt = attempt,
                        MaxAttempts = prompt.MaxAttempts,
                    });
                    if (answer is null) break;
                    result = TryUnlock(sk, answer);
                    if (result is null && attempt == prompt.MaxAttempts) ProviderExhausted = true;
                }
            }
            keys[keyId] = result;
            return result ?? throw Locked(key, keyId);
        }
    }

    private AsymmetricPrivateKey? TryUnlock(SecretKeyPacket sk, Utf8Passphrase passphrase)
    {
        if (sk.S2k is { } s2k) Charge(s2k, KekLength(sk.Cipher));
        return Guard.Run(() => UnusableKeys.Surface(() => sk.UnlockOctets(passphrase, limits.MaxArgon2MemoryBytes, token)), "Unlocking a secret key");
    }

    /// <summary>Marks that a passphrase provider gave only wrong message passwords.</summary>
    public void PasswordsExhausted()
    {
        lock (gate) ProviderExhausted = true;
    }

    /// <summary>The session key of <paramref name="skesk"/> under <paramref name="password"/>, after charging the
    /// derivation; null when the password cannot be right.</summary>
    public SessionKeyMaterial? TryPassword(Skesk skesk, Utf8Passphrase password)
    {
        lock (gate)
        {
            Charge(skesk.S2k, skesk.Version == 4 ? KekLength(skesk.Cipher) : Math.Max(AeadSuite.KeySize((byte)skesk.Cipher), 16));
        }
        return skesk.TryDecrypt(password.Octets, limits.MaxArgon2MemoryBytes, token);
    }

    /// <summary>Counts one more SKESK to be tried with the passwords; refuses when the limit is reached.</summary>
    public void NextSkesk()
    {
        lock (gate)
        {
            if (++skesksTried > limits.MaxPasswordSkesks)
                throw DiagnosticSink.LimitExceeded(nameof(ReadLimits.MaxPasswordSkesks), limits.MaxPasswordSkesks,
                    $"The message has more password-encrypted session key packets than are tried (ReadLimits.MaxPasswordSkesks = {limits.MaxPasswordSkesks}).");
        }
    }

    private void Charge(S2kSpec s2k, int keyLength)
    {
        long cost = s2k.Work(keyLength);
        if (cost > limits.MaxKeyDerivationWork - work)
            throw DiagnosticSink.LimitExceeded(nameof(ReadLimits.MaxKeyDerivationWork), limits.MaxKeyDerivationWork,
                $"Unlocking keys and trying passwords would take more than {limits.MaxKeyDerivationWork >> 20} MiB of passphrase stretching work (ReadLimits.MaxKeyDerivationWork).");
        work += cost;
    }

    private static int KekLength(int cipher)
    {
        try
        {
            return SessionKeyMaterial.KeyLength(cipher);
        }
        catch (UnsupportedPacketException)
        {
            return 32;
        }
    }

    private static KeyNotUsableException Locked(SecretKey key, long keyId) =>
        new($"Key {Hex.KeyId(keyId)} of {key.Fingerprint} is protected by a passphrase; unlock it or supply the passphrase.") { Locked = true };

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            unlocked.Clear();
        }
    }
}

/// <summary>Asks a caller's <see cref="IPassphraseProvider"/> for one operation (through its synchronous method: no
/// thread waits for a task here), turns the answer into UTF-8 octets and zeroes the characters it returned.</summary>
internal sealed class PassphrasePrompt
{
    private readonly IPassphraseProvider provider;
    private readonly CancellationToken token;

    public PassphrasePrompt(IPassphraseProvider provider, int maxAttempts, CancellationToken token)
    {
        if (maxAttempts < 1) throw new ArgumentOutOfRangeException(nameof(maxAttempts), maxAttempts, "At least one attempt.");
        this.provider = provider;
        MaxAttempts = maxAttempts;
        this.token = token;
    }

    public int MaxAttempts { get; }

    /// <summary>The provider's answer as UTF-8 octets (the caller disposes them), or null when it gave up.</summary>
    public Utf8Passphrase? Ask(PassphraseRequest request)
    {
        token.ThrowIfCancellationRequested();
        char[]? answer;
        try
        {
            answer = provider.GetPassphrase(request, token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The caller's own failure: rethrown unchanged at the public boundary.
            throw new CallerStreamException(e);
        }
        if (answer is null) return null;
        try
        {
            return Utf8Passphrase.FromChars(answer);
        }
        finally
        {
            Array.Clear(answer);
        }
    }
}
