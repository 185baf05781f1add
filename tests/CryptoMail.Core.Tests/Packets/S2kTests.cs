using CryptoMail.Core.Tests.Aead;

namespace CryptoMail.Core.Tests.Packets;

/// <summary>The one S2K component: every specifier type parses and re-encodes to the same octets, derivations match
/// known answers, Argon2 decrypts RFC 9580 Appendix A.12, and an Argon2 request above the memory cap is a typed
/// limit error raised before any memory is taken.</summary>
public class S2kTests
{
    private readonly OpenPgp pgp = new();

    [Theory]
    [InlineData("0008")]                                             // simple, SHA-256
    [InlineData("01020102030405060708")]                             // salted, SHA-1
    [InlineData("0308a1a2a3a4a5a6a7a8e0")]                           // iterated and salted, SHA-256, 16 MiB
    [InlineData("04000102030405060708090a0b0c0d0e0f010415")]         // Argon2 t=1 p=4 m=21
    [InlineData("6500474e5501")]                                     // GnuPG gnu-dummy
    [InlineData("6500474e55020412345678")]                           // GnuPG divert-to-card, 4-octet serial
    public void Every_type_round_trips_through_parse_and_encode(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        int pos = 0;
        var s2k = S2kSpec.Parse(bytes, ref pos);
        Assert.Equal(bytes.Length, pos);
        Assert.Equal(hex, Convert.ToHexStringLower(s2k.Encode()));
        Assert.Equal(bytes[0] != 101, s2k.HasSecret);
    }

    [Theory]
    [InlineData("")]
    [InlineData("03")]
    [InlineData("0308a1a2a3a4a5a6a7a8")]           // count octet missing
    [InlineData("04000102030405060708090a0b0c0d0e0f0104")]
    [InlineData("04000102030405060708090a0b0c0d0e0f000415")] // t = 0
    [InlineData("04000102030405060708090a0b0c0d0e0f010402")] // m below 3 + log2(p)
    public void Truncated_or_impossible_specifiers_are_malformed(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        int pos = 0;
        Assert.Throws<MalformedDataException>(() => S2kSpec.Parse(bytes, ref pos));
    }

    [Fact]
    public void Unknown_types_are_unsupported_not_malformed()
    {
        int pos = 0;
        Assert.Throws<UnsupportedPacketException>(() => S2kSpec.Parse(Convert.FromHexString("0208"), ref pos));
        pos = 0;
        Assert.Throws<UnsupportedPacketException>(() => S2kSpec.Parse(Convert.FromHexString("6500474e5503"), ref pos));
    }

    [Fact]
    public void Hashed_types_match_their_definitions()
    {
        // Simple SHA-256 of "abc"; the second context (for keys longer than the hash) is preloaded with one zero.
        int pos = 0;
        var simple = S2kSpec.Parse(Convert.FromHexString("0008"), ref pos);
        var key = simple.Derive("abc", 40, 0);
        var first = System.Security.Cryptography.SHA256.HashData("abc"u8);
        var second = System.Security.Cryptography.SHA256.HashData([0, .. "abc"u8]);
        Assert.Equal(first, key[..32]);
        Assert.Equal(second[..8], key[32..]);

        // Iterated: salt || passphrase repeated up to the count (here 1024 octets, count octet 0x00).
        pos = 0;
        var iterated = S2kSpec.Parse(Convert.FromHexString("030801020304050607080" + "0"), ref pos);
        Assert.Equal(1024, iterated.Count);
        var unit = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, (byte)'p', (byte)'w' };
        var stream = Enumerable.Range(0, 1024).Select(i => unit[i % unit.Length]).ToArray();
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(stream)[..16], iterated.Derive("pw", 16, 0));
    }

    [Fact]
    public void Gnu_stubs_have_no_secret_to_derive()
    {
        int pos = 0;
        var stub = S2kSpec.Parse(Convert.FromHexString("6500474e5501"), ref pos);
        Assert.Throws<KeyNotUsableException>(() => stub.Derive("x", 16, long.MaxValue));
    }

    [VectorTheory]
    [InlineData("argon2_aes128.msg", SymmetricCipher.Aes128)]
    [InlineData("argon2_aes192.msg", SymmetricCipher.Aes192)]
    [InlineData("argon2_aes256.msg", SymmetricCipher.Aes256)]
    public void Appendix_A12_Argon2_messages_decrypt_with_their_password(string file, SymmetricCipher cipher)
    {
        var output = new MemoryStream();
        var result = pgp.Decrypt(new MemoryStream(SharedVectors.Read(file)), output, new DecryptOptions { Passwords = { "password" } });
        Assert.Equal("Hello, world!", System.Text.Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal(cipher, result.Cipher);
        Assert.True(result.DecryptedWithPassword);
    }

    [VectorTheory]
    [InlineData("argon2_aes256.msg")]
    public void An_Argon2_request_above_the_cap_is_refused_before_allocating(string file)
    {
        // A.12 asks for 2 GiB; with a 1 GiB cap the refusal is immediate: no allocation grows with the request.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<LimitExceededException>(() => pgp.Decrypt(new MemoryStream(SharedVectors.Read(file)), new MemoryStream(),
            new DecryptOptions { Passwords = { "password" }, Limits = new ReadLimits { MaxArgon2MemoryBytes = 1L << 30 } }));
        Assert.Contains("Argon2", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "nothing near the requested memory was allocated");
    }

    [Fact]
    public void Argon2_derivation_is_deterministic_and_depends_on_every_parameter()
    {
        int pos = 0;
        var a = S2kSpec.Parse(Convert.FromHexString("04000102030405060708090a0b0c0d0e0f010108"), ref pos);
        pos = 0;
        var b = S2kSpec.Parse(Convert.FromHexString("04000102030405060708090a0b0c0d0e0f020108"), ref pos);
        Assert.Equal(a.Derive("pw", 32, 1 << 20), a.Derive("pw", 32, 1 << 20));
        Assert.NotEqual(a.Derive("pw", 32, 1 << 20), b.Derive("pw", 32, 1 << 20));
        Assert.NotEqual(a.Derive("pw", 32, 1 << 20), a.Derive("pX", 32, 1 << 20));
    }

    [Fact]
    public void Password_messages_with_seipd_v2_use_argon2_and_v1_keeps_iterated_s2k()
    {
        foreach (var format in new[] { EncryptionFormat.SeipdV1, EncryptionFormat.SeipdV2 })
        {
            var message = new MemoryStream();
            pgp.Encrypt(new MemoryStream("secret"u8.ToArray()), message, new EncryptOptions { Passwords = { "pw" }, EncryptionFormat = format });
            var bytes = message.ToArray();
            // First packet: the SKESK; its S2K type follows the fixed fields of its version.
            int bodyStart = bytes[1] < 192 ? 2 : 3;
            int s2kType = format == EncryptionFormat.SeipdV2 ? bytes[bodyStart + 5] : bytes[bodyStart + 2];
            Assert.Equal(format == EncryptionFormat.SeipdV2 ? 4 : 3, s2kType);
            var output = new MemoryStream();
            pgp.Decrypt(new MemoryStream(bytes), output, new DecryptOptions { Passwords = { "pw" } });
            Assert.Equal("secret"u8.ToArray(), output.ToArray());
        }
    }
}
