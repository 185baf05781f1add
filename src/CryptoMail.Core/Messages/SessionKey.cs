using System.Globalization;
using System.Security.Cryptography;

namespace CryptoMail.Core;

/// <summary>The symmetric session key of one encrypted message: its cipher (RFC 9580 section 9.3) and key.</summary>
/// <remarks>Revealing a session key reveals that message (and only that message); handle it like a password.
/// The text form is the one the Stateless OpenPGP CLI uses: <c>ALGORITHM:HEXKEY</c>, e.g. <c>9:FCA4...</c>.
/// Dispose it when done: <see cref="Dispose"/> zeroes the key octets, and any later use throws
/// <see cref="ObjectDisposedException"/>.</remarks>
public sealed class SessionKey : IDisposable
{
    private readonly byte[] key;
    private bool disposed;

    /// <summary>Creates a session key.</summary>
    /// <param name="algorithm">The cipher (its value is the OpenPGP algorithm ID: 7, 8, 9 for AES-128, -192, -256).</param>
    /// <param name="key">The key octets; copied.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="algorithm"/> is not an algorithm ID from 1 to 255.</exception>
    public SessionKey(SymmetricCipher algorithm, ReadOnlySpan<byte> key)
    {
        if ((int)algorithm is < 1 or > 255) throw new ArgumentOutOfRangeException(nameof(algorithm));
        if (key.IsEmpty) throw new ArgumentException("The key is empty.", nameof(key));
        Algorithm = algorithm;
        this.key = key.ToArray();
    }

    /// <summary>The cipher. A value outside the named members is an algorithm ID this library does not implement
    /// (kept, so that such a key can still be written out and handed to another implementation).</summary>
    public SymmetricCipher Algorithm { get; }

    /// <summary>The key octets.</summary>
    /// <exception cref="ObjectDisposedException">The session key was disposed.</exception>
    public ReadOnlySpan<byte> Key
    {
        get
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return key;
        }
    }

    /// <summary>The octets this instance owns (for tests of <see cref="Dispose"/>).</summary>
    internal byte[] OwnedKey => key;

    /// <summary>Parses <c>ALGORITHM:HEXKEY</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The session key.</returns>
    /// <exception cref="FormatException">The text is not of that form.</exception>
    public static SessionKey Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        int colon = t.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !int.TryParse(t[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out int alg) || alg is < 1 or > 255)
            throw new FormatException("A session key is written ALGORITHM:HEXKEY, e.g. 9:0123...");
        try
        {
            return new SessionKey((SymmetricCipher)alg, Convert.FromHexString(t[(colon + 1)..]));
        }
        catch (ArgumentException e)
        {
            throw new FormatException("The session key has no key octets.", e);
        }
    }

    /// <summary>Overwrites the key octets with zeros (the instance stays usable, with a zero key); prefer <see cref="Dispose"/>.</summary>
    public void Clear() => CryptographicOperations.ZeroMemory(key);

    /// <summary>Zeroes the key octets; any later use throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        disposed = true;
        CryptographicOperations.ZeroMemory(key);
    }

    /// <summary>The <c>ALGORITHM:HEXKEY</c> form.</summary>
    /// <returns>The text.</returns>
    /// <exception cref="ObjectDisposedException">The session key was disposed.</exception>
    public override string ToString()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return ((int)Algorithm).ToString(CultureInfo.InvariantCulture) + ":" + Convert.ToHexString(key);
    }
}
