using System.Buffers;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using BcAeadCipher = Org.BouncyCastle.Crypto.Modes.IAeadCipher;

namespace CryptoMail.Core.Crypto;

/// <summary>Chooses the AEAD implementation for an OpenPGP (cipher, AEAD) pair: OCB over the platform's AES
/// (<see cref="OcbMode"/>), GCM through the platform's <see cref="AesGcm"/>, EAX through BouncyCastle; where the
/// platform lacks AES or AES-GCM (browsers), OCB and GCM fall back to BouncyCastle too.</summary>
internal static class AeadCiphers
{
    public static bool IsSupported(byte symmetricAlgorithm, AeadAlgorithm aead) =>
        AeadSuite.KeySize(symmetricAlgorithm) != 0 && AeadSuite.IsKnown(aead);

    /// <summary>A keyed instance; <paramref name="key"/> must have the cipher's key size.</summary>
    public static IAeadCipher Create(byte symmetricAlgorithm, AeadAlgorithm aead, ReadOnlySpan<byte> key)
    {
        CheckKey(symmetricAlgorithm, aead, key);
        switch (aead)
        {
            case AeadAlgorithm.Ocb:
                try
                {
                    return new OcbMode(key);
                }
                catch (PlatformNotSupportedException)
                {
                    return new BouncyAeadCipher(aead, key);
                }
            case AeadAlgorithm.Gcm:
                return AesGcm.IsSupported ? new GcmCipher(key) : new BouncyAeadCipher(aead, key);
            default:
                return new BouncyAeadCipher(aead, key);
        }
    }

    /// <summary>The BouncyCastle implementation of any of the three, whatever the platform offers: the fallback
    /// path, kept callable so tests can hold it to the same results.</summary>
    public static IAeadCipher CreateBouncyCastle(byte symmetricAlgorithm, AeadAlgorithm aead, ReadOnlySpan<byte> key)
    {
        CheckKey(symmetricAlgorithm, aead, key);
        return new BouncyAeadCipher(aead, key);
    }

    private static void CheckKey(byte symmetricAlgorithm, AeadAlgorithm aead, ReadOnlySpan<byte> key)
    {
        int keySize = AeadSuite.KeySize(symmetricAlgorithm);
        if (keySize == 0) throw new ArgumentException($"Symmetric algorithm {symmetricAlgorithm} is not supported with AEAD.", nameof(symmetricAlgorithm));
        if (!AeadSuite.IsKnown(aead)) throw new ArgumentException($"AEAD algorithm {(byte)aead} is not supported.", nameof(aead));
        if (key.Length != keySize) throw new ArgumentException($"The key must be {keySize} octets.", nameof(key));
    }
}

/// <summary>AES-GCM with a 12-octet nonce and 16-octet tag through the platform (hardware AES and carry-less
/// multiplication where present).</summary>
internal sealed class GcmCipher : IAeadCipher
{
    private readonly AesGcm gcm;

    public GcmCipher(ReadOnlySpan<byte> key) => gcm = new AesGcm(key, AeadSuite.TagSize);

    public AeadAlgorithm Algorithm => AeadAlgorithm.Gcm;

    public int NonceSize => 12;

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData,
        Span<byte> ciphertext, Span<byte> tag)
    {
        AeadSuite.CheckEncrypt(NonceSize, nonce, plaintext, ciphertext, tag);
        gcm.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
    }

    public void Decrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag,
        ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        AeadSuite.CheckDecrypt(NonceSize, nonce, ciphertext, tag, plaintext);
        try
        {
            gcm.Decrypt(nonce, ciphertext, tag, plaintext, associatedData);
        }
        catch (AuthenticationTagMismatchException e)
        {
            // AesGcm has already zeroed the plaintext.
            CryptographicOperations.ZeroMemory(plaintext);
            throw new AeadTagMismatchException(e);
        }
    }

    public void Dispose() => gcm.Dispose();
}

/// <summary>EAX, OCB or GCM through BouncyCastle's managed modes over its AES engine (hardware-accelerated where
/// BouncyCastle can). Allocates a little per call (cipher parameters, scratch from the shared pool): it is the
/// path for EAX and for platforms without AES, not the hot path.</summary>
internal sealed class BouncyAeadCipher : IAeadCipher
{
    private readonly BcAeadCipher cipher;
    private readonly KeyParameter key;
    private bool initialized;

    public BouncyAeadCipher(AeadAlgorithm algorithm, ReadOnlySpan<byte> key)
    {
        Algorithm = algorithm;
        NonceSize = AeadSuite.NonceSize(algorithm);
        this.key = new KeyParameter(key);
        cipher = algorithm switch
        {
            AeadAlgorithm.Eax => new EaxBlockCipher(AesUtilities.CreateEngine()),
            AeadAlgorithm.Ocb => new OcbBlockCipher(AesUtilities.CreateEngine(), AesUtilities.CreateEngine()),
            _ => new GcmBlockCipher(AesUtilities.CreateEngine()),
        };
    }

    public AeadAlgorithm Algorithm { get; }

    public int NonceSize { get; }

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData,
        Span<byte> ciphertext, Span<byte> tag)
    {
        AeadSuite.CheckEncrypt(NonceSize, nonce, plaintext, ciphertext, tag);
        byte[] scratch = ArrayPool<byte>.Shared.Rent(plaintext.Length + AeadSuite.TagSize);
        try
        {
            Init(forEncryption: true, nonce, associatedData);
            int n = cipher.ProcessBytes(plaintext, scratch);
            n += cipher.DoFinal(scratch.AsSpan(n));
            scratch.AsSpan(0, plaintext.Length).CopyTo(ciphertext);
            scratch.AsSpan(plaintext.Length, AeadSuite.TagSize).CopyTo(tag);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scratch.AsSpan(0, plaintext.Length + AeadSuite.TagSize));
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    public void Decrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag,
        ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        AeadSuite.CheckDecrypt(NonceSize, nonce, ciphertext, tag, plaintext);
        // BouncyCastle releases plaintext before it checks the tag, so it goes to scratch and is copied out
        // only after DoFinal succeeded.
        byte[] scratch = ArrayPool<byte>.Shared.Rent(ciphertext.Length + AeadSuite.TagSize);
        try
        {
            Init(forEncryption: false, nonce, associatedData);
            int n = cipher.ProcessBytes(ciphertext, scratch);
            n += cipher.ProcessBytes(tag, scratch.AsSpan(n));
            cipher.DoFinal(scratch.AsSpan(n));
            scratch.AsSpan(0, ciphertext.Length).CopyTo(plaintext);
        }
        catch (InvalidCipherTextException e)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new AeadTagMismatchException(e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scratch.AsSpan(0, ciphertext.Length + AeadSuite.TagSize));
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    public void Dispose()
    {
        // Clears the mode's buffers; BouncyCastle offers no way to wipe its key schedule.
        if (initialized) cipher.Reset();
    }

    private void Init(bool forEncryption, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData)
    {
        // A fresh nonce array each time: BouncyCastle's GCM keeps the array it was given to refuse nonce reuse.
        cipher.Init(forEncryption, new AeadParameters(key, AeadSuite.TagSize * 8, nonce.ToArray()));
        initialized = true;
        cipher.ProcessAadBytes(associatedData);
    }
}
