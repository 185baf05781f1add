using System.Text;
using CryptoMail.Core.Tests.Aead;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Messages;

/// <summary><see cref="OpenPgp.Inspect"/>: what a message names before it is decrypted (recipients, passwords, the
/// encrypted data packet, signers), read from the header packets only, with typed errors on damaged input.</summary>
public class InspectionTests
{
    private readonly OpenPgp pgp = new();
    private static readonly SecretKey V4 = TestKeys.Get("Curve25519", "bob");
    private static readonly SecretKey V6 = TestKeys.Get("V6Ed25519", "carol");

    private byte[] Encrypt(byte[] plaintext, EncryptOptions options)
    {
        var output = new MemoryStream();
        pgp.Encrypt(new MemoryStream(plaintext), output, options);
        return output.ToArray();
    }

    private byte[] SignInline(SecretKey signer)
    {
        var output = new MemoryStream();
        pgp.SignInline(new MemoryStream("signed text"u8.ToArray()), output, new SignOptions { Signers = { signer } });
        return output.ToArray();
    }

    [Theory]
    [InlineData(EncryptionFormat.SeipdV1, false)]
    [InlineData(EncryptionFormat.SeipdV2, true)]
    public async Task An_encrypted_message_names_its_recipient_keys_and_password_packets(EncryptionFormat format, bool armor)
    {
        var message = Encrypt("hello"u8.ToArray(), new EncryptOptions
        {
            Recipients = { V4.Certificate, V6.Certificate },
            Passwords = { "open sesame" },
            EncryptionFormat = format,
            Armor = armor,
        });

        foreach (var found in new[] { pgp.Inspect(new MemoryStream(message)), await pgp.InspectAsync(new MemoryStream(message)) })
        {
            Assert.Equal(MessageKind.Encrypted, found.Kind);
            Assert.Equal(armor, found.IsArmored);
            Assert.Equal(format == EncryptionFormat.SeipdV1 ? IntegrityProtection.SeipdV1 : IntegrityProtection.SeipdV2, found.EncryptedData);
            Assert.Equal(2, found.Recipients.Count);
            var (bob, carol) = (found.Recipients[0], found.Recipients[1]);
            Assert.Equal(V4.Certificate.Subkeys.Single().KeyId, bob.KeyId);
            Assert.Equal(KeyAlgorithm.Ecdh, bob.Algorithm); // a PKESK does not name the curve of a Cv25519 key
            Assert.Equal(V6.Certificate.Subkeys.Single().KeyId, carol.KeyId);
            Assert.Equal(KeyAlgorithm.X25519, carol.Algorithm);
            Assert.All(found.Recipients, r => Assert.True(r.IsSupported && !r.IsAnonymous));
            var password = Assert.Single(found.Passwords);
            Assert.True(password.IsSupported);
            Assert.Equal(SymmetricCipher.Aes256, password.Cipher);
            Assert.Empty(found.Signers);
            if (format == EncryptionFormat.SeipdV2)
            {
                // RFC 9580: SEIPD v2 goes with v6 session key packets, which carry the recipient's fingerprint.
                Assert.Equal(new[] { 6, 6 }, found.Recipients.Select(r => r.Version));
                Assert.Equal(V4.Certificate.Subkeys.Single().Fingerprint, bob.KeyFingerprint);
                Assert.Equal(V6.Certificate.Subkeys.Single().Fingerprint, carol.KeyFingerprint);
                Assert.Equal((6, AeadMode.Ocb), (password.Version, password.Aead));
                Assert.Equal((SymmetricCipher.Aes256, AeadMode.Ocb), (found.Cipher, found.Aead));
            }
            else
            {
                Assert.Equal(new[] { 3, 3 }, found.Recipients.Select(r => r.Version));
                Assert.All(found.Recipients, r => Assert.Null(r.KeyFingerprint));
                Assert.Equal((4, (AeadMode?)null), (password.Version, password.Aead));
                Assert.Null(found.Cipher); // SEIPD v1 names its cipher inside the encrypted session key
            }
        }
    }

    [VectorFact]
    public void The_rfc9580_vectors_are_described_as_the_rfc_annotates_them()
    {
        var cert = Certificate.Parse(Encoding.ASCII.GetString(SharedVectors.Read("A3_v6_cert.asc")));

        // A.8: a v6 PKESK to the X25519 subkey, v2 SEIPD with AES-128 and OCB.
        var a8 = pgp.Inspect(new MemoryStream(SharedVectors.Read("A8_x25519_ocb.asc")));
        var recipient = Assert.Single(a8.Recipients);
        Assert.Equal((6, KeyAlgorithm.X25519), (recipient.Version, recipient.Algorithm));
        Assert.Equal(cert.Subkeys.Single().Fingerprint, recipient.KeyFingerprint);
        Assert.Equal((IntegrityProtection.SeipdV2, SymmetricCipher.Aes128, AeadMode.Ocb), (a8.EncryptedData, a8.Cipher, a8.Aead));
        Assert.True(a8.IsArmored);

        // A.9 to A.11: a v6 SKESK (iterated and salted S2K) and v2 SEIPD, each AEAD mode.
        foreach (var (name, mode) in new[] { ("aead_eax.msg", AeadMode.Eax), ("aead_ocb.msg", AeadMode.Ocb), ("aead_gcm.msg", AeadMode.Gcm) })
        {
            var found = pgp.Inspect(new MemoryStream(SharedVectors.Read(name)));
            var password = Assert.Single(found.Passwords);
            Assert.Equal((6, SymmetricCipher.Aes128, mode, StringToKey.IteratedSalted), (password.Version, password.Cipher, password.Aead, password.StringToKey));
            Assert.Equal((IntegrityProtection.SeipdV2, mode), (found.EncryptedData, found.Aead));
            Assert.Empty(found.Recipients);
        }

        // A.12: v4 SKESKs with Argon2 and v1 SEIPD.
        foreach (var (name, cipher) in new[] { ("argon2_aes128.msg", SymmetricCipher.Aes128), ("argon2_aes192.msg", SymmetricCipher.Aes192), ("argon2_aes256.msg", SymmetricCipher.Aes256) })
        {
            var found = pgp.Inspect(new MemoryStream(SharedVectors.Read(name)));
            var password = Assert.Single(found.Passwords);
            Assert.Equal((4, cipher, StringToKey.Argon2), (password.Version, password.Cipher, password.StringToKey));
            Assert.Equal(IntegrityProtection.SeipdV1, found.EncryptedData);
        }

        // A.7: an inline-signed message, v6 one-pass signature by the primary key; A.6 is cleartext-signed.
        var a7 = pgp.Inspect(new MemoryStream(SharedVectors.Read("A7_inline_signed.asc")));
        Assert.Equal(MessageKind.SignedOnly, a7.Kind);
        var signer = Assert.Single(a7.Signers);
        Assert.Equal((true, 6, KeyAlgorithm.Ed25519, OpenPgpHashAlgorithm.Sha512), (signer.IsOnePass, signer.Version, signer.Algorithm, signer.Hash));
        Assert.Equal(cert.Fingerprint, signer.KeyFingerprint);
        Assert.Equal(cert.KeyId, signer.KeyId);
        Assert.Equal(MessageKind.CleartextSigned, pgp.Inspect(new MemoryStream(SharedVectors.Read("A6_csf.asc"))).Kind);
    }

    [Fact]
    public void A_signed_message_names_its_signers_and_a_detached_signature_is_recognised()
    {
        var signed = pgp.Inspect(new MemoryStream(SignInline(V4)));
        Assert.Equal(MessageKind.SignedOnly, signed.Kind);
        var signer = Assert.Single(signed.Signers);
        Assert.Equal((true, 3, V4.Certificate.KeyId, KeyAlgorithm.Ed25519), (signer.IsOnePass, signer.Version, signer.KeyId, signer.Algorithm));
        Assert.Equal(SignatureType.Binary, signer.Type);
        Assert.False(signed.IsArmored);

        var detached = new MemoryStream();
        pgp.SignDetached(new MemoryStream("data"u8.ToArray()), detached, new SignOptions { Signers = { V6 }, Armor = true });
        var found = pgp.Inspect(new MemoryStream(detached.ToArray()));
        Assert.Equal(MessageKind.DetachedSignature, found.Kind);
        Assert.True(found.IsArmored);
        var sig = Assert.Single(found.Signers);
        Assert.Equal((false, 6, V6.Certificate.Fingerprint, V6.Certificate.KeyId), (sig.IsOnePass, sig.Version, sig.KeyFingerprint, sig.KeyId));
    }

    [Fact]
    public void Signers_inside_a_compressed_packet_are_found_and_the_compression_reported()
    {
        // Compressed data (zlib) holding a one-pass signed message, written by hand from the library's own signed message.
        var inner = SignInline(V6);
        var deflated = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(deflated, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true)) z.Write(inner);
        byte[] body = [2, .. deflated.ToArray()];
        byte[] packet = [0xC8, 0xFF, (byte)(body.Length >> 24), (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length, .. body];

        var found = pgp.Inspect(new MemoryStream(packet));

        Assert.Equal((MessageKind.SignedOnly, Compression.Zlib), (found.Kind, found.Compression));
        Assert.Equal(V6.Certificate.Fingerprint, Assert.Single(found.Signers).KeyFingerprint);
    }

    /// <summary>Counts what was read from it.</summary>
    private sealed class CountingInput(byte[] data) : MemoryStream(data)
    {
        public long BytesRead { get; private set; }
        public override int Read(byte[] buffer, int offset, int count) { int n = base.Read(buffer, offset, count); BytesRead += n; return n; }
        public override int Read(Span<byte> buffer) { int n = base.Read(buffer); BytesRead += n; return n; }
        public override int ReadByte() { int b = base.ReadByte(); if (b >= 0) BytesRead++; return b; }
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n = await base.ReadAsync(buffer, cancellationToken);
            BytesRead += n;
            return n;
        }
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Only_the_header_packets_are_read_not_the_encrypted_data(bool armor)
    {
        var message = Encrypt(TestData.Random(4 << 20), new EncryptOptions { Recipients = { V4.Certificate }, Armor = armor });
        var sync = new CountingInput(message);
        var async = new CountingInput(message);

        Assert.Equal(MessageKind.Encrypted, pgp.Inspect(sync).Kind);
        Assert.Equal(MessageKind.Encrypted, (await pgp.InspectAsync(async)).Kind);

        // A 4 MiB message: the synchronous form reads one read-ahead block (64 KiB), the asynchronous one a few
        // doubling pieces; neither reads the encrypted data.
        Assert.True(sync.BytesRead <= 128 << 10, $"sync read {sync.BytesRead} of {message.Length}");
        Assert.True(async.BytesRead <= 128 << 10, $"async read {async.BytesRead} of {message.Length}");
    }

    [Fact]
    public void The_instances_limits_bound_the_session_key_packets()
    {
        var message = Encrypt("x"u8.ToArray(), new EncryptOptions { Recipients = { V4.Certificate, V6.Certificate }, Passwords = { "a" } });
        var strict = new OpenPgp(new OpenPgpOptions { Limits = new ReadLimits { MaxRecipients = 2 } });

        Assert.Throws<LimitExceededException>(() => strict.Inspect(new MemoryStream(message)));
        Assert.Equal(3, pgp.Inspect(new MemoryStream(message)).Recipients.Count + pgp.Inspect(new MemoryStream(message)).Passwords.Count);
    }

    [Fact]
    public async Task What_is_not_a_message_is_refused_with_a_typed_error()
    {
        Assert.Throws<MalformedDataException>(() => pgp.Inspect(new MemoryStream()));
        Assert.Throws<MalformedDataException>(() => pgp.Inspect(new MemoryStream(V4.Certificate.Export())));
        Assert.Throws<MalformedDataException>(() => pgp.Inspect(new MemoryStream("hello, world"u8.ToArray())));
        await Assert.ThrowsAsync<MalformedDataException>(() => pgp.InspectAsync(new MemoryStream(Encoding.ASCII.GetBytes(V4.Certificate.ExportArmored()))));
        Assert.Throws<ArgumentNullException>(() => pgp.Inspect(null!));
    }

    /// <summary>Inspects <paramref name="input"/> both ways; true when accepted, false when refused with a documented
    /// error; anything else (a runtime exception, the internal-error kind) fails the test.</summary>
    private async Task<bool> Refusable(byte[] input)
    {
        bool? sync = null;
        try { pgp.Inspect(new MemoryStream(input)); sync = true; }
        catch (CryptoMailException e) when (e is not CryptoMailInternalException) { sync = false; }
        bool? async = null;
        try { await pgp.InspectAsync(new MemoryStream(input)); async = true; }
        catch (CryptoMailException e) when (e is not CryptoMailInternalException) { async = false; }
        Assert.Equal(sync, async); // one implementation: both forms decide alike
        return sync.Value;
    }

    [Fact]
    public async Task Every_truncation_of_each_kind_of_message_gives_a_result_or_a_typed_error()
    {
        var messages = new[]
        {
            Encrypt("x"u8.ToArray(), new EncryptOptions { Recipients = { V4.Certificate, V6.Certificate }, Passwords = { "pw" }, EncryptionFormat = EncryptionFormat.SeipdV2 }),
            Encrypt("x"u8.ToArray(), new EncryptOptions { Recipients = { V4.Certificate }, Passwords = { "pw" }, EncryptionFormat = EncryptionFormat.SeipdV1, Armor = true }),
            SignInline(V4),
            SignInline(V6),
        };
        foreach (var message in messages)
        {
            Assert.True(await Refusable(message));
            int refused = 0;
            for (int length = 0; length < message.Length; length++)
            {
                if (!await Refusable(message[..length])) refused++;
            }
            Assert.True(refused > 0);
        }
    }

    [Fact]
    public async Task Garbage_and_flipped_octets_give_a_result_or_a_typed_error()
    {
        var random = new Random(14);
        var message = Encrypt("x"u8.ToArray(), new EncryptOptions { Recipients = { V4.Certificate, V6.Certificate }, Passwords = { "pw" }, EncryptionFormat = EncryptionFormat.SeipdV2 });
        int refused = 0;
        for (int i = 0; i < 300; i++)
        {
            var bytes = new byte[random.Next(1, 300)];
            random.NextBytes(bytes);
            if (!await Refusable(bytes)) refused++;
            var flipped = (byte[])message.Clone();
            flipped[random.Next(Math.Min(flipped.Length, 400))] ^= (byte)random.Next(1, 256);
            await Refusable(flipped);
        }
        Assert.True(refused > 250, $"only {refused} of 300 random inputs were refused");
    }
}
