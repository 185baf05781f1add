namespace CryptoMail.Tool;

/// <summary>Exit codes of the Stateless OpenPGP CLI (draft-dkg-openpgp-stateless-cli, "Failure Modes").</summary>
internal static class SopExit
{
    public const int Ok = 0;
    public const int GenericError = 1;
    public const int NoSignature = 3;
    public const int UnsupportedAsymmetricAlgo = 13;
    public const int CertCannotEncrypt = 17;
    public const int MissingArg = 19;
    public const int IncompleteVerification = 23;
    public const int CannotDecrypt = 29;
    public const int PasswordNotHumanReadable = 31;
    public const int UnsupportedOption = 37;
    public const int BadData = 41;
    public const int ExpectedText = 53;
    public const int OutputExists = 59;
    public const int MissingInput = 61;
    public const int KeyIsProtected = 67;
    public const int UnsupportedSubcommand = 69;
    public const int UnsupportedSpecialPrefix = 71;
    public const int AmbiguousInput = 73;
    public const int KeyCannotSign = 79;
    public const int IncompatibleOptions = 83;
    public const int UnsupportedProfile = 89;
    public const int CertUserIdNoMatch = 107;
}

/// <summary>A failure that ends the command with a specific exit code and a message for stderr.</summary>
internal sealed class ToolException : Exception
{
    public ToolException(int exitCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
    }

    public ToolException()
    {
    }

    public ToolException(string message) : base(message)
    {
    }

    public ToolException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public int ExitCode { get; } = SopExit.GenericError;
}
