using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace CryptoMail.Core.Crypto;

/// <summary>AES in CFB-128 mode on the x86 AES instructions, for SEIPD v1 encryption. CFB encryption is serial (each
/// block needs the previous ciphertext), so its speed is the latency of one AES block: the platform's CFB calls a
/// single-block function per 16 octets through a pointer; here the round keys stay in vector registers across a
/// tight loop. The CFB register carries over from call to call, so a message may be encrypted in any number of
/// whole-block pieces and one partial block at the end. Decryption, parallel by nature, runs eight blocks at a
/// time (<see cref="Decrypt"/>; not wired into SEIPD v1 decryption yet). Where the instructions are missing
/// (<see cref="IsSupported"/> false) callers keep the platform's CFB.</summary>
/// <remarks>Native AOT: the compiler treats AES as an opportunistic instruction set on x64 (a runtime check of
/// <see cref="X86Aes.IsSupported"/> with AES-NI code behind it), so the default baseline keeps this path.</remarks>
internal sealed class HardwareAesCfb : IDisposable
{
    private const int BlockSize = 16;
    private readonly Vector128<byte>[] roundKeys;
    private readonly int rounds;
    private Vector128<byte> register;
    private bool finished;
    private bool disposed;

    /// <summary>Whether this CPU has the AES instructions this engine needs.</summary>
    public static bool IsSupported => X86Aes.IsSupported;

    /// <summary>Expands <paramref name="key"/> (16, 24 or 32 octets) and sets the CFB register to
    /// <paramref name="iv"/> (16 octets; zero when empty, as OpenPGP's CFB uses).</summary>
    public HardwareAesCfb(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv = default)
    {
        if (!IsSupported) throw new PlatformNotSupportedException("The AES instructions are not available.");
        if (key.Length is not (16 or 24 or 32)) throw new ArgumentException("AES keys are 16, 24 or 32 octets.", nameof(key));
        if (!iv.IsEmpty && iv.Length != BlockSize) throw new ArgumentException("The IV is one 16-octet block.", nameof(iv));
        rounds = key.Length / 4 + 6;
        roundKeys = new Vector128<byte>[rounds + 1];
        ExpandKey(key, roundKeys);
        register = iv.IsEmpty ? Vector128<byte>.Zero : Vector128.Create(iv);
    }

    /// <summary>The AES rounds for this key size (10, 12 or 14).</summary>
    public int Rounds => rounds;

    /// <summary>The round keys as FIPS-197 lays them out (round key r at octets 16r..16r+15): for tests.</summary>
    internal byte[] RoundKeyBytes() => MemoryMarshal.AsBytes(roundKeys.AsSpan()).ToArray();

    /// <summary>Encrypts one block with the expanded key (no chaining): for tests of the key schedule.</summary>
    internal void EncryptBlock(ReadOnlySpan<byte> input, Span<byte> output)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (input.Length != BlockSize) throw new ArgumentException("One 16-octet block.", nameof(input));
        if (output.Length < BlockSize) throw new ArgumentException("One 16-octet block.", nameof(output));
        Cipher(Vector128.Create(input)).CopyTo(output);
    }

    /// <summary>CFB-encrypts <paramref name="source"/> into <paramref name="destination"/> (the same memory is fine;
    /// otherwise they must not overlap), carrying the register on. A length that is not a whole number of blocks ends
    /// the stream: its last, partial block is the final one and further calls throw.</summary>
    public void Encrypt(ReadOnlySpan<byte> source, Span<byte> destination) => Transform(source, destination, decrypt: false);

    private void Transform(ReadOnlySpan<byte> source, Span<byte> destination, bool decrypt)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (finished && source.Length > 0) throw new InvalidOperationException("The CFB stream already ended with a partial block.");
        if (destination.Length < source.Length) throw new ArgumentException("The destination is shorter than the source.", nameof(destination));
        int whole = source.Length & ~(BlockSize - 1);
        if (whole > 0)
        {
            register = decrypt
                ? DecryptBlocks(roundKeys, rounds, register, source[..whole], destination)
                : EncryptBlocks(roundKeys, rounds, register, source[..whole], destination);
        }
        int rest = source.Length - whole;
        if (rest > 0)
        {
            // The last, partial block: keystream XOR in either direction.
            Span<byte> keystream = stackalloc byte[BlockSize];
            Cipher(register).CopyTo(keystream);
            for (int i = 0; i < rest; i++) destination[whole + i] = (byte)(source[whole + i] ^ keystream[i]);
            CryptographicOperations.ZeroMemory(keystream);
            register = Vector128<byte>.Zero;
            finished = true;
        }
    }

    /// <summary>CFB-decrypts <paramref name="source"/> into <paramref name="destination"/> (the same memory is fine;
    /// otherwise they must not overlap), carrying the register on, with the same partial-block rule as
    /// <see cref="Encrypt"/>. Decryption is parallel (plaintext block i is E(C[i-1]) xor C[i]), so eight blocks go
    /// through the rounds together and the AES units stay busy.</summary>
    public void Decrypt(ReadOnlySpan<byte> source, Span<byte> destination) => Transform(source, destination, decrypt: true);

    /// <summary>Zeroes the round keys and the register.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        Array.Clear(roundKeys);
        register = Vector128<byte>.Zero;
    }

    private Vector128<byte> Cipher(Vector128<byte> block)
    {
        var x = block ^ roundKeys[0];
        for (int r = 1; r < rounds; r++) x = X86Aes.Encrypt(x, roundKeys[r]);
        return X86Aes.EncryptLast(x, roundKeys[rounds]);
    }

    /// <summary>The serial CFB loop: every round key lives in a local (a register) for the whole run, and each block
    /// costs one chain of AES rounds, with no call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector128<byte> EncryptBlocks(Vector128<byte>[] keys, int rounds, Vector128<byte> feedback,
        ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var k0 = keys[0];
        var k1 = keys[1];
        var k2 = keys[2];
        var k3 = keys[3];
        var k4 = keys[4];
        var k5 = keys[5];
        var k6 = keys[6];
        var k7 = keys[7];
        var k8 = keys[8];
        var k9 = keys[9];
        // Rounds 10..13 exist for 192- and 256-bit keys only; the last round key is keys[rounds].
        var k10 = rounds > 10 ? keys[10] : default;
        var k11 = rounds > 10 ? keys[11] : default;
        var k12 = rounds > 12 ? keys[12] : default;
        var k13 = rounds > 12 ? keys[13] : default;
        // AESENCLAST ends with an XOR of its round key, so the plaintext block and the next block's whitening key k0
        // fold into it: the chain carries C[i] ^ k0 from one block to the next, and the whole critical path is the
        // AES rounds, with no XOR between them.
        var kLastFolded = keys[rounds] ^ k0;
        ref byte src = ref MemoryMarshal.GetReference(source);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        nuint length = (nuint)source.Length;
        var x = feedback ^ k0;
        for (nuint i = 0; i < length; i += BlockSize)
        {
            var lastKey = kLastFolded ^ Vector128.LoadUnsafe(ref src, i);
            x = X86Aes.Encrypt(x, k1);
            x = X86Aes.Encrypt(x, k2);
            x = X86Aes.Encrypt(x, k3);
            x = X86Aes.Encrypt(x, k4);
            x = X86Aes.Encrypt(x, k5);
            x = X86Aes.Encrypt(x, k6);
            x = X86Aes.Encrypt(x, k7);
            x = X86Aes.Encrypt(x, k8);
            x = X86Aes.Encrypt(x, k9);
            if (rounds > 10)
            {
                x = X86Aes.Encrypt(x, k10);
                x = X86Aes.Encrypt(x, k11);
                if (rounds > 12)
                {
                    x = X86Aes.Encrypt(x, k12);
                    x = X86Aes.Encrypt(x, k13);
                }
            }
            x = X86Aes.EncryptLast(x, lastKey);
            (x ^ k0).StoreUnsafe(ref dst, i);
        }
        return x ^ k0;
    }

    /// <summary>The parallel CFB decryption loop: eight ciphertext blocks (each one's keystream is the encryption of
    /// the block before it) through every round together, then the rest one by one. Each group's ciphertext is read
    /// before its plaintext is written, so in-place works.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector128<byte> DecryptBlocks(Vector128<byte>[] keys, int rounds, Vector128<byte> feedback,
        ReadOnlySpan<byte> source, Span<byte> destination)
    {
        const int Lanes = 8;
        ref byte src = ref MemoryMarshal.GetReference(source);
        ref byte dst = ref MemoryMarshal.GetReference(destination);
        nuint length = (nuint)source.Length;
        nuint i = 0;
        var k0 = keys[0];
        var kLast = keys[rounds];
        for (; i + Lanes * BlockSize <= length; i += Lanes * BlockSize)
        {
            var c0 = Vector128.LoadUnsafe(ref src, i);
            var c1 = Vector128.LoadUnsafe(ref src, i + 16);
            var c2 = Vector128.LoadUnsafe(ref src, i + 32);
            var c3 = Vector128.LoadUnsafe(ref src, i + 48);
            var c4 = Vector128.LoadUnsafe(ref src, i + 64);
            var c5 = Vector128.LoadUnsafe(ref src, i + 80);
            var c6 = Vector128.LoadUnsafe(ref src, i + 96);
            var c7 = Vector128.LoadUnsafe(ref src, i + 112);
            var x0 = feedback ^ k0;
            var x1 = c0 ^ k0;
            var x2 = c1 ^ k0;
            var x3 = c2 ^ k0;
            var x4 = c3 ^ k0;
            var x5 = c4 ^ k0;
            var x6 = c5 ^ k0;
            var x7 = c6 ^ k0;
            for (int r = 1; r < rounds; r++)
            {
                var k = keys[r];
                x0 = X86Aes.Encrypt(x0, k);
                x1 = X86Aes.Encrypt(x1, k);
                x2 = X86Aes.Encrypt(x2, k);
                x3 = X86Aes.Encrypt(x3, k);
                x4 = X86Aes.Encrypt(x4, k);
                x5 = X86Aes.Encrypt(x5, k);
                x6 = X86Aes.Encrypt(x6, k);
                x7 = X86Aes.Encrypt(x7, k);
            }
            (X86Aes.EncryptLast(x0, kLast) ^ c0).StoreUnsafe(ref dst, i);
            (X86Aes.EncryptLast(x1, kLast) ^ c1).StoreUnsafe(ref dst, i + 16);
            (X86Aes.EncryptLast(x2, kLast) ^ c2).StoreUnsafe(ref dst, i + 32);
            (X86Aes.EncryptLast(x3, kLast) ^ c3).StoreUnsafe(ref dst, i + 48);
            (X86Aes.EncryptLast(x4, kLast) ^ c4).StoreUnsafe(ref dst, i + 64);
            (X86Aes.EncryptLast(x5, kLast) ^ c5).StoreUnsafe(ref dst, i + 80);
            (X86Aes.EncryptLast(x6, kLast) ^ c6).StoreUnsafe(ref dst, i + 96);
            (X86Aes.EncryptLast(x7, kLast) ^ c7).StoreUnsafe(ref dst, i + 112);
            feedback = c7;
        }
        for (; i < length; i += BlockSize)
        {
            var c = Vector128.LoadUnsafe(ref src, i);
            var x = feedback ^ k0;
            for (int r = 1; r < rounds; r++) x = X86Aes.Encrypt(x, keys[r]);
            (X86Aes.EncryptLast(x, kLast) ^ c).StoreUnsafe(ref dst, i);
            feedback = c;
        }
        return feedback;
    }

    /// <summary>The FIPS-197 key expansion (section 5.2) over 32-bit words, for all three key sizes. AESKEYGENASSIST
    /// supplies SubWord and RotWord(SubWord) of a word; Rcon is XORed here, so the instruction's immediate stays a
    /// constant. Words hold their octets in memory order (little-endian loads), so a word's first octet is its low
    /// byte, the one Rcon touches.</summary>
    private static void ExpandKey(ReadOnlySpan<byte> key, Vector128<byte>[] roundKeys)
    {
        int nk = key.Length / 4;
        int total = roundKeys.Length * 4;
        Span<uint> w = stackalloc uint[60];
        MemoryMarshal.Cast<byte, uint>(key).CopyTo(w);
        uint rcon = 1;
        for (int i = nk; i < total; i++)
        {
            uint t = w[i - 1];
            if (i % nk == 0)
            {
                t = SubWord(t, rotate: true) ^ rcon;
                rcon = (rcon << 1) ^ ((rcon >> 7) * 0x11B);
            }
            else if (nk > 6 && i % nk == 4)
            {
                t = SubWord(t, rotate: false);
            }
            w[i] = w[i - nk] ^ t;
        }
        MemoryMarshal.AsBytes(w[..total]).CopyTo(MemoryMarshal.AsBytes(roundKeys.AsSpan()));
        CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(w));
    }

    /// <summary>SubWord(word), or RotWord(SubWord(word)), from AESKEYGENASSIST with a zero round constant: it returns
    /// SubWord(X1) in dword 0 and RotWord(SubWord(X1)) in dword 1, for the word placed in dword 1.</summary>
    private static uint SubWord(uint word, bool rotate)
    {
        var assisted = X86Aes.KeygenAssist(Vector128.Create(0u, word, 0u, 0u).AsByte(), 0).AsUInt32();
        return rotate ? assisted.GetElement(1) : assisted.GetElement(0);
    }
}
