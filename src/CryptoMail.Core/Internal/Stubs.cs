using MimeKit;

namespace CryptoMail.Core.Internal;

// Temporary: replaced by the PGP/MIME engine.
internal static class PgpMimeEngine
{
    public static MimeMessage Sign(OpenPgp pgp, MimeMessage message, SecretKey signer, MimeSignOptions options, CancellationToken token) => throw new NotImplementedException();
    public static MimeMessage Encrypt(OpenPgp pgp, MimeMessage message, SecretKey? signer, IEnumerable<Certificate> recipients, MimeEncryptOptions options, CancellationToken token) => throw new NotImplementedException();
    public static OpenedMessage Open(OpenPgp pgp, MimeMessage message, MimeOpenOptions options, CancellationToken token) => throw new NotImplementedException();
}
