using System.Security.Cryptography;
using System.Text;

namespace CryptoMail.Core.Crypto;

/// <summary>A passphrase as the UTF-8 octets every S2K hashes (GnuPG and RFC 9580 use UTF-8), in an array this object
/// owns and zeroes when disposed, so that a passphrase given as characters or octets never becomes a string.</summary>
internal sealed class Utf8Passphrase : IDisposable
{
    private readonly byte[] octets;

    private Utf8Passphrase(byte[] octets)
    {
        this.octets = octets;
    }

    /// <summary>The UTF-8 octets; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> Octets => octets;

    public static Utf8Passphrase FromChars(ReadOnlySpan<char> passphrase)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(passphrase)];
        Encoding.UTF8.GetBytes(passphrase, bytes);
        return new Utf8Passphrase(bytes);
    }

    public static Utf8Passphrase FromUtf8(ReadOnlySpan<byte> passphrase) => new(passphrase.ToArray());

    public void Dispose() => CryptographicOperations.ZeroMemory(octets);
}
