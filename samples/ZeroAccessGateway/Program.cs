// ZeroAccessGateway: takes plaintext messages from an input Maildir, encrypts each to its recipients' certificates
// (PGP/MIME), delivers the ciphertext into each recipient's Maildir with the Maildir delivery protocol, and deletes
// the plaintext only once every ciphertext copy is durable. A crash at any point loses no message and leaves no
// plaintext in the output (README.md explains why). The gateway itself is a hosted service (GatewayService.cs) on
// CryptoMail.Core.Extensions; this file parses the command line and holds the test tools (generate, check, demo).
// Run: dotnet run --project samples/ZeroAccessGateway -c Release -- demo 200 --crash-after 57
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using CryptoMail.Core;
using CryptoMail.Core.Mime;
using MimeKit;
using ZeroAccessGateway;

const string Marker = "PLAINTEXT-MARKER-";
string usage = """
    usage: ZeroAccessGateway generate N [--root DIR]          make DIR/in with N mixed-size messages, keys in DIR/keys
           ZeroAccessGateway run [--root DIR] [--crash-after K] encrypt DIR/in into DIR/out/<address> (K: die after K deliveries)
           ZeroAccessGateway watch [--root DIR]               run as a service: a pass every few seconds until stopped (Ctrl+C)
           ZeroAccessGateway check [--root DIR]               every output opens for its recipient, no plaintext is left
           ZeroAccessGateway demo N [--crash-after K]         generate, run (crashing once if K is given), run, check in a temp dir
    """;
if (args.Length == 0) { Console.Error.WriteLine(usage); return 2; }
string command = args[0];
int count = 0;
string root = Path.Combine(Directory.GetCurrentDirectory(), "gateway");
int crashAfter = 0;
bool watch = command == "watch";
for (int i = 1; i < args.Length; i++)
{
    if (args[i] == "--root" && i + 1 < args.Length) root = Path.GetFullPath(args[++i]);
    else if (args[i] == "--crash-after" && i + 1 < args.Length) crashAfter = int.Parse(args[++i], CultureInfo.InvariantCulture);
    else if (int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n)) count = n;
    else { Console.Error.WriteLine(usage); return 2; }
}

try
{
    switch (command)
    {
        case "generate": Generate(root, count); return 0;
        case "run" or "watch": return await GatewayHost.RunAsync(new GatewaySettings { Root = root, CrashAfter = crashAfter, Watch = watch });
        case "check": return Check(root);
        case "demo":
            root = Directory.CreateTempSubdirectory("cm-gateway-").FullName;
            try
            {
                Generate(root, count);
                if (crashAfter > 0)
                {
                    int crashed = Self("run", "--root", root, "--crash-after", crashAfter.ToString(CultureInfo.InvariantCulture));
                    Console.WriteLine($"first run killed itself after {crashAfter} deliveries (exit code {crashed}); running again");
                    if (crashed == 0) throw new InvalidOperationException("the crashing run did not crash");
                }
                int code = await GatewayHost.RunAsync(new GatewaySettings { Root = root });
                return code != 0 ? code : Check(root);
            }
            finally
            {
                Directory.Delete(root, recursive: true);
            }
        default: Console.Error.WriteLine(usage); return 2;
    }
}
catch (Exception e)
{
    Console.Error.WriteLine($"FAILED: {e}");
    return 1;
}

// ---- test input and checks ------------------------------------------------------------------------------------------

static void Generate(string root, int count)
{
    if (count <= 0) throw new ArgumentException("generate needs a message count, e.g. generate 1000");
    var pgp = new OpenPgp();
    var keys = Directory.CreateDirectory(Path.Combine(root, "keys")).FullName;
    var secrets = Directory.CreateDirectory(Path.Combine(root, "recipients-secret")).FullName;   // for `check` only
    var users = Enumerable.Range(0, 8).Select(j => $"user{j:D2}@example.org").ToArray();
    foreach (var user in users)
    {
        var key = pgp.GenerateKey($"User {user[4..6]} <{user}>");
        File.WriteAllText(Path.Combine(keys, user + ".asc"), key.Certificate.ExportArmored());
        File.WriteAllText(Path.Combine(secrets, user + ".asc"), key.ExportArmored());
    }
    var input = new Maildir(Path.Combine(root, "in"));
    var manifest = new ConcurrentBag<string>();
    long bytes = 0;
    Parallel.For(0, count, i =>
    {
        var random = new Random(i);
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress($"Sender {i % 50}", $"sender{i % 50}@outside.example"));
        var to = users.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToList();
        message.To.Add(MailboxAddress.Parse(to[0]));
        if (to.Count > 1) message.Cc.Add(MailboxAddress.Parse(to[1]));
        if (to.Count > 2) message.Bcc.Add(MailboxAddress.Parse(to[2]));
        message.Subject = $"Message {i}";
        message.MessageId = $"{i}.gateway@outside.example";
        var builder = new BodyBuilder { TextBody = $"{Marker}{i:D7}\n" + Lorem(random, random.Next(200, 4000)) };
        int kind = random.Next(100);
        if (kind >= 70)
        {
            var attachment = new byte[kind >= 95 ? random.Next(256 << 10, 1 << 20) : random.Next(5 << 10, 100 << 10)];
            random.NextBytes(attachment);
            builder.Attachments.Add($"data{i}.bin", attachment);
        }
        message.Body = builder.ToMessageBody();
        var uniqueName = string.Create(CultureInfo.InvariantCulture, $"{1_700_000_000 + i}.M{i}P{Environment.ProcessId}.gateway");
        input.Deliver(uniqueName, stream => message.WriteTo(stream));
        if (i % 5 == 0) File.Move(Path.Combine(input.New, uniqueName), Path.Combine(input.Cur, uniqueName + ":2,S"));   // some already seen
        Interlocked.Add(ref bytes, new FileInfo(Path.Combine(i % 5 == 0 ? input.Cur : input.New, i % 5 == 0 ? uniqueName + ":2,S" : uniqueName)).Length);
        foreach (var r in to) manifest.Add($"{Marker}{i:D7}\t{r}");
    });
    Maildir.SyncDirectory(input.Cur);
    File.WriteAllLines(Path.Combine(root, "manifest.tsv"), manifest.OrderBy(l => l, StringComparer.Ordinal));
    Console.WriteLine($"generated {count} messages ({bytes / (1 << 20)} MiB) for {users.Length} users in {Path.Combine(root, "in")}");
}

static int Check(string root)
{
    var pgp = new OpenPgp();
    var expected = File.ReadAllLines(Path.Combine(root, "manifest.tsv")).ToHashSet(StringComparer.Ordinal);
    var found = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
    var problems = new ConcurrentBag<string>();
    var input = new Maildir(Path.Combine(root, "in"));
    foreach (var left in input.Messages().Concat(Directory.EnumerateFiles(input.Tmp))) problems.Add($"plaintext left in the input: {left}");
    var marker = Encoding.ASCII.GetBytes(Marker);
    foreach (var box in Directory.EnumerateDirectories(Path.Combine(root, "out")))
    {
        var address = Path.GetFileName(box);
        var key = SecretKey.Parse(File.ReadAllText(Path.Combine(root, "recipients-secret", address + ".asc")));
        var maildir = new Maildir(box);
        foreach (var left in Directory.EnumerateFiles(maildir.Tmp)) problems.Add($"unfinished delivery: {left}");
        Parallel.ForEach(maildir.Messages(), file =>
        {
            var raw = File.ReadAllBytes(file);
            if (raw.AsSpan().IndexOf(marker) >= 0) problems.Add($"plaintext in the output: {file}");
            var options = new MimeOpenOptions();
            options.Keys.Add(key);
            var received = MimeMessage.Load(new MemoryStream(raw));
            if (received.Subject?.StartsWith("Message ", StringComparison.Ordinal) == true) problems.Add($"Subject in the clear: {file}");
            var opened = pgp.Mime.Open(received, options);
            var text = opened.Message.TextBody ?? "";
            int at = text.IndexOf(Marker, StringComparison.Ordinal);
            if (opened.Encryption != ProtectionCoverage.Full || at < 0) { problems.Add($"does not open as a fully encrypted message: {file}"); return; }
            found.AddOrUpdate(string.Concat(text.AsSpan(at, Marker.Length + 7), "\t", address), 1, (_, n) => n + 1);
        });
    }
    foreach (var (delivery, n) in found.Where(f => f.Value > 1)) problems.Add($"delivered {n} times: {delivery}");
    foreach (var missing in expected.Where(e => !found.ContainsKey(e))) problems.Add($"lost: {missing}");
    foreach (var extra in found.Keys.Where(f => !expected.Contains(f))) problems.Add($"unexpected: {extra}");
    foreach (var problem in problems.Take(20)) Console.WriteLine("  " + problem);
    Console.WriteLine(problems.IsEmpty
        ? $"check: all {expected.Count} deliveries present exactly once, each opens for its recipient, no plaintext (body or Subject) in the input or output"
        : $"check: {problems.Count} problem(s)");
    return problems.IsEmpty ? 0 : 1;
}

static string Lorem(Random random, int length)
{
    var words = new[] { "meeting", "invoice", "project", "deadline", "report", "budget", "review", "draft", "schedule", "update" };
    var text = new StringBuilder(length + 16);
    while (text.Length < length) text.Append(words[random.Next(words.Length)]).Append(random.Next(12) == 0 ? ".\n" : " ");
    return text.ToString();
}

/// Runs this program again as a child process (the crashing run must be a separate process).
static int Self(params string[] arguments)
{
    var host = Environment.ProcessPath!;
    var start = new ProcessStartInfo(host);
    if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
    foreach (var argument in arguments) start.ArgumentList.Add(argument);
    using var child = Process.Start(start)!;
    child.WaitForExit();
    return child.ExitCode;
}
