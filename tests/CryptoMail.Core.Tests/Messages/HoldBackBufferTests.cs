using System.Text;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Messages;

/// <summary>The plaintext hold-back buffer gives back exactly what was written, in order, whatever the write sizes
/// and wherever the memory threshold falls relative to its memory chunks and its encrypted spool.</summary>
public class HoldBackBufferTests
{
    [Theory]
    [InlineData(0, 3_000_000)]                 // everything spooled
    [InlineData(1, 70_000)]                    // one byte in memory
    [InlineData(65_536, 200_000)]              // threshold at the end of the first memory chunk (64 KiB)
    [InlineData(458_752, 458_752)]             // exactly the first three chunks (64 + 128 + 256 KiB), nothing spooled
    [InlineData(458_752, 458_753)]             // three chunks and one spooled byte
    [InlineData(1 << 20, 1 << 20)]             // chunks growing to 1 MiB, threshold mid-chunk
    [InlineData((3 << 20) + 12_345, 5_000_000)] // several chunks, threshold mid-chunk
    [InlineData(32L << 20, 3_000_000)]         // all in memory, last chunk partly used
    public void Gives_back_every_byte_in_order(long memoryLimit, int total)
    {
        var data = TestData.Random(total);
        var random = new Random(total ^ (int)memoryLimit);
        using var held = new HoldBackBuffer(memoryLimit);
        int offset = 0;
        while (offset < total)
        {
            int n = Math.Min(total - offset, random.Next(0, 3) switch { 0 => random.Next(1, 17), 1 => random.Next(1, 70_000), _ => random.Next(1, 1_500_000) });
            held.Write(data.AsSpan(offset, n));
            offset += n;
        }
        Assert.Equal(total, held.Length);
        Assert.Equal(total > memoryLimit, held.Spilled);

        var output = new MemoryStream();
        held.CopyTo(output, CancellationToken.None);
        Assert.True(data.AsSpan().SequenceEqual(output.ToArray()), "the held data came back different");

        // A prefix, cut inside memory or inside the spool.
        foreach (long limit in new[] { 0L, 1, memoryLimit, total / 2, total - 1 })
        {
            if (limit < 0 || limit > total) continue;
            var prefix = new MemoryStream();
            held.CopyTo(prefix, CancellationToken.None, limit);
            Assert.True(data.AsSpan(0, (int)limit).SequenceEqual(prefix.ToArray()), $"prefix of {limit} bytes differs");
        }
    }

    [Fact]
    public void Spilled_plaintext_reaches_the_disk_only_encrypted()
    {
        var plaintext = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("attack at dawn, the plaintext. ", 10_000)));
        using var held = new HoldBackBuffer(memoryLimit: 1000);
        held.Write(plaintext);
        Assert.True(held.Spilled);
        var spool = held.Spool!;
        Assert.True(spool.Encrypted);

        var stored = new byte[spool.Length];
        for (int at = 0; at < stored.Length;)
        {
            int n = spool.ReadStored(at, stored.AsSpan(at));
            Assert.True(n > 0, "the file holds every spooled byte");
            at += n;
        }
        Assert.Equal(plaintext.Length - 1000, stored.Length);
        Assert.Equal(-1, stored.AsSpan().IndexOf("attack at dawn"u8));
        Assert.False(stored.AsSpan().SequenceEqual(plaintext.AsSpan(1000)));

        var output = new MemoryStream();
        held.CopyTo(output, CancellationToken.None);
        Assert.Equal(plaintext, output.ToArray());
    }
}
