using MimeKit;

namespace CryptoMail.Core.Mime;

/// <summary>How much of a message a protection covers.</summary>
public enum ProtectionCoverage
{
    /// <summary>Not at all.</summary>
    None,
    /// <summary>Only some parts: an encrypted or signed part sits beside unprotected parts, or deeper than the
    /// message's own cryptographic envelope. Mail clients must not present the message as protected.</summary>
    Partial,
    /// <summary>The whole message body.</summary>
    Full,
    /// <summary>Only encrypted data that was then decrypted for display: a signature made over ciphertext (a
    /// multipart/signed around a multipart/encrypted, or around an encrypted block or attachment). It proves who sent
    /// those encrypted octets, not who wrote the plaintext; mail clients must not show its signer as the author of
    /// what they display.</summary>
    Ciphertext,
}

/// <summary>Options for PGP/MIME signing.</summary>
public sealed class MimeSignOptions
{
    /// <summary>The signature: passphrases for a protected signing key, the hash (default SHA-256,
    /// <c>micalg=pgp-sha256</c>) and the mode, as <see cref="EncryptOptions.Signing"/> configures them for a message.
    /// The signer the method is given signs first; any <see cref="SignatureSettings.Signers"/> listed here sign beside it.</summary>
    public SignatureSettings Signing { get; init; } = new();

    /// <summary>The policy for the signature hash and which signing keys are valid; null for the instance's <see cref="OpenPgpOptions.Policy"/>.</summary>
    public OpenPgpPolicy? Policy { get; init; }

    /// <summary>Also sign the header (RFC 9788 <c>hp="clear"</c>): Subject, From, To, Cc, Date, Message-ID, the
    /// threading headers, Reply-To and Followup-To are copied into the signed part, so a reader detects a changed
    /// outer header. Default false: a signed-only message gains no confidentiality from it, and readers without
    /// RFC 9788 support ignore it.</summary>
    public bool ProtectHeaders { get; init; }

    /// <summary>Receives, for each OpenPGP part the operation processes, the number of that part's octets processed
    /// so far (it starts again at the next part), as <see cref="EncryptOptions.Progress"/> does for a message.</summary>
    public IProgress<long>? Progress { get; init; }
}

/// <summary>Options for PGP/MIME encryption.</summary>
public sealed class MimeEncryptOptions
{
    /// <summary>The signature inside the encryption, when the message is signed (<see cref="PgpMime.SignAndEncrypt"/>):
    /// passphrases for a protected signing key, the hash (default SHA-256) and the mode, as
    /// <see cref="EncryptOptions.Signing"/> configures them. The signer the method is given signs first; any
    /// <see cref="SignatureSettings.Signers"/> listed here sign beside it (and also make <see cref="PgpMime.Encrypt"/> sign).</summary>
    public SignatureSettings Signing { get; init; } = new();

    /// <summary>The cipher. Default AES-256.</summary>
    public SymmetricCipher Cipher { get; init; } = SymmetricCipher.Aes256;

    /// <summary>The policy for the cipher, the signature hash and which recipient and signing keys are valid; null for the instance's <see cref="OpenPgpOptions.Policy"/>.</summary>
    public OpenPgpPolicy? Policy { get; init; }

    /// <summary>Also encrypt to the signer's own certificate, so the sender can read the sent copy. Default true.</summary>
    public bool EncryptToSelf { get; init; } = true;

    /// <summary>Protect the header (RFC 9788 <c>hp="cipher"</c>): Subject, From, To, Cc, Date, Message-ID, the
    /// threading headers, Reply-To and Followup-To travel inside the encryption, with <c>HP-Outer</c> fields recording
    /// the outer header, and the outer header is obscured per <see cref="HeaderConfidentiality"/>. Default true: an
    /// encrypted message whose Subject is readable by every server on the way leaks what the encryption should hide,
    /// and readers without RFC 9788 support still show the message (and, with <see cref="LegacyDisplay"/>, the real
    /// Subject at the top of the text).</summary>
    public bool ProtectHeaders { get; init; } = true;

    /// <summary>What the outer header still shows when <see cref="ProtectHeaders"/> is on. Default
    /// <see cref="CryptoMail.Core.Mime.HeaderConfidentiality.Baseline"/> (Subject becomes <c>[...]</c>).</summary>
    public HeaderConfidentiality HeaderConfidentiality { get; init; } = HeaderConfidentiality.Baseline;

    /// <summary>When the policy hides a user-facing field (such as the Subject), repeat it at the top of each text/plain
    /// body part, marked <c>hp-legacy-display="1"</c> (RFC 9788 Legacy Display Element), so readers without header
    /// protection still see it; readers with it (including <see cref="PgpMime.Open"/>) remove it. Default true.</summary>
    public bool LegacyDisplay { get; init; } = true;

    /// <summary>Receives, for each OpenPGP part the operation processes, the number of that part's octets processed
    /// so far (it starts again at the next part), as <see cref="EncryptOptions.Progress"/> does for a message.</summary>
    public IProgress<long>? Progress { get; init; }
}

/// <summary>Options for opening an incoming message.</summary>
public sealed class MimeOpenOptions
{
    /// <summary>Secret keys that may decrypt.</summary>
    public IList<SecretKey> Keys { get; } = new List<SecretKey>();

    /// <summary>Passphrases tried for protected keys.</summary>
    public IList<string> KeyPassphrases { get; } = new List<string>();

    /// <summary>Certificates whose signatures are checked.</summary>
    public IList<Certificate> Verifiers { get; } = new List<Certificate>();

    /// <summary>Where to find more secret keys, beside <see cref="Keys"/>: asked only for the recipients the
    /// encrypted parts name (see <see cref="DecryptOptions.KeyLookup"/>). Null (the default): only <see cref="Keys"/>.</summary>
    public ISecretKeyLookup? KeyLookup { get; init; }

    /// <summary>Where to find more signers' certificates, beside <see cref="Verifiers"/>: asked only for the keys the
    /// signatures name. Null (the default): only <see cref="Verifiers"/>.</summary>
    public ICertificateLookup? VerifierLookup { get; init; }

    /// <summary>Asked for passphrases of protected keys the message is encrypted to when <see cref="KeyPassphrases"/>
    /// holds none that fits (see <see cref="DecryptOptions.PassphraseProvider"/>); each key is asked for once per open,
    /// whatever the number of encrypted parts. Null (the default): only the list.</summary>
    public IPassphraseProvider? PassphraseProvider { get; init; }

    /// <summary>Limits for untrusted input; null for the instance's <see cref="OpenPgpOptions.Limits"/>.</summary>
    public ReadLimits? Limits { get; init; }

    /// <summary>The policy for the ciphers accepted and the signatures checked; null for the instance's <see cref="OpenPgpOptions.Policy"/>.</summary>
    public OpenPgpPolicy? Policy { get; init; }

    /// <summary>The deepest MIME nesting examined. Default 32.</summary>
    public int MaxMimeDepth { get; init; } = 32;

    /// <summary>The most MIME entities (parts, multiparts, attached messages) examined; a message with more is refused
    /// with <see cref="LimitExceededException"/>. Default 10,000.</summary>
    public int MaxMimeParts { get; init; } = 10_000;

    /// <summary>Also decrypt encrypted parts that are not the message's own envelope (an encrypted part beside other
    /// parts, or in an attached message). Default false: decrypting such parts and showing their plaintext next to
    /// content an attacker chose is how Efail's direct exfiltration works. Either way they are reported as
    /// <see cref="ProtectionCoverage.Partial"/>, and a nested part for which no key fits is left encrypted. Encrypted
    /// attachments (<c>.pgp</c>, <c>.gpg</c>, <c>.asc</c>, <c>application/pgp-encrypted</c>) are such parts too; when
    /// decrypted they become application/octet-stream attachments, never a type derived from their file name.</summary>
    public bool DecryptNestedParts { get; init; }

    /// <summary>Receives, for each OpenPGP part the operation processes, the number of that part's octets processed
    /// so far (it starts again at the next part), as <see cref="EncryptOptions.Progress"/> does for a message.</summary>
    public IProgress<long>? Progress { get; init; }
}

/// <summary>A signature found in a message, with what it covers and whom it names.</summary>
public sealed record MimeSignature
{
    internal MimeSignature(SignatureVerification verification, ProtectionCoverage coverage, IReadOnlyList<string> signerUserIds, bool? matchesFrom)
    {
        Verification = verification;
        Coverage = coverage;
        SignerUserIds = signerUserIds;
        MatchesFrom = matchesFrom;
    }

    /// <summary>The cryptographic verdict.</summary>
    public SignatureVerification Verification { get; init; }

    /// <summary>Whether it covers the whole message body, only a part, or only ciphertext that was decrypted
    /// for display (<see cref="ProtectionCoverage.Ciphertext"/>).</summary>
    public ProtectionCoverage Coverage { get; init; }

    /// <summary>The signer's bound user IDs (empty when the signer is unknown).</summary>
    public IReadOnlyList<string> SignerUserIds { get; init; }

    /// <summary>Whether a signer user ID carries the From address; null (unknown) when the signer's
    /// certificate was not supplied (<see cref="SignatureStatus.UnknownKey"/>), so that no one can tell whom the signature names.</summary>
    public bool? MatchesFrom { get; init; }
}

/// <summary>An opened message and the report a mail client needs to present it honestly.</summary>
public sealed record OpenedMessage
{
    internal OpenedMessage(MimeMessage message, ProtectionCoverage encryption, bool decrypted, bool integrityProtected, IReadOnlyList<MimeSignature> signatures, ProtectedHeaders? protectedHeaders)
    {
        Message = message;
        Encryption = encryption;
        Decrypted = decrypted;
        IntegrityProtected = integrityProtected;
        Signatures = signatures;
        ProtectedHeaders = protectedHeaders;
    }

    /// <summary>The message with encrypted parts replaced by their plaintext.</summary>
    public MimeMessage Message { get; init; }

    /// <summary>How much of the message was encrypted: only OpenPGP data holding encrypted data packets
    /// counts (an armored block that is signed-only or a bare literal packet is not encryption), and
    /// <see cref="ProtectionCoverage.Full"/> only when the message's own envelope was decrypted.</summary>
    public ProtectionCoverage Encryption { get; init; }

    /// <summary>Whether anything was decrypted.</summary>
    public bool Decrypted { get; init; }

    /// <summary>Whether every decrypted part was integrity protected (false when nothing was decrypted).</summary>
    public bool IntegrityProtected { get; init; }

    /// <summary>Whether every decrypted part had its session key protected post-quantum (only public-key packets to
    /// composite ML-KEM keys of RFC 9980, see <see cref="DecryptionResult.PostQuantum"/>); false when nothing was
    /// decrypted or when any decrypted part was also, or only, open to a classical key or a password.</summary>
    public bool PostQuantum { get; init; }

    /// <summary>Every signature found, with coverage and sender match.</summary>
    public IReadOnlyList<MimeSignature> Signatures { get; init; }

    /// <summary>Protected headers, or null when the message has none.</summary>
    public ProtectedHeaders? ProtectedHeaders { get; init; }

    /// <summary>Whether the whole message is covered by at least one good signature matching From.</summary>
    public bool IsFullySignedBySender => Signatures.Any(s => s.Verification.IsGood && s.Coverage == ProtectionCoverage.Full && s.MatchesFrom == true);
}
