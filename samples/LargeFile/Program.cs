// LargeFile: encrypts and signs a multi-gigabyte stream, decrypts and verifies it back in bounded memory, and shows
// that a modified ciphertext releases no plaintext at all. The input is generated on the fly (nothing to download),
// its SHA-256 is compared with the decrypted output's.
// Run: dotnet run --project samples/LargeFile -c Release -- --size 256M     (--size 4G for the documented run)
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using CryptoMail.Core;
using LargeFile;
using Spectre.Console;

long size = 256L << 20;
string? workDir = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--size" when i + 1 < args.Length: size = ParseSize(args[++i]); break;
        case "--dir" when i + 1 < args.Length: workDir = args[++i]; break;
        default:
            Console.Error.WriteLine("usage: LargeFile [--size 256M|4G|...] [--dir DIRECTORY-FOR-THE-CIPHERTEXT]");
            return 2;
    }
}

var dir = Directory.CreateTempSubdirectory("cm-largefile-");
if (workDir is not null) { dir.Delete(); dir = Directory.CreateDirectory(Path.Combine(workDir, "cm-largefile-" + Guid.NewGuid().ToString("N")[..8])); }
try
{
    var pgp = new OpenPgp();
    SecretKey alice = pgp.GenerateKey("Alice <alice@example.org>");
    SecretKey bob = pgp.GenerateKey("Bob <bob@example.org>");
    string ciphertextPath = Path.Combine(dir.FullName, "data.pgp");
    Console.WriteLine($"{Size(size)} of generated data, Alice signs, Bob is the recipient; ciphertext in {dir.FullName}");

    // 1. Encrypt and sign, streaming: the generated input is read once and never held in memory.
    var input = new GeneratedStream(size, seed: 42);
    EncryptionResult sent = null!;
    var encryptTime = await Phase("encrypt + sign", size, async progress =>
    {
        await using var output = File.Create(ciphertextPath);
        sent = await pgp.EncryptAsync(input, output, new EncryptOptions
        {
            Recipients = { bob.Certificate },
            Progress = progress,
            Signing = new SignatureSettings { Signers = { alice } },
        });
    });
    long ciphertextLength = new FileInfo(ciphertextPath).Length;
    Report("encrypt + sign", size, encryptTime, $"{sent.IntegrityProtection}, {sent.Cipher}, ciphertext {Size(ciphertextLength)}");

    // 2. Decrypt and verify, strict: the plaintext is released only after the integrity check and Alice's signature
    //    both passed (held back in memory up to 32 MiB, beyond that spooled to a temporary file under a one-time key).
    var sink = new HashingSink();
    DecryptionResult received = null!;
    var decryptTime = await Phase("decrypt + verify", size, async progress =>
    {
        await using var ciphertext = File.OpenRead(ciphertextPath);
        received = await pgp.DecryptAsync(ciphertext, sink, Strict(bob, alice, progress));
    });
    Report("decrypt + verify", size, decryptTime, $"{received.Signatures.Single().Status} signature, {received.IntegrityProtection}");
    bool same = sink.Length == size && sink.Hash.SequenceEqual(input.Hash);
    Console.WriteLine($"  SHA-256 in  {Convert.ToHexString(input.Hash)[..32]}...");
    Console.WriteLine($"  SHA-256 out {Convert.ToHexString(sink.Hash)[..32]}... {(same ? "identical" : "DIFFERENT")}");
    if (!same) throw new InvalidOperationException("the decrypted data differs from the input");

    // 3. A copy with one byte changed near its end: decryption must fail with IntegrityException and release nothing,
    //    although all but the last few bytes decrypt correctly.
    string tamperedPath = Path.Combine(dir.FullName, "tampered.pgp");
    File.Copy(ciphertextPath, tamperedPath);
    await using (var tampered = new FileStream(tamperedPath, FileMode.Open, FileAccess.ReadWrite))
    {
        tampered.Position = ciphertextLength - 64;
        int b = tampered.ReadByte();
        tampered.Position = ciphertextLength - 64;
        tampered.WriteByte((byte)(b ^ 0x01));
    }
    File.Delete(ciphertextPath);
    var released = new HashingSink();
    string outcome;
    try
    {
        await Phase("decrypt tampered copy", size, async progress =>
        {
            await using var ciphertext = File.OpenRead(tamperedPath);
            await pgp.DecryptAsync(ciphertext, released, Strict(bob, alice, progress));
        });
        outcome = "DECRYPTED (wrong)";
    }
    catch (IntegrityException e)
    {
        outcome = $"IntegrityException: {e.Message}";
    }
    Console.WriteLine($"tampered copy (byte {ciphertextLength - 64:N0} of {ciphertextLength:N0} flipped): {outcome}");
    Console.WriteLine($"  plaintext bytes released: {released.Length:N0}");
    if (!outcome.StartsWith("IntegrityException", StringComparison.Ordinal) || released.Length != 0)
        throw new InvalidOperationException("the tampered copy was not refused cleanly");

    Console.WriteLine($"peak working set: {Size(PeakWorkingSet())} for {Size(size)} of data");
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine($"FAILED: {e}");
    return 1;
}
finally
{
    dir.Delete(recursive: true);
}

static DecryptOptions Strict(SecretKey key, SecretKey signer, IProgress<long> progress) => new()
{
    Keys = { key },
    Verifiers = { signer.Certificate },
    RequireValidSignature = true,
    Progress = progress,
};

/// Runs one phase under a progress bar fed by the library's IProgress<long> (plaintext bytes so far).
static async Task<TimeSpan> Phase(string name, long total, Func<IProgress<long>, Task> work)
{
    var clock = Stopwatch.StartNew();
    await AnsiConsole.Progress()
        .AutoClear(true)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
        .StartAsync(async ctx =>
        {
            var task = ctx.AddTask(name, maxValue: total);
            await work(new ProgressCallback(v => task.Value = v));
        });
    return clock.Elapsed;
}

static void Report(string name, long bytes, TimeSpan time, string detail) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name}: {Size(bytes)} in {time.TotalSeconds:F1} s = {bytes / time.TotalSeconds / (1 << 20):F0} MiB/s ({detail}); peak working set so far {Size(PeakWorkingSet())}"));

/// Process.PeakWorkingSet64 is the kernel's high-water mark of resident memory (VmHWM on Linux).
static long PeakWorkingSet()
{
    using var self = Process.GetCurrentProcess();
    self.Refresh();
    return self.PeakWorkingSet64;
}

static string Size(long bytes) => bytes switch
{
    >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GiB"),
    >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB"),
    _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB"),
};

static long ParseSize(string text)
{
    text = text.Trim().ToUpperInvariant();
    long unit = text[^1] switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 1 };
    var digits = unit == 1 ? text : text[..^1];
    return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
        ? checked(n * unit)
        : throw new ArgumentException($"not a size: {text} (e.g. 256M, 4G)", nameof(text));
}
