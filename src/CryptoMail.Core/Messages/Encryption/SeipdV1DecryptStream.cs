using System.Buffers;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Messages.Encryption;

/// <summary>Decrypts the body of a SEIPD v1 packet (RFC 9580 section 5.13.1): OpenPGP CFB without
/// resynchronisation, a random prefix with a quick check, and the modification detection code (SHA-1 over
/// prefix, plaintext and the MDC header) in the last 22 octets. CFB decryption is parallel: the keystream
/// for a whole chunk comes from one bulk ECB call over the ciphertext shifted by one block. The MDC's SHA-1 of a
/// decrypted chunk runs on the second core while the reader consumes that chunk.
/// The stream reports its end only after the MDC matched; otherwise it throws <see cref="IntegrityException"/>, always
/// <see cref="DecryptionFailure"/>'s one error, and again on every later read. It never releases the 22 MDC octets.
/// The quick check (<see cref="QuickCheck"/>) is only a way for the caller to choose among candidate keys: the stream
/// itself does not act on it, since an early "quick check failed" next to a late "MDC failed" is the oracle of RFC 9580
/// section 13.4; a wrong prefix is caught by the MDC, which hashes the prefix too.</summary>
internal sealed class SeipdV1DecryptStream : ReadOnlyStage
{
    private const int MdcLength = 22;
    private const int ChunkBlocks = 4096; // 64 KiB of AES blocks
    private readonly Stream body;
    private readonly BlockDecryptor cipher;
    private readonly HardwareAesCfb? engine; // AES with the x86 instructions: CFB decryption eight blocks at a time
    private readonly int bs;
    private readonly IncrementalHash sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    private readonly ParallelStage hashing;
    private readonly byte[] register;
    private readonly byte[] cbuf; // the CFB register (one block), then the chunk's ciphertext
    private readonly byte[] plain;
    private int plainStart;
    private int plainEnd;
    private int carry; // held-back plaintext at the end of `plain` not yet released (the last MDC-sized tail)
    private bool eof;
    private bool verified;
    private bool failed;
    private readonly bool checkMdc;

    /// <summary>Opens the stream; <paramref name="initial"/> holds the first ciphertext octets the caller already read
    /// (at least block size + 2, for the quick check); the rest follow in <paramref name="body"/>. Without
    /// <paramref name="checkMdc"/> (a second pass over data a first pass authenticated, see <see cref="SecondPass"/>)
    /// nothing is hashed and the stream never reports <see cref="Verified"/>.</summary>
    /// <remarks>With <c>useHardwareEngine</c> false the platform's ECB keystream path is used even where the AES
    /// instructions exist (tests cover both).</remarks>
    public SeipdV1DecryptStream(Stream body, SessionKeyMaterial key, byte[] initial, bool checkMdc = true, bool useHardwareEngine = true)
    {
        this.body = body;
        this.checkMdc = checkMdc;
        cipher = BlockDecryptor.Create(key);
        bs = cipher.BlockSize;
        register = new byte[bs];
        hashing = new ParallelStage(sha1.AppendData);
        int chunk = ChunkBlocks * 16;
        cbuf = ArrayPool<byte>.Shared.Rent(chunk + bs);
        plain = ArrayPool<byte>.Shared.Rent(chunk + bs + MdcLength + 2 * bs);

        if (initial.Length < bs + 2) throw DecryptionFailure.Create();
        var prefixCipher = initial;
        // The prefix: decrypt and hash (quick check or not: see the class remarks), and keep the two octets beyond
        // the first block as ciphertext state.
        var prefix = DecryptPrefix(cipher, prefixCipher);
        sha1.AppendData(prefix);
        CryptographicOperations.ZeroMemory(prefix);
        // Without resynchronisation, CFB simply continues: the register is the last full ciphertext block, and the
        // two extra prefix octets belong to the next block. Keep them as the start of the ciphertext stream.
        Array.Copy(prefixCipher, 0, register, 0, bs);
        pendingCipher = initial[bs..];
        pendingPlainSkip = 2;
        if (useHardwareEngine && key.Algorithm is 7 or 8 or 9 && HardwareAesCfb.IsSupported) engine = new HardwareAesCfb(key.Key, register);
    }

    private byte[] pendingCipher;
    private int pendingPlainSkip;

    public bool Verified => verified;

    /// <summary>Decrypts the first block+2 octets and returns them (caller zeroes).</summary>
    public static byte[] DecryptPrefix(BlockDecryptor cipher, byte[] prefixCipher)
    {
        int bs = cipher.BlockSize;
        var output = new byte[bs + 2];
        var ks = new byte[bs];
        cipher.EncryptBlocks(new byte[bs], ks); // E(IV = 0)
        for (int i = 0; i < bs; i++) output[i] = (byte)(prefixCipher[i] ^ ks[i]);
        cipher.EncryptBlocks(prefixCipher.AsSpan(0, bs), ks);
        output[bs] = (byte)(prefixCipher[bs] ^ ks[0]);
        output[bs + 1] = (byte)(prefixCipher[bs + 1] ^ ks[1]);
        return output;
    }

    /// <summary>Whether a candidate session key passes the quick check on the prefix.</summary>
    public static bool QuickCheck(SessionKeyMaterial key, byte[] prefixCipher)
    {
        try
        {
            using var c = BlockDecryptor.Create(key);
            if (prefixCipher.Length < c.BlockSize + 2) return false;
            var p = DecryptPrefix(c, prefixCipher);
            int bs = c.BlockSize;
            bool ok = p[bs - 2] == p[bs] && p[bs - 1] == p[bs + 1];
            CryptographicOperations.ZeroMemory(p);
            return ok;
        }
        catch (UnsupportedPacketException)
        {
            return false;
        }
    }


    public override int Read(Span<byte> buffer)
    {
        if (failed) throw DecryptionFailure.Create();
        if (buffer.Length == 0) return 0;
        while (plainStart == plainEnd - carry)
        {
            if (eof) return 0;
            try
            {
                Fill();
            }
            catch (IntegrityException)
            {
                failed = true;
                CryptographicOperations.ZeroMemory(plain);
                plainStart = plainEnd = carry = 0;
                throw;
            }
        }
        int n = Math.Min(buffer.Length, plainEnd - carry - plainStart);
        plain.AsSpan(plainStart, n).CopyTo(buffer);
        plainStart += n;
        return n;
    }


    /// <summary>Decrypts the next chunk into <see cref="plain"/>, keeping the last 22 octets back until the end.</summary>
    private void Fill()
    {
        // The unreleased (and not yet hashed) tail moves to the front, once the last chunk's hash is done with it.
        hashing.Wait();
        int keep = plainEnd - plainStart;
        if (keep > 0) Array.Copy(plain, plainStart, plain, 0, keep);
        plainStart = 0;
        plainEnd = keep;

        // Ciphertext continues block-aligned after the prefix's first block: the two quick-check octets start block 1.
        int chunk = ChunkBlocks * 16;
        int have = pendingCipher.Length;
        pendingCipher.CopyTo(cbuf, bs);
        while (have < chunk)
        {
            int r = body.Read(cbuf, bs + have, chunk - have);
            if (r == 0) { eof = true; break; }
            have += r;
        }
        pendingCipher = Array.Empty<byte>();
        Decrypt(have);
        if (pendingPlainSkip > 0)
        {
            // The quick-check octets were hashed with the prefix; they are not data.
            plainStart = pendingPlainSkip;
            pendingPlainSkip = 0;
        }

        if (eof)
        {
            int mdc = plainEnd - MdcLength;
            if (mdc < plainStart) throw DecryptionFailure.Create();
            if (plain[mdc] != 0xD3 || plain[mdc + 1] != 0x14) throw DecryptionFailure.Create();
            if (!checkMdc)
            {
                carry = MdcLength;
                return;
            }
            sha1.AppendData(plain, plainStart, mdc + 2 - plainStart);
            var expected = sha1.GetHashAndReset();
            if (!CryptographicOperations.FixedTimeEquals(expected, plain.AsSpan(mdc + 2, 20)))
            {
                throw DecryptionFailure.Create();
            }
            verified = true;
        }
        else if (checkMdc)
        {
            hashing.Start(plain, plainStart, plainEnd - MdcLength - plainStart);
        }
        carry = MdcLength;
    }

    /// <summary>CFB-decrypts the <paramref name="have"/> ciphertext octets after the register in <see cref="cbuf"/>
    /// (block-aligned) into <see cref="plain"/>.</summary>
    private void Decrypt(int have)
    {
        if (engine is not null)
        {
            // The engine carries the register itself; only the very end may be a partial block.
            engine.Decrypt(cbuf.AsSpan(bs, have), plain.AsSpan(plainEnd, have));
            plainEnd += have;
            return;
        }
        int full = have / bs * bs;
        if (full > 0)
        {
            // Register and ciphertext sit back to back, so the keystream E(register || C[0 .. full-bs)) is one call
            // straight into the output, and the plaintext one XOR with the ciphertext over it.
            register.CopyTo(cbuf, 0);
            var dst = plain.AsSpan(plainEnd, full);
            cipher.EncryptBlocks(cbuf, 0, full, plain, plainEnd);
            Bytes.Xor(dst, cbuf.AsSpan(bs, full));
            Array.Copy(cbuf, full, register, 0, bs);
            plainEnd += full;
        }
        int rest = have - full;
        if (rest > 0)
        {
            // Only the very end may be a partial block.
            Span<byte> ks = stackalloc byte[bs];
            cipher.EncryptBlocks(register, ks);
            for (int i = 0; i < rest; i++) plain[plainEnd + i] = (byte)(cbuf[bs + full + i] ^ ks[i]);
            CryptographicOperations.ZeroMemory(ks);
            plainEnd += rest;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            hashing.Dispose();
            CryptographicOperations.ZeroMemory(plain);
            ArrayPool<byte>.Shared.Return(cbuf);
            ArrayPool<byte>.Shared.Return(plain);
            sha1.Dispose();
            cipher.Dispose();
            engine?.Dispose();
        }
        base.Dispose(disposing);
    }
}
