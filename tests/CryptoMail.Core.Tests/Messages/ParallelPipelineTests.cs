using System.Security.Cryptography;
using CryptoMail.Core.Tests.Support;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace CryptoMail.Core.Tests.Messages;

/// <summary>The pipelines that hash on a second core (SEIPD v1's MDC on both sides, signature hashes while reading)
/// produce exactly what BouncyCastle's serial implementation reads and writes, at sizes around every chunk boundary
/// (the 64 KiB and 256 KiB chunks, the 16 KiB parallel threshold) and at 0 and 1 octets.</summary>
public class ParallelPipelineTests
{
    private static readonly OpenPgp pgp = new();
    private static readonly SecretKey Bob = TestKeys.Get("Rsa3072", "bob");

    public static TheoryData<int> Sizes()
    {
        var sizes = new TheoryData<int>
        {
            0, 1, 15, 16, 17, (16 << 10) - 1, 16 << 10, 65_536 - 18, 65_536, 65_537,
            (1 << 18) - 19, (1 << 18) - 18, (1 << 18) - 17, 1 << 18, (1 << 18) + 1, (3 << 18) + 5,
        };
        var random = new Random(7);
        for (int i = 0; i < 4; i++) sizes.Add(random.Next(1, 1_200_000));
        return sizes;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Seipd_v1_we_write_decrypts_with_BouncyCastle_and_its_MDC_verifies(int size)
    {
        var data = TestData.Random(size);
        var options = new EncryptOptions { EncryptionFormat = EncryptionFormat.SeipdV1, Armor = false };
        options.Recipients.Add(Bob.Certificate);
        var ct = new MemoryStream();
        pgp.Encrypt(new ChoppyStream(data, seed: size), ct, options);

        var ring = new PgpSecretKeyRing(Bob.Export());
        var factory = new PgpObjectFactory(ct.ToArray());
        PgpObject next;
        while ((next = factory.NextPgpObject()) is PgpMarker) { }
        var list = Assert.IsType<PgpEncryptedDataList>(next);
        var pked = list.GetEncryptedDataObjects().OfType<PgpPublicKeyEncryptedData>().Single();
        var priv = ring.GetSecretKey(pked.KeyId).ExtractPrivateKeyUtf8(Array.Empty<char>());
        using var clear = pked.GetDataStream(priv);
        var literal = (PgpLiteralData)new PgpObjectFactory(clear).NextPgpObject();
        var plain = new MemoryStream();
        literal.GetDataStream().CopyTo(plain);
        Assert.True(pked.IsIntegrityProtected());
        Assert.True(pked.Verify(), "BouncyCastle rejects our modification detection code");
        Assert.True(data.AsSpan().SequenceEqual(plain.ToArray()), "the plaintext differs");
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Seipd_v1_BouncyCastle_writes_decrypts_with_us(int size)
    {
        var data = TestData.Random(size);
        var pub = new PgpPublicKeyRing(Bob.Certificate.Export()).GetPublicKeys().Last();
        var gen = new PgpEncryptedDataGenerator(SymmetricKeyAlgorithmTag.Aes256, withIntegrityPacket: true);
        gen.AddMethod(pub);
        var ct = new MemoryStream();
        using (var enc = gen.Open(ct, new byte[1 << 12]))
        {
            using var lit = new PgpLiteralDataGenerator().Open(enc, 'b', "f.bin", DateTime.UtcNow, new byte[1 << 12]);
            lit.Write(data);
        }
        foreach (long holdBack in new[] { 32L << 20, 100_000 })
        {
            var output = new MemoryStream();
            var result = pgp.Decrypt(new ChoppyStream(ct.ToArray(), seed: size), output, new DecryptOptions { Keys = { Bob }, HoldBackMemoryBytes = holdBack });
            Assert.Equal(size, result.PlaintextLength);
            Assert.True(data.AsSpan().SequenceEqual(output.ToArray()), "the plaintext differs");
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Detached_signature_verifies_with_BouncyCastle_and_BouncyCastles_with_us(int size)
    {
        var data = TestData.Random(size);
        var sig = new MemoryStream();
        var sign = new SignOptions { Armor = false };
        sign.Signers.Add(Bob);
        pgp.SignDetached(new ChoppyStream(data, seed: size), sig, sign);

        var ours = (PgpSignatureList)new PgpObjectFactory(sig.ToArray()).NextPgpObject();
        var publicKeys = new PgpPublicKeyRing(Bob.Certificate.Export());
        var checkOurs = ours[0];
        checkOurs.InitVerify(publicKeys.GetPublicKey(checkOurs.KeyId));
        checkOurs.Update(data);
        Assert.True(checkOurs.Verify(), "BouncyCastle rejects our signature");

        var secret = new PgpSecretKeyRing(Bob.Export()).GetSecretKey(checkOurs.KeyId);
        var generator = new PgpSignatureGenerator(secret.PublicKey.Algorithm, HashAlgorithmTag.Sha256);
        generator.InitSign(PgpSignature.BinaryDocument, secret.ExtractPrivateKeyUtf8(Array.Empty<char>()));
        var hashed = new PgpSignatureSubpacketGenerator();
        hashed.SetSignatureCreationTime(false, DateTime.UtcNow); // not before the key: signatures are judged by the key as it was then
        hashed.SetIssuerFingerprint(false, secret.PublicKey);
        generator.SetHashedSubpackets(hashed.Generate());
        generator.Update(data);
        var theirs = generator.Generate().GetEncoded();
        var verdict = pgp.VerifyDetached(new ChoppyStream(data, seed: ~size), new MemoryStream(theirs), new VerifyOptions { Verifiers = { Bob.Certificate } });
        Assert.True(verdict.Signatures.Single().IsGood, verdict.Signatures.Single().Reason);

        // One bit changed anywhere: the same pipeline must say bad.
        if (size > 0)
        {
            data[size / 2] ^= 0x01;
            var bad = pgp.VerifyDetached(new MemoryStream(data), new MemoryStream(theirs), new VerifyOptions { Verifiers = { Bob.Certificate } });
            Assert.False(bad.Signatures.Single().IsGood);
        }
    }

    [Theory]
    [InlineData(0, 1 << 16)]
    [InlineData(1, 1 << 16)]
    [InlineData(700_001, 1 << 16)]
    [InlineData(3_000_000, 1 << 18)]
    [InlineData(3_000_000, 4096)]
    public void Pump_gives_both_stages_every_chunk_in_order(int size, int chunk)
    {
        var data = TestData.Random(size);
        using var parallel = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var serial = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long n = ParallelStage.Pump(new ChoppyStream(data, seed: size), chunk, parallel.AppendData, serial.AppendData, CancellationToken.None);
        Assert.Equal(size, n);
        var expected = SHA256.HashData(data);
        Assert.Equal(expected, parallel.GetHashAndReset());
        Assert.Equal(expected, serial.GetHashAndReset());
    }

    [Fact]
    public void A_failure_on_the_second_core_reaches_the_caller()
    {
        var data = TestData.Random(1 << 20);
        int calls = 0;
        var e = Assert.Throws<InvalidOperationException>(() => ParallelStage.Pump(new MemoryStream(data), 1 << 16, (_, _, _) =>
        {
            if (Interlocked.Increment(ref calls) == 3) throw new InvalidOperationException("stage failed");
        }, _ => { }, CancellationToken.None));
        Assert.Equal("stage failed", e.Message);
    }

    /// <summary>Returns its data in reads of random, often odd sizes, as pipes and sockets do.</summary>
    private sealed class ChoppyStream(byte[] data, int seed) : Stream
    {
        private readonly Random random = new(seed);
        private int position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, data.Length - position), random.Next(3) == 0 ? random.Next(1, 40) : random.Next(1, 300_000));
            Array.Copy(data, position, buffer, offset, n);
            position += n;
            return n;
        }
    }
}
