using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace CryptoMail.Core.Crypto;

/// <summary>OCB (RFC 7253) over the platform's hardware AES, with a 128-bit tag and nonces of 1 to 15 octets
/// (OpenPGP uses 15).</summary>
/// <remarks>
/// The hot loop never encrypts one block at a time: for each batch of up to <see cref="BatchBlocks"/> blocks it
/// computes every offset (Offset_i = Offset_{i-1} xor L_{ntz(i)}) into a table, XORs them in, runs one bulk ECB
/// call over the batch, and XORs them out again. ECB goes through one cached <see cref="ICryptoTransform"/> per
/// direction: the span one-shot <see cref="SymmetricAlgorithm.EncryptEcb(ReadOnlySpan{byte}, Span{byte}, PaddingMode)"/>
/// builds a native cipher context on every call (measured here at ~7 us and 64 bytes a call), the cached
/// transform does not. Not thread-safe; after <see cref="Dispose"/> every key-derived value is zeroed.
/// </remarks>
internal sealed class OcbMode : IAeadCipher
{
    public const int BlockSize = 16;
    public const int MaxNonceSize = 15;

    // 16 KiB per bulk call: amortizes the call, while the offset table and work buffer stay in L1/L2.
    private const int BatchBlocks = 1024;

    // L_i for i = 0..31: enough for any span (at most 2^31 octets = 2^27 blocks, so ntz(i) <= 27).
    private readonly Vector128<byte>[] lTable = new Vector128<byte>[32];
    private readonly Vector128<byte>[] offsets = new Vector128<byte>[BatchBlocks];
    // Input and output of each bulk ECB call: separate, because the platform copies through a temporary
    // buffer when they are the same array (measured at ~60% of the out-of-place speed).
    private readonly byte[] work = new byte[BatchBlocks * BlockSize];
    private readonly byte[] ecbOut = new byte[BatchBlocks * BlockSize];
    private readonly byte[] single = new byte[BlockSize];
    // Ktop depends only on the nonce with its last 6 bits cleared; consecutive chunk nonces share it.
    private readonly byte[] cachedTop = new byte[BlockSize];
    private readonly byte[] stretch = new byte[BlockSize + 8];
    private readonly Aes aes;
    private readonly ICryptoTransform encryptor;
    private readonly ICryptoTransform decryptor;
    private Vector128<byte> lStar;
    private Vector128<byte> lDollar;
    private bool haveKtop;
    private bool disposed;

    public OcbMode(ReadOnlySpan<byte> key)
    {
        if (key.Length is not (16 or 24 or 32)) throw new ArgumentException("An AES key is 16, 24 or 32 octets.", nameof(key));
        aes = Aes.Create();
        try
        {
            byte[] keyCopy = key.ToArray();
            aes.Key = keyCopy;
            CryptographicOperations.ZeroMemory(keyCopy);
            aes.Mode = CipherMode.ECB;
            aes.Padding = PaddingMode.None;
            encryptor = aes.CreateEncryptor();
            decryptor = aes.CreateDecryptor();
        }
        catch
        {
            aes.Dispose();
            throw;
        }
        lStar = EncryptBlock(Vector128<byte>.Zero);
        lDollar = Double(lStar);
        lTable[0] = Double(lDollar);
        for (int i = 1; i < lTable.Length; i++) lTable[i] = Double(lTable[i - 1]);
    }

    public AeadAlgorithm Algorithm => AeadAlgorithm.Ocb;

    public int NonceSize => MaxNonceSize;

    /// <summary>One-shot encryption under <paramref name="key"/>.</summary>
    public static void Encrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext,
        ReadOnlySpan<byte> associatedData, Span<byte> ciphertext, Span<byte> tag)
    {
        using var ocb = new OcbMode(key);
        ocb.Encrypt(nonce, plaintext, associatedData, ciphertext, tag);
    }

    /// <summary>One-shot decryption under <paramref name="key"/>; zeroes <paramref name="plaintext"/> and throws
    /// <see cref="AeadTagMismatchException"/> when the tag does not verify.</summary>
    public static void Decrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag, ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        using var ocb = new OcbMode(key);
        ocb.Decrypt(nonce, ciphertext, tag, associatedData, plaintext);
    }

    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData,
        Span<byte> ciphertext, Span<byte> tag)
    {
        CheckArguments(nonce, plaintext.Length, ciphertext.Length, tag.Length);

        var offset = InitialOffset(nonce);
        var checksum = Vector128<byte>.Zero;
        int full = plaintext.Length & ~(BlockSize - 1);
        Crypt(encrypt: true, plaintext[..full], ciphertext, ref offset, ref checksum);

        int rest = plaintext.Length - full;
        if (rest > 0)
        {
            // P_* is padded with 10* for the checksum; C_* = P_* xor the first bits of E(Offset_*).
            offset ^= lStar;
            var pad = EncryptBlock(offset);
            Span<byte> last = stackalloc byte[BlockSize];
            last.Clear();
            plaintext[full..].CopyTo(last);
            last[rest] = 0x80;
            var p = Vector128.Create((ReadOnlySpan<byte>)last);
            checksum ^= p;
            (p ^ pad).CopyTo(last);
            last[..rest].CopyTo(ciphertext[full..]);
        }

        var t = EncryptBlock(checksum ^ offset ^ lDollar) ^ Hash(associatedData);
        t.CopyTo(tag);
    }

    public void Decrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> ciphertext, ReadOnlySpan<byte> tag,
        ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        CheckArguments(nonce, ciphertext.Length, plaintext.Length, tag.Length);

        var offset = InitialOffset(nonce);
        var checksum = Vector128<byte>.Zero;
        int full = ciphertext.Length & ~(BlockSize - 1);
        Crypt(encrypt: false, ciphertext[..full], plaintext, ref offset, ref checksum);

        int rest = ciphertext.Length - full;
        if (rest > 0)
        {
            offset ^= lStar;
            var pad = EncryptBlock(offset);
            Span<byte> last = stackalloc byte[BlockSize];
            last.Clear();
            ciphertext[full..].CopyTo(last);
            (Vector128.Create((ReadOnlySpan<byte>)last) ^ pad).CopyTo(last);
            last[rest..].Clear();
            last[rest] = 0x80;
            checksum ^= Vector128.Create((ReadOnlySpan<byte>)last);
            last[..rest].CopyTo(plaintext[full..]);
            last.Clear();
        }

        Span<byte> expected = stackalloc byte[BlockSize];
        (EncryptBlock(checksum ^ offset ^ lDollar) ^ Hash(associatedData)).CopyTo(expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag))
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new AeadTagMismatchException();
        }
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        Array.Clear(lTable);
        Array.Clear(offsets);
        CryptographicOperations.ZeroMemory(work);
        CryptographicOperations.ZeroMemory(ecbOut);
        CryptographicOperations.ZeroMemory(single);
        CryptographicOperations.ZeroMemory(stretch);
        lStar = lDollar = default;
        encryptor.Dispose();
        decryptor.Dispose();
        aes.Dispose();
    }

    private void CheckArguments(ReadOnlySpan<byte> nonce, int inputLength, int outputLength, int tagLength)
    {
        if (nonce.Length is < 1 or > MaxNonceSize) throw new ArgumentException("An OCB nonce is 1 to 15 octets.", nameof(nonce));
        if (outputLength != inputLength) throw new ArgumentException("The output must be as long as the input.", nameof(outputLength));
        if (tagLength != AeadSuite.TagSize) throw new ArgumentException("The tag must be 16 octets.", nameof(tagLength));
        ObjectDisposedException.ThrowIf(disposed, this);
    }

    /// <summary>The full-block part of OCB-ENCRYPT / OCB-DECRYPT, batch by batch. On return
    /// <paramref name="offset"/> is Offset_m and <paramref name="checksum"/> the XOR of every plaintext block.
    /// Reads a whole batch of input before writing that batch of output, so input and output may be the same
    /// buffer. Only the offset chain is serial; the XORs run as wide vector passes over whole batches. The loops
    /// index through refs: every index is below the batch size or the input's length, and ntz(i) is below 32
    /// for any block number a span can reach.</summary>
    // The bulk loops are compiled fully optimized from the first call (see Bytes.Xor): a fresh process encrypting
    // one large message would otherwise run them unoptimized while tiering catches up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Crypt(bool encrypt, ReadOnlySpan<byte> input, Span<byte> output,
        ref Vector128<byte> offset, ref Vector128<byte> checksum)
    {
        int blocks = input.Length / BlockSize;
        if (output.Length < input.Length) throw new ArgumentException("The output is too short.", nameof(output));
        ref byte src = ref MemoryMarshal.GetReference(input);
        ref byte dst = ref MemoryMarshal.GetReference(output);
        ref byte buf = ref MemoryMarshal.GetArrayDataReference(work);
        ref byte encrypted = ref MemoryMarshal.GetArrayDataReference(ecbOut);
        ref Vector128<byte> offs = ref MemoryMarshal.GetArrayDataReference(offsets);
        ref byte offBytes = ref Unsafe.As<Vector128<byte>, byte>(ref offs);
        ref Vector128<byte> l = ref MemoryMarshal.GetArrayDataReference(lTable);
        var transform = encrypt ? encryptor : decryptor;
        var off = offset;
        var sum = checksum;
        for (int done = 0; done < blocks;)
        {
            int n = Math.Min(BatchBlocks, blocks - done);
            int bytes = n * BlockSize;
            ref byte batchIn = ref Unsafe.Add(ref src, (nint)done * BlockSize);
            ref byte batchOut = ref Unsafe.Add(ref dst, (nint)done * BlockSize);
            for (int j = 0; j < n; j++)
            {
                // Block numbers are 1-based: block i uses L_{ntz(i)}.
                off ^= Unsafe.Add(ref l, BitOperations.TrailingZeroCount(done + j + 1));
                Unsafe.Add(ref offs, j) = off;
            }
            if (encrypt) sum ^= XorBlocks(ref batchIn, bytes);
            Xor(ref batchIn, ref offBytes, ref buf, bytes);
            transform.TransformBlock(work, 0, bytes, ecbOut, 0);
            Xor(ref encrypted, ref offBytes, ref batchOut, bytes);
            if (!encrypt) sum ^= XorBlocks(ref batchOut, bytes);
            done += n;
        }
        offset = off;
        checksum = sum;
    }

    /// <summary>destination = a xor b over <paramref name="length"/> octets, a multiple of 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Xor(ref byte a, ref byte b, ref byte destination, int length)
    {
        nuint i = 0, end = (nuint)length;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 64 <= end; i += 64)
            {
                (Vector256.LoadUnsafe(ref a, i) ^ Vector256.LoadUnsafe(ref b, i)).StoreUnsafe(ref destination, i);
                (Vector256.LoadUnsafe(ref a, i + 32) ^ Vector256.LoadUnsafe(ref b, i + 32)).StoreUnsafe(ref destination, i + 32);
            }
        }
        for (; i < end; i += BlockSize)
            (Vector128.LoadUnsafe(ref a, i) ^ Vector128.LoadUnsafe(ref b, i)).StoreUnsafe(ref destination, i);
    }

    /// <summary>The XOR of all 16-octet blocks in <paramref name="length"/> octets (a multiple of 16), with
    /// independent accumulators so the loop is bound by loads, not by one dependency chain.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector128<byte> XorBlocks(ref byte data, int length)
    {
        nuint i = 0, end = (nuint)length;
        var result = Vector128<byte>.Zero;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<byte> a = default, b = default;
            for (; i + 64 <= end; i += 64)
            {
                a ^= Vector256.LoadUnsafe(ref data, i);
                b ^= Vector256.LoadUnsafe(ref data, i + 32);
            }
            a ^= b;
            result = a.GetLower() ^ a.GetUpper();
        }
        for (; i < end; i += BlockSize) result ^= Vector128.LoadUnsafe(ref data, i);
        return result;
    }

    /// <summary>HASH(K, A) of RFC 7253 section 4.1.</summary>
    private Vector128<byte> Hash(ReadOnlySpan<byte> associatedData)
    {
        var sum = Vector128<byte>.Zero;
        var off = Vector128<byte>.Zero;
        int full = associatedData.Length & ~(BlockSize - 1);
        var src = MemoryMarshal.Cast<byte, Vector128<byte>>(associatedData[..full]);
        var buf = MemoryMarshal.Cast<byte, Vector128<byte>>(work.AsSpan());
        for (int done = 0; done < src.Length;)
        {
            int n = Math.Min(BatchBlocks, src.Length - done);
            for (int j = 0; j < n; j++)
            {
                off ^= lTable[BitOperations.TrailingZeroCount(done + j + 1)];
                buf[j] = src[done + j] ^ off;
            }
            encryptor.TransformBlock(work, 0, n * BlockSize, ecbOut, 0);
            sum ^= XorBlocks(ref MemoryMarshal.GetArrayDataReference(ecbOut), n * BlockSize);
            done += n;
        }
        int rest = associatedData.Length - full;
        if (rest > 0)
        {
            off ^= lStar;
            Span<byte> last = stackalloc byte[BlockSize];
            last.Clear();
            associatedData[full..].CopyTo(last);
            last[rest] = 0x80;
            sum ^= EncryptBlock(Vector128.Create((ReadOnlySpan<byte>)last) ^ off);
        }
        return sum;
    }

    /// <summary>Offset_0 from the nonce (RFC 7253 section 4.2): Nonce = num2str(TAGLEN mod 128, 7) || zeros ||
    /// 1 || N; Ktop = E(Nonce with its last 6 bits cleared); Stretch = Ktop || (Ktop[1..64] xor Ktop[9..72]);
    /// Offset_0 = Stretch[1+bottom..128+bottom].</summary>
    private Vector128<byte> InitialOffset(ReadOnlySpan<byte> nonce)
    {
        Span<byte> top = stackalloc byte[BlockSize];
        top.Clear();
        // TAGLEN is 128, so the 7-bit tag length field is 0.
        top[BlockSize - 1 - nonce.Length] = 1;
        nonce.CopyTo(top[(BlockSize - nonce.Length)..]);
        int bottom = top[BlockSize - 1] & 0x3F;
        top[BlockSize - 1] &= 0xC0;

        if (!haveKtop || !top.SequenceEqual(cachedTop))
        {
            var ktop = EncryptBlock(Vector128.Create((ReadOnlySpan<byte>)top));
            ktop.CopyTo(stretch);
            for (int i = 0; i < 8; i++) stretch[BlockSize + i] = (byte)(stretch[i] ^ stretch[i + 1]);
            top.CopyTo(cachedTop);
            haveKtop = true;
        }

        Span<byte> result = stackalloc byte[BlockSize];
        int byteShift = bottom >> 3;
        int bitShift = bottom & 7;
        for (int i = 0; i < BlockSize; i++)
        {
            int hi = stretch[i + byteShift] << bitShift;
            int lo = bitShift == 0 ? 0 : stretch[i + byteShift + 1] >> (8 - bitShift);
            result[i] = (byte)(hi | lo);
        }
        return Vector128.Create((ReadOnlySpan<byte>)result);
    }

    private Vector128<byte> EncryptBlock(Vector128<byte> block)
    {
        block.CopyTo(single);
        encryptor.TransformBlock(single, 0, BlockSize, ecbOut, 0);
        return Vector128.Create(ecbOut.AsSpan(0, BlockSize));
    }

    /// <summary>double(S) of RFC 7253 section 2: S shifted left one bit, XOR 0x87 into the last octet when the
    /// bit shifted out was 1 (the 128-bit string is big-endian).</summary>
    private static Vector128<byte> Double(Vector128<byte> value)
    {
        Span<byte> b = stackalloc byte[BlockSize];
        value.CopyTo(b);
        ulong hi = BinaryPrimitives.ReadUInt64BigEndian(b);
        ulong lo = BinaryPrimitives.ReadUInt64BigEndian(b[8..]);
        ulong carry = hi >> 63;
        hi = (hi << 1) | (lo >> 63);
        lo = (lo << 1) ^ (carry * 0x87);
        BinaryPrimitives.WriteUInt64BigEndian(b, hi);
        BinaryPrimitives.WriteUInt64BigEndian(b[8..], lo);
        return Vector128.Create((ReadOnlySpan<byte>)b);
    }
}
