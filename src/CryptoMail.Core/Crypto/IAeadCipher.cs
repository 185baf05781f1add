using System.Security.Cryptography;

namespace CryptoMail.Core.Crypto;

/// <summary>AEAD algorithm IDs of RFC 9580 section 9.6.</summary>
internal enum AeadAlgorithm : byte
{
    Eax = 1,
    Ocb = 2,
    Gcm = 3,
}

/// <summary>One keyed AEAD instance: encrypts or decrypts whole chunks, each under its own nonce and associated
/// data. The key is fixed at construction, so a message pays for the key schedule once.</summary>
/// <remarks>Invariants every implementation keeps: the tag is 16 octets; ciphertext and plaintext have the same
/// length; plaintext and ciphertext may be the same buffer (exact overlap) but must not partly overlap; on a tag
/// mismatch <see cref="Decrypt"/> zeroes the whole plaintext output and throws
/// <see cref="AeadTagMismatchException"/>. Instances are not thread-safe.</remarks>
internal interface IAeadCipher : IDisposable
{
    AeadAlgorithm Algorithm { get; }

    /// <summary>The nonce length OpenPGP uses with this algorithm (EAX 16, OCB 15, GCM 12).</summary>
    int NonceSize { get; }

    void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData,
        Span<byte> ciphertext, Span<byte> tag);

    void Decrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag,
        ReadOnlySpan<byte> associatedData, Span<byte> plaintext);
}

/// <summary>An AEAD tag did not verify. Internal: the packet layer maps it to <see cref="IntegrityException"/>,
/// naming what failed.</summary>
internal sealed class AeadTagMismatchException : CryptographicException
{
    public AeadTagMismatchException() : base("The AEAD authentication tag does not match.") { }

    public AeadTagMismatchException(Exception inner) : base("The AEAD authentication tag does not match.", inner) { }
}

/// <summary>Sizes and argument checks shared by every <see cref="IAeadCipher"/>.</summary>
internal static class AeadSuite
{
    public const int TagSize = 16;

    /// <summary>Nonce length per RFC 9580 sections 5.13.3-5.13.5.</summary>
    public static int NonceSize(AeadAlgorithm algorithm) => algorithm switch
    {
        AeadAlgorithm.Eax => 16,
        AeadAlgorithm.Ocb => 15,
        AeadAlgorithm.Gcm => 12,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown AEAD algorithm."),
    };

    public static bool IsKnown(AeadAlgorithm algorithm) =>
        algorithm is AeadAlgorithm.Eax or AeadAlgorithm.Ocb or AeadAlgorithm.Gcm;

    /// <summary>Key length in octets of the OpenPGP symmetric algorithm (RFC 9580 section 9.3), for the ciphers
    /// this layer supports (AES-128/192/256); 0 for any other.</summary>
    public static int KeySize(byte symmetricAlgorithm) => symmetricAlgorithm switch
    {
        7 => 16,
        8 => 24,
        9 => 32,
        _ => 0,
    };

    public static void CheckEncrypt(int nonceSize, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext,
        Span<byte> ciphertext, Span<byte> tag)
    {
        if (nonce.Length != nonceSize) throw new ArgumentException($"The nonce must be {nonceSize} octets.", nameof(nonce));
        if (ciphertext.Length != plaintext.Length) throw new ArgumentException("The ciphertext must be as long as the plaintext.", nameof(ciphertext));
        if (tag.Length != TagSize) throw new ArgumentException($"The tag must be {TagSize} octets.", nameof(tag));
    }

    public static void CheckDecrypt(int nonceSize, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        if (nonce.Length != nonceSize) throw new ArgumentException($"The nonce must be {nonceSize} octets.", nameof(nonce));
        if (plaintext.Length != ciphertext.Length) throw new ArgumentException("The plaintext must be as long as the ciphertext.", nameof(plaintext));
        if (tag.Length != TagSize) throw new ArgumentException($"The tag must be {TagSize} octets.", nameof(tag));
    }
}
