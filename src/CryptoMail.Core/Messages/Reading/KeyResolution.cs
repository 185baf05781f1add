namespace CryptoMail.Core.Messages.Reading;

/// <summary>Where one decryption finds its keys: the secret keys the options list and those a caller's
/// <see cref="ISecretKeyLookup"/> holds for the recipients the message names; the passphrases the options list, then a
/// caller's <see cref="IPassphraseProvider"/>; the verifiers the options list and a caller's
/// <see cref="ICertificateLookup"/>.</summary>
/// <remarks>The lookup is asked only for the key IDs and fingerprints the message's PKESKs name (a v6 PKESK names a
/// fingerprint, a v3 one a key ID); only a message with an anonymous recipient (wildcard key ID) makes it list every
/// key; recipients a listed key already holds are not looked up. The provider is asked only when no listed passphrase fits, and only for keys the message is encrypted to.</remarks>
internal sealed class DecryptionSession
{
    private readonly CancellationToken token;
    private List<SecretKey> keys;

    public DecryptionSession(DecryptOptions options, KeyUnlocks unlocks, CancellationToken token)
    {
        Options = options;
        Unlocks = unlocks;
        this.token = token;
        keys = options.Keys.ToList();
        Verifiers = new VerifierSet(options.Verifiers, options.VerifierLookup, token);
        Prompt = options.PassphraseProvider is { } provider ? new PassphrasePrompt(provider, options.MaxPassphraseAttempts, token) : null;
    }

    public DecryptOptions Options { get; }

    public KeyUnlocks Unlocks { get; }

    public VerifierSet Verifiers { get; }

    public PassphrasePrompt? Prompt { get; }

    /// <summary>Whether the message's session key is protected post-quantum: it has session key packets and every one
    /// is a PKESK to a composite ML-KEM key (RFC 9980 section 8.1: one classical PKESK or a password makes the
    /// session key only as strong as that).</summary>
    public bool PostQuantum { get; private set; }

    /// <summary>Records the session key packets of the message for <see cref="PostQuantum"/>.</summary>
    public void SessionKeyPackets(IReadOnlyCollection<Pkesk> pkesks, int skeskCount) =>
        PostQuantum = skeskCount == 0 && pkesks.Count > 0 && pkesks.All(p => PqAlgorithms.IsCompositeKem(p.Algorithm));

    /// <summary>The secret keys to try: the listed ones, then (after <see cref="Resolve"/>) the lookup's.</summary>
    public IReadOnlyList<SecretKey> Keys => keys;

    /// <summary>Adds the lookup's secret keys for the recipients <paramref name="pkesks"/> name, without repeating a
    /// listed key (the listed copy may be unlocked already).</summary>
    public void Resolve(IReadOnlyList<Pkesk> pkesks)
    {
        if (Options.KeyLookup is not { } lookup) return;
        var known = keys.Select(k => k.Fingerprint).ToHashSet(StringComparer.Ordinal);
        var asked = new HashSet<string>(StringComparer.Ordinal);
        bool anonymous = false;
        foreach (var pkesk in pkesks)
        {
            if (pkesk.KeyId == 0 && pkesk.Fingerprint is null)
            {
                anonymous = true;
                continue;
            }
            // A listed key already holds this recipient: nothing to look up.
            if (pkesk.KeyId != 0 && Options.Keys.Any(k => k.Ring.SecretFor(pkesk.KeyId) is not null)) continue;
            string name = pkesk.Fingerprint is { } fingerprint ? Hex.Of(fingerprint) : Hex.KeyId(pkesk.KeyId);
            if (!asked.Add(name)) continue;
            var found = Find(lookup, name);
            // A store may index subkeys by key ID only.
            if (found.Count == 0 && pkesk.Fingerprint is not null && pkesk.KeyId != 0 && asked.Add(Hex.KeyId(pkesk.KeyId)))
                found = Find(lookup, Hex.KeyId(pkesk.KeyId));
            Add(found, known);
        }
        if (anonymous)
        {
            // An anonymous recipient names no key: every key the lookup holds may be the one.
            Add(CallerCode.Run(lookup.GetAllSecretKeys, token) ?? Array.Empty<SecretKey>(), known);
        }
    }

    private IReadOnlyList<SecretKey> Find(ISecretKeyLookup lookup, string name) =>
        CallerCode.Run(() => lookup.FindSecretKeysByKey(name), token)
        ?? Array.Empty<SecretKey>();

    private void Add(IEnumerable<SecretKey> found, HashSet<string> known)
    {
        foreach (var key in found)
        {
            if (key is not null && known.Add(key.Fingerprint)) keys.Add(key);
        }
    }

    /// <summary>The fingerprints an Intended Recipient Fingerprint subpacket may name for the key that decrypted the
    /// message (RFC 9580 section 5.2.3.36): that key and its certificate's primary key; null when no key decrypted it.</summary>
    public string[]? DecryptingFingerprints(string? decryptedWith)
    {
        if (decryptedWith is null) return null;
        var owner = keys.FirstOrDefault(k => k.Certificate.HasKey(decryptedWith));
        return owner is null ? new[] { decryptedWith } : new[] { decryptedWith, owner.Fingerprint };
    }

    /// <summary>Tries every listed password on every SKESK (at most <see cref="ReadLimits.MaxPasswordSkesks"/> of them,
    /// within the operation's derivation budget), then the provider's answers; the first session key
    /// <paramref name="accept"/> takes wins.</summary>
    public SessionKeyMaterial? FromPasswords(IEnumerable<Skesk> skesks, Func<SessionKeyMaterial, bool> accept)
    {
        if (Options.Passwords.Count == 0 && Prompt is null) return null;
        var packets = new List<Skesk>();
        foreach (var skesk in skesks)
        {
            Unlocks.NextSkesk();
            packets.Add(skesk);
            foreach (var password in Options.Passwords)
            {
                using var octets = Utf8Passphrase.FromChars(password);
                if (TryAll([skesk], octets, accept) is { } found) return found;
            }
        }
        if (packets.Count == 0) return null;
        for (int attempt = 1; Prompt is not null && attempt <= Prompt.MaxAttempts; attempt++)
        {
            using var answer = Prompt.Ask(new PassphraseRequest
            {
                Target = PassphraseTarget.MessagePassword,
                PasswordPackets = packets.Count,
                Attempt = attempt,
                MaxAttempts = Prompt.MaxAttempts,
            });
            if (answer is null) return null;
            if (TryAll(packets, answer, accept) is { } found) return found;
            if (attempt == Prompt.MaxAttempts) Unlocks.PasswordsExhausted();
        }
        return null;
    }

    private SessionKeyMaterial? TryAll(List<Skesk> packets, Utf8Passphrase password, Func<SessionKeyMaterial, bool> accept)
    {
        foreach (var skesk in packets)
        {
            var candidate = Unlocks.TryPassword(skesk, password);
            if (candidate is null) continue;
            if (accept(candidate)) return candidate;
            candidate.Dispose();
        }
        return null;
    }
}
