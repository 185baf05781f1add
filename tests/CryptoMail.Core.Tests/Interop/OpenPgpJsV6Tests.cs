using System.Text;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Interop;

/// <summary>v6 keys between CryptoMail and OpenPGP.js 6: keys each side generates are used by the other, and
/// signed messages each side encrypts (SEIPD v2, OCB and GCM) are decrypted and verified by the other.</summary>
public sealed class OpenPgpJsV6Tests
{
    private readonly OpenPgp pgp = new();

    [OpenPgpJsTheory]
    [InlineData("ocb", AeadMode.Ocb)]
    [InlineData("gcm", AeadMode.Gcm)]
    public void OpenPgpJs_v6_key_and_message_work_here_and_ours_work_there(string mode, AeadMode aead)
    {
        using var js = new OpenPgpJs();
        js.Run(Array.Empty<byte>(), "gen", js.PathOf("js.key"), js.PathOf("js.cert"));
        var jsKey = SecretKey.Parse(File.ReadAllText(js.PathOf("js.key")));
        var jsCert = Certificate.Parse(File.ReadAllText(js.PathOf("js.cert")));
        Assert.Equal(6, jsCert.Version);
        Assert.Equal(jsKey.Fingerprint, jsCert.Fingerprint);
        Assert.True(jsCert.CanEncrypt && jsCert.CanSign);

        var ours = TestKeys.Get("V6Ed25519", "oscar");
        File.WriteAllText(js.PathOf("ours.key"), ours.ExportArmored());
        File.WriteAllText(js.PathOf("ours.cert"), ours.Certificate.ExportArmored());
        var data = Encoding.UTF8.GetBytes($"v6 interop, {mode}\n" + new string('x', 70_000));

        // OpenPGP.js encrypts to our v6 key and signs with its own; we decrypt and verify.
        var fromJs = js.Run(data, "encrypt", js.PathOf("ours.cert"), js.PathOf("js.key"), mode);
        var output = new MemoryStream();
        var result = pgp.Decrypt(new MemoryStream(fromJs), output, new DecryptOptions { Keys = { ours }, Verifiers = { jsCert } });
        Assert.Equal(data, output.ToArray());
        Assert.Equal(IntegrityProtection.SeipdV2, result.IntegrityProtection);
        Assert.Equal(mode, result.Aead?.ToString(), ignoreCase: true);
        var sig = Assert.Single(result.Signatures);
        Assert.True(sig.IsGood, sig.Reason);

        // We encrypt to OpenPGP.js's v6 key and sign with ours; OpenPGP.js decrypts and insists on a valid signature.
        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream(data), ct, new EncryptOptions { Recipients = { jsCert }, Aead = aead, Signing = new SignatureSettings { Signers = { ours } } });
        Assert.Equal(data, js.Run(ct.ToArray(), "decrypt", js.PathOf("js.key"), js.PathOf("ours.cert")));

        // And OpenPGP.js's own key signs and decrypts here: a message from us to both keys, signed by its key.
        var both = new MemoryStream();
        pgp.Encrypt(new MemoryStream(data), both, new EncryptOptions { Recipients = { jsCert, ours.Certificate }, Aead = aead, Signing = new SignatureSettings { Signers = { jsKey } } });
        Assert.Equal(data, js.Run(both.ToArray(), "decrypt", js.PathOf("js.key"), js.PathOf("js.cert")));
        var mine = new MemoryStream();
        var r2 = pgp.Decrypt(new MemoryStream(both.ToArray()), mine, new DecryptOptions { Keys = { jsKey }, Verifiers = { jsCert } });
        Assert.True(r2.IsVerified);
        Assert.Equal(data, mine.ToArray());
    }

    [OpenPgpJsTheory]
    [InlineData("ocb", AeadMode.Ocb)]
    [InlineData("gcm", AeadMode.Gcm)]
    public void Unsigned_v6_messages_cross_both_ways(string mode, AeadMode aead)
    {
        using var js = new OpenPgpJs();
        js.Run(Array.Empty<byte>(), "gen", js.PathOf("js.key"), js.PathOf("js.cert"));
        var jsCert = Certificate.Parse(File.ReadAllText(js.PathOf("js.cert")));
        var ours = TestKeys.Get("V6Ed25519", "oscar");
        File.WriteAllText(js.PathOf("ours.cert"), ours.Certificate.ExportArmored());
        var data = Encoding.UTF8.GetBytes("unsigned " + mode);

        var ct = new MemoryStream();
        pgp.Encrypt(new MemoryStream(data), ct, new EncryptOptions { Recipients = { jsCert }, Aead = aead });
        Assert.Equal(data, js.Run(ct.ToArray(), "decrypt", js.PathOf("js.key"), "-"));

        var fromJs = js.Run(data, "encrypt", js.PathOf("ours.cert"), "-", mode);
        var plain = new MemoryStream();
        var result = pgp.Decrypt(new MemoryStream(fromJs), plain, new DecryptOptions { Keys = { ours } });
        Assert.Empty(result.Signatures);
        Assert.Equal(IntegrityProtection.SeipdV2, result.IntegrityProtection);
        Assert.Equal(mode, result.Aead?.ToString(), ignoreCase: true);
        Assert.Equal(data, plain.ToArray());
    }
}
