using Org.BouncyCastle.Security;

namespace CryptoMail.Core.Crypto;

/// <summary>The one source of randomness: the platform's CSPRNG behind BouncyCastle's interface.</summary>
internal static class Randomness
{
    [ThreadStatic] private static SecureRandom? secure;

    public static SecureRandom Secure => secure ??= new SecureRandom();
}
