namespace CryptoMail.Core.Messages.Reading;

/// <summary>Why no session key was found, gathered while the recipient packets are tried, so that the error names the
/// real cause: a refused or unsupported cipher, a key we cannot use (stub, unsupported algorithm or protection), a
/// wrong passphrase, a recipient packet we do not read; "no key" only when no key of ours matches.</summary>
/// <remarks>Everything recorded here is known before any message content is decrypted: the recipient packets'
/// headers, our own keys, and a session key that an authenticated key wrap (ECDH, X25519, X448) released. RSA and
/// ElGamal never report a cipher here (their implicit rejection turns any malformed block into a plausible key, which
/// fails later at the integrity check like every other modification), so nothing here is a padding oracle.</remarks>
internal sealed class KeyProblems
{
    private KeyNotUsableException? unusable;
    private string? wrongPassphrase;
    private string? otherAlgorithm;

    /// <summary>Descriptions of recipient packets of a version or algorithm we do not read.</summary>
    public List<string> UnreadRecipients { get; } = new();

    /// <summary>The cipher number a session key named that we do not implement, if any.</summary>
    public int? UnsupportedCipher { get; set; }

    /// <summary>A key of ours for a recipient packet could not be used: locked (protected, and no passphrase opened
    /// it), or unusable for another reason (stub, unsupported algorithm or protection, material that does not match).</summary>
    public void Unusable(KeyNotUsableException e, SecretKeyPacket? packet)
    {
        if (e.Locked && packet is not null)
            wrongPassphrase ??= $"{Hex.KeyId(packet.Public.KeyId)} ({Hex.Of(packet.Public.Fingerprint)})";
        unusable ??= e;
    }

    /// <summary>A recipient packet names one of our keys but another public-key algorithm than the key has.</summary>
    public void OtherAlgorithm(Pkesk pkesk, KeyPacket key) =>
        otherAlgorithm ??= $"a recipient packet for key {Hex.KeyId(key.KeyId)} names public-key algorithm {(int)pkesk.Algorithm}, but the key is {key.AlgorithmName}";

    /// <summary>The error for a message no session key was found for.</summary>
    /// <param name="recipientIds">The key IDs the message names.</param>
    /// <param name="providerExhausted">The passphrase provider was asked as often as allowed, in vain.</param>
    /// <param name="passphrasesGiven">The options listed passphrases for secret keys.</param>
    public CryptoMailException ToException(List<string> recipientIds, bool providerExhausted, bool passphrasesGiven)
    {
        if (providerExhausted)
            return new BadPassphraseException("The passphrase provider's answers did not unlock a matching key or password, as often as it was asked.");
        if (UnsupportedCipher is { } cipher)
        {
            return new PolicyViolationException(
                $"The message is encrypted with symmetric algorithm {cipher}, which is not supported (the session key was found).")
            { Reason = ValidationReason.RejectedAlgorithm };
        }
        if (wrongPassphrase is not null && passphrasesGiven)
            return new BadPassphraseException($"None of the given passphrases unlocks key {wrongPassphrase}, to which the message is encrypted.", unusable);
        if (unusable is not null)
            return new KeyNotUsableException($"The message is encrypted to a key that cannot be used here: {unusable.Message}", unusable);
        var detail = new List<string>();
        if (otherAlgorithm is not null) detail.Add(otherAlgorithm);
        if (UnreadRecipients.Count > 0) detail.Add("recipient packets not read: " + string.Join("; ", UnreadRecipients.Distinct()));
        string more = detail.Count > 0 ? " " + string.Join("; ", detail) + "." : string.Empty;
        return new NoDecryptionKeyException(
            recipientIds.Count > 0
                ? $"None of the given keys or passwords can decrypt this message (recipients: {string.Join(", ", recipientIds)}).{more}"
                : $"None of the given passwords or session keys can decrypt this message.{more}",
            recipientIds);
    }
}
