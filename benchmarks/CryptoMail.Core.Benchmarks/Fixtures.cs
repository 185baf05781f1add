using System.Collections.Concurrent;
using MimeKit;

namespace CryptoMail.Core.Benchmarks;

/// <summary>One column of the message benchmarks: the keys and the encrypted-data format. Its name is what
/// BenchmarkDotNet prints in the <c>Profile</c> column.</summary>
/// <param name="Name">The short name shown in the results.</param>
/// <param name="Keys">The algorithms of the sender's and the recipient's keys.</param>
/// <param name="Format">The encrypted-data packet messages are written with.</param>
/// <param name="Aead">The AEAD mode, for SEIPD v2.</param>
public sealed record BenchProfile(string Name, KeyProfile Keys, EncryptionFormat Format, AeadMode Aead = AeadMode.Ocb)
{
    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>The profiles every message benchmark runs with. A new key profile (v6) is one more line in
/// <see cref="All"/>.</summary>
public static class Profiles
{
    /// <summary>Every profile: encrypt/decrypt benchmarks run once per entry.</summary>
    public static IReadOnlyList<BenchProfile> All { get; } =
    [
        new("v4-seipd1", KeyProfile.Curve25519, EncryptionFormat.SeipdV1),
        new("v4-seipd2-ocb", KeyProfile.Curve25519, EncryptionFormat.SeipdV2, AeadMode.Ocb),
        new("v4-seipd2-gcm", KeyProfile.Curve25519, EncryptionFormat.SeipdV2, AeadMode.Gcm),
        // RFC 9980: ML-DSA-65+Ed25519 / ML-KEM-768+X25519, and ML-DSA-87+Ed448 / ML-KEM-1024+X448.
        new("v6pq-seipd2-ocb", KeyProfile.V6MlDsa65Ed25519, EncryptionFormat.SeipdV2, AeadMode.Ocb),
        new("v6pqhigh-seipd2-ocb", KeyProfile.V6MlDsa87Ed448, EncryptionFormat.SeipdV2, AeadMode.Ocb),
    ];

    /// <summary>One profile per key algorithm, for signing and key benchmarks, where the encryption format does not
    /// matter; named by the part of the name before the first '-' (the keys).</summary>
    public static IEnumerable<BenchProfile> ByKeys => All.DistinctBy(p => p.Keys).Select(p => p with { Name = p.Name.Split('-')[0] });

    /// <summary>The sizes of the message benchmarks: 1 KiB, 64 KiB and 16 MiB.</summary>
    public static IEnumerable<int> Sizes => [1 << 10, 64 << 10, 16 << 20];
}

/// <summary>Keys and inputs shared by the benchmarks; made once per process, outside the measured code.</summary>
internal static class Fixtures
{
    private static readonly ConcurrentDictionary<(KeyProfile, string), SecretKey> keys = new();

    /// <summary>The sender (signer) with keys of the given profile.</summary>
    public static SecretKey Alice(KeyProfile profile = KeyProfile.Curve25519) => Key(profile, "Alice <alice@example.org>");

    /// <summary>The recipient with keys of the given profile.</summary>
    public static SecretKey Bob(KeyProfile profile = KeyProfile.Curve25519) => Key(profile, "Bob <bob@example.org>");

    private static SecretKey Key(KeyProfile profile, string userId) =>
        keys.GetOrAdd((profile, userId), k => new OpenPgp().GenerateKey(k.Item2, new KeyGenerationOptions { Profile = k.Item1 }));

    /// <summary>Encryption options for a profile: one recipient, binary output, no compression.</summary>
    public static EncryptOptions EncryptOptions(BenchProfile profile, bool sign)
    {
        var options = new EncryptOptions { EncryptionFormat = profile.Format, Aead = profile.Aead };
        options.Recipients.Add(Bob(profile.Keys).Certificate);
        if (sign) options.Signing.Signers.Add(Alice(profile.Keys));
        return options;
    }

    /// <summary>Incompressible bytes of the given size, the same every run.</summary>
    public static byte[] RandomBytes(int size)
    {
        var data = new byte[size];
        new Random(20260101).NextBytes(data);
        return data;
    }

    /// <summary>An e-mail from Alice to Bob: a short text body and a binary attachment making it about
    /// <paramref name="size"/> octets before transfer encoding.</summary>
    public static MimeMessage Email(int size)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Alice", "alice@example.org"));
        message.To.Add(new MailboxAddress("Bob", "bob@example.org"));
        message.Subject = "Quarterly figures";
        var text = string.Concat(Enumerable.Repeat("The figures are attached; the totals are on page two.\n", 40));
        var body = new BodyBuilder { TextBody = text };
        body.Attachments.Add("figures.bin", RandomBytes(Math.Max(0, size - text.Length)), new ContentType("application", "octet-stream"));
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>Empties a reusable output buffer, keeping its capacity, so runs measure no regrowth.</summary>
    public static MemoryStream Reset(MemoryStream buffer)
    {
        buffer.Position = 0;
        buffer.SetLength(0);
        return buffer;
    }
}
