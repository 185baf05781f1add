namespace CryptoMail.Core.Discovery;

/// <summary>Which Web Key Directory layouts to write.</summary>
[Flags]
public enum WkdLayouts
{
    /// <summary>The advanced layout, <c>.well-known/openpgpkey/DOMAIN/hu/</c>, served from <c>openpgpkey.DOMAIN</c>.</summary>
    Advanced = 1,
    /// <summary>The direct layout, <c>.well-known/openpgpkey/hu/</c>, served from <c>DOMAIN</c>.</summary>
    Direct = 2,
    /// <summary>Both layouts; their paths do not overlap, so one web root can hold both.</summary>
    Both = Advanced | Direct,
}

/// <summary>Publishes certificates as a Web Key Directory tree (draft-koch-openpgp-webkey-service, section 3.1):
/// for every address of the domain, a <c>hu/HASH</c> file holding the binary certificates that carry it, and the
/// policy file.</summary>
public static class WkdDirectory
{
    /// <summary>Writes the directory tree for <paramref name="domain"/> under <paramref name="webRoot"/>.</summary>
    /// <param name="webRoot">The web root (the folder that will contain <c>.well-known</c>); created if missing.</param>
    /// <param name="domain">The mail domain; addresses of other domains are skipped.</param>
    /// <param name="certificates">The certificates to publish; each is filed under every address of the domain
    /// found in its valid user IDs.</param>
    /// <param name="layouts">Which layouts to write.</param>
    /// <param name="policy">The policy file's content; null writes an empty policy file.</param>
    /// <returns>The paths of the files written.</returns>
    /// <exception cref="ArgumentException">No certificate has an address in the domain.</exception>
    public static IReadOnlyList<string> Write(string webRoot, string domain, IEnumerable<Certificate> certificates, WkdLayouts layouts = WkdLayouts.Both, WkdPolicy? policy = null) =>
        WriteCore(webRoot, domain, certificates, layouts, policy, CancellationToken.None);

    /// <summary>Writes the directory tree; the asynchronous form of <see cref="Write"/>.</summary>
    /// <param name="webRoot">The web root; created if missing.</param>
    /// <param name="domain">The mail domain.</param>
    /// <param name="certificates">The certificates to publish.</param>
    /// <param name="layouts">Which layouts to write.</param>
    /// <param name="policy">The policy file's content; null writes an empty policy file.</param>
    /// <param name="cancellationToken">Cancels the operation (files already written stay).</param>
    /// <returns>The paths of the files written.</returns>
    public static Task<IReadOnlyList<string>> WriteAsync(string webRoot, string domain, IEnumerable<Certificate> certificates, WkdLayouts layouts = WkdLayouts.Both, WkdPolicy? policy = null, CancellationToken cancellationToken = default) =>
        Completed.Run<IReadOnlyList<string>>(() => WriteCore(webRoot, domain, certificates, layouts, policy, cancellationToken), cancellationToken);

    private static List<string> WriteCore(string webRoot, string domain, IEnumerable<Certificate> certificates, WkdLayouts layouts, WkdPolicy? policy, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(webRoot);
        ArgumentNullException.ThrowIfNull(certificates);
        if ((layouts & WkdLayouts.Both) == 0) throw new ArgumentOutOfRangeException(nameof(layouts), "Choose at least one layout.");
        string d = DomainNames.Normalize(domain);
        var certs = certificates.ToList();
        Check.NoNulls(certs, nameof(certificates));

        // hash -> the certificates filed there, in the order given, each once.
        var files = new SortedDictionary<string, List<Certificate>>(StringComparer.Ordinal);
        foreach (var cert in certs)
        {
            foreach (string email in cert.EmailAddresses)
            {
                var (local, emailDomain) = Wkd.Split(email);
                if (emailDomain != d) continue;
                string hash = Wkd.HashLocalPart(local);
                if (!files.TryGetValue(hash, out var list)) files[hash] = list = new List<Certificate>();
                if (!list.Any(c => c.Fingerprint == cert.Fingerprint)) list.Add(cert);
            }
        }
        if (files.Count == 0) throw new ArgumentException($"No certificate has a valid user ID with an address in {d}.", nameof(certificates));

        var written = new List<string>();
        foreach (var method in new[] { WkdMethod.Advanced, WkdMethod.Direct })
        {
            if ((layouts & (method == WkdMethod.Advanced ? WkdLayouts.Advanced : WkdLayouts.Direct)) == 0) continue;
            string dir = Path.Combine(webRoot, Wkd.RelativeDirectory(d, method));
            Directory.CreateDirectory(Path.Combine(dir, "hu"));
            foreach (var (hash, list) in files)
            {
                using var content = new MemoryStream();
                foreach (var cert in list) content.Write(cert.Export());
                written.Add(WriteFile(Path.Combine(dir, "hu", hash), content.ToArray(), cancellationToken));
            }
            byte[] policyText = System.Text.Encoding.UTF8.GetBytes((policy ?? new WkdPolicy()).ToFileText());
            written.Add(WriteFile(Path.Combine(dir, "policy"), policyText, cancellationToken));
        }
        return written;
    }

    /// <summary>Writes through a temporary file and a rename (<see cref="StoreFiles.WriteAtomically"/>), so a web
    /// server never serves half a file.</summary>
    private static string WriteFile(string path, byte[] content, CancellationToken cancellationToken)
    {
        StoreFiles.WriteAtomically(path, content, null, cancellationToken);
        return path;
    }
}
