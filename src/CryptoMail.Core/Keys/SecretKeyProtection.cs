using System.Security.Cryptography;

namespace CryptoMail.Core.Keys;

/// <summary>Protects secret key material with a passphrase (see <see cref="SecretKeyPacket.Create"/>): v4 keys with
/// iterated and salted S2K over SHA-256, AES-256 CFB, SHA-1 check (S2K usage 254, the form GnuPG writes); v6 keys
/// with Argon2 and AES-256 OCB (usage 253).</summary>
internal static class SecretKeyProtection
{
    /// <summary>The ring with every secret key re-encoded under <paramref name="newPassphrase"/> (null or empty:
    /// unprotected); protected keys are read with <paramref name="oldPassphrase"/>. Stubs stay as they are.</summary>
    public static KeyRing Reprotect(KeyRing ring, string? oldPassphrase, string? newPassphrase) => ring.MapSecrets(sk =>
    {
        if (sk.IsStub || sk.Unsupported is not null) return sk;
        using var octets = oldPassphrase is null ? null : Utf8Passphrase.FromChars(oldPassphrase);
        var material = sk.ReadMaterial(octets, ReadLimits.Default.MaxArgon2MemoryBytes)
            ?? throw new BadPassphraseException("The secret key material could not be read with the passphrase it was unlocked with.");
        try
        {
            return SecretKeyPacket.Create(sk.Public, material, sk.IsSubkey, newPassphrase);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    });
}
