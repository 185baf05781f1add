using System.Text;
using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;
using static CryptoMail.Core.Tests.Mime.Attacks.AttackCraft;

namespace CryptoMail.Core.Tests.Mime.Attacks;

/// <summary>EFAIL CFB gadgets: with known plaintext (every MIME body starts with "Content-Type: "), an attacker XORs
/// chosen text into CFB ciphertext. SEIPD v1 detects it through the MDC, and the old SED packet has no integrity
/// protection at all, so it is refused; nothing is decrypted either way. (Messages/TamperingTests covers the same for
/// plain OpenPGP messages, TamperedCiphertextTests for PGP/MIME with SEIPD v2.)</summary>
public class CfbGadgetTests
{
    private readonly OpenPgp pgp = new();
    private static readonly byte[] Plaintext = Bytes(new TextPart("plain") { Text = "Pay Bob $100.\n" });

    [Fact]
    public void Chosen_plaintext_xored_into_seipd_v1_is_an_integrity_error()
    {
        var binary = Dearmor(EncryptV1(Plaintext, Bob.Certificate));
        // The known plaintext "Content-Type: text/plain" sits near the start of the encrypted content; turn "plain"
        // into "html>" wherever the attacker guesses it is (each guess is one gadget).
        var known = Encoding.ASCII.GetBytes("plain");
        var chosen = Encoding.ASCII.GetBytes("html>");
        for (int guess = binary.Length - 60; guess < binary.Length - 30; guess += 7)
        {
            var edited = (byte[])binary.Clone();
            for (int i = 0; i < known.Length; i++) edited[guess + i] ^= (byte)(known[i] ^ chosen[i]);
            var message = EncryptedMessage(ArmorWriter.ToArmoredString(edited, ArmorKind.Message));

            Assert.Throws<IntegrityException>(() => pgp.Mime.Open(message, BobOpens()));
        }
    }

    [Fact]
    public void Sed_packet_without_integrity_protection_is_refused()
    {
        var message = EncryptedMessage(EncryptSed(Plaintext, Bob.Certificate));

        var e = Assert.Throws<IntegrityException>(() => pgp.Mime.Open(message, BobOpens()));
        Assert.Contains("integrity", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Seipd_v1_unmodified_opens_so_the_refusals_are_about_the_edits()
    {
        var opened = pgp.Mime.Open(EncryptedMessage(EncryptV1(Plaintext, Bob.Certificate)), BobOpens());

        Assert.True(opened.IntegrityProtected);
        Assert.Equal("Pay Bob $100.\n", FirstText(opened.Message.Body)!.ReplaceLineEndings("\n"));
    }
}
