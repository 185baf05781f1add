using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Messages;

/// <summary>SEIPD v1 from a seekable input is authenticated by a first pass and released by a second, which checks
/// every segment against the first: an input that changes in between releases nothing it did not authenticate.</summary>
public sealed class SecondPassTests
{
    private const int MiB = 1 << 20;
    private const int Size = 3 * MiB;
    private static readonly SecretKey Key = TestKeys.Get("Curve25519", "second-pass");
    private readonly OpenPgp pgp = new();

    [Fact]
    public void Nothing_is_released_before_the_first_pass_has_authenticated_the_whole_message()
    {
        var input = new ChangingInput(Ciphertext());
        long rewindsAtFirstWrite = -1;
        var sink = new CheckingSink(Size);
        var watch = new WatchingSink(sink, () => { if (rewindsAtFirstWrite < 0) rewindsAtFirstWrite = input.Rewinds; });
        var result = pgp.Decrypt(input, watch, new DecryptOptions { Keys = { Key } });
        Assert.Equal(1, input.Rewinds);
        Assert.Equal(1, rewindsAtFirstWrite);
        Assert.Equal(Size, sink.Length);
        Assert.False(sink.Mismatch);
        Assert.False(result.ReleasedUnverified);
        Assert.Equal(Size, result.PlaintextLength);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.999)]
    public void A_ciphertext_changed_between_the_passes_releases_only_the_unchanged_plaintext_before_it(double where)
    {
        var ciphertext = Ciphertext();
        int at = (int)(ciphertext.Length * where);
        var input = new ChangingInput(ciphertext, data => data[at] ^= 0x40);
        var sink = new CheckingSink(Size);
        var e = Assert.Throws<IntegrityException>(() => pgp.Decrypt(input, sink, new DecryptOptions { Keys = { Key } }));
        Assert.Contains("changed between", e.Message);
        Assert.False(sink.Mismatch); // what came out is the authenticated plaintext, nothing else
        Assert.True(sink.Length < at, $"released {sink.Length} bytes, the change was at {at}");
    }

    [Fact]
    public void An_input_cut_short_between_the_passes_is_reported_not_taken_for_the_end()
    {
        var input = new ChangingInput(Ciphertext(), truncateTo: 2 * MiB);
        var sink = new CheckingSink(Size);
        Assert.Throws<IntegrityException>(() => pgp.Decrypt(input, sink, new DecryptOptions { Keys = { Key } }));
        Assert.False(sink.Mismatch);
        Assert.True(sink.Length < 2 * MiB);
    }

    [Fact]
    public void An_input_replaced_by_another_message_between_the_passes_releases_nothing()
    {
        var other = Ciphertext();
        var input = new ChangingInput(Ciphertext(), data => other.AsSpan(0, Math.Min(other.Length, data.Length)).CopyTo(data));
        var sink = new CheckingSink(Size);
        Assert.Throws<IntegrityException>(() => pgp.Decrypt(input, sink, new DecryptOptions { Keys = { Key } }));
        Assert.Equal(0, sink.Length);
    }

    [Fact]
    public void Armored_seekable_input_is_read_twice_too()
    {
        var armored = new MemoryStream();
        pgp.Encrypt(new GeneratorStream(Size), armored, new EncryptOptions { Recipients = { Key.Certificate }, EncryptionFormat = EncryptionFormat.SeipdV1, Armor = true });
        var input = new ChangingInput(armored.ToArray());
        var sink = new CheckingSink(Size);
        pgp.Decrypt(input, sink, new DecryptOptions { Keys = { Key } });
        Assert.Equal(1, input.Rewinds);
        Assert.Equal(Size, sink.Length);
        Assert.False(sink.Mismatch);
    }

    [Fact]
    public void The_guard_releases_a_segment_only_when_it_matches_the_first_pass()
    {
        var data = TestData.Random(700_000);
        using (var guard = new SecondPass())
        {
            foreach (var piece in Pieces(data, 1)) guard.Record(piece);
            var released = new MemoryStream();
            guard.BeginReplay(d => released.Write(d));
            foreach (var piece in Pieces(data, 2)) guard.Replay(piece);
            guard.EndReplay();
            Assert.Equal(data, released.ToArray());
        }

        using (var guard = new SecondPass())
        {
            guard.Record(data);
            var released = new MemoryStream();
            guard.BeginReplay(d => released.Write(d));
            var changed = (byte[])data.Clone();
            changed[300_000] ^= 1; // in the second 256 KiB segment: the first goes out, the second is refused
            Assert.Throws<IntegrityException>(() => guard.Replay(changed));
            Assert.Equal(data.AsSpan(0, (int)released.Length).ToArray(), released.ToArray());
            Assert.InRange(released.Length, 1, 300_000);
        }

        using (var guard = new SecondPass())
        {
            guard.Record(data);
            var released = new MemoryStream();
            guard.BeginReplay(d => released.Write(d));
            var changed = (byte[])data.Clone();
            changed[^1] ^= 1; // in the last, short segment: refused at the end
            guard.Replay(changed);
            Assert.Throws<IntegrityException>(() => guard.EndReplay());
            Assert.True(released.Length < data.Length);
        }

        using (var guard = new SecondPass())
        {
            guard.Record(data);
            guard.BeginReplay(_ => { });
            guard.Replay(data.AsSpan(0, data.Length - 1));
            Assert.Throws<IntegrityException>(() => guard.EndReplay()); // shorter the second time
        }

        using (var guard = new SecondPass())
        {
            guard.Record(data);
            guard.BeginReplay(_ => { });
            guard.Replay(data);
            guard.Replay(new byte[1]);
            Assert.Throws<IntegrityException>(() => guard.EndReplay()); // longer the second time
        }
    }

    private static IEnumerable<byte[]> Pieces(byte[] data, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < data.Length;)
        {
            int n = Math.Min(data.Length - i, random.Next(1, 100_000));
            yield return data.AsSpan(i, n).ToArray();
            i += n;
        }
    }

    private byte[] Ciphertext()
    {
        var output = new MemoryStream();
        pgp.Encrypt(new GeneratorStream(Size), output, new EncryptOptions { Recipients = { Key.Certificate }, EncryptionFormat = EncryptionFormat.SeipdV1 });
        return output.ToArray();
    }

    /// <summary>A seekable input whose bytes change (or get cut short) when it is rewound for the second pass.</summary>
    private sealed class ChangingInput(byte[] data, Action<byte[]>? change = null, int truncateTo = -1) : Stream
    {
        private long position;
        private int length = data.Length;

        public int Rewinds { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => position;
            set
            {
                Rewinds++;
                change?.Invoke(data);
                if (truncateTo >= 0) length = truncateTo;
                position = value;
            }
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Max(0, Math.Min(count, length - position));
            Array.Copy(data, position, buffer, offset, n);
            position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => position + offset, _ => length + offset };
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Passes writes on, calling <c>first</c> before each.</summary>
    private sealed class WatchingSink(Stream inner, Action first) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            first();
            inner.Write(buffer);
        }
    }
}
