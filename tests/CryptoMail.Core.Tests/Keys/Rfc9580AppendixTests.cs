using System.Text;
using CryptoMail.Core.Tests.Aead;

namespace CryptoMail.Core.Tests.Keys;

/// <summary>The v6 samples of RFC 9580 Appendix A: every key, signature and message parses, verifies and decrypts.
/// Fingerprints and key IDs are the ones the appendix prints.</summary>
public class Rfc9580AppendixTests
{
    private const string PrimaryFingerprint = "CB186C4F0609A697E4D52DFA6C722B0C1F1E27C18A56708F6525EC27BAD9ACC9";
    private const string SubkeyFingerprint = "12C83F1E706F6308FE151A417743A1F033790E93E9978488D1DB378DA9930885";
    private const string Passphrase = "correct horse battery staple";
    private readonly OpenPgp pgp = new();

    private static Certificate Cert() => Certificate.Parse(SharedVectors.Read("A3_v6_cert.asc"));
    private static SecretKey Tsk() => SecretKey.Parse(SharedVectors.Read("A4_v6_tsk.asc"));

    // A.5 uses Argon2 with m = 21 (2 GiB) and t = 1, p = 4: unlock it once for the whole class.
    private static readonly Lazy<SecretKey> UnlockedA5 = new(() => SecretKey.Parse(SharedVectors.Read("A5_v6_locked_tsk.asc")).Unlock(Passphrase));

    [VectorTheory]
    [InlineData("A3_v6_cert.asc")]
    [InlineData("A4_v6_tsk.asc")]
    [InlineData("A5_v6_locked_tsk.asc")]
    public void A3_to_A5_keys_have_the_printed_fingerprints_and_key_ids(string file)
    {
        // RFC 9580 A.3: "Primary key fingerprint: cb186c4f...", key ID = the leftmost 8 octets (A.3 / section 5.5.4.3).
        var cert = Certificate.Parse(SharedVectors.Read(file));
        Assert.Equal(6, cert.Version);
        Assert.Equal(PrimaryFingerprint, cert.Fingerprint);
        Assert.Equal("CB186C4F0609A697", cert.KeyId);
        Assert.Equal(KeyAlgorithm.Ed25519, cert.PrimaryKey.Algorithm);
        Assert.True(cert.PrimaryKey.IsBound);
        Assert.Equal(KeyUsage.Certify | KeyUsage.Sign, cert.PrimaryKey.Usage);
        var sub = Assert.Single(cert.Subkeys);
        Assert.Equal(SubkeyFingerprint, sub.Fingerprint);
        Assert.Equal("12C83F1E706F6308", sub.KeyId);
        Assert.Equal(KeyAlgorithm.X25519, sub.Algorithm);
        Assert.Equal(6, sub.Version);
        Assert.True(sub.IsBound);
        Assert.Equal(KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage, sub.Usage);
        Assert.True(cert.CanEncrypt);
        Assert.True(cert.CanSign);
        Assert.True(cert.HasKey("cb186c4f0609a697"));
    }

    [VectorFact]
    public void A3_certificate_exports_the_same_packets_and_armors_without_a_crc()
    {
        var armored = SharedVectors.Read("A3_v6_cert.asc");
        var binary = new MemoryStream();
        OpenPgpArmor.Dearmor(new MemoryStream(armored), binary);
        var cert = Certificate.Parse(armored);
        Assert.Equal(binary.ToArray(), cert.Export());
        // RFC 9580 section 6.1: no CRC-24 for v6 data; the A.3 armor has none either.
        var text = cert.ExportArmored();
        Assert.DoesNotContain("\n=", text, StringComparison.Ordinal);
        Assert.Equal(cert.Export(), Certificate.Parse(text).Export());
    }

    [VectorFact]
    public void A4_secret_key_round_trips_and_A5_locked_key_unlocks_with_argon2()
    {
        var tsk = Tsk();
        Assert.False(tsk.IsProtected);
        var binary = new MemoryStream();
        OpenPgpArmor.Dearmor(new MemoryStream(SharedVectors.Read("A4_v6_tsk.asc")), binary);
        Assert.Equal(binary.ToArray(), tsk.Export());

        // RFC 9580 A.5: the same key locked with Argon2 + AES-256 OCB (S2K usage 253) and the passphrase above.
        var locked = SecretKey.Parse(SharedVectors.Read("A5_v6_locked_tsk.asc"));
        Assert.True(locked.IsProtected);
        Assert.False(locked.IsUnlocked);
        var unlocked = UnlockedA5.Value;
        Assert.True(unlocked.IsUnlocked);

        // Its Argon2 parameters cannot exceed the caller's memory limit (a wrong passphrase is tested on a generated
        // v6 key, whose Argon2 costs 64 MiB rather than 2 GiB).
        Assert.Throws<LimitExceededException>(() => locked.Unlock(Passphrase, new ReadLimits { MaxArgon2MemoryBytes = 1 << 20 }));

        // Unlocked, it signs as the A.4 key does: the A.3 certificate verifies its signature.
        var data = "signed with the unlocked A.5 key"u8.ToArray();
        var sig = new MemoryStream();
        pgp.SignDetached(new MemoryStream(data), sig, new SignOptions { Signers = { unlocked } });
        var v = pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(sig.ToArray()), new VerifyOptions { Verifiers = { Cert() } });
        Assert.True(Assert.Single(v.Signatures).IsGood);
    }

    [VectorFact]
    public void A6_cleartext_signed_message_verifies()
    {
        var output = new MemoryStream();
        var result = pgp.VerifyInline(new MemoryStream(SharedVectors.Read("A6_csf.asc")), output, new VerifyOptions { Verifiers = { Cert() } });
        var v = Assert.Single(result.Signatures);
        Assert.True(v.IsGood, v.Reason);
        Assert.Equal(PrimaryFingerprint, v.SigningKeyFingerprint);
        Assert.Contains("What we need from the grocery store", Encoding.UTF8.GetString(output.ToArray()), StringComparison.Ordinal);
    }

    [VectorFact]
    public void A7_inline_signed_message_verifies_and_a_changed_copy_does_not()
    {
        var bytes = SharedVectors.Read("A7_inline_signed.asc");
        var output = new MemoryStream();
        var result = pgp.VerifyInline(new MemoryStream(bytes), output, new VerifyOptions { Verifiers = { Cert() } });
        var v = Assert.Single(result.Signatures);
        Assert.True(v.IsGood, v.Reason);
        Assert.Equal("What we need from the grocery store:\n\n- tofu\n- vegetables\n- noodles\n", Encoding.UTF8.GetString(output.ToArray()));

        // The same message with one letter of the literal data changed ("tofu" -> "tofv").
        var binary = new MemoryStream();
        OpenPgpArmor.Dearmor(new MemoryStream(bytes), binary);
        var packets = binary.ToArray();
        int at = IndexOf(packets, "tofu"u8.ToArray()) + 3;
        packets[at] ^= 0x03;
        var tampered = pgp.VerifyInline(new MemoryStream(packets), new MemoryStream(), new VerifyOptions { Verifiers = { Cert() } });
        var bad = Assert.Single(tampered.Signatures);
        Assert.Equal(SignatureStatus.Bad, bad.Status);
        Assert.Throws<SignatureRequiredException>(() =>
            pgp.VerifyInline(new MemoryStream(packets), new MemoryStream(), new VerifyOptions { Verifiers = { Cert() }, RequireValidSignature = true }));
    }

    [VectorFact]
    public void A7_signature_without_the_certificate_is_reported_as_unknown_key_not_as_unsigned()
    {
        var result = pgp.VerifyInline(new MemoryStream(SharedVectors.Read("A7_inline_signed.asc")), new MemoryStream(), new VerifyOptions());
        var v = Assert.Single(result.Signatures);
        Assert.Equal(SignatureStatus.UnknownKey, v.Status);
        Assert.Equal("CB186C4F0609A697", v.IssuerKeyId);
    }

    [VectorFact]
    public void A8_x25519_ocb_message_decrypts_with_the_A4_and_the_unlocked_A5_key()
    {
        foreach (var options in new[]
        {
            new DecryptOptions { Keys = { Tsk() } },
            new DecryptOptions { Keys = { UnlockedA5.Value } },
        })
        {
            var output = new MemoryStream();
            var result = pgp.Decrypt(new MemoryStream(SharedVectors.Read("A8_x25519_ocb.asc")), output, options);
            Assert.Equal("Hello, world!", Encoding.UTF8.GetString(output.ToArray()));
            Assert.Equal(IntegrityProtection.SeipdV2, result.IntegrityProtection);
        Assert.Equal(AeadMode.Ocb, result.Aead);
            Assert.Equal(SubkeyFingerprint, result.DecryptedWith);
        }
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        throw new InvalidOperationException("not found");
    }
}
