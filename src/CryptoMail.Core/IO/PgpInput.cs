
namespace CryptoMail.Core.IO;

/// <summary>Recognises armored and binary OpenPGP input.</summary>
internal static class PgpInput
{
    /// <summary>The most a key or certificate file may hold; keys are small, so this guards memory only.</summary>
    public const int MaxKeyFileBytes = 64 * 1024 * 1024;

    /// <summary>True when the first meaningful byte looks like armor (text) rather than a binary packet header.</summary>
    public static bool LooksArmored(ReadOnlySpan<byte> head)
    {
        foreach (var b in head)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') continue;
            return b == (byte)'-';
        }
        return false;
    }

    /// <summary>True when the first byte is a valid OpenPGP packet tag (bit 7 set).</summary>
    public static bool LooksBinary(ReadOnlySpan<byte> head) => head.Length > 0 && (head[0] & 0x80) != 0;

    /// <summary>Reads a whole (small) input, with a size cap.</summary>
    public static byte[] ReadAllBounded(Stream input, int max = MaxKeyFileBytes) =>
        AsyncMode.Complete(ReadAllBoundedAsync(input, max, async: false, CancellationToken.None));

    /// <summary>Reads a caller's stream to its end, refusing more than <paramref name="max"/> octets; follows the
    /// async convention (<see cref="AsyncMode"/>).</summary>
    public static async ValueTask<byte[]> ReadAllBoundedAsync(Stream input, int max, bool async, CancellationToken token)
    {
        using var ms = new MemoryStream();
        var buffer = new byte[81920];
        int n;
        while ((n = await AsyncMode.ReadAsync(input, buffer, async, token).ConfigureAwait(false)) > 0)
        {
            if (ms.Length + n > max) throw new LimitExceededException($"The key data is larger than {max} bytes.");
            ms.Write(buffer, 0, n);
        }
        return ms.ToArray();
    }

    /// <summary>Splits key-file content into binary segments: each armor block decoded, or the binary data as is.</summary>
    public static List<byte[]> DecodeBlocks(byte[] data, string what)
    {
        var result = new List<byte[]>();
        if (data.Length == 0) throw new MalformedDataException($"{what}: the input is empty.");
        if (LooksBinary(data))
        {
            result.Add(data);
            return result;
        }
        using var reader = new ArmorReader(new MemoryStream(data, writable: false), what);
        while (reader.TryReadHeader()) result.Add(reader.ReadBlock(data.Length));
        if (result.Count == 0) throw new MalformedDataException($"{what}: the input is neither binary OpenPGP data nor ASCII armor.");
        return result;
    }

    /// <summary>Decodes one armor block to its binary content.</summary>
    public static byte[] Dearmor(byte[] armored, string what)
    {
        using var reader = new ArmorReader(new MemoryStream(armored, writable: false), what);
        return reader.ReadBlock(armored.Length);
    }
}
