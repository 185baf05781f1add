using System.Text;
using CryptoMail.Core.Tests.Keys;
using CryptoMail.Core.Tests.Support;
using Org.BouncyCastle.Bcpg;
using SignaturePacket = CryptoMail.Core.Packets.SignaturePacket;
using static CryptoMail.Core.Tests.Support.CraftedMessages;

namespace CryptoMail.Core.Tests.Messages;

/// <summary>Issue 13, class 7: every octet inside compressed data counts against the decompression limits, not only
/// literal data (RFC 9580 section 5.6 lets any packet sequence sit inside; section 5.14 padding may be any length).</summary>
public class DecompressionAccountingTests
{
    private readonly OpenPgp pgp = new();
    private static readonly SecretKey Bob = TestKeys.Get("Curve25519", "bob");

    [Fact]
    public void Padding_inside_compressed_data_counts_against_the_size_limit()
    {
        // 3 MiB of padding (RFC 9580 section 5.14) and a one-octet literal, compressed to a few KiB, encrypted to Bob.
        var inner = Packet(21, new byte[3 << 20]).Concat(Literal("x"u8.ToArray())).ToArray();
        var message = EncryptTo(Bob.Certificate, Compressed(inner));
        var e = Assert.Throws<LimitExceededException>(() => pgp.Decrypt(new MemoryStream(message), new MemoryStream(),
            new DecryptOptions { Keys = { Bob }, Limits = new ReadLimits { MaxDecompressedBytes = 1 << 20 } }));
        Assert.Contains("expands", e.Message);
    }

    [Fact]
    public void Padding_inside_compressed_data_counts_against_the_ratio_limit()
    {
        // 8 MiB of zeros compress about 1000:1; a ratio cap of 100 must see them although the literal holds one octet.
        var inner = Packet(21, new byte[8 << 20]).Concat(Literal("x"u8.ToArray())).ToArray();
        var message = Compressed(inner);
        Assert.Throws<LimitExceededException>(() => pgp.Decrypt(new MemoryStream(message), new MemoryStream(),
            new DecryptOptions { AllowUnencrypted = true, Limits = new ReadLimits { MaxCompressionRatio = 100 } }));
        var output = new MemoryStream();
        pgp.Decrypt(new MemoryStream(message), output, new DecryptOptions { AllowUnencrypted = true, Limits = new ReadLimits { MaxCompressionRatio = 5000 } });
        Assert.Equal("x"u8.ToArray(), output.ToArray());
    }

    [Fact]
    public void Marker_packets_and_nested_compression_count_too()
    {
        // RFC 9580 section 5.8 marker packets, each 3 octets of body, inside a compressed packet inside another one.
        var markers = Enumerable.Range(0, 400_000).SelectMany(_ => Packet(10, "PGP"u8)).ToArray();
        var inner = Compressed(markers.Concat(Literal("x"u8.ToArray())).ToArray());
        var message = Compressed(inner);
        Assert.Throws<LimitExceededException>(() => pgp.VerifyInline(new MemoryStream(message), new MemoryStream(),
            new VerifyOptions { Limits = new ReadLimits { MaxDecompressedBytes = 1 << 20 } }));
    }
}

/// <summary>Issue 13, class 8: a cap on the signatures considered per verification, and one hash per (algorithm,
/// text mode, salt) however many signatures share it (RFC 9580 section 5.2.4: each signature's own fields and
/// trailer follow the shared data hash).</summary>
public class SignatureFloodTests
{
    private readonly OpenPgp pgp = new();
    private static readonly SecretKey Alice = TestKeys.Get("Curve25519");
    private static readonly byte[] Data = "the data"u8.ToArray();

    // Distinct signatures (each with its own trailer: a different signature expiration, RFC 9580 section 5.2.3.18).
    private static byte[] Signatures(int count, int type = 0) => Enumerable.Range(0, count)
        .SelectMany(i => Signature(Alice, Data, type, extra: new[] { Subpacket.Seconds(SubpacketType.SignatureExpiration, (uint)(86400 + i)) })).ToArray();

    [Fact]
    public void Detached_signature_flood_is_refused()
    {
        int over = ReadLimits.Default.MaxSignatures + 1;
        Assert.Throws<LimitExceededException>(() => pgp.VerifyDetached(new MemoryStream(Data), new MemoryStream(Signatures(over)),
            new VerifyOptions { Verifiers = { Alice.Certificate } }));
        var ok = pgp.VerifyDetached(new MemoryStream(Data), new MemoryStream(Signatures(3)), new VerifyOptions { Verifiers = { Alice.Certificate } });
        Assert.Equal(3, ok.GoodSignatures.Count());
    }

    [Fact]
    public void Inline_signature_flood_is_refused_at_the_configured_cap()
    {
        // Old-style signed message (RFC 9580 section 10.3: signatures before the literal data).
        var message = Signatures(5).Concat(Literal(Data)).ToArray();
        Assert.Throws<LimitExceededException>(() => pgp.VerifyInline(new MemoryStream(message), new MemoryStream(),
            new VerifyOptions { Verifiers = { Alice.Certificate }, Limits = new ReadLimits { MaxSignatures = 4 } }));
        var ok = pgp.VerifyInline(new MemoryStream(message), new MemoryStream(), new VerifyOptions { Verifiers = { Alice.Certificate } });
        Assert.Equal(5, ok.GoodSignatures.Count());
    }

    [Fact]
    public void Cleartext_signature_flood_is_refused()
    {
        int over = ReadLimits.Default.MaxSignatures + 1;
        var text = Encoding.ASCII.GetBytes("hello");
        var sigs = Enumerable.Range(0, over).SelectMany(_ => Signature(Alice, text, 0x01)).ToArray();
        var message = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nhello\n" + Armor(sigs);
        Assert.Throws<LimitExceededException>(() => pgp.VerifyInline(new MemoryStream(Encoding.ASCII.GetBytes(message)), new MemoryStream(),
            new VerifyOptions { Verifiers = { Alice.Certificate } }));
    }

    [Fact]
    public void Detached_signatures_share_one_hash_per_algorithm_and_mode()
    {
        var sigs = Signatures(10).Concat(Signatures(10, type: 0x01)).ToArray();
        using var count = Hashes.Count();
        var result = pgp.VerifyDetached(new MemoryStream(Data), new MemoryStream(sigs), new VerifyOptions { Verifiers = { Alice.Certificate } });
        Assert.Equal(20, result.GoodSignatures.Count());
        // One SHA-256 state for the binary signatures, one for the text ones (RFC 9580 section 5.2.1: 0x00 and 0x01
        // hash different octets).
        Assert.Equal(2, count.Created);
    }

    [Fact]
    public void One_pass_signatures_share_one_hash()
    {
        var carol = TestKeys.Get("Rsa3072", "carol");
        var signed = new MemoryStream();
        pgp.SignInline(new MemoryStream(Data), signed, new SignOptions { Signers = { Alice, carol } });
        using var count = Hashes.Count();
        var result = pgp.VerifyInline(new MemoryStream(signed.ToArray()), new MemoryStream(),
            new VerifyOptions { Verifiers = { Alice.Certificate, carol.Certificate } });
        Assert.Equal(2, result.GoodSignatures.Count());
        Assert.Equal(1, count.Created);
    }

    [Fact]
    public void A_bad_signature_among_shared_ones_stays_bad()
    {
        var good = Signature(Alice, Data);
        var bad = Signature(Alice, "other data"u8.ToArray());
        var result = pgp.VerifyDetached(new MemoryStream(Data), new MemoryStream(good.Concat(bad).Concat(good).ToArray()),
            new VerifyOptions { Verifiers = { Alice.Certificate } });
        Assert.Equal(new[] { SignatureStatus.Good, SignatureStatus.Bad, SignatureStatus.Good }, result.Signatures.Select(s => s.Status));
    }
}

/// <summary>Issue 13, class 12: intended recipients, the certificate that validly binds the signing key, signatures
/// from the future, and the cleartext signature framework.</summary>
public class SignatureDetailTests
{
    private readonly OpenPgp pgp = new();
    private static readonly SecretKey Alice = TestKeys.Get("Curve25519");
    private static readonly SecretKey Bob = TestKeys.Get("Curve25519", "bob");
    private static readonly SecretKey Carol = TestKeys.Get("Curve25519", "carol");
    private static readonly byte[] Data = "pay 100 to Mallory"u8.ToArray();

    private DecryptionResult Open(byte[] message, SecretKey key)
    {
        var output = new MemoryStream();
        return pgp.Decrypt(new MemoryStream(message), output, new DecryptOptions { Keys = { key }, Verifiers = { Alice.Certificate } });
    }

    [Fact]
    public void Signature_intended_for_someone_else_is_not_good_when_Bob_decrypts()
    {
        // RFC 9580 section 5.2.3.36: Alice signed for Carol; Carol (or anyone) re-encrypts the signed message to Bob.
        var sig = Signature(Alice, Data, extra: new[] { IntendedRecipient(Carol.Fingerprint) });
        var forwarded = EncryptTo(Bob.Certificate, sig.Concat(Literal(Data)).ToArray());
        var verdict = Assert.Single(Open(forwarded, Bob).Signatures);
        Assert.Equal(SignatureStatus.Bad, verdict.Status);
        Assert.Equal(ValidationReason.NotIntendedRecipient, verdict.RejectionReason);

        // Carol, who was intended, sees a good signature.
        var direct = EncryptTo(Carol.Certificate, sig.Concat(Literal(Data)).ToArray());
        Assert.Equal(SignatureStatus.Good, Assert.Single(Open(direct, Carol).Signatures).Status);
    }

    [Fact]
    public void Intended_recipient_matches_the_primary_or_the_decrypting_subkey()
    {
        var bobSub = PolicyChecks.Recipients(new[] { Bob.Certificate }, null, DateTimeOffset.UtcNow)[0].Key;
        foreach (var fpr in new[] { Bob.Fingerprint, Hex.Of(bobSub.Fingerprint) })
        {
            var sig = Signature(Alice, Data, extra: new[] { IntendedRecipient(Carol.Fingerprint), IntendedRecipient(fpr) });
            var message = EncryptTo(Bob.Certificate, sig.Concat(Literal(Data)).ToArray());
            Assert.Equal(SignatureStatus.Good, Assert.Single(Open(message, Bob).Signatures).Status);
        }
    }

    [Fact]
    public void The_certificate_that_validly_binds_the_signing_key_is_used()
    {
        // Mallory's certificate carries Alice's signing subkey, bound without the subkey's back-signature (RFC 9580
        // section 5.2.1, 0x19): it does not bind the key. Alice's own certificate does, and must be the one used.
        var t0 = DateTimeOffset.UtcNow.AddDays(-30);
        var (alicePub, alicePriv) = SigningKey(Alice);
        var mallory = new CertificateCrafter(CertificateCrafter.Ed25519(t0)).UserId("Mallory <mallory@example.org>", t0)
            .Bind(new CraftKey(alicePub, alicePriv), t0, CertificateCrafter.SignFlag, backSignature: false).Build();
        var sig = Signature(Alice, Data);
        var result = pgp.VerifyDetached(new MemoryStream(Data), new MemoryStream(sig),
            new VerifyOptions { Verifiers = { mallory, Alice.Certificate } });
        var verdict = Assert.Single(result.Signatures);
        Assert.Equal(SignatureStatus.Good, verdict.Status);
        Assert.Equal(Alice.Fingerprint, verdict.SignerFingerprint);
    }

    [Fact]
    public void Signature_dated_beyond_the_clock_skew_is_refused()
    {
        // A signature "made" an hour from now: its creation time (RFC 9580 section 5.2.3.11) cannot be true.
        var future = Signature(Alice, Data, created: DateTimeOffset.UtcNow.AddHours(1));
        var verdict = Assert.Single(pgp.VerifyDetached(new MemoryStream(Data), new MemoryStream(future),
            new VerifyOptions { Verifiers = { Alice.Certificate } }).Signatures);
        Assert.Equal(SignatureStatus.Bad, verdict.Status);
        Assert.Equal(ValidationReason.NotYetValid, verdict.RejectionReason);

        // Within the skew (a minute ahead) is a clock difference, not a forgery.
        var soon = Signature(Alice, Data, created: DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.True(pgp.VerifyDetached(new MemoryStream(Data), new MemoryStream(soon), new VerifyOptions { Verifiers = { Alice.Certificate } }).IsVerified);
    }

    private static string ClearSigned(string headers, string body, byte[] signatures) =>
        "-----BEGIN PGP SIGNED MESSAGE-----\n" + headers + "\n" + body + "\n" + Armor(signatures);

    private (VerificationResult Result, string Text) VerifyText(string message)
    {
        var output = new MemoryStream();
        var result = pgp.VerifyInline(new MemoryStream(Encoding.UTF8.GetBytes(message)), output, new VerifyOptions { Verifiers = { Alice.Certificate } });
        return (result, Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public void Cleartext_hash_header_must_name_the_signature_hash()
    {
        // RFC 9580 section 7.1: the Hash header names the digest algorithms of the signatures.
        var sig = Signature(Alice, "hello"u8.ToArray(), 0x01);
        Assert.True(VerifyText(ClearSigned("Hash: SHA256\n", "hello", sig)).Result.IsVerified);
        Assert.True(VerifyText(ClearSigned("Hash: SHA512, SHA256\n", "hello", sig)).Result.IsVerified);
        var (result, _) = VerifyText(ClearSigned("Hash: SHA512\n", "hello", sig));
        Assert.Equal(SignatureStatus.Bad, Assert.Single(result.Signatures).Status);
        // A header other than Hash has no place in the cleartext framework (it could smuggle text).
        Assert.Throws<MalformedDataException>(() => VerifyText(ClearSigned("Hash: SHA256\nComment: hello\n", "hello", sig)));
    }

    [Fact]
    public void Binary_signature_in_the_cleartext_framework_is_refused()
    {
        // RFC 9580 section 7: the cleartext framework carries text signatures (0x01) only; a binary (0x00) signature
        // over the same canonical octets must not verify there.
        var sig = Signature(Alice, "hello\r\nworld"u8.ToArray(), 0x00);
        var (result, _) = VerifyText(ClearSigned("Hash: SHA256\n", "hello\nworld", sig));
        var verdict = Assert.Single(result.Signatures);
        Assert.Equal(SignatureStatus.Bad, verdict.Status);
    }

    [Fact]
    public void Cleartext_returns_exactly_the_signed_text()
    {
        // RFC 9580 section 7.2: trailing spaces and tabs are not signed, so they are not returned either; dash-escaped
        // lines are unescaped; each line ends in LF (as GnuPG writes it).
        var sig = Signature(Alice, "hello\r\n-- dashes\r\nend"u8.ToArray(), 0x01);
        var (result, text) = VerifyText(ClearSigned("Hash: SHA256\n", "hello \t\n- -- dashes\nend  ", sig));
        Assert.True(result.IsVerified);
        Assert.Equal("hello\n-- dashes\nend\n", text);
    }

    [Fact]
    public void Cleartext_with_text_after_the_signature_block_is_refused()
    {
        var sig = Signature(Alice, "hello"u8.ToArray(), 0x01);
        var signed = ClearSigned("Hash: SHA256\n", "hello", sig);
        Assert.Throws<MalformedDataException>(() => VerifyText(signed + "Unsigned: pay Mallory instead\n"));
        Assert.Throws<MalformedDataException>(() => VerifyText(signed + ClearSigned("Hash: SHA256\n", "hello", sig)));
        Assert.True(VerifyText(signed + "\n\n").Result.IsVerified);
    }
}

/// <summary>Issue 13, class 13: what a verdict tells a client about an unknown signer and a since-expired key.</summary>
public class SignatureReportTests
{
    private readonly OpenPgp pgp = new();
    private static readonly SecretKey Alice = TestKeys.Get("Curve25519");
    private static readonly SecretKey Bob = TestKeys.Get("Curve25519", "bob");
    private static readonly byte[] Data = "data"u8.ToArray();

    [Fact]
    public void Unknown_key_reports_the_issuer_fingerprint()
    {
        // RFC 9580 section 5.2.3.35: the Issuer Fingerprint subpacket names the signing key.
        var sig = Signature(Alice, Data);
        var verdict = Assert.Single(pgp.VerifyDetached(new MemoryStream(Data), new MemoryStream(sig), new VerifyOptions { Verifiers = { Bob.Certificate } }).Signatures);
        Assert.Equal(SignatureStatus.UnknownKey, verdict.Status);
        Assert.Equal(Hex.Of(SigningKey(Alice).Public.Fingerprint), verdict.IssuerFingerprint);

        var bare = Signature(Alice, Data, issuer: false);
        var none = Assert.Single(pgp.VerifyDetached(new MemoryStream(Data), new MemoryStream(bare), new VerifyOptions { Verifiers = { Bob.Certificate } }).Signatures);
        Assert.Null(none.IssuerFingerprint);
    }

    [Fact]
    public void Good_signature_by_a_key_that_has_expired_since_says_so()
    {
        // RFC 9580 section 5.2.3.13: the key expired 5 days ago; the signature was made while it was alive.
        var t0 = DateTimeOffset.UtcNow.AddDays(-20);
        var primary = CertificateCrafter.Ed25519(t0);
        var cert = new CertificateCrafter(primary).UserId("Exp <exp@example.org>", t0, flags: CertificateCrafter.CertifySign | CertificateCrafter.SignFlag,
            expires: TimeSpan.FromDays(15)).Build();
        var hashed = new[] { Subpacket.Time(SubpacketType.CreationTime, DateTimeOffset.FromUnixTimeSeconds(t0.AddDays(1).ToUnixTimeSeconds())), Subpacket.Issuer(primary.Public) };
        using var b = SignaturePacket.Build(primary.Public, 0x00, HashAlgorithmTag.Sha256, hashed);
        b.Hash.AppendData(Data);
        var sig = b.Sign(primary.Public, primary.Private).Encoded();

        var verdict = Assert.Single(pgp.VerifyDetached(new MemoryStream(Data), new MemoryStream(sig), new VerifyOptions { Verifiers = { cert } }).Signatures);
        Assert.Equal(SignatureStatus.Good, verdict.Status);
        Assert.NotNull(verdict.SigningKeyExpiredAt);
        Assert.True(verdict.SigningKeyExpiredAt < DateTimeOffset.UtcNow);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(t0.ToUnixTimeSeconds()).AddDays(15), verdict.SigningKeyExpiredAt);

        var fresh = Assert.Single(pgp.VerifyDetached(new MemoryStream(Data), new MemoryStream(CraftedMessages.Signature(Alice, Data)),
            new VerifyOptions { Verifiers = { Alice.Certificate } }).Signatures);
        Assert.Null(fresh.SigningKeyExpiredAt);
    }
}
