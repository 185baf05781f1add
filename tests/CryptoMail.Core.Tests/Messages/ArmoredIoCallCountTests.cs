using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Messages;

/// <summary>Armored messages are written and read in large pieces, not a line or a character at a time: on an
/// unbuffered stream (a process's stdin or stdout) every call is a system call, and a per-line write made armored
/// encryption of 128 MiB take 2.8 million writes, a per-character read made its decryption take five minutes.</summary>
public sealed class ArmoredIoCallCountTests
{
    private const int Size = 4 << 20;
    private static readonly SecretKey Key = TestKeys.Get("Curve25519", "armor-io");
    private readonly OpenPgp pgp = new();

    [Fact]
    public void Armored_encryption_writes_in_large_pieces_and_decryption_reads_in_large_pieces()
    {
        var armored = new CountingStream();
        pgp.Encrypt(new GeneratorStream(Size), armored, new EncryptOptions { Recipients = { Key.Certificate }, Armor = true });
        // About 5.4 MiB of armor text: at 64 columns that is 88,000 lines; in 64 KiB writes it is under 100.
        Assert.True(armored.Length > Size * 4 / 3, $"armor of {armored.Length} bytes");
        Assert.InRange(armored.Writes, 1, 400);

        var input = new CountingStream(armored.ToArray());
        var sink = new CheckingSink(Size);
        pgp.Decrypt(input, sink, new DecryptOptions { Keys = { Key } });
        Assert.Equal(Size, sink.Length);
        Assert.False(sink.Mismatch);
        Assert.InRange(input.Reads, 1, 1000);
    }

    [Theory]
    [InlineData(EncryptionFormat.SeipdV1)]
    [InlineData(EncryptionFormat.SeipdV2)]
    public void Binary_decryption_does_not_read_its_input_an_octet_at_a_time(EncryptionFormat format)
    {
        var ciphertext = new MemoryStream();
        pgp.Encrypt(new GeneratorStream(Size), ciphertext, new EncryptOptions { Recipients = { Key.Certificate }, EncryptionFormat = format });
        var input = new CountingStream(ciphertext.ToArray());
        var sink = new CheckingSink(Size);
        pgp.Decrypt(input, sink, new DecryptOptions { Keys = { Key } });
        Assert.Equal(Size, sink.Length);
        Assert.False(sink.Mismatch);
        // Partial-length headers between 256 KiB parts and SEIPD v2 chunks: each was a read of its own before.
        Assert.InRange(input.SmallReads, 0, 2);
        Assert.InRange(input.Reads, 1, 1000);
    }

    /// <summary>A memory stream that counts the calls made on it.</summary>
    private sealed class CountingStream : MemoryStream
    {
        public CountingStream() { }
        public CountingStream(byte[] data) : base(data, writable: false) { }
        public int Writes { get; private set; }
        public int Reads { get; private set; }
        public int SmallReads { get; private set; } // asking for under 1 KiB

        public override void Write(byte[] buffer, int offset, int count) { Writes++; base.Write(buffer, offset, count); }
        public override void Write(ReadOnlySpan<byte> buffer) { Writes++; base.Write(buffer); }
        public override void WriteByte(byte value) { Writes++; base.WriteByte(value); }
        public override int Read(byte[] buffer, int offset, int count)
        {
            Reads++;
            if (count < 1024) SmallReads++;
            return base.Read(buffer, offset, count);
        }

        // MemoryStream's span read of a derived type goes through the array form: counted once, there.
        public override int Read(Span<byte> buffer)
        {
            var copy = new byte[buffer.Length];
            int n = Read(copy, 0, copy.Length);
            copy.AsSpan(0, n).CopyTo(buffer);
            return n;
        }

        public override int ReadByte() { Reads++; SmallReads++; return base.ReadByte(); }
    }
}
