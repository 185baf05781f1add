using System.Security.Cryptography;

namespace CryptoMail.Core.Keys;

/// <summary>Protects secret key material with a passphrase (see <see cref="SecretKeyPacket.Create"/>): v4 keys with
/// iterated and salted S2K over SHA-256, AES-256 CFB, SHA-1 check (S2K usage 254, the form GnuPG writes); v6 keys
/// with Argon2 and AES-256 OCB (usage 253).</summary>
internal static class SecretKeyProtection
{
    /// <summary>The ring with every secret key re-encoded under <paramref name="newPassphrase"/> (null or empty:
    /// unprotected); protected keys' plain material comes from <paramref name="material"/> (what unlocking decrypted,
    /// by key ID), unprotected keys' from the packets. Stubs stay as they are. <paramref name="cancellationToken"/> is
    /// checked while each key's Argon2 protection is derived.</summary>
    public static KeyRing Reprotect(KeyRing ring, IReadOnlyDictionary<long, byte[]> material, string? newPassphrase,
        CancellationToken cancellationToken = default) => ring.MapSecrets(sk =>
    {
        if (sk.IsStub || sk.Unsupported is not null) return sk;
        if (material.TryGetValue(sk.Public.KeyId, out var plain)) return SecretKeyPacket.Create(sk.Public, plain, sk.IsSubkey, newPassphrase, null, cancellationToken);
        var read = sk.ReadMaterial(null, ReadLimits.Default.MaxArgon2MemoryBytes)
            ?? throw new KeyNotUsableException($"Key {Hex.KeyId(sk.Public.KeyId)} is protected and was not unlocked: unlock the key again before changing its passphrase.");
        try
        {
            return SecretKeyPacket.Create(sk.Public, read, sk.IsSubkey, newPassphrase, null, cancellationToken);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(read);
        }
    });
}
