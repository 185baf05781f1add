using MimeKit.Cryptography;

namespace CryptoMail.Core.Mime;

/// <summary>A signature checked by CryptoMail, as MimeKit's <see cref="IDigitalSignature"/>: it carries our verdict
/// (<see cref="Verification"/>), which already includes the key's validity, expiry, revocation and the policy.</summary>
/// <remarks>Unlike MimeKit's own signatures, <see cref="Verify()"/> reports the whole verdict, and
/// <c>Verify(true)</c> does not relax it to a bare cryptographic check: a signature by an expired or revoked key
/// is not good here.</remarks>
public sealed class CryptoMailDigitalSignature : IDigitalSignature
{
    internal CryptoMailDigitalSignature(SignatureVerification verification)
    {
        Verification = verification;
        SignerCertificate = verification.Signer is { } signer ? new CryptoMailDigitalCertificate(signer) : null;
    }

    /// <summary>Our verdict on this signature: status, signer, reason.</summary>
    public SignatureVerification Verification { get; }

    /// <summary>Whether the verdict is <see cref="SignatureStatus.Good"/>.</summary>
    public bool IsGood => Verification.IsGood;

    /// <inheritdoc />
    public IDigitalCertificate? SignerCertificate { get; }

    /// <inheritdoc />
    public PublicKeyAlgorithm PublicKeyAlgorithm => SignerCertificate?.PublicKeyAlgorithm ?? PublicKeyAlgorithm.None;

    /// <inheritdoc />
    public DigestAlgorithm DigestAlgorithm => Verification.HashAlgorithm switch
    {
        OpenPgpHashAlgorithm.Sha1 => DigestAlgorithm.Sha1,
        OpenPgpHashAlgorithm.Sha224 => DigestAlgorithm.Sha224,
        OpenPgpHashAlgorithm.Sha256 => DigestAlgorithm.Sha256,
        OpenPgpHashAlgorithm.Sha384 => DigestAlgorithm.Sha384,
        OpenPgpHashAlgorithm.Sha512 => DigestAlgorithm.Sha512,
        OpenPgpHashAlgorithm.Md5 => DigestAlgorithm.MD5,
        OpenPgpHashAlgorithm.RipeMd160 => DigestAlgorithm.RipeMD160,
        _ => DigestAlgorithm.None,
    };

    /// <inheritdoc />
    public DateTime CreationDate => Verification.CreationTime.UtcDateTime;

    /// <summary>Whether the signature is good (see <see cref="Verification"/> for why not).</summary>
    /// <returns>True when the verdict is good.</returns>
    /// <exception cref="DigitalSignatureVerifyException">The signer's certificate is unknown (as MimeKit reports it).</exception>
    public bool Verify() => Verify(false);

    /// <summary>Whether the signature is good; <paramref name="verifySignatureOnly"/> does not relax the verdict.</summary>
    /// <param name="verifySignatureOnly">Ignored: the verdict always includes the key's validity.</param>
    /// <returns>True when the verdict is good.</returns>
    /// <exception cref="DigitalSignatureVerifyException">The signer's certificate is unknown (as MimeKit reports it).</exception>
    public bool Verify(bool verifySignatureOnly)
    {
        if (Verification.Status == SignatureStatus.UnknownKey)
            throw new DigitalSignatureVerifyException($"No certificate is known for the signing key {Verification.IssuerKeyId}: {Verification.Reason}");
        return Verification.IsGood;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Verification.Status}: {Verification.Reason}";
}

/// <summary>A CryptoMail <see cref="Core.Certificate"/> as MimeKit's <see cref="IDigitalCertificate"/>.</summary>
public sealed class CryptoMailDigitalCertificate : IDigitalCertificate
{
    internal CryptoMailDigitalCertificate(Certificate certificate) => Certificate = certificate;

    /// <summary>The certificate.</summary>
    public Certificate Certificate { get; }

    /// <inheritdoc />
    public PublicKeyAlgorithm PublicKeyAlgorithm => Certificate.PrimaryKey.Algorithm switch
    {
        KeyAlgorithm.Rsa => PublicKeyAlgorithm.RsaGeneral,
        KeyAlgorithm.Ed25519 or KeyAlgorithm.Ed448 => PublicKeyAlgorithm.EdwardsCurveDsa,
        KeyAlgorithm.Ecdsa => PublicKeyAlgorithm.EllipticCurveDsa,
        KeyAlgorithm.Dsa => PublicKeyAlgorithm.Dsa,
        _ => PublicKeyAlgorithm.None,
    };

    /// <inheritdoc />
    public DateTime CreationDate => Certificate.CreationTime.UtcDateTime;

    /// <inheritdoc />
    public DateTime ExpirationDate => Certificate.ExpirationTime?.UtcDateTime ?? DateTime.MaxValue;

    /// <inheritdoc />
    public string Fingerprint => Certificate.Fingerprint;

    /// <inheritdoc />
    public string? Email => Certificate.EmailAddresses.Count > 0 ? Certificate.EmailAddresses[0] : null;

    /// <inheritdoc />
    public string? Name
    {
        get
        {
            var userId = Certificate.UserIds.Count > 0 ? Certificate.UserIds[0] : null;
            if (userId is null) return null;
            int lt = userId.IndexOf('<', StringComparison.Ordinal);
            var name = (lt >= 0 ? userId[..lt] : userId).Trim();
            return name.Length > 0 ? name : null;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Certificate.ToString();
}
