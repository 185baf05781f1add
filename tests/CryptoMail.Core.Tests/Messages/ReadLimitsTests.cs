using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Messages;

/// <summary>Each <see cref="ReadLimits"/> knob is honoured when decrypting and gives a typed
/// <see cref="LimitExceededException"/>. (SEIPD v2 releases authenticated chunks as they come, so a limit hit
/// mid-stream leaves a prefix behind, and the exception says the output is incomplete.)</summary>
public class ReadLimitsTests
{
    private readonly OpenPgp pgp = new();
    private static readonly SecretKey Bob = TestKeys.Get("Curve25519", "bob");

    [Fact]
    public void Compression_ratio_limit()
    {
        var message = Encrypt(new byte[4 << 20], Compression.Zlib);
        AssertLimit(message, new ReadLimits { MaxCompressionRatio = 10 }, "expands");
        Assert.Equal(new byte[4 << 20], Decrypt(message, ReadLimits.Default));
    }

    [Fact]
    public void Decompressed_size_limit()
    {
        var message = Encrypt(TestData.Random(3 << 20), Compression.Zip);
        AssertLimit(message, new ReadLimits { MaxDecompressedBytes = 1 << 20 }, "expands");
    }

    [Fact]
    public void Nesting_depth_limit()
    {
        // Compressed, then one-pass signed literal data: two layers under the encryption.
        var message = Encrypt(TestData.Random(1000), Compression.Zlib, signed: true);
        AssertLimit(message, new ReadLimits { MaxNestingDepth = 0 }, "nests");
        Assert.Equal(TestData.Random(1000), Decrypt(message, ReadLimits.Default));
    }

    [Fact]
    public void Recipient_count_limit()
    {
        var output = new MemoryStream();
        var options = new EncryptOptions { Recipients = { Bob.Certificate }, EncryptionFormat = EncryptionFormat.SeipdV1 };
        foreach (var pw in new[] { "a", "b", "c" }) options.Passwords.Add(pw);
        pgp.Encrypt(new MemoryStream(TestData.Random(100)), output, options);
        AssertLimit(output.ToArray(), new ReadLimits { MaxRecipients = 3 }, "recipients");
        Assert.Equal(TestData.Random(100), Decrypt(output.ToArray(), new ReadLimits { MaxRecipients = 4 }));
    }

    [Fact]
    public void Argon2_memory_limit_on_our_own_v2_password_messages()
    {
        // We write Argon2 with 64 MiB (RFC 9106's second recommended option); a 32 MiB cap refuses it.
        var output = new MemoryStream();
        pgp.Encrypt(new MemoryStream(TestData.Random(100)), output, new EncryptOptions { Passwords = { "pw" }, EncryptionFormat = EncryptionFormat.SeipdV2 });
        var sink = new MemoryStream();
        var e = Assert.Throws<LimitExceededException>(() => pgp.Decrypt(new MemoryStream(output.ToArray()), sink,
            new DecryptOptions { Passwords = { "pw" }, Limits = new ReadLimits { MaxArgon2MemoryBytes = 32 << 20 } }));
        Assert.Contains("MaxArgon2MemoryBytes", e.Message);
        Assert.Equal(0, sink.Length);
        sink = new MemoryStream();
        pgp.Decrypt(new MemoryStream(output.ToArray()), sink, new DecryptOptions { Passwords = { "pw" }, Limits = new ReadLimits { MaxArgon2MemoryBytes = 64 << 20 } });
        Assert.Equal(TestData.Random(100), sink.ToArray());
    }

    private byte[] Encrypt(byte[] plaintext, Compression compression, bool signed = false)
    {
        var options = new EncryptOptions { Recipients = { Bob.Certificate }, Compression = compression };
        if (signed) options.Signing.Signers.Add(TestKeys.Get("Curve25519", "alice"));
        var output = new MemoryStream();
        pgp.Encrypt(new MemoryStream(plaintext), output, options);
        return output.ToArray();
    }

    private byte[] Decrypt(byte[] message, ReadLimits limits)
    {
        var output = new MemoryStream();
        pgp.Decrypt(new MemoryStream(message), output, new DecryptOptions { Keys = { Bob }, Passwords = { "c" }, Limits = limits });
        return output.ToArray();
    }

    private void AssertLimit(byte[] message, ReadLimits limits, string expected)
    {
        var output = new MemoryStream();
        var e = Assert.Throws<LimitExceededException>(() => pgp.Decrypt(new MemoryStream(message), output,
            new DecryptOptions { Keys = { Bob }, Passwords = { "c" }, Limits = limits }));
        Assert.Contains(expected, e.Message);
        Assert.True(output.Length <= 1 << 20, $"{output.Length} bytes released");
    }
}
