using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>MimeKit's own PGP/MIME code paths (MultipartSigned, MultipartEncrypted) run on CryptoMail through the
/// context from <see cref="CryptoMailContext"/>, and the paths MimeKit does not let a context replace are refused.</summary>
[Collection(MimeKitRegistry.Name)]
public class MimeKitContextTests
{
    internal static readonly MailboxAddress AliceAddress = new("Alice", "alice@example.org");
    internal static readonly MailboxAddress BobAddress = new("Bob", "bob@example.org");

    /// <summary>Options over the in-memory stores: these secret keys, and the certificates of the same keys plus
    /// <paramref name="others"/> (a key ring holds your own certificate too).</summary>
    internal static CryptoMailContextOptions StoreOptions(SecretKey[] secretKeys, Certificate[]? others = null, EncryptionFormat format = EncryptionFormat.Auto) =>
        new(new InMemoryCertificateStore(secretKeys.Select(k => k.Certificate).Concat(others ?? [])), new InMemorySecretKeyStore(secretKeys))
        {
            EncryptionFormat = format,
        };

    /// <summary>Alice's side: her secret key, Bob's certificate.</summary>
    private static OpenPgpContext AliceContext(EncryptionFormat format = EncryptionFormat.Auto) =>
        CryptoMailContext.Create(StoreOptions([Alice], [Bob.Certificate], format));

    /// <summary>Bob's side: his secret key, Alice's certificate.</summary>
    private static OpenPgpContext BobContext() => CryptoMailContext.Create(StoreOptions([Bob], [Alice.Certificate]));

    private static TextPart Body(string text = "Pay Bob $100 on Friday.\n") => new("plain") { Text = text };

    /// <summary>Writes an entity as it travels (CRLF) and parses it back, so the receiver works on wire bytes.</summary>
    internal static T Wire<T>(MimeEntity entity) where T : MimeEntity =>
        Assert.IsType<T>(MimeEntity.Load(new MemoryStream(WireBytes(entity))));

    private static byte[] WireBytes(MimeEntity entity)
    {
        using var memory = new MemoryStream();
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        entity.WriteTo(format, memory);
        return memory.ToArray();
    }

    [Fact]
    public void MultipartSigned_Create_then_Verify_gives_our_good_verdict()
    {
        using var alice = AliceContext();
        var signed = MultipartSigned.Create(alice, AliceAddress, DigestAlgorithm.Sha256, Body());
        Assert.Equal("pgp-sha256", signed.ContentType.Parameters["micalg"]);

        using var bob = BobContext();
        var signature = Assert.Single(Wire<MultipartSigned>(signed).Verify(bob));

        var ours = Assert.IsType<CryptoMailDigitalSignature>(signature);
        Assert.Equal(SignatureStatus.Good, ours.Verification.Status);
        Assert.True(signature.Verify());
        Assert.Equal(Alice.Fingerprint, signature.SignerCertificate!.Fingerprint);
        Assert.Equal("alice@example.org", signature.SignerCertificate.Email);
        Assert.Equal(DigestAlgorithm.Sha256, signature.DigestAlgorithm);
    }

    [Fact]
    public async Task The_asynchronous_MimeKit_paths_run_on_the_context_too()
    {
        using var alice = AliceContext();
        var signed = await MultipartSigned.CreateAsync(alice, AliceAddress, DigestAlgorithm.Sha384, Body());
        var encrypted = await MultipartEncrypted.EncryptAsync(alice, new[] { BobAddress }, Body());

        using var bob = BobContext();
        var signature = Assert.Single(await Wire<MultipartSigned>(signed).VerifyAsync(bob));
        var decrypted = await bob.DecryptAsync(new MemoryStream(Decoded((MimePart)Wire<MultipartEncrypted>(encrypted)[1])));

        Assert.True(signature.Verify());
        Assert.Equal(DigestAlgorithm.Sha384, signature.DigestAlgorithm);
        Assert.Equal("Pay Bob $100 on Friday.\n", Assert.IsType<TextPart>(decrypted).Text.ReplaceLineEndings("\n"));
    }

    private static byte[] Decoded(MimePart part)
    {
        using var memory = new MemoryStream();
        part.Content!.DecodeTo(memory);
        return memory.ToArray();
    }

    [Fact]
    public void MultipartSigned_Verify_reports_a_changed_body_as_bad()
    {
        using var alice = AliceContext();
        var wire = Encoding.ASCII.GetString(WireBytes(MultipartSigned.Create(alice, AliceAddress, DigestAlgorithm.Sha256, Body())));
        Assert.Contains("$100", wire, StringComparison.Ordinal);
        var tampered = Wire<MultipartSigned>(MimeEntity.Load(new MemoryStream(Encoding.ASCII.GetBytes(wire.Replace("$100", "$900", StringComparison.Ordinal)))));

        using var bob = BobContext();
        var signature = Assert.Single(tampered.Verify(bob));

        Assert.Equal(SignatureStatus.Bad, ((CryptoMailDigitalSignature)signature).Verification.Status);
        Assert.False(signature.Verify());
    }

    [Fact]
    public void MultipartSigned_Verify_with_an_unknown_signer_throws_as_MimeKit_does()
    {
        using var alice = AliceContext();
        var signed = MultipartSigned.Create(alice, AliceAddress, DigestAlgorithm.Sha256, Body());
        using var stranger = CryptoMailContext.Create(StoreOptions([Bob]));

        var signature = Assert.Single(Wire<MultipartSigned>(signed).Verify(stranger));

        Assert.Equal(SignatureStatus.UnknownKey, ((CryptoMailDigitalSignature)signature).Verification.Status);
        Assert.Null(signature.SignerCertificate);
        Assert.Throws<DigitalSignatureVerifyException>(() => signature.Verify());
    }

    [Fact]
    public void Weak_digests_are_refused_for_new_signatures()
    {
        using var alice = AliceContext();
        Assert.Throws<NotSupportedException>(() => MultipartSigned.Create(alice, AliceAddress, DigestAlgorithm.Sha1, Body()));
    }

    [Fact]
    public void Signing_for_an_address_without_a_secret_key_is_MimeKits_PrivateKeyNotFoundException()
    {
        using var bob = BobContext();
        Assert.Throws<PrivateKeyNotFoundException>(() => MultipartSigned.Create(bob, AliceAddress, DigestAlgorithm.Sha256, Body()));
    }

    [Fact]
    public async Task MultipartEncrypted_Encrypt_round_trips_through_the_context()
    {
        using var alice = AliceContext();
        var encrypted = MultipartEncrypted.Encrypt(alice, new[] { BobAddress }, Body());
        Assert.Equal("application/pgp-encrypted", encrypted.ContentType.Parameters["protocol"]);

        using var bob = BobContext();
        var received = Wire<MultipartEncrypted>(encrypted);
        var entity = CryptoMailContext.Decrypt(received, bob, out var signatures);
        var asynchronous = await CryptoMailContext.DecryptAsync(received, bob);

        Assert.Equal("Pay Bob $100 on Friday.\n", Assert.IsType<TextPart>(entity).Text.ReplaceLineEndings("\n"));
        Assert.Empty(signatures);
        Assert.Equal("Pay Bob $100 on Friday.\n", Assert.IsType<TextPart>(asynchronous.Entity).Text.ReplaceLineEndings("\n"));
        Assert.True(asynchronous.Result.IntegrityProtected);
        Assert.Equal(SymmetricCipher.Aes256, asynchronous.Result.Cipher);
    }

    [Fact]
    public async Task SignAndEncrypt_then_Decrypt_returns_the_entity_and_Alices_good_signature()
    {
        using var alice = AliceContext();
        var encrypted = await CryptoMailContext.SignAndEncryptAsync(alice, AliceAddress, DigestAlgorithm.Sha256, new[] { BobAddress }, Body());

        using var bob = BobContext();
        var entity = CryptoMailContext.Decrypt(Wire<MultipartEncrypted>(encrypted), bob, out var signatures);

        Assert.Equal("Pay Bob $100 on Friday.\n", Assert.IsType<TextPart>(entity).Text.ReplaceLineEndings("\n"));
        var signature = Assert.Single(signatures);
        Assert.True(signature.Verify());
        Assert.Equal(Alice.Fingerprint, signature.SignerCertificate!.Fingerprint);
        // Encrypted to the sender too, so Alice can read her sent copy.
        Assert.IsType<TextPart>(CryptoMailContext.Decrypt(Wire<MultipartEncrypted>(encrypted), alice, out _));
    }

    [Fact]
    public void The_registered_context_serves_MimeKits_context_free_overloads()
    {
        CryptoMailContext.Register(StoreOptions([Alice, Bob]));

        var encrypted = MultipartEncrypted.Encrypt(new[] { BobAddress }, Body());
        using var signing = CryptographyContext.Create("application/pgp-signature");
        var signed = MultipartSigned.Create(signing, AliceAddress, DigestAlgorithm.Sha512, Body());
        using var reading = (OpenPgpContext)CryptographyContext.Create("application/pgp-encrypted");

        Assert.IsType<TextPart>(CryptoMailContext.Decrypt(Wire<MultipartEncrypted>(encrypted), reading, out _));
        Assert.True(Assert.Single(Wire<MultipartSigned>(signed).Verify(signing)).Verify());
        Assert.Equal("pgp-sha512", signed.ContentType.Parameters["micalg"]);
    }

    [Fact]
    public void The_context_Decrypt_of_a_stream_runs_on_our_engine()
    {
        using var alice = AliceContext();
        var encrypted = MultipartEncrypted.Encrypt(alice, new[] { BobAddress }, Body());
        using var ciphertext = new MemoryStream(Decoded((MimePart)encrypted[1]));

        using var bob = BobContext();
        Assert.IsType<TextPart>(bob.Decrypt(ciphertext));
    }

    [Theory]
    [InlineData(EncryptionFormat.SeipdV1)]
    [InlineData(EncryptionFormat.SeipdV2)]
    public void MimeKits_own_SignAndEncrypt_and_Decrypt_paths_are_refused_before_any_crypto(EncryptionFormat format)
    {
        using var alice = AliceContext(format);
        Assert.Throws<NotSupportedException>(() => MultipartEncrypted.SignAndEncrypt(alice, AliceAddress, DigestAlgorithm.Sha256, new[] { BobAddress }, Body()));
        Assert.Throws<NotSupportedException>(() => MultipartEncrypted.Encrypt(alice, EncryptionAlgorithm.Aes256, new[] { BobAddress }, Body()));

        var encrypted = Wire<MultipartEncrypted>(MultipartEncrypted.Encrypt(alice, new[] { BobAddress }, Body()));
        using var bob = BobContext();
        Assert.Throws<NotSupportedException>(() => encrypted.Decrypt(bob));
        Assert.IsType<TextPart>(CryptoMailContext.Decrypt(encrypted, bob, out _));
    }

    [Fact]
    public void MimeKits_own_DecryptTo_is_refused_at_the_key_hook()
    {
        using var alice = AliceContext(EncryptionFormat.SeipdV1);
        var encrypted = MultipartEncrypted.Encrypt(alice, new[] { BobAddress }, Body());
        using var ciphertext = new MemoryStream(Decoded((MimePart)encrypted[1]));
        using var output = new MemoryStream();

        using var bob = BobContext();
        var refused = Assert.Throws<NotSupportedException>(() => bob.DecryptTo(ciphertext, output));

        Assert.Contains("CryptoMailContext.Decrypt", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public void A_ciphertext_edited_from_100_to_900_dollars_is_an_integrity_error()
    {
        // SEIPD v1 (CFB), the format MimeKit and GnuPG write: flipping one ciphertext bit flips the same plaintext bit,
        // so "$100" becomes "$900" and only the integrity check notices. MimeKit's own context accepts this edit.
        using var alice = AliceContext(EncryptionFormat.SeipdV1);
        MultipartEncrypted encrypted;
        byte[]? edited;
        int shift = 0;
        do
        {
            encrypted = MultipartEncrypted.Encrypt(alice, new[] { BobAddress }, Body(new string('-', shift++) + "\nPay Bob $100 on Friday.\n"));
            edited = MimeKitTamper.EditPlaintext(Dearmor((MimePart)encrypted[1]), Bob, "$100", "$900");
        }
        while (edited is null && shift < 16);
        Assert.NotNull(edited);
        ((MimePart)encrypted[1]).Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes(ArmorWriter.ToArmoredString(edited, ArmorKind.Message))));

        using var bob = BobContext();
        var received = Wire<MultipartEncrypted>(encrypted);
        Assert.Throws<IntegrityException>(() => CryptoMailContext.Decrypt(received, bob, out _));
        using var stream = new MemoryStream(edited);
        Assert.Throws<IntegrityException>(() => bob.Decrypt(stream));
    }

    [Fact]
    public void Decrypt_rejects_a_context_that_is_not_ours_and_a_message_for_someone_else()
    {
        using var alice = AliceContext();
        var encrypted = Wire<MultipartEncrypted>(MultipartEncrypted.Encrypt(alice, new[] { BobAddress }, Body()));
        using var mallory = CryptoMailContext.Create(StoreOptions([Mallory]));

        Assert.Throws<NoDecryptionKeyException>(() => CryptoMailContext.Decrypt(encrypted, mallory, out _));
        Assert.Throws<ArgumentNullException>("ctx", () => CryptoMailContext.Decrypt(encrypted, null!, out _));
    }

    [Fact]
    public void CanSign_CanEncrypt_and_Export_answer_from_the_key_lookup()
    {
        using var alice = AliceContext();
        Assert.True(alice.CanSign(AliceAddress));
        Assert.False(alice.CanSign(BobAddress));
        Assert.True(alice.CanEncrypt(BobAddress));
        Assert.False(alice.CanEncrypt(new MailboxAddress("Mallory", "mallory@example.net")));

        var exported = alice.Export(new[] { BobAddress });
        using var keys = new MemoryStream();
        exported.Content!.DecodeTo(keys);
        Assert.Equal(Bob.Fingerprint, Certificate.Parse(Encoding.ASCII.GetString(keys.ToArray())).Fingerprint);
    }

    internal static byte[] Dearmor(MimePart part)
    {
        using var armored = new MemoryStream(Decoded(part));
        using var input = new Org.BouncyCastle.Bcpg.ArmoredInputStream(armored);
        using var binary = new MemoryStream();
        input.CopyTo(binary);
        return binary.ToArray();
    }
}

/// <summary>Tests that register a context with MimeKit (process-wide state) run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class MimeKitRegistry
{
    public const string Name = "MimeKit's CryptographyContext registry";
}

/// <summary>The malleability attack on CFB that an integrity check must catch: an edit of the ciphertext that turns
/// one plaintext into another, as a reader that skips the check (MimeKit's own context) would show it.</summary>
internal static class MimeKitTamper
{
    /// <summary>Returns a copy of <paramref name="message"/> (PKESKs then one SEIPD v1 packet, definite lengths) in
    /// which <paramref name="from"/> decrypts as <paramref name="to"/> (same length, one byte apart).</summary>
    /// <returns>The edited message, or null when the text straddles a cipher block boundary (shift it and retry).</returns>
    public static byte[]? EditPlaintext(byte[] message, SecretKey key, string from, string to)
    {
        int diff = Enumerable.Range(0, from.Length).Single(i => from[i] != to[i]);
        var session = new OpenPgp().Decrypt(new MemoryStream(message), Stream.Null, new DecryptOptions { Keys = { key }, ExportSessionKey = true }).SessionKey!;
        var (bodyStart, bodyLength) = SeipdBody(message);
        Assert.Equal(1, message[bodyStart]);   // SEIPD version 1: CFB without resynchronisation, then the MDC

        int at = IndexOf(DecryptCfb(session, message.AsSpan(bodyStart + 1, bodyLength - 1)), from);
        Assert.True(at >= 0, $"'{from}' is not in the plaintext");
        // A flipped ciphertext bit flips the same plaintext bit and garbles the next 16-byte block: the rest of the
        // text after the edited byte must lie in the same block.
        if ((at + diff) / 16 != (at + from.Length - 1) / 16) return null;
        var edited = (byte[])message.Clone();
        edited[bodyStart + 1 + at + diff] ^= (byte)(from[diff] ^ to[diff]);

        // Without the integrity check the edit is invisible: the plaintext now says "to".
        Assert.True(IndexOf(DecryptCfb(session, edited.AsSpan(bodyStart + 1, bodyLength - 1)), to) >= 0);
        return edited;
    }

    private static byte[] DecryptCfb(SessionKey session, ReadOnlySpan<byte> ciphertext)
    {
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = session.Key.ToArray();
        var padded = new byte[(ciphertext.Length + 15) / 16 * 16];
        ciphertext.CopyTo(padded);
        return aes.DecryptCfb(padded, new byte[16], System.Security.Cryptography.PaddingMode.None, 128);
    }

    private static int IndexOf(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(needle));

    /// <summary>Where the body of the SEIPD packet (tag 18) is, walking new-format packet headers.</summary>
    private static (int Start, int Length) SeipdBody(byte[] message)
    {
        int p = 0;
        while (p < message.Length)
        {
            Assert.True((message[p] & 0xC0) == 0xC0, "expected a new-format packet header");
            int tag = message[p] & 0x3F;
            int first = message[p + 1];
            var (length, header) = first switch
            {
                < 192 => (first, 2),
                < 224 => (((first - 192) << 8) + message[p + 2] + 192, 3),
                255 => ((message[p + 2] << 24) | (message[p + 3] << 16) | (message[p + 4] << 8) | message[p + 5], 6),
                _ => throw new InvalidOperationException("partial body lengths are not handled by this test helper"),
            };
            if (tag == 18) return (p + header, length);
            p += header + length;
        }
        throw new InvalidOperationException("no SEIPD packet");
    }
}
