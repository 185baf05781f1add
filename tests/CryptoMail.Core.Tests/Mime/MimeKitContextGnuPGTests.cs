using CryptoMail.Core.Tests.Interop;
using MimeKit;
using MimeKit.Cryptography;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;
using static CryptoMail.Core.Tests.Mime.MimeKitContextTests;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>GnuPG reads what MimeKit's code paths write through the CryptoMail context.</summary>
public class MimeKitContextGnuPGTests
{
    // GnuPG reads SEIPD v1 only; keys made here announce v2, so a context used with GnuPG peers asks for v1.
    private static OpenPgpContext AliceContext() =>
        CryptoMailContext.Create(StoreOptions([Alice], [Bob.Certificate], EncryptionFormat.SeipdV1));

    private static byte[] Wire(MimeEntity body)
    {
        var message = TextMessage();
        message.Body = body;
        return Bytes(message);
    }

    [GnuPGFact]
    public void Gpg_verifies_a_MultipartSigned_made_by_MimeKit_through_our_context()
    {
        using var alice = AliceContext();
        var signed = MultipartSigned.Create(alice, AliceAddress, DigestAlgorithm.Sha256, new TextPart("plain") { Text = "Trailing space \nFrom the start, Grüße\n" });
        var (part, signature) = SignedPartExtractor.Extract(Wire(signed));
        using var gpg = new GnuPG();
        gpg.Import(Alice.Certificate.ExportArmored());

        var result = gpg.VerifyDetached(gpg.WriteFile("sig.asc", signature), gpg.WriteFile("part.bin", part));

        Assert.True(result.ExitCode == 0 && result.GoodSignature, $"gpg said:\n{result.Stderr}\n{result.Stdout}");
        Assert.Contains(Alice.Fingerprint, result.Stdout, StringComparison.OrdinalIgnoreCase);
    }

    [GnuPGFact]
    public void Gpg_decrypts_and_verifies_a_SignAndEncrypt_made_through_our_context()
    {
        using var alice = AliceContext();
        var encrypted = CryptoMailContext.SignAndEncrypt(alice, AliceAddress, DigestAlgorithm.Sha256, new[] { BobAddress }, new TextPart("plain") { Text = "Pay Bob $100 on Friday.\n" });
        using var armored = new MemoryStream();
        ((MimePart)encrypted[1]).Content!.DecodeTo(armored);
        using var gpg = new GnuPG();
        gpg.Import(Bob.ExportArmored());
        gpg.Import(Alice.Certificate.ExportArmored());

        var output = gpg.OutputPath("out.eml");
        var result = gpg.Run(null, "--status-fd", "1", "--output", output, "--decrypt", gpg.WriteFile("msg.asc", armored.ToArray()));

        Assert.True(result.ExitCode == 0 && result.GoodSignature, $"gpg said:\n{result.Stderr}\n{result.Stdout}");
        Assert.Contains("[GNUPG:] DECRYPTION_OKAY", result.Stdout, StringComparison.Ordinal);
        var entity = Assert.IsType<TextPart>(MimeEntity.Load(new MemoryStream(File.ReadAllBytes(output))));
        Assert.Equal("Pay Bob $100 on Friday.\n", entity.Text.ReplaceLineEndings("\n"));
    }
}
