using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Digests;

namespace CryptoMail.Core.Crypto;

/// <summary>Argon2id, version 0x13 (RFC 9106), for the Argon2 S2K (RFC 9580 section 3.7.1.4).</summary>
/// <remarks>
/// Written here rather than taken from BouncyCastle so that a derivation can be cancelled and can report progress:
/// the token is checked before every segment (a quarter of a pass in one lane), so a cancelled 64 MiB derivation
/// stops within a few milliseconds. Lanes run one after another on the calling thread (the lanes of one slice never
/// read each other's current segment, so the result is the same as running them in parallel). BLAKE2b (H, and H'
/// built on it) is BouncyCastle's; the block compression G is below. The memory is one rented array, zeroed before
/// it goes back to the pool, also when the derivation is cancelled.
/// </remarks>
internal static class Argon2
{
    private const int BlockWords = 128, BlockBytes = 1024, SyncPoints = 4, Version = 0x13, TypeId = 2;

    /// <summary>Derives <paramref name="output"/>.Length octets (at least 4).</summary>
    /// <param name="password">P.</param>
    /// <param name="salt">S (at least 8 octets by RFC 9106; not checked here, the S2K always has 16).</param>
    /// <param name="passes">t, at least 1.</param>
    /// <param name="lanes">p, 1 to 2^24 - 1.</param>
    /// <param name="memoryKiB">m, at least 8p.</param>
    /// <param name="output">Receives the tag.</param>
    /// <param name="progress">Told the fraction done (0 to 1) after each slice of each pass.</param>
    /// <param name="cancellationToken">Checked before each segment.</param>
    public static void Derive(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int passes, int lanes, int memoryKiB,
        Span<byte> output, IProgress<double>? progress = null, CancellationToken cancellationToken = default) =>
        Derive(password, salt, [], [], passes, lanes, memoryKiB, output, progress, cancellationToken);

    /// <summary>As the other overload, with RFC 9106's optional secret K and associated data X (the S2K uses
    /// neither; the RFC's test vectors do).</summary>
    public static void Derive(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> secret,
        ReadOnlySpan<byte> associatedData, int passes, int lanes, int memoryKiB, Span<byte> output,
        IProgress<double>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(passes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lanes, 0xFFFFFF);
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryKiB, 8 * lanes);
        ArgumentOutOfRangeException.ThrowIfLessThan(output.Length, 4);
        cancellationToken.ThrowIfCancellationRequested();

        int segmentLength = memoryKiB / (SyncPoints * lanes);
        int laneLength = segmentLength * SyncPoints;
        int blockCount = laneLength * lanes;
        var memory = ArrayPool<ulong>.Shared.Rent(checked(blockCount * BlockWords));
        var scratch = new ulong[4 * BlockWords];
        byte[] h0 = new byte[72];
        byte[] blockBytes = new byte[BlockBytes];
        try
        {
            InitialHash(password, salt, secret, associatedData, passes, lanes, memoryKiB, output.Length, h0);
            for (int lane = 0; lane < lanes; lane++)
            {
                for (int column = 0; column < 2; column++)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(h0.AsSpan(64), column);
                    BinaryPrimitives.WriteInt32LittleEndian(h0.AsSpan(68), lane);
                    VariableHash(h0, blockBytes);
                    ToWords(blockBytes, memory.AsSpan((lane * laneLength + column) * BlockWords, BlockWords));
                }
            }

            var instance = new Instance(memory, passes, lanes, laneLength, segmentLength, blockCount, scratch);
            for (int pass = 0; pass < passes; pass++)
            {
                for (int slice = 0; slice < SyncPoints; slice++)
                {
                    for (int lane = 0; lane < lanes; lane++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        instance.FillSegment(pass, lane, slice);
                    }
                    progress?.Report((double)(pass * SyncPoints + slice + 1) / (passes * SyncPoints));
                }
            }

            // C = the XOR of every lane's last block; the tag is H'(C).
            var final = scratch.AsSpan(0, BlockWords);
            memory.AsSpan((laneLength - 1) * BlockWords, BlockWords).CopyTo(final);
            for (int lane = 1; lane < lanes; lane++)
                Xor(final, memory.AsSpan(((lane + 1) * laneLength - 1) * BlockWords, BlockWords));
            ToBytes(final, blockBytes);
            VariableHash(blockBytes, output);
        }
        finally
        {
            Array.Clear(memory, 0, Math.Min(memory.Length, blockCount * BlockWords));
            ArrayPool<ulong>.Shared.Return(memory);
            Array.Clear(scratch);
            CryptographicOperations.ZeroMemory(h0);
            CryptographicOperations.ZeroMemory(blockBytes);
        }
    }

    /// <summary>H0 (RFC 9106 section 3.2 step 1), written into the first 64 octets of <paramref name="h0"/>.</summary>
    private static void InitialHash(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> secret,
        ReadOnlySpan<byte> associatedData, int passes, int lanes, int memoryKiB, int tagLength, byte[] h0)
    {
        var h = new Blake2bDigest(512);
        byte[] le = new byte[4];
        void Int(int v)
        {
            BinaryPrimitives.WriteInt32LittleEndian(le, v);
            h.BlockUpdate(le);
        }
        Int(lanes);
        Int(tagLength);
        Int(memoryKiB);
        Int(passes);
        Int(Version);
        Int(TypeId);
        Int(password.Length);
        h.BlockUpdate(password);
        Int(salt.Length);
        h.BlockUpdate(salt);
        Int(secret.Length);
        h.BlockUpdate(secret);
        Int(associatedData.Length);
        h.BlockUpdate(associatedData);
        h.DoFinal(h0.AsSpan(0, 64));
    }

    /// <summary>H' (RFC 9106 section 3.3): BLAKE2b with the output length prefixed, chained for outputs over 64 octets.</summary>
    private static void VariableHash(ReadOnlySpan<byte> input, Span<byte> output)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, output.Length);
        if (output.Length <= 64)
        {
            var h = new Blake2bDigest(output.Length * 8);
            h.BlockUpdate(length);
            h.BlockUpdate(input);
            h.DoFinal(output);
            return;
        }
        Span<byte> v = stackalloc byte[64];
        var first = new Blake2bDigest(512);
        first.BlockUpdate(length);
        first.BlockUpdate(input);
        first.DoFinal(v);
        int written = 0;
        // V_1 .. V_r each give their first 32 octets; the last (up to 64) octets are a hash of V_r of that length.
        while (true)
        {
            v[..32].CopyTo(output[written..]);
            written += 32;
            if (output.Length - written <= 64) break;
            var next = new Blake2bDigest(512);
            next.BlockUpdate(v);
            next.DoFinal(v);
        }
        var tail = new Blake2bDigest((output.Length - written) * 8);
        tail.BlockUpdate(v);
        tail.DoFinal(output[written..]);
        CryptographicOperations.ZeroMemory(v);
    }

    private static void ToWords(ReadOnlySpan<byte> bytes, Span<ulong> words)
    {
        for (int i = 0; i < BlockWords; i++) words[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(8 * i)..]);
    }

    private static void ToBytes(ReadOnlySpan<ulong> words, Span<byte> bytes)
    {
        for (int i = 0; i < BlockWords; i++) BinaryPrimitives.WriteUInt64LittleEndian(bytes[(8 * i)..], words[i]);
    }

    private static void Xor(Span<ulong> into, ReadOnlySpan<ulong> other)
    {
        for (int i = 0; i < into.Length; i++) into[i] ^= other[i];
    }

    /// <summary>One derivation's memory and shape.</summary>
    private readonly struct Instance(ulong[] memory, int passes, int lanes, int laneLength, int segmentLength, int blockCount, ulong[] scratch)
    {
        /// <summary>RFC 9106 section 3.4: fills one segment. Argon2id addresses data-independently (from a
        /// counter block) in the first half of the first pass and from the previous block everywhere else.</summary>
        public void FillSegment(int pass, int lane, int slice)
        {
            var zero = scratch.AsSpan(0, BlockWords);
            var input = scratch.AsSpan(BlockWords, BlockWords);
            var addresses = scratch.AsSpan(2 * BlockWords, BlockWords);
            var work = scratch.AsSpan(3 * BlockWords, BlockWords);
            bool independent = pass == 0 && slice < 2;
            if (independent)
            {
                zero.Clear();
                input.Clear();
                input[0] = (ulong)pass;
                input[1] = (ulong)lane;
                input[2] = (ulong)slice;
                input[3] = (ulong)blockCount;
                input[4] = (ulong)passes;
                input[5] = TypeId;
            }
            int start = pass == 0 && slice == 0 ? 2 : 0;
            if (independent && start != 0) NextAddresses(zero, input, addresses, work);

            int current = lane * laneLength + slice * segmentLength + start;
            int previous = current % laneLength == 0 ? current + laneLength - 1 : current - 1;
            for (int i = start; i < segmentLength; i++, current++, previous++)
            {
                if (current % laneLength == 1) previous = current - 1;
                ulong pseudoRandom;
                if (independent)
                {
                    if (i % BlockWords == 0) NextAddresses(zero, input, addresses, work);
                    pseudoRandom = addresses[i % BlockWords];
                }
                else
                {
                    pseudoRandom = memory[previous * BlockWords];
                }
                int refLane = pass == 0 && slice == 0 ? lane : (int)((pseudoRandom >> 32) % (ulong)lanes);
                int refIndex = ReferenceIndex(pass, slice, i, (uint)pseudoRandom, refLane == lane);
                Compress(memory.AsSpan(previous * BlockWords, BlockWords),
                    memory.AsSpan((refLane * laneLength + refIndex) * BlockWords, BlockWords),
                    memory.AsSpan(current * BlockWords, BlockWords), work, xorInto: pass != 0);
            }
        }

        /// <summary>RFC 9106 section 3.4.2: maps J1 onto the blocks this one may reference.</summary>
        private int ReferenceIndex(int pass, int slice, int index, uint j1, bool sameLane)
        {
            long areaSize;
            if (pass == 0)
            {
                areaSize = slice == 0 ? index - 1
                    : sameLane ? (long)slice * segmentLength + index - 1
                    : (long)slice * segmentLength + (index == 0 ? -1 : 0);
            }
            else
            {
                areaSize = sameLane ? laneLength - segmentLength + index - 1
                    : laneLength - segmentLength + (index == 0 ? -1 : 0);
            }
            ulong x = ((ulong)j1 * j1) >> 32;
            ulong y = ((ulong)areaSize * x) >> 32;
            long relative = areaSize - 1 - (long)y;
            long startPosition = pass == 0 || slice == SyncPoints - 1 ? 0 : (long)(slice + 1) * segmentLength;
            return (int)((startPosition + relative) % laneLength);
        }

        private static void NextAddresses(Span<ulong> zero, Span<ulong> input, Span<ulong> addresses, Span<ulong> work)
        {
            input[6]++;
            Compress(zero, input, addresses, work, xorInto: false);
            Compress(zero, addresses, addresses, work, xorInto: false);
        }
    }

    /// <summary>G (RFC 9106 section 3.5): R = X xor Y, P over the rows then the columns of R, result xor R. With
    /// <paramref name="xorInto"/> (passes after the first, version 0x13) the old contents of
    /// <paramref name="destination"/> are XORed in too. <paramref name="destination"/> may be <paramref name="y"/>.</summary>
    private static void Compress(ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> y, Span<ulong> destination, Span<ulong> r, bool xorInto)
    {
        for (int i = 0; i < BlockWords; i++) r[i] = x[i] ^ y[i];
        // keep holds R (XORed with the old destination when asked) while r is permuted in place.
        Span<ulong> keep = stackalloc ulong[BlockWords];
        if (xorInto)
        {
            for (int i = 0; i < BlockWords; i++) keep[i] = r[i] ^ destination[i];
        }
        else
        {
            r.CopyTo(keep);
        }
        for (int row = 0; row < 8; row++)
        {
            int o = 16 * row;
            Permute(ref r[o], ref r[o + 1], ref r[o + 2], ref r[o + 3], ref r[o + 4], ref r[o + 5], ref r[o + 6], ref r[o + 7],
                ref r[o + 8], ref r[o + 9], ref r[o + 10], ref r[o + 11], ref r[o + 12], ref r[o + 13], ref r[o + 14], ref r[o + 15]);
        }
        for (int column = 0; column < 8; column++)
        {
            int o = 2 * column;
            Permute(ref r[o], ref r[o + 1], ref r[o + 16], ref r[o + 17], ref r[o + 32], ref r[o + 33], ref r[o + 48], ref r[o + 49],
                ref r[o + 64], ref r[o + 65], ref r[o + 80], ref r[o + 81], ref r[o + 96], ref r[o + 97], ref r[o + 112], ref r[o + 113]);
        }
        for (int i = 0; i < BlockWords; i++) destination[i] = r[i] ^ keep[i];
    }

    /// <summary>P (RFC 9106 section 3.6): the BLAKE2b round on sixteen words, with GB's multiplications.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Permute(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3, ref ulong v4, ref ulong v5, ref ulong v6, ref ulong v7,
        ref ulong v8, ref ulong v9, ref ulong v10, ref ulong v11, ref ulong v12, ref ulong v13, ref ulong v14, ref ulong v15)
    {
        Mix(ref v0, ref v4, ref v8, ref v12);
        Mix(ref v1, ref v5, ref v9, ref v13);
        Mix(ref v2, ref v6, ref v10, ref v14);
        Mix(ref v3, ref v7, ref v11, ref v15);
        Mix(ref v0, ref v5, ref v10, ref v15);
        Mix(ref v1, ref v6, ref v11, ref v12);
        Mix(ref v2, ref v7, ref v8, ref v13);
        Mix(ref v3, ref v4, ref v9, ref v14);
    }

    /// <summary>GB: BLAKE2b's G with each addition a + b replaced by a + b + 2 * lo32(a) * lo32(b).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Mix(ref ulong a, ref ulong b, ref ulong c, ref ulong d)
    {
        ulong va = a, vb = b, vc = c, vd = d;
        va += vb + 2 * (ulong)(uint)va * (uint)vb;
        vd = ulong.RotateRight(vd ^ va, 32);
        vc += vd + 2 * (ulong)(uint)vc * (uint)vd;
        vb = ulong.RotateRight(vb ^ vc, 24);
        va += vb + 2 * (ulong)(uint)va * (uint)vb;
        vd = ulong.RotateRight(vd ^ va, 16);
        vc += vd + 2 * (ulong)(uint)vc * (uint)vd;
        vb = ulong.RotateRight(vb ^ vc, 63);
        a = va;
        b = vb;
        c = vc;
        d = vd;
    }
}
