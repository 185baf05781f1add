using System.Text;
using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime.Attacks;

/// <summary>An armored <c>-----BEGIN PGP MESSAGE-----</c> block is not proof of encryption: anyone can armor a bare
/// literal data packet (what <c>gpg --store --armor</c> writes) or a signed-only message (<c>gpg --sign --armor</c>),
/// or paste armor that does not parse. <see cref="OpenedMessage.Encryption"/> must describe only what was decrypted
/// under integrity protection (RFC 9580 section 10.3: an OpenPGP message is encrypted only when it holds an encrypted
/// data packet; RFC 9787 section 4: a message is encrypted only when its cryptographic envelope says so).</summary>
public class UnencryptedInlineBlockTests
{
    private readonly OpenPgp pgp = new();

    /// <summary>A literal data packet (RFC 9580 section 5.9, binary format, no file name, date 0) holding
    /// <paramref name="text"/>, armored as a PGP MESSAGE: nothing encrypted, nothing signed.</summary>
    private static string ArmoredLiteral(string text)
    {
        var content = Encoding.UTF8.GetBytes(text);
        var body = new List<byte> { (byte)'b', 0, 0, 0, 0, 0 };
        body.AddRange(content);
        Assert.True(body.Count < 192);   // one-octet new-format length
        var packet = new List<byte> { 0xC0 | 11, (byte)body.Count };
        packet.AddRange(body);
        return ArmorWriter.ToArmoredString(packet.ToArray(), ArmorKind.Message);
    }

    private string ArmoredSignedOnly(string text)
    {
        using var output = new MemoryStream();
        pgp.SignInline(new MemoryStream(Encoding.UTF8.GetBytes(text)), output, new SignOptions { Signers = { Alice }, Armor = true });
        var armored = Encoding.ASCII.GetString(output.ToArray());
        Assert.StartsWith("-----BEGIN PGP MESSAGE-----", armored, StringComparison.Ordinal);
        return armored;
    }

    [Fact]
    public void Armored_bare_literal_packet_is_not_encryption()
    {
        var opened = pgp.Mime.Open(TextBody(ArmoredLiteral("Your account is locked, log in at evil.example.\n")), BobOpens());

        Assert.Equal(ProtectionCoverage.None, opened.Encryption);
        Assert.False(opened.Decrypted);
        Assert.False(opened.IntegrityProtected);
        Assert.Empty(opened.Signatures);
    }

    [Fact]
    public void Armored_signed_only_message_is_signed_and_not_encrypted()
    {
        var opened = pgp.Mime.Open(TextBody(ArmoredSignedOnly("I agree to the terms.\n")), BobOpens());

        Assert.Equal(ProtectionCoverage.None, opened.Encryption);
        Assert.False(opened.Decrypted);
        var signature = Assert.Single(opened.Signatures);
        Assert.Equal(SignatureStatus.Good, signature.Verification.Status);
        Assert.Equal(ProtectionCoverage.Full, signature.Coverage);
        Assert.True(opened.IsFullySignedBySender);
        Assert.Equal("I agree to the terms.\n", FirstText(opened.Message.Body)!.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Armored_block_that_does_not_parse_is_unreadable_and_not_encryption()
    {
        // Valid base64 and a valid armor frame around bytes that are no OpenPGP packet at all.
        var armored = ArmorWriter.ToArmoredString(Encoding.ASCII.GetBytes("this is not an OpenPGP packet sequence"), ArmorKind.Message);

        var e = Assert.ThrowsAny<CryptoMailException>(() => pgp.Mime.Open(TextBody(armored), BobOpens()));

        Assert.IsType<MalformedDataException>(e);
    }

    [Fact]
    public void Armored_block_with_bad_base64_is_unreadable_and_not_encryption()
    {
        var armored = "-----BEGIN PGP MESSAGE-----\n\n!!!! not base64 ????\n-----END PGP MESSAGE-----\n";

        Assert.Throws<MalformedDataException>(() => pgp.Mime.Open(TextBody(armored), BobOpens()));
    }

    [Fact]
    public void Unencrypted_block_beside_text_is_not_partial_encryption()
    {
        var message = TextBody("Hi Bob,\n\n" + ArmoredLiteral("Click here.\n") + "\nAlice\n");

        Assert.Equal(ProtectionCoverage.None, pgp.Mime.Open(message, BobOpens()).Encryption);
        Assert.Equal(ProtectionCoverage.None, pgp.Mime.Open(message, BobOpens(decryptNested: true)).Encryption);
    }
}
