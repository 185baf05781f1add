using System.Text;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Messages;

/// <summary>A modified, truncated or unprotected ciphertext must give a typed error and no plaintext.</summary>
public class TamperingTests
{
    private readonly OpenPgp pgp = new();
    private static readonly SecretKey Bob = TestKeys.Get("Curve25519", "bob");

    private byte[] Encrypt(byte[] plaintext, Compression compression = Compression.None, EncryptionFormat format = EncryptionFormat.SeipdV1)
    {
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream(plaintext), ct, new EncryptOptions { Recipients = { Bob.Certificate }, Compression = compression, EncryptionFormat = format });
        return ct.ToArray();
    }

    [Theory]
    [InlineData(EncryptionFormat.SeipdV1)]
    [InlineData(EncryptionFormat.SeipdV2)]
    public void Flipping_any_single_byte_gives_a_typed_error_and_no_plaintext(EncryptionFormat format)
    {
        var plaintext = TestData.Random(5000);
        var ct = Encrypt(plaintext, format: format);
        // Every position of a short message, so every structural part is hit: PKESK, SEIPD header, body, MDC.
        for (int i = 0; i < ct.Length; i++)
        {
            var copy = (byte[])ct.Clone();
            copy[i] ^= 0x20;
            var output = new MemoryStream();
            var e = Record.Exception(() => pgp.Decrypt(new MemoryStream(copy), output, new DecryptOptions { Keys = { Bob } }));
            if (e is null)
            {
                // A few header bits do not take part in decryption (e.g. a PKESK version we still read):
                // then the result must be exactly the original, never something else reported as valid.
                Assert.True(plaintext.AsSpan().SequenceEqual(output.ToArray()), $"byte {i}: modified plaintext reported as valid");
                continue;
            }
            Assert.True(e is CryptoMailException, $"byte {i}: {e.GetType().Name}: {e.Message}");
            Assert.True(output.Length == 0, $"byte {i}: {output.Length} bytes released");
        }
    }

    [Fact]
    public void Tampering_near_the_end_of_a_large_message_releases_nothing_even_after_spooling()
    {
        var plaintext = TestData.Random(3 << 20);
        var ct = Encrypt(plaintext);
        ct[^30] ^= 0x01;
        var output = new MemoryStream();
        Assert.Throws<IntegrityException>(() => pgp.Decrypt(new MemoryStream(ct), output,
            new DecryptOptions { Keys = { Bob }, HoldBackMemoryBytes = 1 << 20 }));
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public void Large_message_beyond_the_memory_threshold_decrypts_through_the_encrypted_spool()
    {
        var plaintext = TestData.Random(3 << 20);
        var output = new MemoryStream();
        pgp.Decrypt(new MemoryStream(Encrypt(plaintext)), output, new DecryptOptions { Keys = { Bob }, HoldBackMemoryBytes = 1 << 20 });
        Assert.Equal(plaintext, output.ToArray());
    }

    [Fact]
    public void Truncated_ciphertext_is_a_typed_error()
    {
        var ct = Encrypt(TestData.Random(100_000));
        foreach (int keep in new[] { 1, 10, 100, ct.Length / 2, ct.Length - 1 })
        {
            var output = new MemoryStream();
            Assert.ThrowsAny<CryptoMailException>(() => pgp.Decrypt(new MemoryStream(ct[..keep]), output, new DecryptOptions { Keys = { Bob } }));
            Assert.Equal(0, output.Length);
        }
    }

    [Fact]
    public void Unprotected_sed_data_is_refused()
    {
        // Build a SED (tag 9, no MDC) message with BouncyCastle directly: our writer never produces one.
        var gen = new Org.BouncyCastle.Bcpg.OpenPgp.PgpEncryptedDataGenerator(Org.BouncyCastle.Bcpg.SymmetricKeyAlgorithmTag.Aes256, withIntegrityPacket: false);
        gen.AddMethodUtf8("pw".ToCharArray(), Org.BouncyCastle.Bcpg.HashAlgorithmTag.Sha256);
        var ct = new MemoryStream();
        using (var enc = gen.Open(ct, new byte[4096]))
        {
            var lit = new Org.BouncyCastle.Bcpg.OpenPgp.PgpLiteralDataGenerator();
            using var l = lit.Open(enc, 'b', "", DateTime.UtcNow, new byte[4096]);
            l.Write("secret"u8);
        }
        var output = new MemoryStream();
        var e = Assert.Throws<IntegrityException>(() => pgp.Decrypt(new MemoryStream(ct.ToArray()), output, new DecryptOptions { Passwords = { "pw" } }));
        Assert.Contains("integrity", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public void Wrong_key_is_a_no_key_error_naming_the_recipients()
    {
        var ct = Encrypt("hello"u8.ToArray());
        var alice = TestKeys.Get("Curve25519", "alice");
        var e = Assert.Throws<NoDecryptionKeyException>(() => pgp.Decrypt(new MemoryStream(ct), new MemoryStream(), new DecryptOptions { Keys = { alice } }));
        Assert.Contains(Bob.Certificate.Subkeys[0].KeyId, e.RecipientKeyIds);
        Assert.Throws<NoDecryptionKeyException>(() => pgp.Decrypt(new MemoryStream(ct), new MemoryStream(), new DecryptOptions { Passwords = { "nope" } }));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello world, not OpenPGP at all")]
    [InlineData("-----BEGIN PGP MESSAGE-----\n\n!!!! not base64 !!!!\n-----END PGP MESSAGE-----\n")]
    [InlineData("-----BEGIN PGP MESSAGE-----\n\nhQEMA1234567890=\n=AAAA\n-----END PGP MESSAGE-----\n")]
    public void Garbage_input_is_a_malformed_data_error(string input)
    {
        var e = Assert.ThrowsAny<CryptoMailException>(() => pgp.Decrypt(new MemoryStream(Encoding.ASCII.GetBytes(input)), new MemoryStream(), new DecryptOptions { Keys = { Bob } }));
        Assert.IsType<MalformedDataException>(e);
    }

    [Fact]
    public void Random_binary_input_never_escapes_as_a_foreign_exception()
    {
        var rng = new Random(7);
        for (int i = 0; i < 300; i++)
        {
            var data = new byte[rng.Next(1, 400)];
            rng.NextBytes(data);
            var e = Record.Exception(() => pgp.Decrypt(new MemoryStream(data), new MemoryStream(), new DecryptOptions { Keys = { Bob } }));
            Assert.True(e is CryptoMailException, $"{e?.GetType()}: {e?.Message}");
            var v = Record.Exception(() => pgp.VerifyInline(new MemoryStream(data), new MemoryStream(), new VerifyOptions()));
            Assert.True(v is CryptoMailException, $"{v?.GetType()}: {v?.Message}");
            var k = Record.Exception(() => Certificate.ParseAll(data));
            Assert.True(k is CryptoMailException, $"{k?.GetType()}: {k?.Message}");
        }
    }

    [Fact]
    public void Caller_stream_errors_pass_through_unchanged()
    {
        var failing = new FailingStream();
        Assert.Throws<TimeoutException>(() => pgp.Encrypt(failing, new MemoryStream(), new EncryptOptions { Recipients = { Bob.Certificate } }));
    }

    private sealed class FailingStream : MemoryStream
    {
        public override int Read(byte[] buffer, int offset, int count) => throw new TimeoutException("network");
        public override int Read(Span<byte> buffer) => throw new TimeoutException("network");
    }
}
