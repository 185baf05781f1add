using System.Collections.Concurrent;

namespace CryptoMail.Core.Tests.Support;

/// <summary>The registry of key profiles every contract test runs over. Keys are generated once per test run.</summary>
public static class TestKeys
{
    public const string Passphrase = "pass phrase ünïcode";

    private static readonly ConcurrentDictionary<string, Lazy<SecretKey>> Cache = new();

    /// <summary>Profile names for [MemberData]: algorithm and whether the key is passphrase-protected.</summary>
    public static TheoryData<string> Profiles => new()
    {
        "Curve25519",
        "Curve25519+passphrase",
        "Rsa3072",
        "Rsa4096+passphrase",
        // v6 keys; the protected v6 form (Argon2, 64 MiB per unlock) is covered by V6KeyTests, not every contract test.
        "V6Ed25519",
        "V6Ed448",
        // RFC 9980 post-quantum v6 keys (composite ML-DSA primary, composite ML-KEM subkey).
        "V6MlDsa65Ed25519",
        "V6MlDsa87Ed448",
    };

    /// <summary>A key of the named profile for the named person; the same object for the same arguments.</summary>
    public static SecretKey Get(string profile, string person = "alice") =>
        Cache.GetOrAdd(profile + "/" + person, _ => new Lazy<SecretKey>(() => Make(profile, person))).Value;

    /// <summary>The key unlocked (or itself when not protected).</summary>
    public static SecretKey Unlocked(string profile, string person = "alice")
    {
        var key = Get(profile, person);
        return key.IsProtected ? key.Unlock(Passphrase) : key;
    }

    private static SecretKey Make(string profile, string person)
    {
        var parts = profile.Split('+');
        var options = new KeyGenerationOptions
        {
            Profile = Enum.Parse<KeyProfile>(parts[0]),
            Passphrase = parts.Length > 1 ? Passphrase : null,
        };
        string name = char.ToUpperInvariant(person[0]) + person[1..];
        return new OpenPgp().GenerateKey($"{name} <{person}@example.org>", options);
    }
}

public static class TestData
{
    /// <summary>Deterministic pseudo-random bytes.</summary>
    public static byte[] Random(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
