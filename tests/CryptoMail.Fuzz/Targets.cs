using System.Net;
using System.Text;
using MimeKit;

namespace CryptoMail.Fuzz;

/// <summary>A contract a target checks on a successful call was broken (a fuzzing finding like an escaped exception).</summary>
internal sealed class ContractBrokenException(string message) : Exception(message);

/// <summary>One fuzz target: a reader of attacker bytes driven through the public API.</summary>
/// <param name="Name">The name used on the command line and as the corpus folder.</param>
/// <param name="Run">Feeds one input; true when the library accepted all of it, false when it refused some. Returns when the library accepted the input or refused it with a
/// <see cref="CryptoMailException"/> other than <see cref="CryptoMailInternalException"/>; anything else escapes and is a
/// crash.</param>
internal sealed record FuzzTarget(string Name, Func<byte[], bool> Run);

/// <summary>Every fuzz target. Each one calls the public API as an application would on untrusted input.</summary>
internal static class Targets
{
    // Built on first use, inside the fuzzing loop: an instrumented CryptoMail.Core may run only once SharpFuzz has
    // set up AFL's shared memory, so choosing a target by name must not touch the library.
    private static OpenPgp Pgp => Shared.Pgp;

    private static ReadLimits Limits => Shared.Limits;

    private static class Shared
    {
        public static readonly OpenPgp Pgp = new();

        /// <summary>Limits low enough that one input cannot spend the fuzzing budget (a hang is an input over 10 s).</summary>
        public static readonly ReadLimits Limits = new()
        {
            MaxDecompressedBytes = 16 << 20,
            MaxArgon2MemoryBytes = 16 << 20,
        };
    }

    /// <summary>The data the detached-signature seeds sign.</summary>
    public static readonly byte[] DetachedData = "Signed data for the detached-signature fuzz target.\r\n"u8.ToArray();

    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("packets", Packets),
        new("inspect", Inspect),
        new("signatures", Signatures),
        new("armor", Armor),
        new("certificates", Certificates),
        new("secret-keys", SecretKeys),
        new("cleartext", Cleartext),
        new("mime", Mime),
        new("autocrypt", Autocrypt),
        new("wkd", Wkd),
        new("keybox", Keybox),
        new("certd", CertD),
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    /// <summary>Runs <paramref name="body"/>; a <see cref="CryptoMailException"/> that is not the internal-error kind is
    /// an accepted refusal of bad input, every other exception escapes.</summary>
    private static bool Refusable(Action body)
    {
        try
        {
            body();
            return true;
        }
        catch (CryptoMailException e) when (e is not CryptoMailInternalException)
        {
            // A documented refusal of bad input.
            return false;
        }
    }

    private static void Require(bool condition, string what)
    {
        if (!condition) throw new ContractBrokenException(what);
    }

    /// <summary>The packet stream: decrypt (keys and a password) and verify; unencrypted signed messages are read too.</summary>
    private static bool Packets(byte[] input) => Refusable(() =>
    {
        var options = new DecryptOptions { AllowUnencrypted = true, Limits = Limits };
        foreach (var k in FuzzKeys.All) options.Keys.Add(k);
        foreach (var c in FuzzKeys.Certificates) options.Verifiers.Add(c);
        options.Passwords.Add(FuzzKeys.Password);
        using var output = new MemoryStream();
        var result = Pgp.Decrypt(new MemoryStream(input, writable: false), output, options);
        Require(result.PlaintextLength == output.Length, $"PlaintextLength {result.PlaintextLength} but {output.Length} octets written");
        Require(!result.WasEncrypted || result.IntegrityProtected, "encrypted data released without integrity protection");
    });

    /// <summary>Message inspection before decrypting: the synchronous and asynchronous forms must agree.</summary>
    private static bool Inspect(byte[] input)
    {
        MessageInspection? sync = null;
        bool accepted = Refusable(() => sync = Pgp.Inspect(new MemoryStream(input, writable: false)));
        MessageInspection? async = null;
        // A MemoryStream completes every read at once, so the task is finished when it returns.
        bool acceptedAsync = Refusable(() => async = Pgp.InspectAsync(new MemoryStream(input, writable: false)).GetAwaiter().GetResult());
        Require(accepted == acceptedAsync, "Inspect and InspectAsync decide differently");
        if (sync is not null && async is not null)
        {
            Require(sync.Kind == async.Kind && sync.Recipients.SequenceEqual(async.Recipients) && sync.Passwords.SequenceEqual(async.Passwords)
                && sync.Signers.SequenceEqual(async.Signers) && sync.EncryptedData == async.EncryptedData, "Inspect and InspectAsync report differently");
            Require(sync.Kind != MessageKind.Encrypted || sync.Signers.Count == 0, "an encrypted message reported signers it cannot see");
        }
        return accepted;
    }

    /// <summary>Detached signatures over fixed data, and inline-signed messages.</summary>
    private static bool Signatures(byte[] input)
    {
        var options = new VerifyOptions { Limits = Limits };
        foreach (var c in FuzzKeys.Certificates) options.Verifiers.Add(c);
        bool detached = Refusable(() =>
        {
            var result = Pgp.VerifyDetached(new MemoryStream(DetachedData, writable: false), new MemoryStream(input, writable: false), options);
            Require(result is not null, "no verification result");
        });
        bool inline = Refusable(() =>
        {
            using var output = new MemoryStream();
            Pgp.VerifyInline(new MemoryStream(input, writable: false), output, options);
        });
        return detached || inline;
    }

    /// <summary>ASCII armor: what dearmors must armor and dearmor to the same octets.</summary>
    private static bool Armor(byte[] input) => Refusable(() =>
    {
        using var binary = new MemoryStream();
        OpenPgpArmor.Dearmor(new MemoryStream(input, writable: false), binary);
        var octets = binary.ToArray();
        using var armored = new MemoryStream();
        OpenPgpArmor.Armor(new MemoryStream(octets, writable: false), armored, ArmorKind.Message);
        using var again = new MemoryStream();
        armored.Position = 0;
        OpenPgpArmor.Dearmor(armored, again);
        Require(again.ToArray().AsSpan().SequenceEqual(octets), "armor round trip changed the data");
    });

    /// <summary>Certificates (binary or armored): each one parsed must export and parse to the same fingerprint.</summary>
    private static bool Certificates(byte[] input) => Refusable(() =>
    {
        foreach (var cert in Certificate.ParseAll(input))
        {
            var again = Certificate.Parse(cert.Export());
            Require(again.Fingerprint == cert.Fingerprint, "a certificate exported and parsed again changed fingerprint");
            _ = cert.EmailAddresses.Count;
        }
    });

    /// <summary>Secret keys (binary or armored): each one parsed must export and parse to the same fingerprint.</summary>
    private static bool SecretKeys(byte[] input) => Refusable(() =>
    {
        foreach (var key in SecretKey.ParseAll(input))
        {
            var again = SecretKey.Parse(key.Export());
            Require(again.Certificate.Fingerprint == key.Certificate.Fingerprint, "a secret key exported and parsed again changed fingerprint");
        }
    });

    /// <summary>Cleartext-signed messages (RFC 9580 section 7).</summary>
    private static bool Cleartext(byte[] input) => Refusable(() =>
    {
        var options = new VerifyOptions { Limits = Limits };
        foreach (var c in FuzzKeys.Certificates) options.Verifiers.Add(c);
        using var output = new MemoryStream();
        var result = Pgp.VerifyInline(new MemoryStream(input, writable: false), output, options);
        Require(result is not null, "no verification result");
    });

    /// <summary>PGP/MIME Open on whatever MimeKit parses from the input (MimeKit's own parse errors are not ours).</summary>
    private static bool Mime(byte[] input)
    {
        MimeMessage message;
        try
        {
            message = MimeMessage.Load(new MemoryStream(input, writable: false));
        }
        catch (FormatException)
        {
            return false;
        }
        var options = new MimeOpenOptions { DecryptNestedParts = true, Limits = Limits };
        foreach (var k in FuzzKeys.All) options.Keys.Add(k);
        foreach (var c in FuzzKeys.Certificates) options.Verifiers.Add(c);
        bool sender = Refusable(() => _ = AutocryptMime.GetSenderHeader(message));
        return Refusable(() =>
        {
            var opened = Pgp.Mime.Open(message, options);
            Require(opened.Message is not null, "Open returned no message");
            Require(opened.Encryption == ProtectionCoverage.None || opened.Decrypted || opened.Encryption != ProtectionCoverage.Full,
                "reported Full encryption without decrypting anything");
            _ = AutocryptMime.GetGossipHeaders(opened);
        }) && sender;
    }

    /// <summary>Autocrypt header values: what parses must print and parse to the same address and key data.</summary>
    private static bool Autocrypt(byte[] input) => Refusable(() =>
    {
        string text = Encoding.UTF8.GetString(input);
        _ = AutocryptHeader.SelectSenderHeader(text.Split('\n'), FuzzKeys.Address);
        if (!AutocryptHeader.TryParse(text, out var header)) throw new MalformedDataException("not an Autocrypt header");
        {
            Require(header is not null, "TryParse returned true and no header");
            Require(AutocryptHeader.TryParse(header!.ToHeaderValue(), out var again), "a printed header does not parse");
            Require(again!.Address == header.Address && again.KeyData.SequenceEqual(header.KeyData), "header round trip changed it");
        }
    });

    /// <summary>Web Key Directory responses: the first octet picks a key lookup or a policy file; the rest is served.</summary>
    private static bool Wkd(byte[] input)
    {
        if (input.Length == 0) return false;
        var body = input[1..];
        using var client = new WkdClient(new WkdClientOptions { Handler = new ServeBody(body) });
        try
        {
            if ((input[0] & 1) == 0)
            {
                var result = client.Lookup(FuzzKeys.Address);
                Require(result.Certificates.All(c => c.EmailAddresses.Contains(FuzzKeys.Address, StringComparer.OrdinalIgnoreCase)),
                    "a certificate for another address was accepted");
            }
            else
            {
                _ = client.GetPolicy("example.org");
            }
            return true;
        }
        catch (CryptoMailException e) when (e is not CryptoMailInternalException) { return false; }
        catch (WkdException) { return false; }
    }

    /// <summary>GnuPG keybox files (pubring.kbx).</summary>
    private static bool Keybox(byte[] input) => Refusable(() =>
    {
        foreach (var cert in GnuPGHome.ReadKeybox(input)) _ = cert.Fingerprint;
    });

    private static readonly Lazy<string> CertDirectory = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), $"cryptomail-fuzz-certd-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { Directory.Delete(dir, true); } catch (IOException) { } };
        return dir;
    });

    /// <summary>A cert-d entry: the input stored under the fuzz key's fingerprint, read by fingerprint, by address and
    /// in the whole-directory listing.</summary>
    private static bool CertD(byte[] input) => Refusable(() =>
    {
        var store = new CertificateDirectory(CertDirectory.Value);
        string fingerprint = FuzzKeys.V4.Certificate.Fingerprint;
        var path = store.GetPath(fingerprint);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, input);
        var cert = store.GetCertificate(fingerprint);
        Require(cert is null || string.Equals(cert.Fingerprint, fingerprint, StringComparison.OrdinalIgnoreCase),
            "the entry for one fingerprint returned a certificate with another");
        _ = store.FindCertificatesByEmail(FuzzKeys.Address);
        Require(store.GetAllCertificates().Count == (cert is null ? 0 : 1), "the listing disagrees with the lookup by fingerprint");
        if (cert is null) throw new MalformedDataException("the entry was skipped");
    });

    /// <summary>Answers every request with 200 and the fuzz input.</summary>
    private sealed class ServeBody(byte[] body) : HttpMessageHandler
    {
        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
            new(HttpStatusCode.OK) { Content = new ByteArrayContent(body), RequestMessage = request };

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Send(request, cancellationToken));
    }
}
