
namespace CryptoMail.Core.Keys;

/// <summary>Reads stand-alone signatures (detached signatures, revocation certificates) into our signature model,
/// v3, v4 and v6; a signature we cannot parse is kept as opaque, so it is reported rather than dropped.</summary>
internal static class SignatureReader
{
    public const int MaxSignatureBytes = 16 << 20;

    /// <summary>Every signature in <paramref name="data"/> (armored or binary); more than <paramref name="max"/> is
    /// refused with a <see cref="LimitExceededException"/> before the rest are parsed.</summary>
    public static List<SignaturePacket> ReadAll(byte[] data, string what, int max = int.MaxValue)
    {
        var result = new List<SignaturePacket>();
        foreach (var block in PgpInput.DecodeBlocks(data, what))
        {
            using var input = new MemoryStream(block, writable: false);
            while (PacketReader.Read(input) is var (tag, body))
            {
                switch (tag)
                {
                    case PacketTag.Signature:
                        if (result.Count >= max)
                            throw DiagnosticSink.LimitExceeded(nameof(ReadLimits.MaxSignatures), max, $"{what}: more than {max} signatures (ReadLimits.MaxSignatures).");
                        result.Add(SignaturePacket.ParseLenient(PacketReader.ReadSmallBody(body, MaxSignatureBytes, "signature")));
                        break;
                    case PacketTag.Marker or PacketTag.Padding:
                        body.Skip();
                        break;
                    default:
                        throw new MalformedDataException($"{what}: expected signatures but found packet type {(int)tag}.");
                }
            }
        }
        if (result.Count == 0) throw new MalformedDataException($"{what}: the input holds no signature.");
        return result;
    }
}
