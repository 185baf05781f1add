
namespace CryptoMail.Core.Messages;

/// <summary>Where a <see cref="OpenPgpPolicy"/> decides what messages are written and read with: ciphers, signature hashes,
/// and which keys of recipients and signers are used.</summary>
internal static class PolicyChecks
{
    /// <summary>Refuses a message cipher the policy does not let us read (before any plaintext is produced).</summary>
    public static void ReadCipher(OpenPgpPolicy? policy, SymmetricCipher? cipher, Protection protection)
    {
        policy ??= OpenPgpPolicy.Default;
        if (cipher is { } c && policy.ReadCiphers.Contains(c)) return;
        throw DiagnosticSink.PolicyRefused(ValidationReason.RejectedAlgorithm,
            $"The message is encrypted with {(cipher?.ToString() ?? "an unknown cipher")} ({protection}), which the policy does not accept for reading.", cipher);
    }

    /// <summary>Refuses a cipher the policy does not let us write.</summary>
    public static void WriteCipher(OpenPgpPolicy? policy, SymmetricCipher cipher)
    {
        policy ??= OpenPgpPolicy.Default;
        if (!policy.WriteCiphers.Contains(cipher))
            throw DiagnosticSink.PolicyRefused(ValidationReason.RejectedAlgorithm, $"The policy does not allow writing messages with {cipher}.", cipher);
    }

    /// <summary>Refuses to make a data signature with a hash the policy would not accept from others, or that this
    /// platform cannot compute.</summary>
    public static void SignatureHash(OpenPgpPolicy? policy, OpenPgpHashAlgorithm hash, DateTimeOffset time)
    {
        policy ??= OpenPgpPolicy.Default;
        if (!policy.AcceptsDataSignatureHash(hash, time))
            throw DiagnosticSink.PolicyRefused(ValidationReason.WeakHash, $"The policy does not accept {hash} for data signatures made on {time:u}.", hash: hash);
        if (!Hashes.IsSupported((HashAlgorithmId)(int)hash))
            throw new ArgumentException($"Signatures cannot be made with {hash} here.", nameof(hash));
    }

    /// <summary>Every alive encryption key of every recipient under the policy (see
    /// <see cref="Certificate.EncryptionKeysOf"/>). When some recipients have none, one exception
    /// names all of them with their reasons.</summary>
    /// <remarks>No silent downgrade (RFC 9980 section 8.1): a recipient with a valid post-quantum (composite ML-KEM)
    /// encryption key gets only those keys, since a second, classical PKESK would make the message only as strong as
    /// that one; <paramref name="classicalToo"/> (the caller's compatibility request) adds its classical keys back.
    /// <paramref name="requirePostQuantum"/> refuses recipients without a post-quantum key.</remarks>
    public static List<(KeyPacket Key, RecipientKey Info)> Recipients(IEnumerable<Certificate> certificates, OpenPgpPolicy? policy, DateTimeOffset time,
        bool classicalToo = false, bool requirePostQuantum = false)
    {
        policy ??= OpenPgpPolicy.Default;
        var result = new List<(KeyPacket, RecipientKey)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unusable = new List<UnusableCertificate>();
        foreach (var cert in certificates)
        {
            var validity = cert.Validate(policy, time);
            var keys = Certificate.EncryptionKeysOf(validity);
            if (keys.Count == 0)
            {
                unusable.Add(new UnusableCertificate(cert, validity.WhyNotUsableFor(KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage)));
                continue;
            }
            var packets = keys.Select(k => (Info: k, Packet: cert.Validated.ByKeyId[Certificate.KeyIdOf(k)])).ToList();
            bool hasPostQuantum = packets.Any(k => k.Packet.IsPostQuantumEncryption);
            if (requirePostQuantum && !hasPostQuantum)
            {
                unusable.Add(new UnusableCertificate(cert, new[] { new ValidationIssue(ValidationReason.NoUsableKey,
                    "it has no valid post-quantum encryption key, and post-quantum protection was required", cert.Fingerprint) }));
                continue;
            }
            foreach (var (k, packet) in packets)
            {
                if (hasPostQuantum && !classicalToo && !packet.IsPostQuantumEncryption) continue;
                if (seen.Add(k.Fingerprint))
                    result.Add((packet, new RecipientKey(k.Fingerprint, cert.Fingerprint) { PostQuantum = packet.IsPostQuantumEncryption }));
            }
        }
        if (unusable.Count > 0) throw Unusable(unusable, "encrypt", time);
        return result;
    }

    /// <summary>The keys of <paramref name="certificate"/> that may sign data at <paramref name="time"/> under the
    /// policy; when there is none, an exception with the reasons.</summary>
    public static IReadOnlyList<KeyInfo> SigningKeys(Certificate certificate, OpenPgpPolicy? policy, DateTimeOffset time)
    {
        var validity = certificate.Validate(policy ?? OpenPgpPolicy.Default, time);
        var keys = validity.KeysFor(KeyUsage.Sign);
        if (keys.Count == 0) throw Unusable(new[] { new UnusableCertificate(certificate, validity.WhyNotUsableFor(KeyUsage.Sign)) }, "sign", time);
        return keys.Select(k => k.Key).ToList();
    }

    private static KeyNotUsableException Unusable(IReadOnlyList<UnusableCertificate> unusable, string verb, DateTimeOffset time)
    {
        foreach (var u in unusable) KeyDiagnostics.KeyRejected(u.Certificate, u.Reasons);
        var lines = unusable.Select(u => $"{u.Certificate}: " + string.Join("; ", u.Reasons.Select(r => r.Message)));
        string head = unusable.Count == 1
            ? $"Certificate {unusable[0].Certificate} has no key that can {verb} at {time:u}"
            : $"{unusable.Count} certificates have no key that can {verb} at {time:u}";
        return new KeyNotUsableException($"{head} ({string.Join(" | ", lines)}).") { UnusableCertificates = unusable };
    }
}
