using MimeKit;

namespace CryptoMail.Core.Internal;

// Temporary: replaced by the message engine and the PGP/MIME engine.
internal static class MessageWriter
{
    public static EncryptionResult Encrypt(Stream input, Stream output, EncryptOptions options, bool async, CancellationToken token) => throw new NotImplementedException();
    public static SigningResult SignDetached(Stream input, Stream output, SignOptions options, bool async, CancellationToken token) => throw new NotImplementedException();
    public static SigningResult SignInline(Stream input, Stream output, SignOptions options, bool async, CancellationToken token) => throw new NotImplementedException();
}

internal static class MessageReader
{
    public static DecryptionResult Decrypt(Stream input, Stream output, DecryptOptions options, bool async, CancellationToken token) => throw new NotImplementedException();
    public static VerificationResult VerifyDetached(Stream data, Stream signature, VerifyOptions options, bool async, CancellationToken token) => throw new NotImplementedException();
    public static VerificationResult VerifyInline(Stream input, Stream output, VerifyOptions options, bool async, CancellationToken token) => throw new NotImplementedException();
}

internal static class Cleartext
{
    public static SigningResult Sign(Stream input, Stream output, SignOptions options, CancellationToken token) => throw new NotImplementedException();
}

internal static class ArmorCodec
{
    public static void Armor(Stream input, Stream output, ArmorKind? kind) => throw new NotImplementedException();
    public static void Dearmor(Stream input, Stream output) => throw new NotImplementedException();
}
