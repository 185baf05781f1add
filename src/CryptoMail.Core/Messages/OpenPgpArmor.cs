
namespace CryptoMail.Core;

/// <summary>ASCII armor (RFC 9580 section 6): add and remove it, and recognise armored input.</summary>
public static class OpenPgpArmor
{
    /// <summary>Armors binary OpenPGP data. The label follows the first packet unless <paramref name="kind"/> is given.</summary>
    /// <param name="input">Binary OpenPGP data; left open. Already-armored input is copied unchanged.</param>
    /// <param name="output">Receives the armored text; left open.</param>
    /// <param name="kind">The label to use; null to derive it from the first packet.</param>
    /// <exception cref="MalformedDataException">The input is not OpenPGP data.</exception>
    public static void Armor(Stream input, Stream output, ArmorKind? kind = null) => ArmorCodec.Armor(input, output, kind);

    /// <summary>Removes ASCII armor. Binary input is copied unchanged.</summary>
    /// <param name="input">Armored text; left open.</param>
    /// <param name="output">Receives the binary data; left open.</param>
    /// <exception cref="MalformedDataException">The armor is invalid (bad base64, bad checksum, no END line).</exception>
    public static void Dearmor(Stream input, Stream output) => ArmorCodec.Dearmor(input, output);

    /// <summary>Whether data starts like ASCII armor rather than a binary OpenPGP packet.</summary>
    /// <param name="head">The first bytes of the data (a few dozen are enough).</param>
    /// <returns>True for armor.</returns>
    public static bool IsArmored(ReadOnlySpan<byte> head) => PgpInput.LooksArmored(head);
}
