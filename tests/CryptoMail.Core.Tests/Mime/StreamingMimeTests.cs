using System.Security.Cryptography;
using System.Text;
using CryptoMail.Core.Tests.Support;
using MimeKit;
using static CryptoMail.Core.Tests.Mime.MimeFixtures;

namespace CryptoMail.Core.Tests.Mime;

/// <summary>PGP/MIME of large messages in bounded memory: the spool, the bulk dearmoring, and seal/open round trips
/// whose allocations do not grow with the attachment.</summary>
public class StreamingMimeTests
{
    private const int MiB = 1 << 20;
    private readonly OpenPgp pgp = new();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_spool_reads_back_what_was_written_from_memory_and_from_its_file(bool secret)
    {
        var data = RandomNumberGenerator.GetBytes(300_000);
        using var spool = new MimeSpool(secret, memoryLimit: 100_000);
        var random = new Random(7);
        for (int at = 0; at < data.Length;)
        {
            int n = Math.Min(random.Next(1, 20_000), data.Length - at);
            spool.Write(data, at, n);
            at += n;
            if (at < 100_000) Assert.False(spool.Spilled);
        }
        Assert.True(spool.Spilled);
        Assert.Equal(data.Length, spool.Length);

        // Random positions and lengths, as MimeKit's bound streams read a persistent parse.
        for (int i = 0; i < 200; i++)
        {
            int start = random.Next(data.Length);
            int length = Math.Min(random.Next(1, 70_000), data.Length - start);
            var read = new byte[length];
            spool.Position = start;
            int got = 0;
            while (got < length)
            {
                int r = spool.Read(read, got, length - got);
                Assert.True(r > 0);
                got += r;
            }
            Assert.True(data.AsSpan(start, length).SequenceEqual(read), $"bytes {start}..{start + length}");
        }
        spool.Position = data.Length;
        Assert.Equal(0, spool.Read(new byte[10], 0, 10));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_secret_spool_keeps_only_ciphertext_on_disk_and_a_public_one_the_bytes_as_they_are(bool secret)
    {
        var data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("attack at dawn, the plaintext. ", 10_000)));
        using var spool = new MimeSpool(secret, memoryLimit: 1000);
        spool.Write(data);
        var file = spool.Spool!;
        Assert.Equal(secret, file.Encrypted);
        var stored = new byte[data.Length];
        for (int at = 0; at < stored.Length;)
        {
            int n = file.ReadStored(at, stored.AsSpan(at));
            Assert.True(n > 0, "the file holds every byte written");
            at += n;
        }
        Assert.Equal(!secret, stored.AsSpan().IndexOf("attack at dawn"u8) >= 0);
        Assert.Equal(!secret, stored.AsSpan().SequenceEqual(data));
    }

    [Fact]
    public void A_spool_only_appends()
    {
        using var spool = new MimeSpool(secret: true);
        spool.Write(new byte[10]);
        spool.Position = 3;
        Assert.Throws<NotSupportedException>(() => spool.Write(new byte[1]));
    }

    [Theory]
    [InlineData(1, "\r\n", false, true)]
    [InlineData(2, "\n", false, false)]
    [InlineData(57, "\r\n", true, true)]
    [InlineData(6143, "\n", false, true)] // 8,192 base64 characters, padding in the last group of a full decoding batch
    [InlineData(100_000, "\n", true, true)]
    [InlineData(300_001, "\r\n", false, true)]
    public void Bulk_dearmoring_decodes_armor_as_written(int size, string newline, bool trailingBlanks, bool endLine)
    {
        var data = RandomNumberGenerator.GetBytes(size);
        var text = new StringBuilder("text before the armor").Append(newline)
            .Append("-----BEGIN PGP MESSAGE-----").Append(newline)
            .Append("Comment: made by hand").Append(newline).Append(newline);
        var base64 = Convert.ToBase64String(data);
        for (int i = 0; i < base64.Length; i += 64)
            text.Append(base64.AsSpan(i, Math.Min(64, base64.Length - i))).Append(trailingBlanks ? " \t" : "").Append(newline);
        uint crc = Crc24.Update(Crc24.Init, data);
        text.Append('=').Append(Convert.ToBase64String([(byte)(crc >> 16), (byte)(crc >> 8), (byte)crc])).Append(newline);
        if (endLine) text.Append("-----END PGP MESSAGE-----").Append(newline).Append("text after");

        using var ours = new ArmorReader(new MemoryStream(Encoding.ASCII.GetBytes(text.ToString())));
        var actual = new MemoryStream();
        ours.CopyTo(actual, 1000);
        Assert.Equal(data, actual.ToArray());
    }

    [Theory]
    [InlineData("-----BEGIN PGP MESSAGE-----\n\nAAA!AAAA\n-----END PGP MESSAGE-----\n")]
    [InlineData("-----BEGIN PGP MESSAGE-----\nComment: x\nAAAAAAAA\n-----END PGP MESSAGE-----\n")]
    [InlineData("no armor at all\n")]
    [InlineData("-----BEGIN PGP MESSAGE-----\n\n-----END PGP MESSAGE-----\n")]
    [InlineData("-----BEGIN PGP MESSAGE-----\n\nAAAAA\n-----END PGP MESSAGE-----\n")]
    public void Bad_armor_is_malformed_data(string text)
    {
        using var stream = new ArmorReader(new MemoryStream(Encoding.ASCII.GetBytes(text)));
        Assert.Throws<MalformedDataException>(() => stream.CopyTo(Stream.Null));
    }

    [Fact]
    public void Sealing_keeps_a_large_ciphertext_in_a_spilled_spool_and_opening_keeps_the_plaintext_in_one()
    {
        var sealedMessage = pgp.Mime.SignAndEncrypt(WithAttachment(12 * MiB), Alice, new[] { Bob.Certificate });
        var ciphertext = Assert.IsType<MimeSpool>(CiphertextOf(sealedMessage));
        Assert.True(ciphertext.Spilled, "the armored ciphertext of 12 MiB stays out of memory");

        using var file = WriteToTemporaryFile(sealedMessage);
        var opened = pgp.Mime.Open(MimeMessage.Load(file, persistent: true), new MimeOpenOptions { Keys = { Bob }, Verifiers = { Alice.Certificate } });
        Assert.True(opened.IsFullySignedBySender);
        Assert.True(opened.IntegrityProtected);
        var attachment = opened.Message.BodyParts.OfType<MimePart>().Single(p => p.IsAttachment);
        // A persistent parse of the plaintext spool: the attachment is a range of it, not a copy in memory.
        Assert.IsNotType<MemoryStream>(attachment.Content!.Stream);
        var sink = new CheckingSink(12 * MiB);
        attachment.Content.DecodeTo(sink);
        Assert.False(sink.Mismatch);
        Assert.Equal(12 * MiB, sink.Length);
    }

    [Fact]
    public void Seal_and_open_allocate_no_more_for_a_larger_attachment()
    {
        RoundTripAllocations(1 * MiB); // warm-up: JIT, pools, keys
        long small = RoundTripAllocations(8 * MiB);
        long large = RoundTripAllocations(40 * MiB);
        // 32 MiB more attachment (about 43 MiB of base64 and 58 MiB of armor) through seal and open: a copy of it in
        // memory anywhere would show as tens of MiB here.
        long growth = large - small;
        Assert.True(growth < 6 * MiB, $"8 MiB allocated {small:N0} bytes, 40 MiB allocated {large:N0} bytes");
    }

    private long RoundTripAllocations(int size)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sealedMessage = pgp.Mime.SignAndEncrypt(WithAttachment(size), Alice, new[] { Bob.Certificate });
        using var file = WriteToTemporaryFile(sealedMessage);
        var opened = pgp.Mime.Open(MimeMessage.Load(file, persistent: true), new MimeOpenOptions { Keys = { Bob }, Verifiers = { Alice.Certificate } });
        var attachment = opened.Message.BodyParts.OfType<MimePart>().Single(p => p.IsAttachment);
        var sink = new CheckingSink(size);
        attachment.Content!.DecodeTo(sink);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(opened.IsFullySignedBySender);
        Assert.Equal(size, sink.Length);
        Assert.False(sink.Mismatch);
        CiphertextOf(sealedMessage).Dispose();
        return allocated;
    }

    private static Stream CiphertextOf(MimeMessage sealedMessage)
    {
        var encrypted = Assert.IsType<Multipart>(sealedMessage.Body);
        return Assert.IsType<MimePart>(encrypted[1]).Content!.Stream!;
    }

    private static MimeMessage WithAttachment(int size)
    {
        var message = TextMessage();
        message.Body = new Multipart("mixed")
        {
            new TextPart("plain") { Text = "See the attachment.\n" },
            new MimePart("application", "octet-stream")
            {
                Content = new MimeContent(new GeneratorStream(size)),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = "payload.bin",
            },
        };
        return message;
    }

    private static FileStream WriteToTemporaryFile(MimeMessage message)
    {
        var file = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        message.WriteTo(file);
        file.Position = 0;
        return file;
    }
}
