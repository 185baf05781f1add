using CryptoMail.Core.Tests.Aead;

namespace CryptoMail.Core.Tests.PostQuantum;

/// <summary>The RFC 9980 Appendix A files in <c>Data/Rfc9980</c> (see its README), by the names the RFC gives them.</summary>
internal static class Rfc9980Vectors
{
    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(SharedVectors.Folder, "Rfc9980", name));

    public static Certificate Certificate(string set) => Core.Certificate.Parse(Read(set + "-sample-pk.asc"));

    public static SecretKey SecretKey(string set) => Core.SecretKey.Parse(Read(set + "-sample-sk.asc"));

    /// <summary>The message every sample message and signature of the appendix covers.</summary>
    public static byte[] Testing => "Testing\n"u8.ToArray();
}
