namespace CryptoMail.Core;

/// <summary>What a MimeKit context made by <see cref="CryptoMailContext.Create"/> works with: where its keys come
/// from, how it writes, and how it reads.</summary>
public sealed class CryptoMailContextOptions
{
    /// <summary>Creates options over a key lookup.</summary>
    /// <param name="keys">Where certificates and secret keys come from, e.g. a <see cref="MimeKeyRing"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is null.</exception>
    public CryptoMailContextOptions(IMimeKeyLookup keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Keys = keys;
    }

    /// <summary>Where certificates and secret keys come from.</summary>
    public IMimeKeyLookup Keys { get; }

    /// <summary>Passphrases tried on protected secret keys (signing and decryption).</summary>
    public IList<string> KeyPassphrases { get; } = new List<string>();

    /// <summary>The engine; null for a default <see cref="OpenPgp"/>.</summary>
    public OpenPgp? Pgp { get; init; }

    /// <summary>The cipher for encryption. Default AES-256. MimeKit's <c>EncryptionAlgorithm</c> arguments are not
    /// used: the overloads that take one run MimeKit's own code and are refused (see <see cref="CryptoMailContext"/>).</summary>
    public SymmetricCipher Cipher { get; init; } = SymmetricCipher.Aes256;

    /// <summary>SEIPD v1 or v2; <see cref="EncryptionFormat.Auto"/> (the default) uses v2 when every recipient
    /// announces it. Choose <see cref="EncryptionFormat.SeipdV1"/> when recipients read mail with GnuPG.</summary>
    public EncryptionFormat EncryptionFormat { get; init; } = EncryptionFormat.Auto;

    /// <summary>Whether a signed and encrypted message is also encrypted to the signer, so the sender can read
    /// their sent copy. Default true (MimeKit's own context does not do this).</summary>
    public bool EncryptToSelf { get; init; } = true;

    /// <summary>Decompression, nesting and recipient limits for received data.</summary>
    public ReadLimits Limits { get; init; } = ReadLimits.Default;
}
