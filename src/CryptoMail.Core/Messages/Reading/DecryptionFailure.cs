namespace CryptoMail.Core.Messages.Reading;

/// <summary>The one error for every failure before the integrity of encrypted data is established: a quick check that
/// fails under a key a session key packet vouched for, a wrong MDC, a bad AEAD tag, truncation, malformed packets,
/// garbage or broken compressed data inside the encryption. Always the same type and text, with no inner exception
/// and no decrypted octet, so an attacker who sends modified ciphertexts learns nothing from which check tripped
/// (RFC 9580 section 13.4 on the quick-check oracle; the design guide's "errors are no oracle").</summary>
internal static class DecryptionFailure
{
    public const string Text =
        "The encrypted data could not be authenticated: it was modified or is corrupt, or it was encrypted under another session key.";

    public static IntegrityException Create() => new(Text);
}
