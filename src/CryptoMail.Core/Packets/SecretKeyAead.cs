using System.Security.Cryptography;

namespace CryptoMail.Core.Packets;

/// <summary>Secret key material under S2K usage 253 (RFC 9580 section 5.5.3): AEAD with a key-encryption key of
/// HKDF-SHA256(S2K output, no salt, info = packet tag octet | packet version | cipher | AEAD), the packet's IV as
/// nonce, and as associated data the packet tag octet followed by the public key packet body, so the material
/// cannot be moved under another public key. Pure functions over octets: the key layer parses and writes the
/// packet fields around them.</summary>
internal static class SecretKeyAead
{
    /// <param name="passphrase">The passphrase.</param>
    /// <param name="s2k">The packet's S2K specifier.</param>
    /// <param name="packetTag">5 (secret key) or 7 (secret subkey).</param>
    /// <param name="version">The key packet version (6, or 4 for v4 keys protected this way).</param>
    /// <param name="cipher">The symmetric algorithm ID (AES).</param>
    /// <param name="aead">The AEAD algorithm.</param>
    /// <param name="iv">The packet's IV (the AEAD nonce size).</param>
    /// <param name="publicKeyBody">The public key packet body: version through the public key material.</param>
    /// <param name="sealedMaterial">The encrypted secret key material followed by its 16-octet tag.</param>
    /// <param name="maxArgon2MemoryBytes">The most memory an Argon2 S2K may ask for.</param>
    /// <param name="cancellationToken">Checked while an Argon2 S2K derives the key.</param>
    /// <returns>The plaintext secret key material; the caller zeroes it when done.</returns>
    /// <exception cref="BadPassphraseException">The tag does not verify: a wrong passphrase (or modified data).</exception>
    public static byte[] Decrypt(ReadOnlySpan<byte> passphrase, S2kSpec s2k, byte packetTag, byte version, byte cipher, AeadAlgorithm aead,
        ReadOnlySpan<byte> iv, ReadOnlySpan<byte> publicKeyBody, ReadOnlySpan<byte> sealedMaterial, long maxArgon2MemoryBytes, CancellationToken cancellationToken = default)
    {
        if (sealedMaterial.Length < AeadSuite.TagSize) throw new MalformedDataException("The AEAD-protected secret key material is shorter than its tag.");
        if (iv.Length != AeadSuite.NonceSize(aead)) throw new MalformedDataException("The secret key's IV does not fit its AEAD algorithm.");
        int length = sealedMaterial.Length - AeadSuite.TagSize;
        var plain = new byte[length];
        using var keyed = Cipher(passphrase, s2k, packetTag, version, cipher, aead, maxArgon2MemoryBytes, null, cancellationToken);
        try
        {
            keyed.Decrypt(iv, sealedMaterial[..length], sealedMaterial[length..], AssociatedData(packetTag, publicKeyBody), plain);
            return plain;
        }
        catch (AeadTagMismatchException e)
        {
            throw new BadPassphraseException("The passphrase does not unlock the secret key (its AEAD tag does not verify).", e);
        }
    }

    /// <summary>Seals <paramref name="material"/> as <see cref="Decrypt"/> opens it: returns ciphertext || tag.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> passphrase, S2kSpec s2k, byte packetTag, byte version, byte cipher, AeadAlgorithm aead,
        ReadOnlySpan<byte> iv, ReadOnlySpan<byte> publicKeyBody, ReadOnlySpan<byte> material, IProgress<double>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var output = new byte[material.Length + AeadSuite.TagSize];
        using var keyed = Cipher(passphrase, s2k, packetTag, version, cipher, aead, long.MaxValue, progress, cancellationToken);
        keyed.Encrypt(iv, material, AssociatedData(packetTag, publicKeyBody), output.AsSpan(0, material.Length), output.AsSpan(material.Length));
        return output;
    }

    private static IAeadCipher Cipher(ReadOnlySpan<byte> passphrase, S2kSpec s2k, byte packetTag, byte version, byte cipher, AeadAlgorithm aead, long maxArgon2MemoryBytes,
        IProgress<double>? progress, CancellationToken cancellationToken)
    {
        if (packetTag is not (5 or 7)) throw new ArgumentOutOfRangeException(nameof(packetTag), packetTag, "5 or 7.");
        int keySize = AeadSuite.KeySize(cipher);
        if (keySize == 0 || !AeadSuite.IsKnown(aead)) throw new UnsupportedPacketException($"Secret key protection with cipher {cipher} and AEAD {(byte)aead} is not supported.");
        var ikm = s2k.Derive(passphrase, keySize, maxArgon2MemoryBytes, progress, cancellationToken);
        var kek = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, keySize, Array.Empty<byte>(), [PacketWriter.HeaderOctet((PacketTag)packetTag), version, cipher, (byte)aead]);
        CryptographicOperations.ZeroMemory(ikm);
        try
        {
            return AeadCiphers.Create(cipher, aead, kek);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(kek);
        }
    }

    private static byte[] AssociatedData(byte packetTag, ReadOnlySpan<byte> publicKeyBody) => [PacketWriter.HeaderOctet((PacketTag)packetTag), .. publicKeyBody];
}
