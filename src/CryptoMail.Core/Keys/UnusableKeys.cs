namespace CryptoMail.Core.Keys;

/// <summary>Where the key and message layers call the layers below, which report an unusable key as
/// <see cref="UnusableKeyException"/> (they cannot name <see cref="KeyNotUsableException"/>, which names
/// certificates): the caller sees the public exception, with the same message.</summary>
internal static class UnusableKeys
{
    /// <summary>Runs <paramref name="operation"/>, turning <see cref="UnusableKeyException"/> into
    /// <see cref="KeyNotUsableException"/>.</summary>
    public static T Surface<T>(Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (UnusableKeyException e)
        {
            throw new KeyNotUsableException(e.Message);
        }
    }

    /// <summary><see cref="SecretKeyPacket.Unlock"/>, with the public exception.</summary>
    public static AsymmetricPrivateKey? Unlock(SecretKeyPacket key, string? passphrase, long maxArgon2Bytes) =>
        Surface(() => key.Unlock(passphrase, maxArgon2Bytes));
}
