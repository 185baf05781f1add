using Org.BouncyCastle.Bcpg.OpenPgp;

namespace CryptoMail.Core.Internal;

/// <summary>One key ring read from input: a certificate, with the secret key when the input held one.</summary>
internal sealed record ReadRing(Certificate Certificate, SecretKey? Secret);

/// <summary>Reads key rings (public and secret, armored and binary, several per input).</summary>
internal static class KeyRings
{
    public static List<ReadRing> Read(byte[] data, string what)
    {
        return Guard.Run(() =>
        {
            var result = new List<ReadRing>();
            foreach (var block in PgpInput.DecodeBlocks(data, what))
            {
                var factory = new PgpObjectFactory(block);
                while (true)
                {
                    PgpObject? obj;
                    try { obj = factory.NextPgpObject(); }
                    catch (Exception e) when (e is not CryptoMailException)
                    {
                        throw new MalformedDataException($"{what}: the key data is malformed ({e.Message}).", e);
                    }
                    if (obj is null) break;
                    switch (obj)
                    {
                        case PgpPublicKeyRing pub:
                            result.Add(new ReadRing(new Certificate(pub), null));
                            break;
                        case PgpSecretKeyRing sec:
                            var secret = new SecretKey(sec);
                            result.Add(new ReadRing(secret.Certificate, secret));
                            break;
                        case PgpMarker:
                            break;
                        default:
                            throw new MalformedDataException($"{what}: expected keys but found {Describe(obj)}.");
                    }
                }
            }
            if (result.Count == 0) throw new MalformedDataException($"{what}: the input holds no keys.");
            return result;
        }, what);
    }

    /// <summary>The certificate of a secret key ring. BouncyCastle encodes a secret subkey's public half with the
    /// primary-key tag, so the public subkey packets are rewritten with tag 14 here.</summary>
    public static PgpPublicKeyRing ToPublicRing(PgpSecretKeyRing ring)
    {
        using var output = new MemoryStream();
        bool first = true;
        foreach (var key in ring.GetPublicKeys())
        {
            var encoded = key.GetEncoded();
            // The first key is the primary; IsMasterKey is unreliable here because of the wrong tag.
            if (first)
            {
                first = false;
                output.Write(encoded);
                continue;
            }
            var rest = encoded.AsSpan(FirstPacketLength(encoded));
            WritePacket(output, 14, key.PublicKeyPacket.GetEncodedContents());
            output.Write(rest);
        }
        return new PgpPublicKeyRing(output.ToArray());
    }

    /// <summary>The total length (header and body) of the first packet, which must have a definite length.</summary>
    public static int FirstPacketLength(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2 || (data[0] & 0x80) == 0) throw new MalformedDataException("Not an OpenPGP packet.");
        if ((data[0] & 0x40) != 0)
        {
            int l0 = data[1];
            if (l0 < 192) return 2 + l0;
            if (l0 < 224) return 3 + ((l0 - 192) << 8) + data[2] + 192;
            if (l0 == 255) return 6 + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data.Slice(2, 4));
            throw new MalformedDataException("Partial body lengths are not allowed in key packets.");
        }
        return (data[0] & 3) switch
        {
            0 => 2 + data[1],
            1 => 3 + System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(data.Slice(1, 2)),
            2 => 5 + (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data.Slice(1, 4)),
            _ => throw new MalformedDataException("Indeterminate lengths are not allowed in key packets."),
        };
    }

    /// <summary>Writes a packet with a new-format header (RFC 9580 section 4.2.1).</summary>
    public static void WritePacket(Stream output, int tag, ReadOnlySpan<byte> body)
    {
        output.WriteByte((byte)(0xC0 | tag));
        WriteLength(output, body.Length);
        output.Write(body);
    }

    /// <summary>Writes a new-format definite body length (one, two or five octets).</summary>
    public static void WriteLength(Stream output, int n)
    {
        if (n < 192)
        {
            output.WriteByte((byte)n);
        }
        else if (n < 8384)
        {
            output.WriteByte((byte)(((n - 192) >> 8) + 192));
            output.WriteByte((byte)(n - 192));
        }
        else
        {
            output.WriteByte(0xFF);
            output.WriteByte((byte)(n >> 24));
            output.WriteByte((byte)(n >> 16));
            output.WriteByte((byte)(n >> 8));
            output.WriteByte((byte)n);
        }
    }

    private static string Describe(PgpObject obj) => obj switch
    {
        PgpEncryptedDataList => "an encrypted message",
        PgpSignatureList => "a signature",
        PgpLiteralData => "a literal data packet",
        PgpCompressedData => "compressed data",
        PgpOnePassSignatureList => "a signed message",
        _ => obj.GetType().Name,
    };
}
