using System.Text;
using MimeKit;

namespace CryptoMail.Core.Tests.Interop.MailClients;

/// <summary>The real mail clients mutt and neomutt, driven through <c>mail-clients.sh</c> in a tmux terminal with
/// GnuPG: they compose messages for us to open, and open messages we sealed.</summary>
/// <remarks>Tests use <see cref="MailClientFactAttribute"/> or <see cref="MailClientTheoryAttribute"/>: without the
/// clients, tmux or gpg they are skipped on a developer machine, but when <c>CI=true</c> they run and fail, so CI
/// never passes without the peers.</remarks>
internal static class MailClientPeers
{
    /// <summary>The clients driven, as their executables are named.</summary>
    public static readonly IReadOnlyList<string> Clients = new[] { "mutt", "neomutt" };

    /// <summary>What the script needs on PATH, with the Debian package that brings it.</summary>
    private static readonly (string Command, string Package)[] Needed =
        { ("mutt", "mutt"), ("neomutt", "neomutt"), ("tmux", "tmux"), ("gpg", "gnupg"), ("bash", "bash") };

    private static readonly Lazy<string[]> LazyMissing = new(() => Needed.Where(n => GnuPG.FindOnPath(n.Command) is null).Select(n => n.Package).ToArray());

    /// <summary>Debian packages that are missing here.</summary>
    public static IReadOnlyList<string> Missing => LazyMissing.Value;

    /// <summary>Why the tests are skipped here, or null when they must run (everything installed, or CI).</summary>
    public static string? SkipReason => Missing.Count == 0 || GnuPG.IsCi
        ? null
        : $"not installed: {string.Join(", ", Missing)} (apt-get install {string.Join(' ', Missing)}); these tests skip only outside CI, and always run when CI=true.";

    /// <summary>The driver script, copied beside the test assembly.</summary>
    public static string Script => Path.Combine(AppContext.BaseDirectory, "Interop", "MailClients", "mail-clients.sh");

    /// <summary>Runs the driver script; throws with its output when it fails or outlives <paramref name="timeout"/>.
    /// Its tmux servers (daemons, outside its process tree) are ended afterwards in any case.</summary>
    public static string Run(TimeSpan timeout, params string[] args)
    {
        if (Missing.Count > 0)
        {
            throw new InvalidOperationException($"Mail-client interop needs {string.Join(", ", Missing)}"
                + (GnuPG.IsCi ? " and CI=true: these tests must run in CI; install them in .ci/run." : "."));
        }
        var tmuxSockets = "cm-mc-" + Guid.NewGuid().ToString("N")[..12];
        var environment = new Dictionary<string, string> { ["MAIL_CLIENTS_TMUX"] = tmuxSockets, ["TZ"] = "UTC" };
        try
        {
            var (code, stdout, stderr) = PeerProcess.Exec("bash", null, new[] { Script }.Concat(args), environment, timeout);
            var output = Encoding.UTF8.GetString(stdout) + stderr;
            return code == 0
                ? output
                : throw new InvalidOperationException($"mail-clients.sh {string.Join(' ', args)} failed with exit code {code}:\n{output}");
        }
        finally
        {
            foreach (var client in Clients) PeerProcess.Exec("tmux", null, new[] { "-L", $"{tmuxSockets}-{client}", "kill-server" }, environment, TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>A part's content with its transfer encoding undone.</summary>
    public static byte[] Decoded(MimePart part)
    {
        Assert.NotNull(part.Content);
        using var content = new MemoryStream();
        part.Content.DecodeTo(content);
        return content.ToArray();
    }
}

/// <summary>A fact that needs mutt, neomutt, tmux and gpg: skipped when one is missing on a developer machine,
/// never skipped when CI=true.</summary>
internal sealed class MailClientFactAttribute : FactAttribute
{
    /// <summary>Sets the skip reason from the environment.</summary>
    public MailClientFactAttribute()
    {
        if (MailClientPeers.SkipReason is { } reason) Skip = reason;
    }
}

/// <summary>A theory that needs the mail clients; see <see cref="MailClientFactAttribute"/>.</summary>
internal sealed class MailClientTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets the skip reason from the environment.</summary>
    public MailClientTheoryAttribute()
    {
        if (MailClientPeers.SkipReason is { } reason) Skip = reason;
    }
}

/// <summary>One corpus per test run: every message mutt and neomutt composed, the keys of its GnuPG home, and what
/// the clients showed for the messages we sealed. Each is made once, on first use, so nothing runs when the tests
/// skip.</summary>
public sealed class MailClientCorpus : IDisposable
{
    /// <summary>The test collection that shares one corpus.</summary>
    public const string Collection = "mail clients";

    /// <summary>Composing runs the clients twelve times (two at once); generous for a busy CI machine.</summary>
    private static readonly TimeSpan ComposeTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromMinutes(3);
    private readonly Lazy<string> directory;
    private string? created;
    private readonly Lazy<Dictionary<string, string>> shown;

    /// <summary>Prepares the corpus; nothing runs until a test asks for it.</summary>
    public MailClientCorpus()
    {
        directory = new(Compose);
        shown = new(ReadOurMessages);
    }

    /// <summary>The folder holding the corpus, made on first use.</summary>
    internal string Folder => directory.Value;

    /// <summary>Alice, the sender (gpg made her key; name with a non-ASCII letter).</summary>
    internal SecretKey Alice => SecretKey.Parse(File.ReadAllText(PathOf("alice.sec.asc")));

    /// <summary>Bob, the recipient.</summary>
    internal SecretKey Bob => SecretKey.Parse(File.ReadAllText(PathOf("bob.sec.asc")));

    /// <summary>The text the clients sent, as written (LF line ends).</summary>
    internal string BodyText => File.ReadAllText(PathOf("body.txt"), Encoding.UTF8);

    /// <summary>The attachment the clients sent with PGP/MIME messages.</summary>
    internal byte[] Attachment => File.ReadAllBytes(PathOf("report.bin"));

    /// <summary>The message <paramref name="client"/> sent for <paramref name="kind"/>, as stored by its sendmail.</summary>
    internal MimeMessage Message(string client, string kind)
    {
        using var stream = File.OpenRead(PathOf($"{client}-{kind}.eml"));
        return MimeMessage.Load(stream);
    }

    /// <summary>What <paramref name="client"/>'s pager showed Bob for our message <paramref name="name"/> (one of
    /// <see cref="SealedMessages.All"/>): headers, the client's signature verdict lines, decrypted parts.</summary>
    internal string Shown(string client, string name) => shown.Value[$"{name}-{client}"];

    /// <summary>Seals every message of <see cref="SealedMessages.All"/> from Alice to Bob and lets every client open
    /// each (one script run: the clients work side by side).</summary>
    private Dictionary<string, string> ReadOurMessages()
    {
        var messages = SealedMessages.All(Alice, Bob.Certificate);
        foreach (var (name, bytes) in messages) File.WriteAllBytes(PathOf($"ours-{name}.eml"), bytes);
        MailClientPeers.Run(ReadTimeout, new[] { "read", Folder }.Concat(messages.Keys.Select(n => PathOf($"ours-{n}.eml"))).ToArray());
        return messages.Keys.SelectMany(n => MailClientPeers.Clients.Select(c => $"{n}-{c}"))
            .ToDictionary(k => k, k => File.ReadAllText(PathOf($"ours-{k}.txt"), Encoding.UTF8));
    }

    private string PathOf(string name) => Path.Combine(Folder, name);

    private string Compose()
    {
        // A short path: gpg-agent's socket lives in the GnuPG home, and socket paths are limited to ~107 bytes.
        var dir = created = Directory.CreateTempSubdirectory("cmmc-").FullName;
        MailClientPeers.Run(ComposeTimeout, "compose", dir);
        return dir;
    }

    /// <summary>Stops the GnuPG agents of the corpus and deletes it.</summary>
    public void Dispose()
    {
        // Also after a failed compose, which leaves its folder and agent behind.
        if (created is not { } dir) return;
        try
        {
            PeerProcess.Exec("gpgconf", null, new[] { "--homedir", Path.Combine(dir, "gnupg"), "--kill", "all" }, new Dictionary<string, string>(), TimeSpan.FromSeconds(10));
            Directory.Delete(dir, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Best effort: a leftover temporary folder is harmless.
        }
    }
}

/// <summary>The classes that share one <see cref="MailClientCorpus"/> (composing it is the slow part).</summary>
[CollectionDefinition(MailClientCorpus.Collection)]
public sealed class MailClientCorpusSharing : ICollectionFixture<MailClientCorpus>
{
}
