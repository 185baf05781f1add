using System.Buffers.Binary;

namespace CryptoMail.Core.Tests.Stores;

/// <summary>The keybox parser on data gpg did not write: built here blob by blob, then broken.</summary>
public sealed class KeyboxTests
{
    private static byte[] HeaderBlob()
    {
        var blob = new byte[32];
        BinaryPrimitives.WriteUInt32BigEndian(blob, 32);
        blob[4] = 1;                        // type: header
        blob[5] = 1;                        // version
        "KBXf"u8.CopyTo(blob.AsSpan(8));
        return blob;
    }

    private static byte[] OpenPgpBlob(byte[] keyBlock, ushort flags = 0)
    {
        const int offset = 40;              // a fixed part this small is enough for the parser; gpg writes tables here
        var blob = new byte[offset + keyBlock.Length + 20];
        BinaryPrimitives.WriteUInt32BigEndian(blob, (uint)blob.Length);
        blob[4] = 2;                        // type: OpenPGP
        blob[5] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(blob.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(8), offset);
        BinaryPrimitives.WriteUInt32BigEndian(blob.AsSpan(12), (uint)keyBlock.Length);
        keyBlock.CopyTo(blob.AsSpan(offset));
        return blob;
    }

    [Fact]
    public void Blobs_are_followed_by_their_lengths_and_x509_blobs_are_skipped()
    {
        var x509 = new byte[24];
        BinaryPrimitives.WriteUInt32BigEndian(x509, 24);
        x509[4] = 3;
        var kbx = HeaderBlob().Concat(OpenPgpBlob(StoreFixtures.Alice.Certificate.Export())).Concat(x509)
            .Concat(OpenPgpBlob(StoreFixtures.Bob.Certificate.Export())).ToArray();
        Assert.Equal(new[] { StoreFixtures.Alice.Fingerprint, StoreFixtures.Bob.Fingerprint }, GnuPGHome.ReadKeybox(kbx).Select(c => c.Fingerprint));
        Assert.Empty(GnuPGHome.ReadKeybox(HeaderBlob()));
    }

    [Fact]
    public void Broken_structure_is_malformed_data()
    {
        var good = HeaderBlob().Concat(OpenPgpBlob(StoreFixtures.Bob.Certificate.Export())).ToArray();
        Assert.Throws<MalformedDataException>(() => GnuPGHome.ReadKeybox("this is not a keybox at all"u8));
        Assert.Throws<MalformedDataException>(() => GnuPGHome.ReadKeybox(good.AsSpan(0, good.Length - 1)));   // truncated blob
        Assert.Throws<MalformedDataException>(() => GnuPGHome.ReadKeybox(good.AsSpan(0, 35)));                // truncated header of a blob

        var outside = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(outside.AsSpan(32 + 12), 100_000);                               // key block beyond the blob
        Assert.Throws<MalformedDataException>(() => GnuPGHome.ReadKeybox(outside));

        var tiny = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(tiny.AsSpan(32), 2);                                             // a blob shorter than its own header
        Assert.Throws<MalformedDataException>(() => GnuPGHome.ReadKeybox(tiny));

        var noMagic = (byte[])good.Clone();
        noMagic[8] = (byte)'X';
        Assert.Throws<MalformedDataException>(() => GnuPGHome.ReadKeybox(noMagic));
    }

    [Fact]
    public void A_key_block_that_does_not_parse_is_skipped_and_counted()
    {
        var dir = StoreFixtures.TempDirectory("cmkbx-");
        try
        {
            var kbx = HeaderBlob().Concat(OpenPgpBlob("not packets"u8.ToArray())).Concat(OpenPgpBlob(StoreFixtures.Bob.Certificate.Export())).ToArray();
            File.WriteAllBytes(Path.Combine(dir, "pubring.kbx"), kbx);
            var home = new GnuPGHome(dir);
            Assert.Equal(StoreFixtures.Bob.Fingerprint, Assert.Single(home.GetAllCertificates()).Fingerprint);
            Assert.Equal(1, home.SkippedKeyBlocks);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_home_without_key_rings_is_empty()
    {
        var dir = StoreFixtures.TempDirectory("cmkbx-");
        try
        {
            var home = new GnuPGHome(dir);
            Assert.Null(home.KeyRingPath);
            Assert.Empty(home.GetAllCertificates());
            Assert.Empty(home.FindCertificatesByEmail("bob@example.org"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
