namespace CryptoMail.Core;

/// <summary>The kind of OpenPGP data in an ASCII armor block (its <c>BEGIN PGP ...</c> label).</summary>
public enum ArmorKind
{
    /// <summary><c>PGP MESSAGE</c>: encrypted, signed or literal data.</summary>
    Message,
    /// <summary><c>PGP PUBLIC KEY BLOCK</c>: certificates.</summary>
    PublicKey,
    /// <summary><c>PGP PRIVATE KEY BLOCK</c>: secret keys.</summary>
    PrivateKey,
    /// <summary><c>PGP SIGNATURE</c>: detached signatures.</summary>
    Signature,
}
