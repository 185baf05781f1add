using MimeKit;

namespace CryptoMail.Core.Mime;

/// <summary>PGP/MIME (RFC 3156) on MimeKit messages. Every OpenPGP operation goes through the public
/// <see cref="OpenPgp"/> API (never MimeKit's own OpenPGP contexts, which skip integrity checks).</summary>
internal static class PgpMimeEngine
{
    public static MimeMessage Sign(MessageEngine pgp, MimeMessage message, SecretKey signer, MimeSignOptions options, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(options);
        var body = message.Body ?? throw new ArgumentException("The message has no body to sign.", nameof(message));

        return Run(() =>
        {
            // Sign a prepared copy, and embed the entity parsed back from exactly the signed bytes.
            using var scratch = new MimeSpool(secret: true);
            var content = options.ProtectHeaders
                ? HeaderProtection.Protect(message, body, encrypted: false, HeaderConfidentiality.None, legacyDisplay: false, scratch, token)
                : body;
            var (canonical, embedded) = MimeCanonicalizer.CanonicalizeForSigning(content, token);
            token.ThrowIfCancellationRequested();

            var signOptions = new SignOptions { Hash = options.Signing.Hash, Mode = options.Signing.Mode, Armor = true, Policy = options.Policy, Progress = options.Progress };
            CopySigning(options.Signing, signOptions, signer);

            SigningResult result;
            using var signature = new MemoryStream();
            using (var input = new MemoryStream(canonical, writable: false))
            {
                result = pgp.SignDetached(input, signature, signOptions, token);
            }
            var micalg = string.IsNullOrEmpty(result.Micalg) ? Micalg(options.Signing.Hash) : result.Micalg;
            return PgpMimeParts.WithBody(message, PgpMimeParts.Signed(embedded, signature.ToArray(), micalg));
        }, "Signing the message", callerData: true);
    }

    public static MimeMessage Encrypt(MessageEngine pgp, MimeMessage message, SecretKey? signer, IEnumerable<Certificate> recipients, MimeEncryptOptions options, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(options);
        var body = message.Body ?? throw new ArgumentException("The message has no body to encrypt.", nameof(message));

        var all = recipients.ToList();
        if (all.Any(c => c is null)) throw new ArgumentException("The recipients include null.", nameof(recipients));
        if (signer is not null && options.EncryptToSelf && !all.Any(c => c.Fingerprint == signer.Fingerprint)) all.Add(signer.Certificate);
        if (all.Count == 0) throw new ArgumentException("At least one recipient is required.", nameof(recipients));

        return Run(() =>
        {
            // RFC 3156 section 4: the encrypted entity is in canonical (CRLF) form; inside the encryption it needs no
            // 7-bit transfer encoding. With a signer, the one OpenPGP message is signed and encrypted (section 6.2).
            // RFC 9788: the header travels inside; a body that is already a signed layer (RFC 3156 section 6.1) keeps
            // its bytes, so its protection is the signer's choice.
            bool protect = options.ProtectHeaders && !PgpMimeParts.IsPgpSigned(body);
            // Bounded memory: the payload copy, its canonical form and the ciphertext each live in a spool (memory
            // when small; past MimeSpool.MemoryLimit a temporary file, encrypted at rest when it holds plaintext).
            using var scratch = new MimeSpool(secret: true);
            var payload = protect
                ? HeaderProtection.Protect(message, body, encrypted: true, options.HeaderConfidentiality, options.LegacyDisplay, scratch, token)
                : body;
            using var plaintext = MimeCanonicalizer.ToCanonicalSpool(payload, token);
            token.ThrowIfCancellationRequested();

            var encryptOptions = new EncryptOptions
            {
                Armor = true,
                Cipher = options.Cipher,
                Policy = options.Policy,
                Signing = new SignatureSettings { Hash = options.Signing.Hash, Mode = options.Signing.Mode },
                Format = LiteralFormat.Binary,
                Progress = options.Progress,
            };
            foreach (var certificate in all) encryptOptions.Recipients.Add(certificate);
            CopySigning(options.Signing, encryptOptions.Signing, signer);

            // The sealed message's encrypted part reads the armored ciphertext from this spool when it is written.
            var ciphertext = new MimeSpool(secret: false);
            try
            {
                pgp.Encrypt(plaintext, ciphertext, encryptOptions, token);
            }
            catch
            {
                ciphertext.Dispose();
                throw;
            }
            var sealedMessage = PgpMimeParts.WithBody(message, PgpMimeParts.Encrypted(ciphertext.Rewound()));
            if (protect) HeaderProtection.ObscureOuter(sealedMessage, options.HeaderConfidentiality);
            return sealedMessage;
        }, "Encrypting the message", callerData: true);
    }

    /// <summary>The signers (the method's <paramref name="signer"/> first, then the listed ones) and passphrases of a
    /// MIME option's <see cref="SignatureSettings"/>, into the message operation's.</summary>
    private static void CopySigning(SignatureSettings from, SignatureSettings to, SecretKey? signer)
    {
        ArgumentNullException.ThrowIfNull(from);
        if (signer is not null) to.Signers.Add(signer);
        foreach (var key in from.Signers)
        {
            if (key is not null && !ReferenceEquals(key, signer)) to.Signers.Add(key);
        }
        foreach (var passphrase in from.SignerPassphrases) to.SignerPassphrases.Add(passphrase);
    }

    public static OpenedMessage Open(MessageEngine pgp, MimeMessage message, MimeOpenOptions options, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxMimeDepth < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxMimeDepth, "MimeOpenOptions.MaxMimeDepth must be at least 1.");
        if (options.MaxMimeParts < 1) throw new ArgumentOutOfRangeException(nameof(options), options.MaxMimeParts, "MimeOpenOptions.MaxMimeParts must be at least 1.");

        return Run(() =>
        {
            // Work on a private copy: the caller's message is not changed, and the copy's parts hold the message's
            // bytes as transmitted (CRLF), which is what signatures are checked against. A multipart/encrypted root
            // is only read (its armored data streams into the decryptor) and then replaced by the plaintext as a
            // whole, so there the copy needs the header alone, not the (possibly huge) ciphertext.
            var copy = message.Body is { } body && PgpMimeParts.IsPgpEncrypted(body)
                ? PgpMimeParts.WithHeaders(message, body)
                : MimeCanonicalizer.CopyMessage(message, token);
            using var report = DiagnosticSink.Use(pgp.Defaults.Diagnostics);
            using var unlocks = new KeyUnlocks(options.Limits ?? pgp.Defaults.Limits, token);
            return new EnvelopeAnalysis(pgp, options, token) { Unlocks = unlocks }.Open(copy);
        }, "Opening the message", callerData: false);
    }

    internal static string Micalg(OpenPgpHashAlgorithm hash) => MessageWriter.Micalg(hash);

    /// <summary>The public boundary of the MIME layer: our exceptions and cancellation pass; everything MimeKit or
    /// the runtime raises on bad MIME becomes a <see cref="MalformedDataException"/>.</summary>
    /// <param name="body">The work.</param>
    /// <param name="what">What is being done, for messages.</param>
    /// <param name="callerData">True when the MIME is the caller's own (sealing): argument errors then pass as they
    /// are; false for received, untrusted MIME, where they describe bad data.</param>
    private static T Run<T>(Func<T> body, string what, bool callerData)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is not (CryptoMailException or OperationCanceledException or OutOfMemoryException)
                                  && !(callerData && e is ArgumentException))
        {
            throw new MalformedDataException($"{what}: the MIME structure could not be processed ({e.GetType().Name}: {e.Message}).", e);
        }
    }
}
