namespace CryptoMail.Core.Keys;

/// <summary>Reports the decisions of the key layer (a certificate refused for an operation, a signature not accepted
/// as good) to the operation's <see cref="DiagnosticSink"/>, with the key's identity, algorithm and size: never key
/// material.</summary>
internal static class KeyDiagnostics
{
    /// <summary>One diagnostic per reason <paramref name="certificate"/> cannot be used.</summary>
    public static void KeyRejected(Certificate certificate, IReadOnlyList<ValidationIssue> reasons)
    {
        if (!DiagnosticSink.Active) return;
        foreach (var issue in reasons)
        {
            var key = KeyOf(certificate, issue.Fingerprint) ?? certificate.PrimaryKey;
            DiagnosticSink.Report(new OpenPgpDiagnostic(OpenPgpDiagnosticKind.KeyRejected, $"Certificate {certificate.Fingerprint}: {issue.Message}")
            {
                Reason = issue.Reason,
                KeyId = key.KeyId,
                Fingerprint = key.Fingerprint,
                CertificateFingerprint = certificate.Fingerprint,
                KeyAlgorithm = key.Algorithm,
                KeyBits = key.BitStrength,
            });
        }
    }

    /// <summary>A diagnostic for <paramref name="verdict"/> when it is not good.</summary>
    public static void SignatureVerdict(SignatureVerification verdict)
    {
        if (verdict.IsGood || !DiagnosticSink.Active) return;
        var key = verdict.Signer is { } signer ? KeyOf(signer, verdict.SigningKeyFingerprint) : null;
        DiagnosticSink.Report(new OpenPgpDiagnostic(OpenPgpDiagnosticKind.SignatureRejected, verdict.Reason)
        {
            Reason = verdict.RejectionReason,
            KeyId = verdict.IssuerKeyId,
            Fingerprint = verdict.SigningKeyFingerprint ?? verdict.IssuerFingerprint,
            CertificateFingerprint = verdict.SignerFingerprint,
            KeyAlgorithm = key?.Algorithm,
            KeyBits = key?.BitStrength,
            Hash = verdict.HashAlgorithm == OpenPgpHashAlgorithm.Unknown ? null : verdict.HashAlgorithm,
        });
    }

    private static KeyInfo? KeyOf(Certificate certificate, string? fingerprint) =>
        fingerprint is null ? null : certificate.Subkeys.Prepend(certificate.PrimaryKey).FirstOrDefault(k => k.Fingerprint == fingerprint);
}
