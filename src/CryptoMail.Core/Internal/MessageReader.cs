using System.Buffers;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;

namespace CryptoMail.Core.Internal;

/// <summary>Reads OpenPGP messages: finds a session key, refuses data without integrity protection, and holds the
/// plaintext back until the integrity check and (when asked) a good signature.</summary>
internal static class MessageReader
{
    private const int MaxSignatureBytes = 16 << 20;

    public static DecryptionResult Decrypt(Stream input, Stream output, DecryptOptions options, bool async, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        Check.NoNulls(options.Keys, nameof(options.Keys));
        Check.NoNulls(options.Verifiers, nameof(options.Verifiers));
        return Guard.Run(() =>
        {
            var source = new IoBridge(input, async, token);
            var sink = new IoBridge(output, async, token);
            var (packets, kind, raw) = MessageInput.Open(source, "Decrypting");
            if (kind == MessageInput.Kind.Cleartext)
            {
                if (!options.AllowUnencrypted) throw new MalformedDataException("The message is not encrypted (it is cleartext-signed).");
                var v = Cleartext.Verify(raw, sink, options.Verifiers, options.SignatureNotBefore, options.SignatureNotAfter,
                    options.RequireValidSignature, options.HoldBackMemoryBytes, token);
                return Unencrypted(v.Signatures, v.Length, LiteralFormat.Utf8, Compression.None, string.Empty, null);
            }
            var counted = new CountingStream(packets);
            var factory = new PgpObjectFactory(counted);
            var first = ContentReader.Next(factory);
            while (first is PgpMarker) first = ContentReader.Next(factory);
            if (first is null) throw new MalformedDataException("The input holds no OpenPGP packets.");
            if (first is not PgpEncryptedDataList list)
            {
                if (!options.AllowUnencrypted) throw new MalformedDataException("The message is not encrypted.");
                var plain = new ContentReader(options.Limits, options.Verifiers, options.Progress, token);
                using var held = new HoldBackBuffer(options.HoldBackMemoryBytes);
                plain.Read(factory, first, held.Write, 0, counted);
                var verdicts = plain.Verdicts(options.SignatureNotBefore, options.SignatureNotAfter);
                Require(options.RequireValidSignature, verdicts);
                held.CopyTo(sink, token);
                sink.Flush();
                return Unencrypted(verdicts, plain.Length, plain.Format, plain.Compression, plain.FileName, plain.ModificationTime);
            }
            return DecryptList(list, sink, options, token);
        }, "Decrypting");
    }

    private static DecryptionResult Unencrypted(IReadOnlyList<SignatureVerification> verdicts, long length, LiteralFormat format,
        Compression compression, string fileName, DateTimeOffset? mtime) =>
        new(false, null, false, Array.Empty<string>(), null, false, "none", compression, fileName, format, mtime, verdicts, length, false);

    private static DecryptionResult DecryptList(PgpEncryptedDataList list, IoBridge sink, DecryptOptions options, CancellationToken token)
    {
        var objects = list.GetEncryptedDataObjects().ToList();
        if (objects.Count > options.Limits.MaxRecipients)
            throw new LimitExceededException($"The message names {objects.Count} recipients; the limit is {options.Limits.MaxRecipients}.");
        var recipientIds = objects.OfType<PgpPublicKeyEncryptedData>().Select(d => Hex.KeyId(d.KeyId)).ToList();

        Stream? clear = null;
        PgpEncryptedData? used = null;
        string? decryptedWith = null;
        SymmetricCipher? cipher = null;
        bool lockedKey = false;
        foreach (var pked in objects.OfType<PgpPublicKeyEncryptedData>())
        {
            foreach (var key in options.Keys)
            {
                foreach (var kid in CandidateKeyIds(key, pked.KeyId))
                {
                    PgpPrivateKey? priv;
                    try { priv = key.GetPrivateKey(kid, options.KeyPassphrases); }
                    catch (KeyNotUsableException) { lockedKey = true; continue; }
                    if (priv is null) continue;
                    try
                    {
                        var alg = pked.GetSymmetricAlgorithm(priv);
                        clear = pked.GetDataStream(priv);
                        cipher = ToCipher(alg);
                        used = pked;
                        decryptedWith = key.Certificate.Validated.ByKeyId.TryGetValue(kid, out var pk) ? Hex.Of(pk.GetFingerprint()) : null;
                    }
                    catch (Exception e) when (e is not OperationCanceledException and not CallerStreamException)
                    {
                        // Not this key (or a corrupt session key packet): try the next one.
                    }
                    if (clear is not null) break;
                }
                if (clear is not null) break;
            }
            if (clear is not null) break;
        }
        bool withPassword = false;
        if (clear is null)
        {
            foreach (var pbe in objects.OfType<PgpPbeEncryptedData>())
            {
                foreach (var pw in options.Passwords)
                {
                    try
                    {
                        clear = pbe.GetDataStreamUtf8(pw.ToCharArray());
                        cipher = ToCipher(pbe.Algorithm);
                        used = pbe;
                        withPassword = true;
                        break;
                    }
                    catch (Exception e) when (e is not OperationCanceledException and not CallerStreamException)
                    {
                        // Wrong password (the quick check failed): try the next one.
                    }
                }
                if (clear is not null) break;
            }
        }
        if (clear is null || used is null)
        {
            if (lockedKey)
                throw new KeyNotUsableException("A matching secret key is protected by a passphrase and none of the given passphrases unlocks it.");
            throw new NoDecryptionKeyException(
                recipientIds.Count > 0
                    ? $"None of the given keys or passwords can decrypt this message (recipients: {string.Join(", ", recipientIds)})."
                    : "None of the given passwords can decrypt this message.",
                recipientIds);
        }
        if (!used.IsIntegrityProtected())
            throw new IntegrityException("The message is encrypted without integrity protection (SED, no MDC); it is refused because it may have been modified.");

        var reader = new ContentReader(options.Limits, options.Verifiers, options.Progress, token);
        HoldBackBuffer? held = options.ReleaseUnverifiedPlaintext ? null : new HoldBackBuffer(options.HoldBackMemoryBytes);
        try
        {
            var counted = new CountingStream(clear);
            Action<ReadOnlySpan<byte>> write = held is not null ? held.Write : data => sink.Write(data);
            try
            {
                reader.Read(new PgpObjectFactory(counted), null, write, 0, counted);
                Drain(counted);
            }
            catch (MalformedDataException e)
            {
                // A modified ciphertext usually decrypts to garbage packets: report it as what it most likely is.
                throw new IntegrityException("The message is corrupt or was modified: " + e.Message, e);
            }
            bool ok;
            try { ok = used.Verify(); }
            catch (Exception e) when (e is not OperationCanceledException and not CallerStreamException)
            {
                throw new IntegrityException($"The integrity check could not be completed ({e.Message}).", e);
            }
            if (!ok) throw new IntegrityException("The message was modified: the modification detection code does not match.");

            var verdicts = reader.Verdicts(options.SignatureNotBefore, options.SignatureNotAfter);
            Require(options.RequireValidSignature, verdicts);
            held?.CopyTo(sink, token);
            sink.Flush();
            return new DecryptionResult(true, decryptedWith, withPassword, recipientIds, cipher, true, "SEIPDv1", reader.Compression,
                reader.FileName, reader.Format, reader.ModificationTime, verdicts, reader.Length, held is null);
        }
        finally
        {
            held?.Dispose();
        }
    }

    private static IEnumerable<long> CandidateKeyIds(SecretKey key, long keyId)
    {
        if (keyId != 0)
        {
            if (key.Ring.GetSecretKey(keyId) is not null) yield return keyId;
            yield break;
        }
        // Anonymous recipient (wildcard key ID): try every key that may encrypt.
        foreach (var k in key.Certificate.Subkeys.Append(key.Certificate.PrimaryKey))
        {
            if ((k.Usage & (KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage)) != 0) yield return Certificate.KeyIdOf(k);
        }
    }

    private static SymmetricCipher? ToCipher(SymmetricKeyAlgorithmTag alg) => alg switch
    {
        SymmetricKeyAlgorithmTag.Aes128 => SymmetricCipher.Aes128,
        SymmetricKeyAlgorithmTag.Aes192 => SymmetricCipher.Aes192,
        SymmetricKeyAlgorithmTag.Aes256 => SymmetricCipher.Aes256,
        _ => null,
    };

    private static void Drain(Stream s)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(8192);
        try
        {
            while (s.Read(buffer, 0, buffer.Length) > 0) { }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }

    private static void Require(bool required, IReadOnlyList<SignatureVerification> verdicts)
    {
        if (required && !verdicts.Any(v => v.IsGood))
        {
            throw new SignatureRequiredException(verdicts.Count == 0
                ? "The message is not signed."
                : "No signature is good: " + string.Join("; ", verdicts.Select(v => v.Reason)), verdicts);
        }
    }

    public static VerificationResult VerifyDetached(Stream data, Stream signature, VerifyOptions options, bool async, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(options);
        Check.NoNulls(options.Verifiers, nameof(options.Verifiers));
        return Guard.Run(() =>
        {
            var sigBytes = PgpInput.ReadAllBounded(new IoBridge(signature, async, token), MaxSignatureBytes);
            var pending = new List<PendingSignature>();
            foreach (var block in PgpInput.DecodeBlocks(sigBytes, "Reading signatures"))
            {
                var factory = new PgpObjectFactory(block);
                for (var obj = ContentReader.Next(factory); obj is not null; obj = ContentReader.Next(factory))
                {
                    if (obj is PgpMarker) continue;
                    if (obj is not PgpSignatureList list) throw new MalformedDataException("The signature input holds something other than signatures.");
                    for (int i = 0; i < list.Count; i++) pending.Add(SignatureChecker.ForSignature(list[i], options.Verifiers));
                }
            }
            if (pending.Count == 0) throw new MalformedDataException("The signature input holds no signature.");
            var source = new IoBridge(data, async, token);
            var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
            long total = 0;
            try
            {
                int n;
                while ((n = source.Read(buffer, 0, 1 << 16)) > 0)
                {
                    token.ThrowIfCancellationRequested();
                    foreach (var p in pending) p.Update(buffer.AsSpan(0, n));
                    total += n;
                    options.Progress?.Report(total);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            }
            var verdicts = pending.Select(p => SignatureChecker.Verdict(p, options.NotBefore, options.NotAfter)).ToList();
            Require(options.RequireValidSignature, verdicts);
            return new VerificationResult(verdicts);
        }, "Verifying");
    }

    public static VerificationResult VerifyInline(Stream input, Stream output, VerifyOptions options, bool async, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        Check.NoNulls(options.Verifiers, nameof(options.Verifiers));
        return Guard.Run(() =>
        {
            var source = new IoBridge(input, async, token);
            var sink = new IoBridge(output, async, token);
            var (packets, kind, raw) = MessageInput.Open(source, "Verifying");
            if (kind == MessageInput.Kind.Cleartext)
            {
                var v = Cleartext.Verify(raw, sink, options.Verifiers, options.NotBefore, options.NotAfter, options.RequireValidSignature, 32L << 20, token);
                return new VerificationResult(v.Signatures);
            }
            var counted = new CountingStream(packets);
            var factory = new PgpObjectFactory(counted);
            var first = ContentReader.Next(factory);
            if (first is PgpEncryptedDataList) throw new MalformedDataException("The message is encrypted: decrypt it instead.");
            if (first is null) throw new MalformedDataException("The input holds no OpenPGP packets.");
            var reader = new ContentReader(options.Limits, options.Verifiers, options.Progress, token);
            using var held = new HoldBackBuffer(32L << 20);
            reader.Read(factory, first, held.Write, 0, counted);
            var verdicts = reader.Verdicts(options.NotBefore, options.NotAfter);
            Require(options.RequireValidSignature, verdicts);
            held.CopyTo(sink, token);
            sink.Flush();
            return new VerificationResult(verdicts);
        }, "Verifying");
    }

    internal static void RequireGood(bool required, IReadOnlyList<SignatureVerification> verdicts) => Require(required, verdicts);
}
