using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Interop;

/// <summary>RNP 0.16 both ways: it writes the LibrePGP OCB Encrypted Data packet (tag 20) with OCB or EAX when given
/// <c>--aead</c>, to our key (PKESK v3) or to a password (SKESK v5), and we decrypt it; a tampered tag-20 message is
/// an integrity error that releases nothing of the bad chunk; and RNP decrypts what we write.</summary>
public sealed class RnpInteropTests : IDisposable
{
    private const int RnpChunk = 256 * 1024; // rnp's chunk size octet 12
    private readonly OpenPgp pgp = new();
    private readonly Lazy<Rnp> rnp = new(() => new Rnp());

    private Rnp Peer => rnp.Value;

    public void Dispose()
    {
        if (rnp.IsValueCreated) rnp.Value.Dispose();
    }

    [RnpTheory]
    [InlineData("ocb", AeadMode.Ocb)]
    [InlineData("eax", AeadMode.Eax)]
    public void We_decrypt_what_rnp_encrypts_with_aead_to_our_key(string mode, AeadMode aead)
    {
        var key = TestKeys.Get("Curve25519");
        Peer.Import(key.Certificate.ExportArmored());
        var plaintext = TestData.Random(3 * RnpChunk + 1234, seed: 20);
        var ciphertext = RnpEncrypt(plaintext, mode, "-e", "-r", key.Fingerprint);
        Assert.Equal(0xD4, TagOctetAfterSessionKeys(ciphertext));

        var output = new MemoryStream();
        var result = pgp.Decrypt(new MemoryStream(ciphertext), output, new DecryptOptions { Keys = { key } });
        Assert.Equal(plaintext, output.ToArray());
        Assert.Equal(IntegrityProtection.OcbEncryptedData, result.IntegrityProtection);
        Assert.Equal(aead, result.Aead);
        Assert.True(result.IntegrityProtected);
        Assert.False(result.DecryptedWithPassword);
        Assert.True(key.Certificate.HasKey(result.DecryptedWith!));
    }

    [RnpTheory]
    [InlineData("ocb")]
    [InlineData("eax")]
    public void We_decrypt_what_rnp_encrypts_with_aead_to_a_password(string mode)
    {
        var plaintext = TestData.Random(RnpChunk + 5, seed: 21);
        var ciphertext = RnpEncrypt(plaintext, mode, "-c", "--password", "rnp pass ü");
        Assert.Equal(0xD4, TagOctetAfterSessionKeys(ciphertext));

        var output = new MemoryStream();
        var result = pgp.Decrypt(new MemoryStream(ciphertext), output, new DecryptOptions { Passwords = { "wrong", "rnp pass ü" }, ExportSessionKey = true });
        Assert.Equal(plaintext, output.ToArray());
        Assert.True(result.DecryptedWithPassword);
        Assert.Equal(SymmetricCipher.Aes256, result.Cipher);
        Assert.Throws<NoDecryptionKeyException>(() => pgp.Decrypt(new MemoryStream(ciphertext), new MemoryStream(), new DecryptOptions { Passwords = { "wrong" } }));

        // The reported session key opens the message alone.
        var again = new MemoryStream();
        pgp.Decrypt(new MemoryStream(ciphertext), again, new DecryptOptions { SessionKeys = { result.SessionKey! } });
        Assert.Equal(plaintext, again.ToArray());
    }

    [RnpTheory]
    [InlineData("ocb")]
    [InlineData("eax")]
    public void A_tampered_tag20_message_releases_nothing_of_the_bad_chunk(string mode)
    {
        var plaintext = TestData.Random(4 * RnpChunk, seed: 22);
        var ciphertext = RnpEncrypt(plaintext, mode, "-c", "--password", "pw");
        // A byte in the middle of the third chunk (index 2) of the encrypted data, well inside the packet.
        int dataStart = ciphertext.Length - (4 * RnpChunk + 5 * 16 + 30);
        int target = ciphertext.Length - 16 * 2 - RnpChunk - RnpChunk / 2;
        Assert.True(target > dataStart);
        ciphertext[target] ^= 0x20;

        var output = new MemoryStream();
        var e = Assert.Throws<IntegrityException>(() => pgp.Decrypt(new MemoryStream(ciphertext), output, new DecryptOptions { Passwords = { "pw" } }));
        // The one error of every failure before authentication (RFC 9580 section 13.4: no oracle), naming nothing.
        Assert.Equal(DecryptionFailure.Text, e.Message);
        Assert.Null(e.InnerException);
        var released = output.ToArray();
        // What came out is an untouched prefix, and it ends before the tampered chunk begins (chunk 1's end, less
        // the literal data header that chunk 0 also carried).
        Assert.True(released.Length <= 2 * RnpChunk, $"{released.Length} octets released");
        Assert.Equal(plaintext.AsSpan(0, released.Length).ToArray(), released);
    }

    [RnpTheory]
    [InlineData(EncryptionFormat.SeipdV1)]
    [InlineData(EncryptionFormat.SeipdV2)]
    public void Rnp_decrypts_what_we_encrypt(EncryptionFormat format)
    {
        var key = TestKeys.Get("Curve25519", "rnpreader");
        Peer.Import(key.ExportArmored());
        var plaintext = TestData.Random(300_000, seed: 23);
        var message = new MemoryStream();
        pgp.Encrypt(new MemoryStream(plaintext), message, new EncryptOptions { Recipients = { key.Certificate }, EncryptionFormat = format });
        var input = Peer.WriteFile($"ours-{format}.pgp", message.ToArray());
        var output = Peer.OutputPath($"ours-{format}.out");
        var run = Peer.Run("-d", "--password", "", "--output", output, input);
        if (format == EncryptionFormat.SeipdV2)
        {
            // RNP 0.16 predates RFC 9580 and does not read SEIPD v2 (tag 18 version 2): it must refuse, not misread.
            Assert.NotEqual(0, run.ExitCode);
            Assert.False(File.Exists(output) && File.ReadAllBytes(output).Length > 0 && File.ReadAllBytes(output).AsSpan().SequenceEqual(plaintext));
            return;
        }
        run.EnsureSuccess();
        Assert.Equal(plaintext, File.ReadAllBytes(output));
    }

    [RnpFact]
    public void Rnp_decrypts_our_password_messages_with_seipd_v1()
    {
        var plaintext = TestData.Random(70_000, seed: 24);
        var message = new MemoryStream();
        pgp.Encrypt(new MemoryStream(plaintext), message, new EncryptOptions { Passwords = { "our pw" }, EncryptionFormat = EncryptionFormat.SeipdV1 });
        var input = Peer.WriteFile("ours-pw.pgp", message.ToArray());
        var output = Peer.OutputPath("ours-pw.out");
        Peer.Run("-d", "--password", "our pw", "--output", output, input).EnsureSuccess();
        Assert.Equal(plaintext, File.ReadAllBytes(output));
    }

    private byte[] RnpEncrypt(byte[] plaintext, string mode, params string[] how)
    {
        string name = Guid.NewGuid().ToString("N");
        var input = Peer.WriteFile(name + ".bin", plaintext);
        var output = Peer.OutputPath(name + ".pgp");
        // No compression, so chunk positions follow the plaintext.
        Peer.Run([.. how, "--aead=" + mode, "-z", "0", "--output", output, input]).EnsureSuccess();
        return File.ReadAllBytes(output);
    }

    /// <summary>The first octet of the first packet after the session key packets (tags 1 and 3).</summary>
    private static int TagOctetAfterSessionKeys(byte[] message)
    {
        int pos = 0;
        while (true)
        {
            int ctb = message[pos];
            int tag = ctb & 0x3F;
            if (tag is not (1 or 3)) return ctb;
            // Session key packets are short: one- or two-octet new-format lengths.
            int first = message[pos + 1];
            int length = first < 192 ? first : ((first - 192) << 8) + message[pos + 2] + 192;
            pos += (first < 192 ? 2 : 3) + length;
        }
    }
}
