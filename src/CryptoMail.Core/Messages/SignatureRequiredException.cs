namespace CryptoMail.Core;

/// <summary>Strict mode asked for at least one good signature and none was found.</summary>
public sealed class SignatureRequiredException : CryptoMailException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was found instead.</param>
    /// <param name="signatures">Every signature that was examined, with its verdict.</param>
    public SignatureRequiredException(string message, IReadOnlyList<SignatureVerification> signatures) : base(message, null)
    {
        Signatures = signatures;
    }

    /// <summary>Every signature that was examined, with its verdict.</summary>
    public IReadOnlyList<SignatureVerification> Signatures { get; }

    /// <inheritdoc />
    public override CryptoMailErrorKind Kind => CryptoMailErrorKind.SignatureRequired;
}
