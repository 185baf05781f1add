using CryptoMail.Core.Tests.Autocrypt;

namespace CryptoMail.Core.Tests.Interop;

/// <summary>Autocrypt's minimal certificate from a key GnuPG made and reworked (several user IDs and subkeys,
/// renewed self-signatures), and GnuPG reading what we send.</summary>
public sealed class AutocryptGpgTests
{
    [GnuPGFact]
    public void A_reworked_gpg_key_minimizes_to_the_address_user_id_the_newest_encryption_subkey_and_newest_signatures()
    {
        using var gpg = new GnuPG();
        string primary = gpg.GenerateKey("Alice <alice@example.org>", "ed25519", "");
        gpg.Run(null, "--passphrase", "", "--quick-add-uid", primary, "Alice at Work <alice@work.example>").EnsureSuccess("add user ID");
        gpg.Run(null, "--passphrase", "", "--quick-add-key", primary, "ed25519", "sign", "never").EnsureSuccess("add signing subkey");
        Thread.Sleep(1100); // whole-second timestamps: make the second encryption subkey and the new self-signatures newer
        gpg.Run(null, "--passphrase", "", "--quick-add-key", primary, "cv25519", "encr", "never").EnsureSuccess("add encryption subkey");
        gpg.Run(null, "--passphrase", "", "--quick-set-expire", primary, "2y").EnsureSuccess("renew self-signatures");
        var fingerprints = gpg.Fingerprints("--list-keys", primary);
        Assert.Equal(4, fingerprints.Count); // primary, first encryption, signing, second encryption subkey
        var certificate = Certificate.Parse(gpg.ExportCertificate(primary));
        Assert.Equal(2, certificate.UserIds.Count);

        var header = AutocryptHeader.Create(certificate, "alice@work.example", AutocryptPreference.Mutual);

        var tags = AutocryptHeaderTests.Packets(header.KeyData.ToArray()).Select(p => p.Tag);
        Assert.Equal(new[] { 6, 13, 2, 14, 2 }, tags);
        var minimal = header.Certificate;
        Assert.Equal(new[] { "Alice at Work <alice@work.example>" }, minimal.UserIds);
        Assert.Equal(fingerprints[3], Assert.Single(minimal.Subkeys).Fingerprint);
        Assert.NotNull(minimal.ExpirationTime); // only the renewed self-signature sets an expiration

        using var bob = new GnuPG();
        bob.Import(header.KeyData.ToArray());
        Assert.Equal(new[] { fingerprints[0], fingerprints[3] }, bob.Fingerprints("--list-keys", primary));
        string listing = bob.Run(null, "--with-colons", "--list-keys", primary).EnsureSuccess("list").Stdout;
        Assert.Single(listing.Split('\n'), l => l.StartsWith("uid:", StringComparison.Ordinal));
        Assert.Contains("alice@work.example", listing, StringComparison.Ordinal);
    }
}
