using System.Diagnostics;

namespace CryptoMail.Core.Tests.Interop;

/// <summary>Runs OpenPGP.js 6 (the npm package <c>openpgp</c>) under node, through a small driver script written to a
/// temporary folder: <c>gen</c> (a v6 Curve25519 key), <c>encrypt CERT KEY AEAD</c> (SEIPD v2 with the named AEAD
/// mode, signed unless KEY is <c>-</c>) and <c>decrypt KEY CERT</c> (fails unless the signature verifies; with CERT
/// <c>-</c> the message must be unsigned). OpenPGP.js is found where <c>eng/interop/install-peers.sh</c> installs it:
/// <c>$OPENPGPJS_DIR</c>, <c>eng/interop/.node</c> in the repository, or the user's cache folder.</summary>
/// <remarks>Tests use <see cref="OpenPgpJsFactAttribute"/>: skipped on a developer machine without node or OpenPGP.js,
/// never when <c>CI=true</c> (the constructor then fails instead).</remarks>
internal sealed class OpenPgpJs : IDisposable
{
    private const string Driver = """
        import fs from 'node:fs';
        import { pathToFileURL } from 'node:url';
        const openpgp = await import(pathToFileURL(process.env.OPENPGPJS_MODULE).href);
        const [op, ...args] = process.argv.slice(2);
        const input = () => fs.readFileSync(0);
        if (op === 'gen') {
          const { privateKey, publicKey } = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ name: 'Jo', email: 'jo@example.org' }],
            format: 'armored', config: { v6Keys: true } });
          fs.writeFileSync(args[0], privateKey);
          fs.writeFileSync(args[1], publicKey);
        } else if (op === 'encrypt') {
          const encryptionKeys = await openpgp.readKey({ armoredKey: fs.readFileSync(args[0], 'utf8') });
          const signingKeys = args[1] === '-' ? [] : await openpgp.readPrivateKey({ armoredKey: fs.readFileSync(args[1], 'utf8') });
          const config = { aeadProtect: true, preferredAEADAlgorithm: openpgp.enums.aead[args[2]], preferredSymmetricAlgorithm: openpgp.enums.symmetric.aes256 };
          const out = await openpgp.encrypt({ message: await openpgp.createMessage({ binary: new Uint8Array(input()) }), encryptionKeys, signingKeys, config, format: 'binary' });
          process.stdout.write(Buffer.from(out));
        } else if (op === 'decrypt') {
          const decryptionKeys = await openpgp.readPrivateKey({ armoredKey: fs.readFileSync(args[0], 'utf8') });
          const signed = args[1] !== '-';
          const verificationKeys = signed ? await openpgp.readKey({ armoredKey: fs.readFileSync(args[1], 'utf8') }) : [];
          const message = await openpgp.readMessage({ binaryMessage: new Uint8Array(input()) });
          const { data, signatures } = await openpgp.decrypt({ message, decryptionKeys, verificationKeys, expectSigned: signed, format: 'binary' });
          if (signed) await signatures[0].verified;
          else if (signatures.length !== 0) process.exit(3);
          process.stdout.write(Buffer.from(data));
        } else {
          process.exit(2);
        }
        """;

    private static readonly Lazy<string?> LazyModule = new(FindModule);

    public OpenPgpJs()
    {
        Module = LazyModule.Value ?? throw new InvalidOperationException(
            "node or OpenPGP.js was not found" + (GnuPG.IsCi ? " and CI=true: install it with eng/interop/install-peers.sh." : "."));
        Dir = Directory.CreateTempSubdirectory("cmopenpgpjs-").FullName;
        File.WriteAllText(PathOf("driver.mjs"), Driver);
    }

    public string Dir { get; }
    private string Module { get; }

    public string PathOf(string name) => Path.Combine(Dir, name);

    /// <summary>Why the tests are skipped here, or null when they must run.</summary>
    public static string? SkipReason => LazyModule.Value is not null || GnuPG.IsCi
        ? null
        : "node with OpenPGP.js is not installed (eng/interop/install-peers.sh); these tests skip only outside CI.";

    /// <summary>Runs the driver; throws with its stderr when it fails.</summary>
    public byte[] Run(byte[] stdin, params string[] args)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(PathOf("driver.mjs"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["OPENPGPJS_MODULE"] = Module;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.BaseStream.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("OpenPGP.js did not finish in time.");
        }
        copy.Wait();
        if (process.ExitCode != 0) throw new InvalidOperationException($"OpenPGP.js {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}");
        return stdout.ToArray();
    }

    private static string? FindModule()
    {
        if (GnuPG.FindOnPath("node") is null) return null;
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("OPENPGPJS_DIR") is { Length: > 0 } env) candidates.Add(env);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CryptoMail.Core.sln")))
            {
                candidates.Add(Path.Combine(dir.FullName, "eng", "interop", ".node"));
                break;
            }
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? x
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        candidates.Add(Path.Combine(cache, "cryptomail-interop", "node"));
        return candidates.Select(d => Path.Combine(d, "node_modules", "openpgp", "dist", "node", "openpgp.mjs")).FirstOrDefault(File.Exists);
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>A test against OpenPGP.js, skipped only where <see cref="OpenPgpJs.SkipReason"/> says.</summary>
internal sealed class OpenPgpJsFactAttribute : FactAttribute
{
    public OpenPgpJsFactAttribute()
    {
        if (OpenPgpJs.SkipReason is { } reason) Skip = reason;
    }
}

/// <summary>A theory against OpenPGP.js, skipped only where <see cref="OpenPgpJs.SkipReason"/> says.</summary>
internal sealed class OpenPgpJsTheoryAttribute : TheoryAttribute
{
    public OpenPgpJsTheoryAttribute()
    {
        if (OpenPgpJs.SkipReason is { } reason) Skip = reason;
    }
}
