using System.Security.Cryptography;
using CsCheck;

namespace CryptoMail.Core.Tests.Packets;

/// <summary>Runs only where the CPU has the x86 AES instructions (every x64 CI machine); elsewhere the engine is never
/// chosen and the platform path is what runs.</summary>
public sealed class HardwareAesFactAttribute : FactAttribute
{
    /// <summary>Skips without the AES instructions.</summary>
    public HardwareAesFactAttribute()
    {
        if (!HardwareAesCfb.IsSupported) Skip = "This CPU lacks the x86 AES instructions.";
    }
}

/// <summary>The AES-instruction CFB engine: its key schedule and block function against FIPS-197's worked examples,
/// its CFB-128 against the platform's for random keys, IVs, lengths and piece sizes, and SEIPD v1 encryption through
/// both the engine and the forced platform path, each decrypted by the decrypt stage.</summary>
public class HardwareAesCfbTests
{
    private const string Plaintext = "00112233445566778899aabbccddeeff";

    // FIPS-197 Appendix C (C.1 AES-128, C.2 AES-192, C.3 AES-256): key, output, and the last round key
    // (round[10|12|14].k_sch in the worked example).
    [Theory]
    [InlineData("000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a", "13111d7fe3944a17f307a78b4d2b30c5")]
    [InlineData("000102030405060708090a0b0c0d0e0f1011121314151617", "dda97ca4864cdfe06eaf70a0ec0d7191", "a4970a331a78dc09c418c271e3a41d5d")]
    [InlineData("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "8ea2b7ca516745bfeafc49904b496089", "24fc79ccbf0979e9371ac23c6d68de36")]
    public void Key_schedule_and_block_match_FIPS_197_appendix_C(string keyHex, string outputHex, string lastRoundKeyHex)
    {
        if (!HardwareAesCfb.IsSupported) return; // the engine is never used without the instructions
        var key = Convert.FromHexString(keyHex);
        using var engine = new HardwareAesCfb(key);
        Assert.Equal(key.Length / 4 + 6, engine.Rounds);

        var roundKeys = engine.RoundKeyBytes();
        Assert.Equal(16 * (engine.Rounds + 1), roundKeys.Length);
        Assert.Equal(keyHex[..32], Convert.ToHexStringLower(roundKeys.AsSpan(0, 16)));
        Assert.Equal(lastRoundKeyHex, Convert.ToHexStringLower(roundKeys.AsSpan(16 * engine.Rounds, 16)));

        var output = new byte[16];
        engine.EncryptBlock(Convert.FromHexString(Plaintext), output);
        Assert.Equal(outputHex, Convert.ToHexStringLower(output));
    }

    // FIPS-197 Appendix A.1-A.3: the last four words of each expanded key.
    [Theory]
    [InlineData("2b7e151628aed2a6abf7158809cf4f3c", "d014f9a8c9ee2589e13f0cc8b6630ca6")]
    [InlineData("8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b", "e98ba06f448c773c8ecc720401002202")]
    [InlineData("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", "fe4890d1e6188d0b046df344706c631e")]
    public void Key_expansion_matches_FIPS_197_appendix_A(string keyHex, string lastWordsHex)
    {
        if (!HardwareAesCfb.IsSupported) return;
        using var engine = new HardwareAesCfb(Convert.FromHexString(keyHex));
        var roundKeys = engine.RoundKeyBytes();
        Assert.Equal(lastWordsHex, Convert.ToHexStringLower(roundKeys.AsSpan(roundKeys.Length - 16)));
    }

    [HardwareAesFact]
    public void Cfb_equals_the_platform_for_random_keys_ivs_lengths_and_pieces_and_decrypts_back()
    {
        Gen.Select(Gen.Int[2, 4].Select(words => words * 8), Gen.Int[0, 70_000], Gen.Int[1, 9_000], Gen.Int)
            .Sample((keyLength, length, piece, seed) =>
            {
                var random = new Random(seed);
                var key = new byte[keyLength];
                var iv = new byte[16];
                var plain = new byte[length];
                random.NextBytes(key);
                random.NextBytes(iv);
                random.NextBytes(plain);
                var expected = PlatformCfb(key, iv, plain);

                // Whole message in one call, then in random whole-block pieces ending with whatever is left, in place.
                var whole = new byte[length];
                using (var engine = new HardwareAesCfb(key, iv)) engine.Encrypt(plain, whole);
                Assert.Equal(expected, whole);

                var pieces = (byte[])plain.Clone();
                InRandomPieces(key, iv, pieces, random, piece, decrypt: false);
                Assert.Equal(expected, pieces);

                // Decryption (eight blocks at a time plus single ones) in other random pieces, in place.
                InRandomPieces(key, iv, pieces, random, piece, decrypt: true);
                Assert.Equal(plain, pieces);
            }, iter: 150);
    }

    [HardwareAesFact]
    public void A_partial_block_ends_the_stream()
    {
        using var engine = new HardwareAesCfb(new byte[32]);
        var buffer = new byte[40];
        engine.Encrypt(buffer.AsSpan(0, 20), buffer.AsSpan(0, 20));
        Assert.Throws<InvalidOperationException>(() => engine.Encrypt(buffer.AsSpan(20, 16), buffer.AsSpan(20, 16)));
    }

    [HardwareAesFact]
    public void Bad_arguments_and_use_after_dispose_are_rejected()
    {
        Assert.Throws<ArgumentException>("key", () => new HardwareAesCfb(new byte[20]));
        Assert.Throws<ArgumentException>("iv", () => new HardwareAesCfb(new byte[16], new byte[8]));
        var engine = new HardwareAesCfb(new byte[16]);
        Assert.Throws<ArgumentException>("destination", () => engine.Encrypt(new byte[32], new byte[16]));
        engine.Dispose();
        Assert.All(engine.RoundKeyBytes(), b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => engine.Encrypt(new byte[16], new byte[16]));
    }

    /// <summary>Both SEIPD v1 paths (the engine where the CPU has it, and the platform's CFB forced) write packets the
    /// decrypt stage opens to the same plaintext, across the chunk boundary and with a partial last block.</summary>
    [Theory]
    [InlineData(true, 7, 0)]
    [InlineData(false, 7, 0)]
    [InlineData(true, 9, 1)]
    [InlineData(false, 9, 1)]
    [InlineData(true, 9, 300_001)]
    [InlineData(false, 9, 300_001)]
    [InlineData(true, 8, (1 << 18) - 18)]
    [InlineData(false, 8, (1 << 18) - 18)]
    public void Seipd_v1_round_trips_through_either_path(bool useHardwareEngine, byte algorithm, int length)
    {
        var random = new Random(length + algorithm);
        var keyBytes = new byte[algorithm switch { 7 => 16, 8 => 24, _ => 32 }];
        random.NextBytes(keyBytes);
        var plain = new byte[length];
        random.NextBytes(plain);

        var packet = new MemoryStream();
        using (var key = new SessionKeyMaterial(algorithm, (byte[])keyBytes.Clone()))
        using (var stage = new SeipdV1EncryptStream(packet, key, useHardwareEngine))
        {
            // Odd write sizes, so the stage's buffering and the engine's piecewise register both take part; a flush
            // after every other write pushes out the ciphertext the second core has not written yet, in order.
            for (int offset = 0, writes = 0; offset < length; writes++)
            {
                int n = Math.Min(length - offset, random.Next(1, 70_000));
                stage.Write(plain, offset, n);
                offset += n;
                if (writes % 2 == 1) stage.Flush();
            }
        }

        packet.Position = 0;
        var (tag, body) = PacketReader.Read(packet) ?? throw new InvalidDataException("no packet");
        Assert.Equal(18, (int)tag);
        Assert.Equal(1, body.ReadByte());
        var initial = new byte[18];
        body.ReadExactly(initial);
        using var decryptKey = new SessionKeyMaterial(algorithm, keyBytes);
        // Decrypted on the other path: each path's output is checked by the other one's reading of it.
        using var decrypt = new SeipdV1DecryptStream(body, decryptKey, initial, useHardwareEngine: !useHardwareEngine);
        var result = new MemoryStream();
        decrypt.CopyTo(result);
        Assert.Equal(plain, result.ToArray());
    }

    /// <summary>Runs one engine over <paramref name="buffer"/> in place, in pieces of 1..maxBlocks whole blocks (the
    /// last piece takes whatever is left, partial block included).</summary>
    private static void InRandomPieces(byte[] key, byte[] iv, byte[] buffer, Random random, int maxBlocks, bool decrypt)
    {
        using var engine = new HardwareAesCfb(key, iv);
        for (int offset = 0; offset < buffer.Length;)
        {
            int n = Math.Min(buffer.Length - offset, random.Next(1, maxBlocks + 1) * 16);
            var span = buffer.AsSpan(offset, n);
            if (decrypt) engine.Decrypt(span, span);
            else engine.Encrypt(span, span);
            offset += n;
        }
    }

    private static byte[] PlatformCfb(byte[] key, byte[] iv, byte[] plain)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        // The one-shot wants whole blocks: pad, then keep the message's length (CFB is a stream mode).
        var padded = new byte[(plain.Length + 15) & ~15];
        plain.CopyTo(padded, 0);
        return aes.EncryptCfb(padded, iv, PaddingMode.None, 128)[..plain.Length];
    }
}
