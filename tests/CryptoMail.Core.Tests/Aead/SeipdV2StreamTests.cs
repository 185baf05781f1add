
namespace CryptoMail.Core.Tests.Aead;

/// <summary>The v2 SEIPD writer and reader: round trips around chunk boundaries, and every kind of tampering
/// (changed chunk, tag or final tag, truncation, reordering, dropped or appended data) gives an integrity error
/// with no plaintext of the failing chunk released.</summary>
public class SeipdV2StreamTests
{
    private const byte SmallChunkOctet = 0;   // 64-octet chunks keep exhaustive tests fast
    private const int SmallChunk = 64;

    public static TheoryData<byte> Algorithms => new() { (byte)AeadAlgorithm.Eax, (byte)AeadAlgorithm.Ocb, (byte)AeadAlgorithm.Gcm };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Round_trips_sizes_around_chunk_boundaries(byte aeadId)
    {
        var aead = (AeadAlgorithm)aeadId;
        foreach (var (octet, sizes) in new[]
        {
            (SmallChunkOctet, new[] { 0, 1, SmallChunk - 1, SmallChunk, SmallChunk + 1, 3 * SmallChunk, 5 * SmallChunk + 17 }),
            (SeipdV2Header.DefaultChunkSizeOctet, new[] { 0, 1, (1 << 18) - 1, 1 << 18, (1 << 18) + 1, 3 * (1 << 18) + 5 }),
        })
        {
            foreach (int size in sizes)
            {
                byte cipher = (byte)(7 + size % 3);
                var key = Key(cipher, size);
                var plaintext = TestData(size);
                var header = SeipdV2Header.CreateRandom(cipher, aead, octet);
                byte[] body = Encrypt(header, key, plaintext, writeSize: 1000);

                int chunkSize = header.ChunkSize;
                long chunks = Math.Max(1, (size + chunkSize - 1) / chunkSize);
                Assert.Equal(SeipdV2Header.Size + size + 16 * (chunks + 1), body.Length);
                var (released, error) = DecryptAll(body, key, readSize: 777);
                Assert.Null(error);
                Assert.True(plaintext.AsSpan().SequenceEqual(released), $"{aead} chunk octet {octet}, {size} octets");
            }
        }
    }

    [Fact]
    public void Round_trips_random_sizes_and_write_and_read_patterns()
    {
        var random = new Random(9580);
        for (int round = 0; round < 60; round++)
        {
            var aead = (AeadAlgorithm)(1 + round % 3);
            byte cipher = (byte)(7 + round % 3);
            byte octet = (byte)random.Next(0, 5);
            int size = random.Next(0, 9000);
            var key = Key(cipher, round);
            var plaintext = TestData(size, round);
            var header = SeipdV2Header.CreateRandom(cipher, aead, octet);
            byte[] body = Encrypt(header, key, plaintext, writeSize: random.Next(1, 3000));
            var (released, error) = DecryptAll(body, key, readSize: random.Next(1, 3000));
            Assert.Null(error);
            Assert.True(plaintext.AsSpan().SequenceEqual(released), $"round {round}");
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Reads_back_through_the_async_methods(byte aeadId)
    {
        var header = SeipdV2Header.CreateRandom(9, (AeadAlgorithm)aeadId, 2);
        var key = Key(9, 1);
        var plaintext = TestData(10_000);
        var body = new MemoryStream();
        // The writer is synchronous only (the message writer's stages run in memory); the reader has async members.
        using (var writer = new SeipdV2EncryptStream(body, header, key, leaveOpen: true))
        {
            for (int i = 0; i < plaintext.Length; i += 999)
                writer.Write(plaintext.AsSpan(i, Math.Min(999, plaintext.Length - i)));
        }
        body.Position = 0;
        await using var reader = ChunkedAeadDecryptStream.Open(body, key);
        var output = new MemoryStream();
        await reader.CopyToAsync(output);
        Assert.Equal(plaintext, output.ToArray());
        Assert.True(reader.IsComplete);
    }

    [Fact]
    public void The_written_body_is_prefix_chunks_and_final_tag_as_RFC_9580_lays_out()
    {
        var salt = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var header = SeipdV2Header.Create(7, AeadAlgorithm.Ocb, SmallChunkOctet, salt);
        byte[] body = Encrypt(header, Key(7, 0), TestData(2 * SmallChunk + 5));
        Assert.Equal([2, 7, 2, 0], body[..4]);
        Assert.Equal(salt, body[4..36]);
        Assert.Equal(36 + 2 * (64 + 16) + (5 + 16) + 16, body.Length);
    }

    [Fact]
    public void Empty_plaintext_is_written_as_one_empty_chunk_and_a_body_with_no_chunk_is_read_too()
    {
        var key = Key(7, 0);
        var header = SeipdV2Header.CreateRandom(7, AeadAlgorithm.Ocb, SmallChunkOctet);
        byte[] body = Encrypt(header, key, []);
        Assert.Equal(36 + 16 + 16, body.Length);
        var (releasedEmpty, errorEmpty) = DecryptAll(body, key);
        Assert.Null(errorEmpty);
        Assert.Empty(releasedEmpty);

        // Some writers emit no chunk at all for empty plaintext: only the final tag (index 0, length 0).
        var prefix = new byte[SeipdV2Header.Size];
        header.WriteTo(prefix);
        var iv = new byte[7];
        using var cipher = header.DeriveCipher(key, iv);
        var nonce = new byte[15];
        AeadChunkSchedule.WriteNonce(iv, 0, nonce);
        var ad = new byte[13];
        header.WriteAssociatedData(ad);
        var tag = new byte[16];
        cipher.Encrypt(nonce, [], ad, [], tag);
        var (released, error) = DecryptAll([.. prefix, .. tag], key);
        Assert.Null(error);
        Assert.Empty(released);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void A_changed_octet_anywhere_in_a_chunk_or_its_tag_releases_exactly_the_chunks_before_it(byte aeadId)
    {
        var (key, plaintext, body) = SmallChunkSample(8, aeadId, 3, 3 * SmallChunk + 20);
        for (int i = SeipdV2Header.Size; i < body.Length; i++)
        {
            var (released, error) = DecryptAll(AeadCipherTests.Flip(body, i), key);
            Assert.IsType<IntegrityException>(error);
            int chunk = (i - SeipdV2Header.Size) / (SmallChunk + 16);
            // The last (short) chunk is held back until the final tag verifies, so any change from the last
            // chunk on releases the three full chunks before it and nothing more.
            int expected = Math.Min(chunk, 3) * SmallChunk;
            Assert.True(plaintext.AsSpan(0, expected).SequenceEqual(released), $"octet {i}: released {released.Length}, expected {expected}");
        }
    }

    /// <summary>Chunks of 64 KiB are opened on the other core, one ahead of the reader: a changed chunk still
    /// releases exactly the chunks before it, wherever in the pipeline the failure surfaces.</summary>
    [Theory]
    [MemberData(nameof(Algorithms))]
    public void With_chunks_opened_on_the_other_core_a_changed_chunk_releases_exactly_the_chunks_before_it(byte aeadId)
    {
        const int chunk = 64 * 1024; // chunk size octet 10
        var key = Key(9, 5);
        var plaintext = TestData(5 * chunk + 1000, 5);
        var body = Encrypt(SeipdV2Header.CreateRandom(9, (AeadAlgorithm)aeadId, 10), key, plaintext);
        Assert.Equal(plaintext, DecryptAll(body, key, readSize: 10_000).Released);
        foreach (int damaged in new[] { 0, 1, 2, 4, 5 })
        {
            int at = SeipdV2Header.Size + damaged * (chunk + 16) + 77;
            var (released, error) = DecryptAll(AeadCipherTests.Flip(body, at), key, readSize: 10_000);
            Assert.IsType<IntegrityException>(error);
            int expected = Math.Min(damaged, 5) * chunk;
            Assert.True(plaintext.AsSpan(0, expected).SequenceEqual(released), $"chunk {damaged}: released {released.Length}, expected {expected}");
        }
    }

    /// <summary>Chunks of 64 KiB are sealed on the other core while the next fills: whatever the write sizes and
    /// flushes, the chunks go out whole, in order, with one prefix, and the body decrypts to what was written.</summary>
    [Theory]
    [MemberData(nameof(Algorithms))]
    public void With_chunks_sealed_on_the_other_core_the_body_is_written_whole_and_in_order(byte aeadId)
    {
        const int chunk = 64 * 1024;
        var key = Key(9, 6);
        var plaintext = TestData(7 * chunk + 333, 6);
        var random = new Random(6);
        var output = new MemoryStream();
        using (var writer = new SeipdV2EncryptStream(output, SeipdV2Header.CreateRandom(9, (AeadAlgorithm)aeadId, 10), key, leaveOpen: true))
        {
            for (int i = 0; i < plaintext.Length;)
            {
                int n = Math.Min(plaintext.Length - i, random.Next(1, 3 * chunk));
                writer.Write(plaintext, i, n);
                if (random.Next(4) == 0) writer.Flush();
                i += n;
            }
        }
        Assert.Equal(SeipdV2Header.Size + 8 * 16 + plaintext.Length + 16, output.Length);
        Assert.Equal(plaintext, DecryptAll(output.ToArray(), key, readSize: 50_000).Released);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Truncation_at_any_point_gives_an_integrity_error_and_only_whole_verified_chunks(byte aeadId)
    {
        var (key, plaintext, body) = SmallChunkSample(9, aeadId, 4, 3 * SmallChunk + 20);
        for (int length = 0; length < body.Length; length++)
        {
            var (released, error) = DecryptAll(body[..length], key);
            if (length < SeipdV2Header.Size)
            {
                Assert.IsType<MalformedDataException>(error);
                continue;
            }
            Assert.IsType<IntegrityException>(error);
            Assert.Equal(0, released.Length % SmallChunk);
            Assert.True(released.Length < plaintext.Length);
            Assert.True(plaintext.AsSpan(0, released.Length).SequenceEqual(released), $"length {length}");
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Reordered_dropped_duplicated_or_appended_chunks_are_rejected(byte aeadId)
    {
        var (key, plaintext, body) = SmallChunkSample(7, aeadId, 5, 4 * SmallChunk);
        const int sealedChunk = SmallChunk + 16;
        byte[] Chunk(int k) => body.AsSpan(SeipdV2Header.Size + k * sealedChunk, sealedChunk).ToArray();
        byte[] prefix = body[..SeipdV2Header.Size], finalTag = body[^16..];

        var cases = new (string Name, byte[] Body, int Released)[]
        {
            ("swap 0 and 1", [.. prefix, .. Chunk(1), .. Chunk(0), .. Chunk(2), .. Chunk(3), .. finalTag], 0),
            ("swap 2 and 3", [.. prefix, .. Chunk(0), .. Chunk(1), .. Chunk(3), .. Chunk(2), .. finalTag], 2 * SmallChunk),
            ("drop 1", [.. prefix, .. Chunk(0), .. Chunk(2), .. Chunk(3), .. finalTag], SmallChunk),
            // Chunk 2 now looks like the last chunk: held back, and the final tag (count, length) fails.
            ("drop last", [.. prefix, .. Chunk(0), .. Chunk(1), .. Chunk(2), .. finalTag], 2 * SmallChunk),
            ("final tag changed", [.. body[..^1], (byte)(body[^1] ^ 1)], 3 * SmallChunk),
            ("repeat 0", [.. prefix, .. Chunk(0), .. Chunk(0), .. Chunk(1), .. Chunk(2), .. Chunk(3), .. finalTag], SmallChunk),
            ("no final tag", body[..^16], 3 * SmallChunk),
            // Every real chunk verifies and is released; the extra octets never pass as data or as a final tag.
            ("one octet appended", [.. body, 0], 4 * SmallChunk),
            ("a tag's worth appended", [.. body, .. finalTag], 4 * SmallChunk),
        };
        foreach (var (name, tampered, expected) in cases)
        {
            var (released, error) = DecryptAll(tampered, key);
            Assert.True(error is IntegrityException, $"{name}: {error?.GetType().Name ?? "no error"}");
            Assert.True(plaintext.AsSpan(0, expected).SequenceEqual(released), $"{name}: released {released.Length}, expected {expected}");
        }
    }

    [Fact]
    public void Changed_header_fields_are_rejected_before_or_at_the_first_chunk()
    {
        var key = Key(7, 6);
        byte[] body = Encrypt(SeipdV2Header.CreateRandom(7, AeadAlgorithm.Ocb, SmallChunkOctet), key, TestData(500));
        Assert.IsType<MalformedDataException>(DecryptAll(Patch(body, 0, 1), key).Error);    // version
        Assert.IsType<MalformedDataException>(DecryptAll(Patch(body, 1, 9), key).Error);    // AES-256 needs a 32-octet key
        Assert.IsType<MalformedDataException>(DecryptAll(Patch(body, 1, 10), key).Error);   // Twofish: unsupported
        Assert.IsType<MalformedDataException>(DecryptAll(Patch(body, 2, 4), key).Error);    // unknown AEAD
        Assert.IsType<MalformedDataException>(DecryptAll(Patch(body, 3, 17), key).Error);   // chunk octet above 16
        foreach (var (index, value) in new[] { (2, (byte)1), (2, (byte)3), (3, (byte)1), (3, (byte)16), (4, (byte)(body[4] ^ 1)), (35, (byte)(body[35] ^ 0x80)) })
        {
            var (released, error) = DecryptAll(Patch(body, index, value), key);
            Assert.IsType<IntegrityException>(error);
            Assert.Empty(released);
        }
    }

    [Fact]
    public void After_a_failure_every_read_fails_again_and_end_of_data_is_never_reported()
    {
        var key = Key(7, 7);
        byte[] body = Encrypt(SeipdV2Header.CreateRandom(7, AeadAlgorithm.Gcm, SmallChunkOctet), key, TestData(300));
        using var reader = ChunkedAeadDecryptStream.Open(new MemoryStream(AeadCipherTests.Flip(body, body.Length - 1)), key);
        var buffer = new byte[1000];
        int total = 0;
        var first = Assert.Throws<IntegrityException>((Action)(() => { while (true) total += reader.Read(buffer); }));
        Assert.Contains("final authentication tag", first.Message, StringComparison.Ordinal);
        Assert.Equal(4 * SmallChunk, total);
        Assert.Throws<IntegrityException>(() => reader.Read(buffer));
        Assert.Throws<IntegrityException>(() => reader.ReadByte());
        Assert.False(reader.IsComplete);
    }

    [Fact]
    public void A_wrong_session_key_fails_on_the_first_chunk()
    {
        byte[] body = Encrypt(SeipdV2Header.CreateRandom(7, AeadAlgorithm.Ocb), Key(7, 8), TestData(1000));
        var (released, error) = DecryptAll(body, Key(7, 9));
        Assert.Contains("chunk 0", Assert.IsType<IntegrityException>(error).Message, StringComparison.Ordinal);
        Assert.Empty(released);
    }

    [Fact]
    public void Aborted_or_failed_writers_do_not_finish_the_body()
    {
        var key = Key(7, 10);
        var header = SeipdV2Header.CreateRandom(7, AeadAlgorithm.Ocb, SmallChunkOctet);
        var output = new MemoryStream();
        using (var writer = new SeipdV2EncryptStream(output, header, key, leaveOpen: true))
        {
            writer.Write(TestData(200));
            writer.Flush(); // the third full chunk is sealed in the background until the next one fills, or a flush
            writer.Abort();
            Assert.Throws<InvalidOperationException>(() => writer.Write(new byte[1]));
        }
        Assert.Equal(SeipdV2Header.Size + 3 * (SmallChunk + 16), output.Length);   // full chunks only, no final tag
        Assert.IsType<IntegrityException>(DecryptAll(output.ToArray(), key).Error);

        var failing = new FailingStream(failAfter: 100);
        var w = new SeipdV2EncryptStream(failing, header, key);
        Assert.Throws<IOException>(() => w.Write(TestData(1000)));
        w.Dispose();   // must not try to write the final tag into the broken stream
        Assert.Equal(0, failing.WritesAfterFailure);
    }

    [Theory]
    [InlineData((byte)AeadAlgorithm.Ocb)]
    [InlineData((byte)AeadAlgorithm.Gcm)]
    public void Steady_state_allocates_nothing_per_chunk(byte aeadId)
    {
        // The first pass warms up the JIT (tiering and on-stack replacement allocate while code is recompiled);
        // the second is measured.
        Measure(aeadId);
        var (writeAllocated, readAllocated) = Measure(aeadId);

        // 254 chunks each way: anything per chunk would show as kilobytes.
        Assert.True(writeAllocated < 1024, $"writer allocated {writeAllocated} bytes");
        Assert.True(readAllocated < 1024, $"reader allocated {readAllocated} bytes");
    }

    private static (long Write, long Read) Measure(byte aeadId)
    {
        var key = Key(9, 11);
        var header = SeipdV2Header.CreateRandom(9, (AeadAlgorithm)aeadId, 6);   // 4 KiB chunks
        var plaintext = TestData(256 * 4096);
        var body = new MemoryStream(plaintext.Length + 300 * 16);   // no growth inside the measurement
        var writer = new SeipdV2EncryptStream(body, header, key, leaveOpen: true);
        writer.Write(plaintext.AsSpan(0, 8192));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 8192; i < plaintext.Length; i += 4096) writer.Write(plaintext.AsSpan(i, 4096));
        long writeAllocated = GC.GetAllocatedBytesForCurrentThread() - before;
        writer.Dispose();

        body.Position = 0;
        using var reader = ChunkedAeadDecryptStream.Open(body, key);
        var buffer = new byte[4096];
        reader.ReadExactly(buffer);
        before = GC.GetAllocatedBytesForCurrentThread();
        while (reader.Read(buffer) > 0) { }
        long readAllocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return (writeAllocated, readAllocated);
    }

    internal static (byte[] Released, Exception? Error) DecryptAll(byte[] body, byte[] sessionKey, int readSize = 4096)
    {
        var output = new MemoryStream();
        try
        {
            using var reader = ChunkedAeadDecryptStream.Open(new MemoryStream(body), sessionKey);
            var buffer = new byte[readSize];
            int n;
            while ((n = reader.Read(buffer)) > 0) output.Write(buffer, 0, n);
            Assert.True(reader.IsComplete);
            return (output.ToArray(), null);
        }
        catch (CryptoMailException e)
        {
            return (output.ToArray(), e);
        }
    }

    private static byte[] Encrypt(SeipdV2Header header, byte[] key, byte[] plaintext, int writeSize = int.MaxValue)
    {
        var output = new MemoryStream();
        using (var writer = new SeipdV2EncryptStream(output, header, key, leaveOpen: true))
        {
            for (int i = 0; i < plaintext.Length; i += writeSize)
                writer.Write(plaintext.AsSpan(i, Math.Min(writeSize, plaintext.Length - i)));
        }
        return output.ToArray();
    }

    private static (byte[] Key, byte[] Plaintext, byte[] Body) SmallChunkSample(byte cipher, byte aeadId, int seed, int length)
    {
        var key = Key(cipher, seed);
        var plaintext = TestData(length, seed);
        return (key, plaintext, Encrypt(SeipdV2Header.CreateRandom(cipher, (AeadAlgorithm)aeadId, SmallChunkOctet), key, plaintext));
    }

    private static byte[] Key(byte cipher, int seed) => OcbModeTests.RandomBytes(new Random(seed), AeadSuite.KeySize(cipher));

    private static byte[] TestData(int length, int seed = 1) => OcbModeTests.RandomBytes(new Random(seed), length);

    private static byte[] Patch(byte[] data, int index, byte value)
    {
        var copy = (byte[])data.Clone();
        copy[index] = value;
        return copy;
    }

    private sealed class FailingStream(int failAfter) : MemoryStream
    {
        private bool failed;

        public int WritesAfterFailure { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (failed) WritesAfterFailure++;
            if (Length + count > failAfter)
            {
                failed = true;
                throw new IOException("disk full");
            }
            base.Write(buffer, offset, count);
        }
    }
}
