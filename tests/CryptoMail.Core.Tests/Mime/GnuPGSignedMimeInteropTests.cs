using System.Text;
using CryptoMail.Core.Tests.Interop;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>GnuPG accepts our PGP/MIME signatures over the signed part exactly as it stands in the message, and we
/// accept GnuPG's signature over a part we did not write.</summary>
public class GnuPGSignedMimeInteropTests
{
    private const string RiskyText = "Trailing spaces   \nFrom here on, Grüße\n";
    private readonly OpenPgp pgp = new();

    [GnuPGFact]
    public void Gpg_verifies_the_signed_part_cut_from_the_wire_bytes()
    {
        var wire = Bytes(pgp.Mime.Sign(TextMessage(RiskyText), Alice));
        var (part, signature) = SignedPartExtractor.Extract(wire);
        using var gpg = new GnuPG();
        gpg.Import(Alice.Certificate.ExportArmored());
        File.WriteAllBytes(gpg.PathOf("part.bin"), part);
        File.WriteAllText(gpg.PathOf("sig.asc"), signature, Encoding.ASCII);

        var result = gpg.VerifyDetached(gpg.PathOf("sig.asc"), gpg.PathOf("part.bin"));

        Assert.True(result.ExitCode == 0 && result.GoodSignature, $"gpg said:\n{result.Stderr}\n{result.Stdout}");
        Assert.Contains(Alice.Fingerprint, result.Stdout, StringComparison.OrdinalIgnoreCase);
    }

    [GnuPGFact]
    public void Gpg_rejects_the_signed_part_after_a_change()
    {
        var wire = Bytes(pgp.Mime.Sign(TextMessage(), Alice));
        var (part, signature) = SignedPartExtractor.Extract(wire);
        part[^3] ^= 0x20;
        using var gpg = new GnuPG();
        gpg.Import(Alice.Certificate.ExportArmored());
        File.WriteAllBytes(gpg.PathOf("part.bin"), part);
        File.WriteAllText(gpg.PathOf("sig.asc"), signature, Encoding.ASCII);

        var result = gpg.VerifyDetached(gpg.PathOf("sig.asc"), gpg.PathOf("part.bin"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("[GNUPG:] BADSIG ", result.Stdout, StringComparison.Ordinal);
    }

    [GnuPGFact]
    public void We_verify_a_multipart_signed_whose_binary_signature_gpg_made() => VerifyGpgMadeSignature(textMode: false);

    [GnuPGFact]
    public void We_verify_a_multipart_signed_whose_text_mode_signature_gpg_made() => VerifyGpgMadeSignature(textMode: true);

    private void VerifyGpgMadeSignature(bool textMode)
    {
        using var gpg = new GnuPG();
        gpg.Run(null, "--passphrase", "", "--quick-generate-key", "Alice <alice@example.org>", "ed25519", "sign", "never").EnsureSuccess("generate");
        var certificate = Certificate.Parse(gpg.Run(null, "--armor", "--export", "alice@example.org").EnsureSuccess("export").Stdout);
        const string boundary = "=-=gpg-made=-=";
        var part = "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\nSigned by GnuPG.\r\n";
        File.WriteAllText(gpg.PathOf("part.txt"), part, Encoding.ASCII);
        var signArgs = new List<string> { "--armor", "--digest-algo", "SHA256", "--detach-sign", "--output", "-" };
        if (textMode) signArgs.Add("--textmode");
        signArgs.Add(gpg.PathOf("part.txt"));
        var signature = gpg.Run(null, signArgs.ToArray()).EnsureSuccess("sign").Stdout;
        var wire = "From: Alice <alice@example.org>\r\nTo: Bob <bob@example.org>\r\nSubject: gpg\r\nMIME-Version: 1.0\r\n"
            + $"Content-Type: multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\"; boundary=\"{boundary}\"\r\n\r\n"
            + $"--{boundary}\r\n{part}\r\n--{boundary}\r\nContent-Type: application/pgp-signature; name=\"signature.asc\"\r\n\r\n"
            + signature.ReplaceLineEndings("\r\n") + $"\r\n--{boundary}--\r\n";
        var options = new MimeOpenOptions();
        options.Verifiers.Add(certificate);

        var opened = pgp.Mime.Open(Parse(Encoding.ASCII.GetBytes(wire)), options);

        Assert.True(opened.IsFullySignedBySender, string.Join("; ", opened.Signatures.Select(s => s.Verification.Reason)));
        Assert.Equal(textMode ? SignatureMode.Text : SignatureMode.Binary, opened.Signatures[0].Verification.Mode);
    }
}
