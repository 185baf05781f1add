using MimeKit;

namespace CryptoMail.Core.Mime;

/// <summary>Opens one received message: walks its MIME tree, decrypts and verifies the RFC 3156 parts, and
/// records how much of the message each protection covers.</summary>
/// <remarks>
/// The <em>envelope</em> is the chain of cryptographic layers that starts at the message's root body: a
/// multipart/signed root (whose first part continues the chain) or a multipart/encrypted root (whose plaintext
/// continues it), possibly nested in each other. Only protections on that chain cover the whole message
/// (<see cref="ProtectionCoverage.Full"/>). The first entity that is neither ends the chain: it is the
/// <em>payload</em>, and every signed or encrypted part found inside it, or beside it, or in an attached message,
/// covers only part of what a reader sees (<see cref="ProtectionCoverage.Partial"/>). This is what defeats the
/// wrapping attacks (Efail direct exfiltration, signature spoofing by wrapping a signed part in multipart/mixed).
/// One instance serves one call; it is not thread-safe.
/// </remarks>
internal sealed partial class EnvelopeAnalysis
{
    // Bounds the work an attacker can cause with many small protected parts (each costs a public-key operation,
    // and possibly a passphrase derivation per key).
    internal const int MaxProtectedParts = 64;

    private readonly MessageEngine pgp;
    private readonly MimeOpenOptions options;
    private readonly CancellationToken token;
    private readonly List<FoundSignature> found = new();
    private int protectedParts;
    private int entities;
    private int decryptedParts;
    private bool allIntegrityProtected = true;
    private bool allPostQuantum = true;
    private bool envelopeEncrypted;
    private bool nestedEncrypted;
    private ProtectedHeaders? protectedHeaders;
    // The innermost entity on the envelope chain, inside a cryptographic layer, that carries a header-protection marker.
    private MimeEntity? protectedPayload;
    // The signatures found before that payload was reached: the layers around it, the only ones that cover its header.
    private int signaturesAroundPayload;

    public EnvelopeAnalysis(MessageEngine pgp, MimeOpenOptions options, CancellationToken token)
    {
        this.pgp = pgp;
        this.options = options;
        this.token = token;
    }

    /// <summary>Unlocked keys and the passphrase-work budget shared by every part this open decrypts.</summary>
    internal KeyUnlocks? Unlocks { get; init; }

    /// <summary>A verdict with what it covers and the From header of the message it was found in.</summary>
    private sealed record FoundSignature(SignatureVerification Verification, ProtectionCoverage Coverage, InternetAddressList From);

    /// <summary>Opens <paramref name="message"/>, which this call owns and changes (decrypted parts replace
    /// encrypted ones).</summary>
    public OpenedMessage Open(MimeMessage message)
    {
        if (message.Body is { } body)
        {
            // A copy: opening replaces the message's From with the protected one, and signers must match both.
            var outerFrom = new InternetAddressList(message.From);
            message.Body = Visit(body, 1, ProtectionCoverage.Full, insideLayer: false, outerFrom);
        }
        if (protectedPayload is not null)
            protectedHeaders = HeaderProtection.Open(message, protectedPayload, envelopeEncrypted, SignedByProtectedFrom);

        var encryption = envelopeEncrypted ? ProtectionCoverage.Full
            : nestedEncrypted ? ProtectionCoverage.Partial
            : ProtectionCoverage.None;
        var signatures = found.Select(f => ToMimeSignature(f)).ToList();
        return new OpenedMessage(
            message,
            encryption,
            decrypted: decryptedParts > 0,
            integrityProtected: decryptedParts > 0 && allIntegrityProtected,
            signatures,
            protectedHeaders)
        {
            PostQuantum = decryptedParts > 0 && allPostQuantum,
        };
    }

    /// <summary>Whether a good signature that covers the protected payload (one found on a layer around it) was made by
    /// a key whose certificate binds every address of <paramref name="protectedFrom"/>: what lets a protected From
    /// differ from the outer one (RFC 9788 section 10: anyone can encrypt, so only a signature authenticates a header).</summary>
    private bool SignedByProtectedFrom(string protectedFrom)
    {
        if (!InternetAddressList.TryParse(protectedFrom, out var list)) return false;
        var addresses = list.Mailboxes.Select(m => m.Address?.Trim()).ToList();
        if (addresses.Count == 0 || addresses.Any(string.IsNullOrEmpty)) return false;
        return found.Take(signaturesAroundPayload).Any(f =>
            f.Verification.IsGood && f.Coverage == ProtectionCoverage.Full
            && addresses.All(a => SignerAddresses(f).Contains(a!)));
    }

    private static HashSet<string> SignerAddresses(FoundSignature f) =>
        (f.Verification.Signer?.UserIds ?? Array.Empty<string>()).Select(UserId.EmailOf).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Visits one entity and returns what replaces it in the tree (itself, or its plaintext).</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="depth">Its MIME depth; the root body is 1.</param>
    /// <param name="coverage">Full while on the envelope chain, Partial below the payload.</param>
    /// <param name="insideLayer">Whether a cryptographic layer of the envelope encloses it.</param>
    /// <param name="from">The From header of the (possibly attached) message it belongs to.</param>
    private MimeEntity Visit(MimeEntity entity, int depth, ProtectionCoverage coverage, bool insideLayer, InternetAddressList from)
    {
        token.ThrowIfCancellationRequested();
        if (depth > options.MaxMimeDepth)
            throw DiagnosticSink.LimitExceeded(nameof(MimeOpenOptions.MaxMimeDepth), options.MaxMimeDepth, $"The MIME structure is nested deeper than {options.MaxMimeDepth} levels (MimeOpenOptions.MaxMimeDepth).");
        if (++entities > options.MaxMimeParts)
            throw DiagnosticSink.LimitExceeded(nameof(MimeOpenOptions.MaxMimeParts), options.MaxMimeParts, $"The message holds more than {options.MaxMimeParts} MIME parts (MimeOpenOptions.MaxMimeParts).");

        if (coverage == ProtectionCoverage.Full && insideLayer && HeaderProtection.IsMarked(entity))
        {
            protectedPayload = entity;
            signaturesAroundPayload = found.Count;
        }

        if (PgpMimeParts.IsPgpSigned(entity))
        {
            var signed = (Multipart)entity;
            CountProtectedPart();
            int first = found.Count;
            int decryptedBefore = decryptedParts;
            Verify(signed, coverage, from);
            int end = found.Count;
            var content = signed[0];
            var replaced = Visit(content, depth + 1, coverage, insideLayer: true, from);
            if (!ReferenceEquals(replaced, content)) signed[0] = replaced;
            // A signature covers what it hashed: when encrypted data under it was decrypted for display, it signed that
            // ciphertext, not the plaintext shown, and says nothing about who wrote it (RFC 3156 section 6.1 signs before it encrypts).
            if (decryptedParts > decryptedBefore)
            {
                for (int i = first; i < end; i++) found[i] = found[i] with { Coverage = ProtectionCoverage.Ciphertext };
            }
            return signed;
        }

        if (PgpMimeParts.IsPgpEncrypted(entity))
        {
            CountProtectedPart();
            if (coverage == ProtectionCoverage.Full) envelopeEncrypted = true;
            else nestedEncrypted = true;
            if (coverage != ProtectionCoverage.Full && !options.DecryptNestedParts) return entity;
            var plaintext = Decrypt((Multipart)entity, coverage, from);
            return plaintext is null ? entity : Visit(plaintext, depth + 1, coverage, insideLayer: true, from);
        }

        switch (entity)
        {
            case Multipart multipart:
                for (int i = 0; i < multipart.Count; i++)
                {
                    var child = multipart[i];
                    var replaced = Visit(child, depth + 1, ProtectionCoverage.Partial, insideLayer: false, from);
                    if (!ReferenceEquals(replaced, child)) multipart[i] = replaced;
                }
                break;
            case MessagePart { Message: { Body: { } body } attached }:
                var newBody = Visit(body, depth + 1, ProtectionCoverage.Partial, insideLayer: false, attached.From);
                if (!ReferenceEquals(newBody, body)) attached.Body = newBody;
                break;
            case MimePart leaf:
                return VisitInline(leaf, coverage, from);
        }
        return entity;
    }

    private void CountProtectedPart()
    {
        if (++protectedParts > MaxProtectedParts)
            throw new LimitExceededException($"The message holds more than {MaxProtectedParts} signed or encrypted parts.");
    }

    /// <summary>Verifies a multipart/signed over the exact bytes of its first part as they stand in the message.</summary>
    private void Verify(Multipart signed, ProtectionCoverage coverage, InternetAddressList from)
    {
        var content = PgpMimeParts.SignedContent(signed);
        if (PgpMimeParts.SignaturePart(signed) is not { } signaturePart)
        {
            found.Add(new FoundSignature(Unreadable("The second part of the multipart/signed is not an application/pgp-signature part."), coverage, from));
            return;
        }
        // RFC 3156 section 5: the signature covers the first part's headers and body, canonical CRLF, up to (not
        // including) the CRLF before the boundary. A parsed entity keeps its raw headers and encoded content, so
        // writing it with CRLF line endings gives back those bytes. Known gap: a part whose unencoded content mixes
        // LF and CRLF is written with all CRLF, so a sender that signed the mixed bytes as sent verifies as Bad
        // (MimeKit handles that case through an internal format option that is not public).
        using var data = MimeCanonicalizer.ToCanonicalSpool(content, token);
        var signature = PgpMimeParts.Decode(signaturePart, token);

        VerifySignatures(coverage, from, "The signature part is not a readable OpenPGP signature: ", verifyOptions =>
        {
            using var signatureStream = new MemoryStream(signature, writable: false);
            return pgp.VerifyDetached(data, signatureStream, verifyOptions, token);
        });
    }

    /// <summary>Runs one verification with the caller's certificates and records its verdicts; a signature that
    /// cannot even be parsed signs nothing, so it becomes a Bad verdict and the message still opens.</summary>
    private void VerifySignatures(ProtectionCoverage coverage, InternetAddressList from, string unreadable, Func<VerifyOptions, VerificationResult> verify)
    {
        var verifyOptions = new VerifyOptions { Limits = options.Limits, Policy = options.Policy, Progress = options.Progress, VerifierLookup = options.VerifierLookup };
        foreach (var certificate in options.Verifiers) verifyOptions.Verifiers.Add(certificate);
        VerificationResult result;
        try
        {
            result = verify(verifyOptions);
        }
        catch (MalformedDataException e)
        {
            found.Add(new FoundSignature(Unreadable(unreadable + e.Message), coverage, from));
            return;
        }
        foreach (var verification in result.Signatures) found.Add(new FoundSignature(verification, coverage, from));
    }

    /// <summary>The verdict on a signature part that holds no readable signature.</summary>
    private static SignatureVerification Unreadable(string reason) =>
        new(SignatureStatus.Bad, string.Empty, null, null, null, DateTimeOffset.UnixEpoch, OpenPgpHashAlgorithm.Unknown, SignatureMode.Binary, reason);

    /// <summary>Decrypts a multipart/encrypted and parses its plaintext; null when a nested part has no key.</summary>
    /// <remarks>The armored body streams from the (spooled) message into the decryptor; the plaintext, released only
    /// once authenticated, goes to a secret spool that the parsed entity then reads its contents from.</remarks>
    private MimeEntity? Decrypt(Multipart encrypted, ProtectionCoverage coverage, InternetAddressList from)
    {
        var dataPart = PgpMimeParts.EncryptedData(encrypted);
        // The content stream is not disposed: for an identity transfer encoding MimeKit hands out the part's own.
        var content = dataPart.Content!.Open();
        using var ciphertext = ArmoredOrBinary(content);
        var plaintext = new MimeSpool(secret: true);
        try
        {
            if (DecryptData(ciphertext, plaintext, coverage, from, allowUnencrypted: false) is null)
            {
                plaintext.Dispose();
                return null;
            }
            return MimeCanonicalizer.LoadEntity(plaintext.Rewound(), token);
        }
        catch
        {
            plaintext.Dispose();
            throw;
        }
    }

    /// <summary>The OpenPGP data of an encrypted part: its armor decoded in bulk, or the part itself when it is binary
    /// (which some writers send; the decryptor then reads it as it is).</summary>
    private static Stream ArmoredOrBinary(Stream content)
    {
        var peek = new PeekStream(content);
        return PgpInput.LooksBinary(peek.Head) ? peek : new ArmorReader(peek);
    }

    /// <summary>Reads an armored block held in memory: its plaintext and whether it was encrypted at all; null as for
    /// the stream form.</summary>
    private (byte[] Plaintext, bool WasEncrypted)? DecryptData(byte[] ciphertext, ProtectionCoverage coverage, InternetAddressList from, bool allowUnencrypted)
    {
        using var input = new MemoryStream(ciphertext, writable: false);
        using var output = new MemoryStream();
        return DecryptData(input, output, coverage, from, allowUnencrypted) is { } result ? (output.ToArray(), result.WasEncrypted) : null;
    }

    /// <summary>Decrypts (and verifies) one OpenPGP message into <paramref name="output"/>; its signatures cover what
    /// <paramref name="coverage"/> says (RFC 3156 section 6.2: signatures inside the encryption cover its whole
    /// plaintext). Null when a part below the envelope is not for us (e.g. a forwarded encrypted message): it stays
    /// as it is. With <paramref name="allowUnencrypted"/> the data may turn out not to be encrypted at all (a bare
    /// literal packet, a signed-only message): <see cref="DecryptionResult.WasEncrypted"/> says so, and only what was
    /// decrypted counts as decrypted.</summary>
    private DecryptionResult? DecryptData(Stream input, Stream output, ProtectionCoverage coverage, InternetAddressList from, bool allowUnencrypted)
    {
        var decryptOptions = new DecryptOptions
        {
            Limits = options.Limits, AllowUnencrypted = allowUnencrypted, Policy = options.Policy, Unlocks = Unlocks, Progress = options.Progress,
            KeyLookup = options.KeyLookup, VerifierLookup = options.VerifierLookup, PassphraseProvider = options.PassphraseProvider,
        };
        foreach (var key in options.Keys) decryptOptions.Keys.Add(key);
        foreach (var passphrase in options.KeyPassphrases) decryptOptions.KeyPassphrases.Add(passphrase);
        foreach (var certificate in options.Verifiers) decryptOptions.Verifiers.Add(certificate);

        DecryptionResult result;
        try
        {
            result = pgp.Decrypt(input, output, decryptOptions, token);
        }
        catch (NoDecryptionKeyException) when (coverage != ProtectionCoverage.Full)
        {
            return null;
        }

        if (result.WasEncrypted)
        {
            decryptedParts++;
            allIntegrityProtected &= result.IntegrityProtected;
            allPostQuantum &= result.PostQuantum;
        }
        foreach (var verification in result.Signatures) found.Add(new FoundSignature(verification, coverage, from));
        return result;
    }

    private MimeSignature ToMimeSignature(FoundSignature f)
    {
        var userIds = f.Verification.Signer?.UserIds ?? Array.Empty<string>();
        // Without the signer's certificate nobody can tell whom the signature names: unknown, not "does not match".
        if (f.Verification.Status == SignatureStatus.UnknownKey) return new MimeSignature(f.Verification, f.Coverage, userIds, null);
        var signerAddresses = SignerAddresses(f);

        bool matches = MatchesAny(signerAddresses, f.From);
        // A reader that honours protected headers shows the protected From: the signer must match it too.
        if (matches && f.Coverage == ProtectionCoverage.Full && protectedHeaders?.From is { } protectedFrom)
        {
            matches = InternetAddressList.TryParse(protectedFrom, out var list) && MatchesAny(signerAddresses, list);
        }
        return new MimeSignature(f.Verification, f.Coverage, userIds, matches);
    }

    private static bool MatchesAny(HashSet<string> signerAddresses, InternetAddressList from) =>
        signerAddresses.Count > 0 && from.Mailboxes.Any(m => m.Address is { } a && signerAddresses.Contains(a.Trim()));
}
