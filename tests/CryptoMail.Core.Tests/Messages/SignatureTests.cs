using System.Text;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Messages;

public class SignatureTests
{
    private readonly OpenPgp pgp = new();

    public static TheoryData<string> Profiles => TestKeys.Profiles;

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Detached_binary_signature_verifies_and_fails_on_changed_data(string profile)
    {
        var alice = TestKeys.Get(profile);
        var data = TestData.Random(100_000);
        var sig = new MemoryStream();
        var made = pgp.SignDetached(new MemoryStream(data), sig, new SignOptions { Signers = { alice }, SignerPassphrases = { TestKeys.Passphrase }, Armor = true });
        Assert.Equal("pgp-sha256", made.Micalg);
        Assert.StartsWith("-----BEGIN PGP SIGNATURE-----", Encoding.ASCII.GetString(sig.ToArray()));

        var ok = pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(sig.ToArray()), new VerifyOptions { Verifiers = { alice.Certificate } });
        Assert.True(ok.IsVerified);
        Assert.Equal(alice.Fingerprint, Assert.Single(ok.Signatures).SignerFingerprint);

        data[500] ^= 1;
        var bad = pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(sig.ToArray()), new VerifyOptions { Verifiers = { alice.Certificate } });
        Assert.Equal(SignatureStatus.Bad, Assert.Single(bad.Signatures).Status);
    }

    [Fact]
    public void Text_signature_ignores_line_ending_differences()
    {
        var alice = TestKeys.Get("Curve25519");
        var sig = new MemoryStream();
        pgp.SignDetached(new MemoryStream("a\nb\n"u8.ToArray()), sig, new SignOptions { Signers = { alice }, Mode = SignatureMode.Text, Armor = false });

        var result = pgp.VerifyDetached(new MemoryStream("a\r\nb\r\n"u8.ToArray()), new MemoryStream(sig.ToArray()), new VerifyOptions { Verifiers = { alice.Certificate } });
        var v = Assert.Single(result.Signatures);
        Assert.Equal(SignatureStatus.Good, v.Status);
        Assert.Equal(SignatureMode.Text, v.Mode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Inline_signed_message_round_trips(bool armor)
    {
        var alice = TestKeys.Get("Curve25519");
        var data = TestData.Random(70_000);
        var signed = new MemoryStream();
        pgp.SignInline(new MemoryStream(data), signed, new SignOptions { Signers = { alice }, Armor = armor });

        var output = new MemoryStream();
        var result = pgp.VerifyInline(new MemoryStream(signed.ToArray()), output, new VerifyOptions { Verifiers = { alice.Certificate } });
        Assert.Equal(data, output.ToArray());
        Assert.True(result.IsVerified);
    }

    [Fact]
    public void Two_signers_both_verify()
    {
        var alice = TestKeys.Get("Curve25519");
        var carol = TestKeys.Get("Rsa3072", "carol");
        var signed = new MemoryStream();
        pgp.SignInline(new MemoryStream("hello"u8.ToArray()), signed, new SignOptions { Signers = { alice, carol } });

        var result = pgp.VerifyInline(new MemoryStream(signed.ToArray()), new MemoryStream(), new VerifyOptions { Verifiers = { alice.Certificate, carol.Certificate } });
        Assert.Equal(2, result.Signatures.Count);
        Assert.All(result.Signatures, s => Assert.Equal(SignatureStatus.Good, s.Status));
    }

    [Fact]
    public void Cleartext_signature_round_trips_with_dash_escaping_and_trailing_whitespace()
    {
        var alice = TestKeys.Get("Curve25519");
        var text = "Hello,\n-- a line starting with dashes\nFrom the start  \nlast line";
        var signed = new MemoryStream();
        pgp.SignCleartext(new MemoryStream(Encoding.UTF8.GetBytes(text)), signed, new SignOptions { Signers = { alice } });
        var armored = Encoding.UTF8.GetString(signed.ToArray());
        Assert.StartsWith("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n", armored);
        Assert.Contains("\n- -- a line starting with dashes\n", armored);

        var output = new MemoryStream();
        var result = pgp.VerifyInline(new MemoryStream(signed.ToArray()), output, new VerifyOptions { Verifiers = { alice.Certificate } });
        Assert.True(result.IsVerified);
        // Exactly the signed text (RFC 9580 section 7.2): trailing whitespace is not signed, so it is not returned.
        Assert.Equal(text.Replace("From the start  ", "From the start", StringComparison.Ordinal) + "\n", Encoding.UTF8.GetString(output.ToArray()));

        var tampered = armored.Replace("last line", "last lime", StringComparison.Ordinal);
        var bad = pgp.VerifyInline(new MemoryStream(Encoding.UTF8.GetBytes(tampered)), new MemoryStream(), new VerifyOptions { Verifiers = { alice.Certificate } });
        Assert.Equal(SignatureStatus.Bad, Assert.Single(bad.Signatures).Status);
    }

    [Fact]
    public void Strict_mode_throws_and_releases_nothing_when_no_signature_is_good()
    {
        var alice = TestKeys.Get("Curve25519");
        var bob = TestKeys.Get("Curve25519", "bob");
        var signed = new MemoryStream();
        pgp.SignInline(new MemoryStream("data"u8.ToArray()), signed, new SignOptions { Signers = { alice } });

        var output = new MemoryStream();
        var e = Assert.Throws<SignatureRequiredException>(() => pgp.VerifyInline(new MemoryStream(signed.ToArray()), output,
            new VerifyOptions { Verifiers = { bob.Certificate }, RequireValidSignature = true }));
        Assert.Equal(SignatureStatus.UnknownKey, Assert.Single(e.Signatures).Status);
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public void Signature_outside_the_requested_window_is_reported()
    {
        var alice = TestKeys.Get("Curve25519");
        var sig = new MemoryStream();
        pgp.SignDetached(new MemoryStream("x"u8.ToArray()), sig, new SignOptions { Signers = { alice } });
        var result = pgp.VerifyDetached(new MemoryStream("x"u8.ToArray()), new MemoryStream(sig.ToArray()),
            new VerifyOptions { Verifiers = { alice.Certificate }, SignatureNotAfter = DateTimeOffset.UtcNow.AddDays(-1) });
        Assert.Equal(SignatureStatus.OutOfWindow, Assert.Single(result.Signatures).Status);
    }

    [Fact]
    public void A_key_without_a_signing_key_is_refused_with_a_typed_error()
    {
        var key = pgp.GenerateKey("Exp <exp@example.org>", new KeyGenerationOptions
        {
            CreationTime = DateTimeOffset.UtcNow.AddDays(-10),
            Expiration = TimeSpan.FromDays(1),
        });
        Assert.Throws<KeyNotUsableException>(() => pgp.SignDetached(new MemoryStream("x"u8.ToArray()), new MemoryStream(), new SignOptions { Signers = { key } }));
        Assert.Throws<KeyNotUsableException>(() => pgp.Encrypt(new MemoryStream("x"u8.ToArray()), new MemoryStream(), new EncryptOptions { Recipients = { key.Certificate } }));
    }

    [Fact]
    public void Protected_signer_without_passphrase_is_a_typed_error()
    {
        var alice = TestKeys.Get("Curve25519+passphrase");
        Assert.Throws<KeyNotUsableException>(() => pgp.SignDetached(new MemoryStream("x"u8.ToArray()), new MemoryStream(), new SignOptions { Signers = { alice } }));
    }
}

public class DetachSignaturesTests
{
    private readonly OpenPgp pgp = new();

    [Fact]
    public void Inline_and_cleartext_messages_split_into_data_and_signatures_that_verify()
    {
        var alice = CryptoMail.Core.Tests.Support.TestKeys.Get("Curve25519");
        var text = "first line\nsecond line\n"u8.ToArray();
        foreach (var cleartext in new[] { false, true })
        {
            var signed = new MemoryStream();
            if (cleartext) pgp.SignCleartext(new MemoryStream(text), signed, new SignOptions { Signers = { alice } });
            else pgp.SignInline(new MemoryStream(text), signed, new SignOptions { Signers = { alice }, Mode = SignatureMode.Text });

            var data = new MemoryStream();
            var sigs = new MemoryStream();
            Assert.Equal(1, pgp.DetachSignatures(new MemoryStream(signed.ToArray()), data, sigs));
            // The cleartext framework does not sign the final line ending.
            Assert.Equal(cleartext ? text[..^1] : text, data.ToArray());
            var result = pgp.VerifyDetached(new MemoryStream(data.ToArray()), new MemoryStream(sigs.ToArray()), new VerifyOptions { Verifiers = { alice.Certificate } });
            Assert.True(result.IsVerified);
        }
        Assert.Throws<MalformedDataException>(() => pgp.DetachSignatures(new MemoryStream(alice.Certificate.Export()), new MemoryStream(), new MemoryStream()));
    }
}
