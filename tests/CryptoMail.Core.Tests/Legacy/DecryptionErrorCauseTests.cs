using System.Text;
using CryptoMail.Core.Tests.Interop;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Legacy;

/// <summary>A message that cannot be read names its cause: a wrong passphrase, a locked key, an unsupported cipher,
/// or no matching key (only when none matches); and a modified ElGamal session key packet fails exactly as a modified
/// ciphertext does (implicit rejection: no padding oracle).</summary>
public sealed class DecryptionErrorCauseTests : IClassFixture<LegacyGpgFixture>
{
    private readonly OpenPgp pgp = new();
    private readonly LegacyGpgFixture fixture;

    public DecryptionErrorCauseTests(LegacyGpgFixture fixture) => this.fixture = fixture;

    private byte[] GpgEncryptTo(GpgKey key, string name, string text)
    {
        var input = fixture.Gpg.WriteFile(name + ".txt", Encoding.UTF8.GetBytes(text));
        var output = fixture.Gpg.OutputPath(name + ".gpg");
        fixture.Gpg.Run(null, "--encrypt", "--force-mdc", "--recipient", key.Fingerprint, "--output", output, input).EnsureSuccess();
        return File.ReadAllBytes(output);
    }

    private CryptoMailException DecryptError(byte[] message, DecryptOptions options)
    {
        using var sink = new MemoryStream();
        var e = Assert.ThrowsAny<CryptoMailException>(() => pgp.Decrypt(new MemoryStream(message), sink, options));
        Assert.Equal(0, sink.Length);
        return e;
    }

    [GnuPGFact]
    public void A_wrong_passphrase_is_named_as_such_and_a_missing_one_as_a_locked_key()
    {
        var key = fixture.Key("dsa2048-elg2048");
        var message = GpgEncryptTo(key, "wrong-pass", "to the ElGamal subkey");
        var subkeyId = fixture.Gpg.Fingerprints("--list-keys", key.Fingerprint)[1][^16..];

        var wrong = DecryptError(message, new DecryptOptions { Keys = { key.SecretKey }, KeyPassphrases = { "not it", "nor this" } });
        var bad = Assert.IsType<BadPassphraseException>(wrong);
        Assert.Contains(subkeyId, bad.Message, StringComparison.OrdinalIgnoreCase);

        var none = DecryptError(message, new DecryptOptions { Keys = { key.SecretKey } });
        Assert.IsType<KeyNotUsableException>(none);
        Assert.Contains("protected by a passphrase", none.Message, StringComparison.Ordinal);
    }

    [GnuPGFact]
    public void No_key_is_said_only_when_no_given_key_matches()
    {
        var recipient = fixture.Key("dsa2048-elg2048");
        var other = fixture.Key("ed25519");
        var message = GpgEncryptTo(recipient, "no-key", "not for ed25519");

        var e = Assert.IsType<NoDecryptionKeyException>(DecryptError(message, new DecryptOptions { Keys = { other.SecretKey }, KeyPassphrases = { other.Passphrase } }));
        var subkeyId = fixture.Gpg.Fingerprints("--list-keys", recipient.Fingerprint)[1][^16..];
        Assert.Equal(subkeyId, Assert.Single(e.RecipientKeyIds), ignoreCase: true);
    }

    [Fact]
    public void A_session_key_for_a_cipher_we_do_not_implement_is_named_not_blamed_on_the_key()
    {
        // An ECDH (Curve25519) recipient: the AES key wrap authenticates the session key block, so reporting its cipher
        // reveals nothing a forger could not make themselves. Cipher 5 is reserved (never assigned) in RFC 9580.
        var key = TestKeys.Unlocked("Curve25519");
        var validity = key.Certificate.Validate(OpenPgpPolicy.Default, DateTimeOffset.UtcNow);
        var subkey = Certificate.EncryptionKeysOf(validity)[0];
        var packet = key.Certificate.Validated.ByKeyId[Certificate.KeyIdOf(subkey)];
        using var sessionKey = new SessionKeyMaterial(5, TestData.Random(16, seed: 5));
        using var message = new MemoryStream();
        PacketWriter.WritePacket(message, PacketTag.PublicKeyEncryptedSessionKey, SessionKeyEncryptor.Pkesk(packet, sessionKey));
        PacketWriter.WritePacket(message, PacketTag.SymEncryptedIntegrityProtectedData, new byte[] { 1 }.Concat(TestData.Random(60, seed: 6)).ToArray());

        var e = Assert.IsType<PolicyViolationException>(DecryptError(message.ToArray(), new DecryptOptions { Keys = { key } }));
        Assert.Equal(ValidationReason.RejectedAlgorithm, e.Reason);
        Assert.Contains("symmetric algorithm 5", e.Message, StringComparison.Ordinal);
    }

    [GnuPGFact]
    public void A_modified_ElGamal_session_key_fails_as_a_modified_ciphertext_does()
    {
        var key = fixture.Key("dsa2048-elg2048");
        var message = GpgEncryptTo(key, "elg-tamper", "implicit rejection for ElGamal too");
        var options = new DecryptOptions { Keys = { key.SecretKey }, KeyPassphrases = { key.Passphrase } };

        // The first packet is the PKESK; its last octets are the low octets of the ElGamal c2.
        int pkeskEnd = EndOfFirstPacket(message);
        var badKey = (byte[])message.Clone();
        badKey[pkeskEnd - 3] ^= 0x01;
        var badData = (byte[])message.Clone();
        badData[^5] ^= 0x01;

        var fromKey = DecryptError(badKey, options);
        var fromData = DecryptError(badData, options);
        Assert.IsType<IntegrityException>(fromKey);
        Assert.Equal(fromData.GetType(), fromKey.GetType());
        Assert.Equal(fromData.Message, fromKey.Message);
    }

    /// <summary>The offset just past the first packet (old or new format header, definite length).</summary>
    private static int EndOfFirstPacket(byte[] m)
    {
        int ctb = m[0];
        Assert.True((ctb & 0x80) != 0);
        if ((ctb & 0x40) != 0)
        {
            int first = m[1];
            if (first < 192) return 2 + first;
            Assert.True(first < 224, "a two-octet length");
            return 3 + ((first - 192) << 8) + m[2] + 192;
        }
        return (ctb & 3) switch
        {
            0 => 2 + m[1],
            1 => 3 + ((m[1] << 8) | m[2]),
            2 => 5 + ((m[1] << 24) | (m[2] << 16) | (m[3] << 8) | m[4]),
            _ => throw new InvalidOperationException("indeterminate length for a PKESK"),
        };
    }
}
