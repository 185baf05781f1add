using CryptoMail.Core.Tests.Support;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Messages;

/// <summary>The settings an <see cref="OpenPgp"/> instance is built with (<see cref="OpenPgpOptions"/>) apply to every
/// operation whose options leave them null, and a call's own options win over them.</summary>
public class AppDefaultsTests
{
    private static readonly byte[] Data = "what the instance settings decide"u8.ToArray();

    /// <summary>Accepts only SHA-512 data signatures: stricter than the default, which accepts SHA-256.</summary>
    private static readonly OpenPgpPolicy Only512 = OpenPgpPolicy.Default with
    {
        DataSignatureHashes = new Dictionary<OpenPgpHashAlgorithm, DateTimeOffset> { [OpenPgpHashAlgorithm.Sha512] = DateTimeOffset.MaxValue },
    };

    private readonly OpenPgp lenient = new();
    private readonly OpenPgp strict = new(new OpenPgpOptions { Policy = Only512 });
    private readonly SecretKey alice = TestKeys.Get("Curve25519", "alice");
    private readonly SecretKey bob = TestKeys.Get("Curve25519", "bob");

    [Fact]
    public void Signing_follows_the_instance_policy_unless_the_call_names_one()
    {
        Assert.NotEmpty(lenient.SignDetached(new MemoryStream(Data), new MemoryStream(), new SignOptions { Signers = { alice } }).Signatures);

        var refused = Assert.Throws<PolicyViolationException>(() =>
            strict.SignDetached(new MemoryStream(Data), new MemoryStream(), new SignOptions { Signers = { alice } }));
        Assert.Equal(ValidationReason.WeakHash, refused.Reason);
        Assert.Throws<PolicyViolationException>(() => strict.Encrypt(new MemoryStream(Data), new MemoryStream(),
            new EncryptOptions { Recipients = { bob.Certificate }, Signing = new SignatureSettings { Signers = { alice } } }));

        var overridden = strict.SignDetached(new MemoryStream(Data), new MemoryStream(),
            new SignOptions { Signers = { alice }, Policy = OpenPgpPolicy.Default });
        Assert.Equal(OpenPgpHashAlgorithm.Sha256, Assert.Single(overridden.Signatures).HashAlgorithm);
    }

    [Fact]
    public void Verification_and_decryption_follow_the_instance_policy_unless_the_call_names_one()
    {
        var signature = new MemoryStream();
        lenient.SignDetached(new MemoryStream(Data), signature, new SignOptions { Signers = { alice } });
        VerificationResult Verify(OpenPgp pgp, OpenPgpPolicy? policy) => pgp.VerifyDetached(new MemoryStream(Data),
            new MemoryStream(signature.ToArray()), new VerifyOptions { Verifiers = { alice.Certificate }, Policy = policy });

        Assert.Equal(SignatureStatus.Good, Assert.Single(Verify(lenient, null).Signatures).Status);
        Assert.Equal(SignatureStatus.WeakAlgorithm, Assert.Single(Verify(strict, null).Signatures).Status);
        Assert.Equal(SignatureStatus.Good, Assert.Single(Verify(strict, OpenPgpPolicy.Default).Signatures).Status);

        var message = new MemoryStream();
        lenient.Encrypt(new MemoryStream(Data), message,
            new EncryptOptions { Recipients = { bob.Certificate }, Signing = new SignatureSettings { Signers = { alice } } });
        DecryptionResult Decrypt(OpenPgp pgp, OpenPgpPolicy? policy) => pgp.Decrypt(new MemoryStream(message.ToArray()), new MemoryStream(),
            new DecryptOptions { Keys = { bob }, Verifiers = { alice.Certificate }, Policy = policy });
        Assert.True(Decrypt(lenient, null).IsVerified);
        Assert.Equal(SignatureStatus.WeakAlgorithm, Assert.Single(Decrypt(strict, null).Signatures).Status);
        Assert.True(Decrypt(strict, OpenPgpPolicy.Default).IsVerified);
    }

    [Fact]
    public void Read_limits_come_from_the_instance_unless_the_call_names_them()
    {
        var oneRecipient = new OpenPgp(new OpenPgpOptions { Limits = new ReadLimits { MaxRecipients = 1 } });
        var message = new MemoryStream();
        lenient.Encrypt(new MemoryStream(Data), message, new EncryptOptions { Recipients = { alice.Certificate, bob.Certificate } });
        DecryptionResult Decrypt(OpenPgp pgp, ReadLimits? limits) => pgp.Decrypt(new MemoryStream(message.ToArray()), new MemoryStream(),
            new DecryptOptions { Keys = { bob }, Limits = limits });

        Assert.Equal(Data.Length, Decrypt(lenient, null).PlaintextLength);
        Assert.Throws<LimitExceededException>(() => Decrypt(oneRecipient, null));
        Assert.Equal(Data.Length, Decrypt(oneRecipient, ReadLimits.Default).PlaintextLength);
    }

    [Fact]
    public void Pgp_mime_follows_the_instance_policy_unless_its_options_name_one()
    {
        Assert.ThrowsAny<CryptoMailException>(() => strict.Mime.Sign(TextMessage(), Alice));
        var signed = strict.Mime.Sign(TextMessage(), Alice, new MimeSignOptions { Policy = OpenPgpPolicy.Default });

        Assert.Equal(SignatureStatus.Good, Assert.Single(lenient.Mime.Open(signed, BobOpens()).Signatures).Verification.Status);
        Assert.Equal(SignatureStatus.WeakAlgorithm, Assert.Single(strict.Mime.Open(signed, BobOpens()).Signatures).Verification.Status);
    }

    [Fact]
    public void Options_objects_are_not_changed_by_resolving_them()
    {
        var options = new SignOptions { Signers = { alice } };
        lenient.SignDetached(new MemoryStream(Data), new MemoryStream(), options);
        Assert.Throws<PolicyViolationException>(() => strict.SignDetached(new MemoryStream(Data), new MemoryStream(), options));
        Assert.Null(options.Policy);
    }
}
