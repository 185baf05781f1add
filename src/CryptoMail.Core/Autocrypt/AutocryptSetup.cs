using System.Security.Cryptography;
using System.Text;

namespace CryptoMail.Core.Autocrypt;

/// <summary>A secret key recovered from an Autocrypt Setup Message, with the account preference it carried.</summary>
public sealed record AutocryptSetupPayload
{
    internal AutocryptSetupPayload(SecretKey key, AutocryptPreference preferEncrypt)
    {
        Key = key;
        PreferEncrypt = preferEncrypt;
    }

    /// <summary>The secret key (unprotected, as the setup message carries it).</summary>
    public SecretKey Key { get; init; }

    /// <summary>The <c>Autocrypt-Prefer-Encrypt</c> armor header of the key, or no preference.</summary>
    public AutocryptPreference PreferEncrypt { get; init; }
}

/// <summary>The encrypted payload of an Autocrypt Setup Message (Level 1, "Autocrypt Setup Message"): the account's
/// ASCII-armored secret key, symmetrically encrypted (AES-128, iterated and salted S2K, SEIPD with MDC) under a
/// numeric Setup Code of 36 digits in nine dash-separated blocks.</summary>
/// <remarks>The MIME message around the payload is made and read by <see cref="AutocryptMime"/>.</remarks>
public static class AutocryptSetup
{
    private const string BeginMessage = "-----BEGIN PGP MESSAGE-----";
    private const string EndMessage = "-----END PGP MESSAGE-----";
    private const string PreferEncryptHeader = "Autocrypt-Prefer-Encrypt";

    /// <summary>Generates a Setup Code from a cryptographically secure random source: 36 digits in nine blocks of
    /// four separated by dashes (about 119 bits). Show it to the user; never send it by mail.</summary>
    /// <returns>The code, e.g. <c>9503-1923-2307-1980-7833-0983-1998-7562-1111</c>.</returns>
    public static string GenerateSetupCode()
    {
        var digits = new char[36];
        for (int i = 0; i < digits.Length; i++) digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        return Format(digits);
    }

    /// <summary>Normalizes a Setup Code as a user may type it (any spaces, dashes or line breaks between the
    /// digits) to the canonical form, in which the dashes are part of the secret.</summary>
    /// <param name="input">What the user entered.</param>
    /// <returns>The code with exactly nine dash-separated blocks.</returns>
    /// <exception cref="ArgumentException">The input does not hold exactly 36 digits and separators.</exception>
    public static string NormalizeSetupCode(string input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Any(c => !char.IsAsciiDigit(c) && c != '-' && !char.IsWhiteSpace(c)))
            throw new ArgumentException("A Setup Code holds only digits, dashes and spaces.", nameof(input));
        var digits = input.Where(char.IsAsciiDigit).ToArray();
        if (digits.Length != 36) throw new ArgumentException($"A Setup Code has 36 digits, not {digits.Length}.", nameof(input));
        return Format(digits);
    }

    /// <summary>Makes the armored, encrypted payload: a <c>PGP MESSAGE</c> with the <c>Passphrase-Format:
    /// numeric9x4</c> and <c>Passphrase-Begin</c> headers, holding the armored secret key with an
    /// <c>Autocrypt-Prefer-Encrypt</c> header.</summary>
    /// <param name="key">The account's secret key; if protected, it must be unlocked or <paramref name="passphrase"/> given.</param>
    /// <param name="setupCode">The Setup Code (<see cref="GenerateSetupCode"/>).</param>
    /// <param name="preferEncrypt">The account's preference, carried along.</param>
    /// <param name="passphrase">The key's passphrase when it is protected and locked.</param>
    /// <returns>The armored payload.</returns>
    /// <exception cref="BadPassphraseException">The passphrase does not unlock the key.</exception>
    /// <exception cref="KeyNotUsableException">The key is locked and no passphrase was given.</exception>
    public static string CreatePayload(SecretKey key, string setupCode, AutocryptPreference preferEncrypt = AutocryptPreference.NoPreference, string? passphrase = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        string code = NormalizeSetupCode(setupCode);
        var unlocked = key.IsUnlocked ? key : key.Unlock(passphrase ?? throw new KeyNotUsableException($"Key {key.Fingerprint} is locked: give its passphrase."));
        byte[] plaintext = Encoding.ASCII.GetBytes(WithArmorHeaders(unlocked.ChangePassphrase(null).ExportArmored(),
            (PreferEncryptHeader, preferEncrypt == AutocryptPreference.Mutual ? "mutual" : "nopreference")));
        try
        {
            using var input = new MemoryStream(plaintext, writable: false);
            using var output = new MemoryStream();
            new MessageEngine(OpenPgpOptions.Default).Encrypt(input, output, new EncryptOptions
            {
                Passwords = { code },
                Cipher = SymmetricCipher.Aes128,
                EncryptionFormat = EncryptionFormat.SeipdV1,
                Format = LiteralFormat.Binary,
            });
            return WithArmorHeaders(ArmorWriter.ToArmoredString(output.ToArray(), ArmorKind.Message),
                ("Passphrase-Format", "numeric9x4"), ("Passphrase-Begin", code[..2]));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Decrypts a payload with the Setup Code and reads the secret key. Text around the armored message
    /// (such as the HTML wrapper some clients send) is ignored, as is anything after the key's armor.</summary>
    /// <param name="payload">The content of the <c>application/autocrypt-setup</c> part.</param>
    /// <param name="setupCode">The Setup Code the user entered (see <see cref="NormalizeSetupCode"/>).</param>
    /// <returns>The secret key and preference.</returns>
    /// <exception cref="MalformedDataException">The payload holds no armored message, or the plaintext no secret key.</exception>
    /// <exception cref="NoDecryptionKeyException">The Setup Code is wrong.</exception>
    /// <exception cref="IntegrityException">The payload was modified.</exception>
    public static AutocryptSetupPayload ReadPayload(string payload, string setupCode)
    {
        ArgumentNullException.ThrowIfNull(payload);
        string code = NormalizeSetupCode(setupCode);
        int begin = payload.IndexOf(BeginMessage, StringComparison.Ordinal);
        int end = begin < 0 ? -1 : payload.IndexOf(EndMessage, begin, StringComparison.Ordinal);
        if (end < 0) throw new MalformedDataException("The Autocrypt setup payload holds no armored PGP MESSAGE.");
        byte[] armored = Encoding.ASCII.GetBytes(payload[begin..(end + EndMessage.Length)] + "\n");
        using var plaintext = new MemoryStream();
        byte[]? clear = null;
        try
        {
            new MessageEngine(OpenPgpOptions.Default).Decrypt(new MemoryStream(armored), plaintext, new DecryptOptions { Passwords = { code } });
            clear = plaintext.ToArray();
            string text = Encoding.UTF8.GetString(clear);
            const string beginKey = "-----BEGIN PGP PRIVATE KEY BLOCK-----", endKey = "-----END PGP PRIVATE KEY BLOCK-----";
            int keyBegin = text.IndexOf(beginKey, StringComparison.Ordinal);
            int keyEnd = keyBegin < 0 ? -1 : text.IndexOf(endKey, keyBegin, StringComparison.Ordinal);
            if (keyBegin != 0 && (keyBegin < 0 || text[..keyBegin].Trim().Length > 0) || keyEnd < 0)
                throw new MalformedDataException("The decrypted Autocrypt setup payload does not begin with an armored secret key.");
            string keyArmor = text[keyBegin..(keyEnd + endKey.Length)];
            var preference = ArmorHeader(keyArmor, PreferEncryptHeader) == "mutual" ? AutocryptPreference.Mutual : AutocryptPreference.NoPreference;
            return new AutocryptSetupPayload(SecretKey.Parse(keyArmor + "\n"), preference);
        }
        finally
        {
            if (clear is not null) CryptographicOperations.ZeroMemory(clear);
            CryptographicOperations.ZeroMemory(plaintext.GetBuffer());
        }
    }

    /// <summary>The value of an armor header line (<c>Name: value</c>) between the BEGIN line and the blank line.</summary>
    internal static string? ArmorHeader(string armored, string name)
    {
        foreach (string raw in armored.Split('\n').Skip(1))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length == 0) break;
            int colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0 && line[..colon] == name) return line[(colon + 2)..].Trim();
        }
        return null;
    }

    /// <summary>Inserts armor header lines after the BEGIN line of armor that has none.</summary>
    private static string WithArmorHeaders(string armored, params (string Name, string Value)[] headers)
    {
        int firstLineEnd = armored.IndexOf('\n', StringComparison.Ordinal);
        var sb = new StringBuilder(armored.Length + 64);
        sb.Append(armored, 0, firstLineEnd + 1);
        foreach (var (name, value) in headers) sb.Append(name).Append(": ").Append(value).Append('\n');
        sb.Append(armored, firstLineEnd + 1, armored.Length - firstLineEnd - 1);
        return sb.ToString();
    }

    private static string Format(char[] digits)
    {
        var sb = new StringBuilder(44);
        for (int i = 0; i < 36; i += 4)
        {
            if (i > 0) sb.Append('-');
            sb.Append(digits, i, 4);
        }
        return sb.ToString();
    }
}
