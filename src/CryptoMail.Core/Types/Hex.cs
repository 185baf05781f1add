namespace CryptoMail.Core.Types;

internal static class Hex
{
    public static string KeyId(long keyId) => ((ulong)keyId).ToString("X16", System.Globalization.CultureInfo.InvariantCulture);

    public static string Of(byte[] bytes) => Convert.ToHexString(bytes);

    public static bool TryParse(string text, out byte[] bytes)
    {
        var s = text.Replace(" ", "", StringComparison.Ordinal);
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) s = s[2..];
        try
        {
            bytes = Convert.FromHexString(s);
            return true;
        }
        catch (FormatException)
        {
            bytes = Array.Empty<byte>();
            return false;
        }
    }
}
