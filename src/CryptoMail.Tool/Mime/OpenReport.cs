using System.Text.Encodings.Web;
using System.Text.Json;
using CryptoMail.Core;

namespace CryptoMail.Tool;

/// <summary>The JSON report of <c>cryptomail mime open</c>. Its shape is a contract for scripts:
/// <code>
/// {"encryption": "full|partial|none", "decrypted": bool, "integrityProtected": bool,
///  "signatures": [{"status": "good|bad|unknown-key|weak|expired|revoked|unsupported", "signerFingerprint": "...",
///                  "signingKeyFingerprint": "...", "coverage": "full|partial|ciphertext", "signerUserIds": [...],
///                  "matchesFrom": bool or null, "reason": "...", "rejection": "..." (only when one is named)}],
///  "protectedHeaders": {"form": "cipher|clear|v1", "verdict": "consistent|obscured|mismatch",
///                       "subject", "from", "to", "cc", "date",
///                       "fields": [{"name", "protected", "outer", "state": "unchanged|obscured|mismatch"}]} or null,
///  "error": {"code": "no-key|integrity|malformed|policy|limit|bad-passphrase", "message": "..."} or null}
/// </code>
/// Fingerprints are null, and "matchesFrom" is null (unknown), when the signer's certificate was not supplied. A
/// "ciphertext" coverage is a signature over encrypted data that was decrypted for display (a multipart/signed around a
/// multipart/encrypted): it does not vouch for the plaintext shown. The JSON is for programs and terminals,
/// never embedded in HTML, so user IDs keep their angle brackets unescaped.</summary>
internal static class OpenReport
{
    public sealed record Failure(string Code, string Message);

    public static void Write(Stream output, OpenedMessage? opened, Failure? failure, ProtectionCoverage encryptionWhenFailed = ProtectionCoverage.None)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("encryption", Coverage(opened?.Encryption ?? encryptionWhenFailed));
        json.WriteBoolean("decrypted", opened?.Decrypted ?? false);
        json.WriteBoolean("integrityProtected", opened?.IntegrityProtected ?? false);
        json.WriteStartArray("signatures");
        foreach (var s in opened?.Signatures ?? [])
        {
            var v = s.Verification;
            json.WriteStartObject();
            json.WriteString("status", Status(v.Status));
            json.WriteString("signerFingerprint", v.SignerFingerprint);
            json.WriteString("signingKeyFingerprint", v.SigningKeyFingerprint);
            json.WriteString("coverage", s.Coverage switch
            {
                ProtectionCoverage.Full => "full",
                ProtectionCoverage.Ciphertext => "ciphertext",
                _ => "partial",
            });
            json.WriteStartArray("signerUserIds");
            foreach (var id in s.SignerUserIds) json.WriteStringValue(id);
            json.WriteEndArray();
            if (s.MatchesFrom is { } matches) json.WriteBoolean("matchesFrom", matches);
            else json.WriteNull("matchesFrom");
            json.WriteString("reason", v.Reason);
            if (v.RejectionReason is { } rejection) json.WriteString("rejection", rejection.ToString());
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (opened?.ProtectedHeaders is { } headers)
        {
            json.WriteStartObject("protectedHeaders");
            json.WriteString("form", headers.Form switch
            {
                HeaderProtectionForm.Encrypted => "cipher",
                HeaderProtectionForm.SignedOnly => "clear",
                _ => "v1",
            });
            json.WriteString("verdict", headers.Verdict.ToString().ToLowerInvariant());
            json.WriteString("subject", headers.Subject);
            json.WriteString("from", headers.From);
            json.WriteString("to", headers.To);
            json.WriteString("cc", headers.Cc);
            json.WriteString("date", headers.Date);
            json.WriteStartArray("fields");
            foreach (var field in headers.Fields)
            {
                json.WriteStartObject();
                json.WriteString("name", field.Name);
                json.WriteString("protected", field.ProtectedValue);
                json.WriteString("outer", field.OuterValue);
                json.WriteString("state", field.State.ToString().ToLowerInvariant());
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("protectedHeaders");
        }
        if (failure is not null)
        {
            json.WriteStartObject("error");
            json.WriteString("code", failure.Code);
            json.WriteString("message", failure.Message);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("error");
        }
        json.WriteEndObject();
        json.Flush();
        output.WriteByte((byte)'\n');
    }

    public static string Coverage(ProtectionCoverage coverage) => coverage switch
    {
        ProtectionCoverage.Full => "full",
        ProtectionCoverage.Partial => "partial",
        _ => "none",
    };

    /// <summary>The report's seven verdicts; the library's finer ones fold into the nearest.</summary>
    public static string Status(SignatureStatus status) => status switch
    {
        SignatureStatus.Good => "good",
        SignatureStatus.UnknownKey => "unknown-key",
        SignatureStatus.WeakAlgorithm => "weak",
        SignatureStatus.Expired or SignatureStatus.OutOfWindow => "expired",
        SignatureStatus.Revoked => "revoked",
        SignatureStatus.Unsupported => "unsupported",
        _ => "bad",
    };

    /// <summary>The report's error code and the exit code for a library failure.</summary>
    public static (string Code, int ExitCode) ErrorOf(CryptoMailException e, bool someKeyLocked) => e switch
    {
        NoDecryptionKeyException when someKeyLocked => ("bad-passphrase", SopExit.KeyIsProtected),
        NoDecryptionKeyException => ("no-key", SopExit.CannotDecrypt),
        IntegrityException => ("integrity", SopExit.CannotDecrypt),
        MalformedDataException => ("malformed", SopExit.BadData),
        PolicyViolationException => ("policy", SopExit.CannotDecrypt),
        LimitExceededException => ("limit", SopExit.BadData),
        BadPassphraseException or KeyNotUsableException => ("bad-passphrase", SopExit.KeyIsProtected),
        _ => ("malformed", SopExit.GenericError),
    };
}
