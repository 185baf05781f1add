using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Encodings;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using CryptoMail.Core.Internal.Packets;

namespace CryptoMail.Core.Internal;

/// <summary>v4 data signatures (RFC 9580 section 5.2.4) hashed with the platform's SHA-2 (hardware SHA where the CPU
/// has it), about 8x BouncyCastle's managed digests; BouncyCastle only does the public-key step over the digest.
/// Covers the legacy EdDSA (Ed25519) and RSA keys; other algorithms keep BouncyCastle's signature streams.</summary>
internal static class FastSignatures
{
    public static bool Supports(PublicKeyAlgorithmTag key, HashAlgorithmTag hash) =>
        key is PublicKeyAlgorithmTag.EdDsa_Legacy or PublicKeyAlgorithmTag.RsaGeneral or PublicKeyAlgorithmTag.RsaSign
        && hash is HashAlgorithmTag.Sha256 or HashAlgorithmTag.Sha384 or HashAlgorithmTag.Sha512 or HashAlgorithmTag.Sha1;

    public static IncrementalHash CreateHash(HashAlgorithmTag hash) => IncrementalHash.CreateHash(hash switch
    {
        HashAlgorithmTag.Sha256 => HashAlgorithmName.SHA256,
        HashAlgorithmTag.Sha384 => HashAlgorithmName.SHA384,
        HashAlgorithmTag.Sha512 => HashAlgorithmName.SHA512,
#pragma warning disable CA5350 // SHA-1 only to check old signatures, which are then reported as weak.
        HashAlgorithmTag.Sha1 => HashAlgorithmName.SHA1,
#pragma warning restore CA5350
        _ => throw new ArgumentOutOfRangeException(nameof(hash)),
    });

    /// <summary>DER DigestInfo prefixes for PKCS#1 v1.5 (RFC 8017 section 9.2).</summary>
    private static byte[] DigestInfoPrefix(HashAlgorithmTag hash) => hash switch
    {
        HashAlgorithmTag.Sha1 => Convert.FromHexString("3021300906052B0E03021A05000414"),
        HashAlgorithmTag.Sha256 => Convert.FromHexString("3031300D060960864801650304020105000420"),
        HashAlgorithmTag.Sha384 => Convert.FromHexString("3041300D060960864801650304020205000430"),
        HashAlgorithmTag.Sha512 => Convert.FromHexString("3051300D060960864801650304020305000440"),
        _ => throw new ArgumentOutOfRangeException(nameof(hash)),
    };

    /// <summary>Makes a v4 signature over data already hashed into <paramref name="hasher"/>.</summary>
    public static PgpSignature Sign(IncrementalHash hasher, int type, PgpPrivateKey priv, PgpPublicKey pub, HashAlgorithmTag hash, DateTime time)
    {
        // Hashed: creation time (2), issuer fingerprint (33); unhashed: issuer key ID (16).
        var fpr = pub.GetFingerprint();
        var hashed = new byte[6 + 2 + 1 + fpr.Length + 1];
        hashed[0] = 5; hashed[1] = 2;
        BinaryPrimitives.WriteUInt32BigEndian(hashed.AsSpan(2), (uint)new DateTimeOffset(time, TimeSpan.Zero).ToUnixTimeSeconds());
        hashed[6] = (byte)(2 + fpr.Length); hashed[7] = 33; hashed[8] = (byte)pub.Version;
        fpr.CopyTo(hashed, 9);
        hashed = hashed[..(9 + fpr.Length)];
        var unhashed = new byte[10];
        unhashed[0] = 9; unhashed[1] = 16;
        BinaryPrimitives.WriteInt64BigEndian(unhashed.AsSpan(2), pub.KeyId);

        var head = new byte[6 + hashed.Length];
        head[0] = 4; head[1] = (byte)type; head[2] = (byte)pub.Algorithm; head[3] = (byte)hash;
        BinaryPrimitives.WriteUInt16BigEndian(head.AsSpan(4), (ushort)hashed.Length);
        hashed.CopyTo(head, 6);
        var digest = Finish(hasher, head);

        byte[] mpis = pub.Algorithm == PublicKeyAlgorithmTag.EdDsa_Legacy ? SignEd25519(priv, digest) : SignRsa(priv, hash, digest);
        using var body = new MemoryStream();
        body.Write(head);
        body.WriteByte(0); body.WriteByte((byte)unhashed.Length);
        body.Write(unhashed);
        body.Write(digest, 0, 2);
        body.Write(mpis);
        using var packet = new MemoryStream();
        KeyRings.WritePacket(packet, 2, body.ToArray());
        CryptographicOperations.ZeroMemory(digest);
        return ((PgpSignatureList)new PgpObjectFactory(packet.ToArray()).NextPgpObject())[0];
    }

    /// <summary>The one-pass signature packet announcing such a signature.</summary>
    public static void WriteOnePass(Stream output, int type, PgpPublicKey pub, HashAlgorithmTag hash, bool nested)
    {
        var body = new byte[13];
        body[0] = 3; body[1] = (byte)type; body[2] = (byte)hash; body[3] = (byte)pub.Algorithm;
        BinaryPrimitives.WriteInt64BigEndian(body.AsSpan(4), pub.KeyId);
        body[12] = (byte)(nested ? 0 : 1);
        KeyRings.WritePacket(output, 4, body);
    }

    /// <summary>Checks a v4 signature over data already hashed into <paramref name="hasher"/>.</summary>
    public static bool Verify(IncrementalHash hasher, PgpSignature sig, PgpPublicKey key)
    {
        var encoded = sig.GetEncoded();
        var body = encoded.AsSpan(KeyRings.FirstPacketLength(encoded) - PacketBodyLength(encoded));
        if (body.Length >= 19 && body[0] == 3 && body[1] == 5)
        {
            // v3: the hash covers the data, the type and the creation time only.
            var v3digest = FinishWith(hasher, body.Slice(2, 5));
            var v3hash = (HashAlgorithmTag)body[16];
            if (v3digest[0] != body[17] || v3digest[1] != body[18]) return false;
            return key.Algorithm == PublicKeyAlgorithmTag.EdDsa_Legacy
                ? VerifyEd25519(key, v3digest, body[19..])
                : VerifyRsa(key, v3hash, v3digest, body[19..]);
        }
        if (body.Length < 10 || body[0] != 4) return false;
        int hashedLength = BinaryPrimitives.ReadUInt16BigEndian(body[4..]);
        var head = body[..(6 + hashedLength)];
        int pos = 6 + hashedLength;
        int unhashedLength = BinaryPrimitives.ReadUInt16BigEndian(body[pos..]);
        pos += 2 + unhashedLength;
        var left = body.Slice(pos, 2);
        pos += 2;
        var digest = Finish(hasher, head);
        if (digest[0] != left[0] || digest[1] != left[1]) return false;
        var hash = (HashAlgorithmTag)body[3];
        return key.Algorithm == PublicKeyAlgorithmTag.EdDsa_Legacy
            ? VerifyEd25519(key, digest, body[pos..])
            : VerifyRsa(key, hash, digest, body[pos..]);
    }

    private static int PacketBodyLength(byte[] encoded)
    {
        int total = KeyRings.FirstPacketLength(encoded);
        int header = (encoded[0] & 0x40) != 0
            ? (encoded[1] < 192 ? 2 : encoded[1] < 224 ? 3 : 6)
            : (encoded[0] & 3) switch { 0 => 2, 1 => 3, _ => 5 };
        return total - header;
    }

    private static byte[] FinishWith(IncrementalHash hasher, ReadOnlySpan<byte> last)
    {
        hasher.AppendData(last);
        return hasher.GetHashAndReset();
    }

    private static byte[] Finish(IncrementalHash hasher, ReadOnlySpan<byte> head)
    {
        hasher.AppendData(head);
        Span<byte> tail = stackalloc byte[6];
        tail[0] = 4; tail[1] = 0xFF;
        BinaryPrimitives.WriteUInt32BigEndian(tail[2..], (uint)head.Length);
        hasher.AppendData(tail);
        return hasher.GetHashAndReset();
    }

    private static byte[] SignEd25519(PgpPrivateKey priv, byte[] digest)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, (Ed25519PrivateKeyParameters)priv.Key);
        signer.BlockUpdate(digest, 0, digest.Length);
        var sig = signer.GenerateSignature();
        using var ms = new MemoryStream();
        Mpi.Write(ms, sig.AsSpan(0, 32));
        Mpi.Write(ms, sig.AsSpan(32, 32));
        return ms.ToArray();
    }

    private static bool VerifyEd25519(PgpPublicKey key, byte[] digest, ReadOnlySpan<byte> mpis)
    {
        var r = Mpi.Read(ref mpis);
        var s = Mpi.Read(ref mpis);
        if (r.Length > 32 || s.Length > 32) return false;
        var sig = new byte[64];
        r.CopyTo(sig.AsSpan(32 - r.Length));
        s.CopyTo(sig.AsSpan(64 - s.Length));
        var verifier = new Ed25519Signer();
        verifier.Init(false, (Ed25519PublicKeyParameters)key.GetKey());
        verifier.BlockUpdate(digest, 0, digest.Length);
        return verifier.VerifySignature(sig);
    }

    private static byte[] SignRsa(PgpPrivateKey priv, HashAlgorithmTag hash, byte[] digest)
    {
        var info = DigestInfoPrefix(hash).Concat(digest).ToArray();
        var rsa = new Pkcs1Encoding(new RsaBlindedEngine());
        rsa.Init(true, priv.Key);
        var sig = rsa.ProcessBlock(info, 0, info.Length);
        using var ms = new MemoryStream();
        Mpi.Write(ms, sig);
        return ms.ToArray();
    }

    private static bool VerifyRsa(PgpPublicKey key, HashAlgorithmTag hash, byte[] digest, ReadOnlySpan<byte> mpis)
    {
        var sig = Mpi.Read(ref mpis).ToArray();
        var rsa = new Pkcs1Encoding(new RsaBlindedEngine());
        rsa.Init(false, key.GetKey());
        byte[] recovered;
        try { recovered = rsa.ProcessBlock(sig, 0, sig.Length); }
        catch (Org.BouncyCastle.Crypto.InvalidCipherTextException) { return false; }
        var expected = DigestInfoPrefix(hash).Concat(digest).ToArray();
        return CryptographicOperations.FixedTimeEquals(recovered, expected);
    }

}
