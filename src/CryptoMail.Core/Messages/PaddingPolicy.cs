using System.Security.Cryptography;

namespace CryptoMail.Core;

/// <summary>How much padding (an RFC 9580 section 5.14 padding packet of random octets) to add inside the encryption
/// of a message, to hide its exact length. Readers ignore the packet.</summary>
/// <remarks>Padding is written only into SEIPD v2 messages: every RFC 9580 reader must accept the padding packet,
/// while SEIPD v1 is also read by RFC 4880 implementations that may reject a packet type they do not know. The
/// result's <see cref="EncryptionResult.PaddingLength"/> says how much was added.</remarks>
public sealed class PaddingPolicy
{
    /// <summary>Largest bucket or random amount: 64 MiB.</summary>
    public const int MaxPadding = 64 << 20;

    private readonly int bucket;
    private readonly int maxRandom;

    private PaddingPolicy(int bucket, int maxRandom)
    {
        this.bucket = bucket;
        this.maxRandom = maxRandom;
    }

    /// <summary>No padding (the default).</summary>
    public static PaddingPolicy None { get; } = new(0, 0);

    /// <summary>Pads the encrypted content (literal data, signatures and the padding packet itself) up to the next
    /// multiple of <paramref name="bucketSize"/> octets, so messages of similar size look alike.</summary>
    /// <param name="bucketSize">From 16 octets to <see cref="MaxPadding"/>.</param>
    public static PaddingPolicy ToBucket(int bucketSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketSize, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bucketSize, MaxPadding);
        return new PaddingPolicy(bucketSize, 0);
    }

    /// <summary>Adds a padding packet whose body is a uniformly random number of octets from 0 to
    /// <paramref name="maxBytes"/>.</summary>
    /// <param name="maxBytes">From 1 to <see cref="MaxPadding"/>.</param>
    public static PaddingPolicy Random(int maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBytes, MaxPadding);
        return new PaddingPolicy(0, maxBytes);
    }

    /// <summary>Whether this policy adds nothing.</summary>
    public bool IsNone => bucket == 0 && maxRandom == 0;

    /// <summary>The padding packet's body length for <paramref name="contentLength"/> octets of content before it,
    /// or -1 for no packet.</summary>
    internal int BodyLength(long contentLength)
    {
        if (maxRandom > 0) return RandomNumberGenerator.GetInt32(maxRandom + 1);
        if (bucket == 0) return -1;
        // Whole packet = header (tag octet + 1, 2 or 5 length octets) + body; find the body that ends on a bucket edge.
        long target = (contentLength / bucket + 1) * (long)bucket;
        while (true)
        {
            long room = target - contentLength;
            foreach (int header in (ReadOnlySpan<int>)[2, 3, 6])
            {
                long body = room - header;
                if (body >= 0 && HeaderSize(body) == header) return (int)body;
            }
            target += bucket;
        }
    }

    private static int HeaderSize(long body) => body < 192 ? 2 : body < 8384 ? 3 : 6;
}
