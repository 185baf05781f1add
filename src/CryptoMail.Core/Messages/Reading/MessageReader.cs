using System.Security.Cryptography;
using System.Buffers;
using PacketTag = CryptoMail.Core.Types.PacketTag;

namespace CryptoMail.Core.Messages.Reading;

/// <summary>Reads OpenPGP messages: finds a session key, refuses data without integrity protection, and holds the
/// plaintext back until the integrity check and (when asked) a good signature.</summary>
internal static class MessageReader
{
    private const int MaxSignatureBytes = 16 << 20;

    public static DecryptionResult Decrypt(Stream input, Stream output, DecryptOptions options, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        Check.NoNulls(options.Keys, nameof(options.Keys));
        Check.NoNulls(options.Verifiers, nameof(options.Verifiers));
        return Guard.Run(() =>
        {
            long? start = Start(input);
            var verifiers = new VerifierSet(options.Verifiers, options.VerifierLookup, token);
            var source = new IoBridge(input, token, readAhead: true);
            var sink = new IoBridge(output, token);
            var (packets, kind, raw) = MessageInput.Open(source, "Decrypting");
            if (kind == MessageInput.Kind.Cleartext)
            {
                if (!options.AllowUnencrypted) throw new MalformedDataException("The message is not encrypted (it is cleartext-signed).");
                var v = Cleartext.Verify(raw, sink, verifiers, options.SignatureNotBefore, options.SignatureNotAfter,
                    options.Policy, options.RequireValidSignature, options.HoldBackMemoryBytes, options.EffectiveLimits, token);
                return Unencrypted(v.Signatures, v.Length, LiteralFormat.Utf8, Compression.None, string.Empty, null);
            }
            var head = new PeekStream(packets, 1);
            if (head.Head.Length == 0) throw new MalformedDataException("The input holds no OpenPGP packets.");
            if (!PacketTags.TryTagOf(head.Head, out var tag)) throw new MalformedDataException("The input is not OpenPGP data.");
            if (PacketTags.IsEncryption(tag) || tag is PacketTag.Marker or PacketTag.Padding)
            {
                Func<Stream>? reopen = start is long at ? () => Reopen(input, at, token) : null;
                using var owned = options.Unlocks is null ? new KeyUnlocks(options.EffectiveLimits, token) : null;
                return DecryptPackets(head, sink, new DecryptionSession(options, options.Unlocks ?? owned!, token), reopen, token);
            }

            if (!options.AllowUnencrypted) throw new MalformedDataException("The message is not encrypted.");
            var counted = new CountingStream(head);
            var plain = new ContentReader(options.EffectiveLimits, verifiers, options.Progress, token);
            using var held = new HoldBackBuffer(options.HoldBackMemoryBytes);
            plain.Read(counted, held.Write, 0, counted);
            var verdicts = plain.Verdicts(options.SignatureNotBefore, options.SignatureNotAfter, options.Policy);
            Require(options.RequireValidSignature, verdicts);
            held.CopyTo(sink, token);
            sink.Flush();
            return Unencrypted(verdicts, plain.Length, plain.Format, plain.Compression, plain.FileName, plain.ModificationTime);
        }, "Decrypting");
    }

    /// <summary>Messages shorter than this are held back in memory rather than read twice: a short hold costs less
    /// than a second pass's setup.</summary>
    private const long SecondPassMinimumBytes = 1 << 20;

    /// <summary>Where a seekable input starts, so the message can be read a second time; null when it cannot, or
    /// when the message is short enough to hold.</summary>
    private static long? Start(Stream input)
    {
        try
        {
            if (!input.CanSeek) return null;
            long position = input.Position;
            return input.Length - position >= SecondPassMinimumBytes ? position : null;
        }
        catch (Exception e) when (e is NotSupportedException or IOException or ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>The input's packets again, from <paramref name="start"/>: binary, or armor decoded once more.</summary>
    private static Stream Reopen(Stream input, long start, CancellationToken token)
    {
        try
        {
            input.Position = start;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new CallerStreamException(e);
        }
        var (packets, kind, _) = MessageInput.Open(new IoBridge(input, token, readAhead: true), "Decrypting");
        if (kind == MessageInput.Kind.Cleartext) throw new MalformedDataException("the input is no longer an encrypted message");
        return packets;
    }

    private static DecryptionResult Unencrypted(IReadOnlyList<SignatureVerification> verdicts, long length, LiteralFormat format,
        Compression compression, string fileName, DateTimeOffset? mtime) =>
        new(false, null, false, Array.Empty<string>(), null, false, IntegrityProtection.None, compression, fileName, format, mtime, verdicts, length, false);

    /// <summary>Reads the session key packets, finds a session key, and decrypts the encrypted data packet that
    /// follows: SEIPD v1, SEIPD v2, or LibrePGP's OCB Encrypted Data (tag 20).</summary>
    /// <remarks>SEIPD v1 (RFC 9580 sections 5.13.1 and 13.4): the quick check only chooses among candidate keys, first
    /// a caller's session keys, then the PKESKs' keys, then the passwords', and the first that passes is used. Nothing but
    /// the quick check vouches for a caller's session key or a password, so one that fails it is dropped, and when
    /// only such keys were tried the message is "no key" (that is what a wrong password looks like). A PKESK for one
    /// of our keys does vouch for its key (RSA always yields one, see <see cref="RsaImplicitRejection"/>): when no
    /// candidate passes, the first PKESK key is used anyway, so a quick check broken by modified data fails at the MDC
    /// with the same error as any other modification rather than as an early, distinguishable one.</remarks>
    private static DecryptionResult DecryptPackets(Stream packets, IoBridge sink, DecryptionSession session, Func<Stream>? reopen,
        CancellationToken token)
    {
        var options = session.Options;
        var problems = new KeyProblems();
        var (pkesks, skesks, encrypted, dataTag) = ReadToEncryptedData(packets, options, problems.UnreadRecipients);
        session.Resolve(pkesks);
        session.SessionKeyPackets(pkesks, skesks.Count);
        var recipientIds = pkesks.Select(p => Hex.KeyId(p.KeyId)).ToList();
        if (dataTag == PacketTag.OcbEncryptedData)
        {
            // Session keys: PKESK v3 (with the algorithm octet) or SKESK v5; the packet names the cipher.
            var ocb = AeadEncryptedDataHeader.Read(encrypted);
            return DecryptChunked(encrypted, ocb.KeySize, ocb.SymmetricAlgorithm, k => ocb.CreateSchedule(k), new Protection(IntegrityProtection.OcbEncryptedData, (AeadMode)(int)ocb.Aead),
                pkesks, skesks.Where(k => k.Version is 4 or 5), recipientIds, sink, session, problems, token);
        }
        int version = encrypted.ReadByte();
        if (version == 2)
        {
            var prefix = new byte[SeipdV2Header.Size];
            prefix[0] = 2;
            if (encrypted.ReadAtLeast(prefix.AsSpan(1), prefix.Length - 1, throwOnEndOfStream: false) < prefix.Length - 1)
                throw DecryptionFailure.Create();
            var header = SeipdV2Header.Parse(prefix);
            return DecryptChunked(encrypted, header.KeySize, header.SymmetricAlgorithm, k => header.CreateSchedule(k), new Protection(IntegrityProtection.SeipdV2, (AeadMode)(int)header.Aead),
                pkesks, skesks.Where(k => k.Version == 6), recipientIds, sink, session, problems, token);
        }
        if (version != 1) throw new MalformedDataException($"Unknown encrypted data version {version}.");
        var initial = new byte[18];
        if (encrypted.ReadAtLeast(initial, initial.Length, throwOnEndOfStream: false) < initial.Length)
            throw DecryptionFailure.Create();

        SessionKeyMaterial? sessionKey = null;
        string? decryptedWith = null;
        bool withPassword = false;

        foreach (var given in options.SessionKeys)
        {
            var candidate = new SessionKeyMaterial((int)given.Algorithm, given.Key.ToArray());
            if (SeipdV1DecryptStream.QuickCheck(candidate, initial)) { sessionKey = candidate; break; }
            candidate.Dispose();
        }
        SessionKeyMaterial? vouched = null;
        string? vouchedWith = null;
        try
        {
            if (sessionKey is null)
            {
                (sessionKey, decryptedWith, vouched, vouchedWith) =
                    FromPkesks(pkesks, session, null, c => SeipdV1DecryptStream.QuickCheck(c, initial), keepFirst: true, problems);
            }
            if (sessionKey is null)
            {
                sessionKey = session.FromPasswords(skesks.Where(k => k.Version == 4), c => SeipdV1DecryptStream.QuickCheck(c, initial));
                withPassword = sessionKey is not null;
            }
            if (sessionKey is null && vouched is not null)
            {
                (sessionKey, decryptedWith, vouched) = (vouched, vouchedWith, null);
            }
        }
        finally
        {
            vouched?.Dispose();
        }
        if (sessionKey is null) throw NoKey(problems, recipientIds, session);

        using (sessionKey)
        {
            var exported = options.ExportSessionKey ? new SessionKey((SymmetricCipher)sessionKey.Algorithm, sessionKey.Key) : null;
            bool holdBack = !options.ReleaseUnverifiedPlaintext;
            using var twice = holdBack && reopen is not null && SecondPass.IsSupported ? new SecondPass() : null;
            Action? replay = twice is null ? null : () => ReplayV1(reopen!, initial, sessionKey, twice, sink, options, token);
            using var clear = new SeipdV1DecryptStream(encrypted, sessionKey, initial);
            return ReadDecrypted(clear, () => clear.Verified, holdBack, Protection.SeipdV1, ToCipher(sessionKey.Algorithm),
                decryptedWith, withPassword, recipientIds, exported, sink, session, token, twice, replay);
        }
    }

    /// <summary>The second pass over a seekable SEIPD v1 message the first pass authenticated (see
    /// <see cref="SecondPass"/>): decrypts it again, without the MDC's hash, and releases the plaintext segment by
    /// segment as each matches the first pass.</summary>
    private static void ReplayV1(Func<Stream> reopen, byte[] initial, SessionKeyMaterial sessionKey, SecondPass twice, IoBridge sink,
        DecryptOptions options, CancellationToken token)
    {
        twice.BeginReplay(data => sink.Write(data));
        try
        {
            var (_, _, encrypted, tag) = ReadToEncryptedData(reopen(), options);
            var again = new byte[initial.Length];
            if (tag != PacketTag.SymEncryptedIntegrityProtectedData || encrypted.ReadByte() != 1 || encrypted.ReadAtLeast(again, again.Length, throwOnEndOfStream: false) < again.Length ||
                !again.AsSpan().SequenceEqual(initial))
                throw new MalformedDataException("the encrypted data differs");
            using var clear = new SeipdV1DecryptStream(encrypted, sessionKey, again, checkMdc: false);
            var counted = new CountingStream(clear);
            new ContentReader(options.EffectiveLimits, VerifierSet.None, null, token).Read(counted, twice.Replay, 0, counted);
        }
        catch (Exception e) when (e is MalformedDataException or IntegrityException or LimitExceededException)
        {
            throw new IntegrityException("The input changed between the pass that authenticated it and the pass that released it: " + e.Message, e);
        }
        twice.EndReplay();
    }

    /// <summary>The session key packets before the encrypted data, and the encrypted data packet's body.</summary>
    /// <remarks>Recipient packets of a version or algorithm we do not read are skipped (another may fit); their
    /// descriptions go to <paramref name="unread"/> when given, so that "no key" can say why they were not tried.</remarks>
    private static (List<Pkesk> Pkesks, List<Skesk> Skesks, PacketBodyStream Encrypted, PacketTag Tag) ReadToEncryptedData(Stream packets, DecryptOptions options,
        List<string>? unread = null)
    {
        var pkesks = new List<Pkesk>();
        var skesks = new List<Skesk>();
        int examined = 0;
        PacketBodyStream? encrypted = null;
        PacketTag dataTag = PacketTag.Reserved;
        while (encrypted is null)
        {
            var next = PacketReader.Read(packets) ?? throw new MalformedDataException("The message holds no encrypted data.");
            var (tag, body) = next;
            switch (tag)
            {
                case PacketTag.PublicKeyEncryptedSessionKey:
                case PacketTag.SymmetricKeyEncryptedSessionKey:
                    if (++examined > options.EffectiveLimits.MaxRecipients)
                        throw DiagnosticSink.LimitExceeded(nameof(ReadLimits.MaxRecipients), options.EffectiveLimits.MaxRecipients, $"The message names more than {options.EffectiveLimits.MaxRecipients} recipients.");
                    var bytes = PacketReader.ReadSmallBody(body, 1 << 16, tag == PacketTag.PublicKeyEncryptedSessionKey ? "public-key encrypted session key" : "symmetric-key encrypted session key");
                    try
                    {
                        if (tag == PacketTag.PublicKeyEncryptedSessionKey && bytes.Length > 0 && bytes[0] == 6) pkesks.Add(PkeskV6.Parse(bytes).Packet);
                        else if (tag == PacketTag.PublicKeyEncryptedSessionKey) pkesks.Add(Pkesk.Parse(bytes));
                        else skesks.Add(Skesk.Parse(bytes));
                    }
                    catch (UnsupportedPacketException e)
                    {
                        // A recipient packet of a version or algorithm we do not read: another may still fit.
                        unread?.Add(e.Message);
                    }
                    break;
                case PacketTag.Marker:
                case PacketTag.Padding:
                    body.Skip();
                    break;
                case PacketTag.SymmetricallyEncryptedData:
                    throw new IntegrityException("The message is encrypted without integrity protection (SED, no MDC); it is refused because it may have been modified.");
                case PacketTag.SymEncryptedIntegrityProtectedData:
                case PacketTag.OcbEncryptedData:
                    encrypted = body;
                    dataTag = tag;
                    break;
                default:
                    throw new MalformedDataException($"Unexpected packet (tag {(int)tag}) before the encrypted data.");
            }
        }
        return (pkesks, skesks, encrypted, dataTag);
    }

    /// <summary>Reads a chunked AEAD packet (SEIPD v2, or tag 20) whose prefix has been read: session key from a
    /// given session key, a PKESK or a SKESK of the fitting version; each chunk is released only after its tag
    /// verifies, and the final tag is checked before the end is reported.</summary>
    private static DecryptionResult DecryptChunked(PacketBodyStream encrypted, int keySize, byte cipherId, Func<byte[], AeadChunkSchedule> schedule,
        Protection protection, List<Pkesk> pkesks, IEnumerable<Skesk> skesks, List<string> recipientIds, IoBridge sink, DecryptionSession session,
        KeyProblems problems, CancellationToken token)
    {
        var options = session.Options;
        byte[]? key = null;
        string? decryptedWith = null;
        bool withPassword = false;

        bool fromGivenSessionKey = false;
        foreach (var given in options.SessionKeys)
        {
            if (given.Key.Length == keySize) { key = given.Key.ToArray(); fromGivenSessionKey = true; break; }
        }
        if (key is null)
        {
            var (found, with, _, _) = FromPkesks(pkesks, session, keySize, c => c.Key.Length == keySize, keepFirst: false, problems);
            if (found is not null)
            {
                using (found) key = (byte[])found.Key.Clone();
                decryptedWith = with;
            }
        }
        if (key is null)
        {
            using var found = session.FromPasswords(skesks, c => c.Key.Length == keySize);
            if (found is not null)
            {
                key = (byte[])found.Key.Clone();
                withPassword = true;
            }
        }
        if (key is null) throw NoKey(problems, recipientIds, session);
        try
        {
            var exported = options.ExportSessionKey ? new SessionKey((SymmetricCipher)cipherId, key) : null;
            using var clear = new ChunkedAeadDecryptStream(encrypted, schedule(key), leaveOpen: true);
            // Chunks are authenticated as they are read, so plaintext may flow straight to the caller unless a good
            // signature is required first; a later failure still raises (the output is then incomplete, never wrong).
            bool holdBack = options.RequireValidSignature && !options.ReleaseUnverifiedPlaintext;
            try
            {
                return ReadDecrypted(clear, () => clear.IsComplete, holdBack, protection, ToCipher(cipherId),
                    decryptedWith, withPassword, recipientIds, exported, sink, session, token);
            }
            catch (IntegrityException) when (fromGivenSessionKey && clear.PlaintextLength == 0)
            {
                // The first chunk did not authenticate under a caller's session key, which nothing else vouches for:
                // as a quick check that fails (see DecryptPackets), this is "no key".
                throw new NoDecryptionKeyException("The given session key does not decrypt this message.", recipientIds);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Reads the decrypted packet stream: grammar, limits, signatures; releases the plaintext once authenticated.</summary>
    /// <remarks>Held-back plaintext waits in a <see cref="HoldBackBuffer"/>, or, given <paramref name="twice"/>, is
    /// only recorded, and <paramref name="replay"/> releases it from a second pass over the input.</remarks>
    private static DecryptionResult ReadDecrypted(Stream clear, Func<bool> authenticated, bool holdBack, Protection protection, SymmetricCipher? cipher,
        string? decryptedWith, bool withPassword, List<string> recipientIds, SessionKey? exported, IoBridge sink, DecryptionSession session, CancellationToken token,
        SecondPass? twice = null, Action? replay = null)
    {
        var options = session.Options;
        // The cipher of a SEIPD v1 message comes out of the session key packet: when nothing is released early it is
        // judged only once the data proves authentic, so that a forged RSA PKESK cannot learn "well-formed and names a
        // refused cipher" from a policy error (RFC 9580 section 13.5).
        if (!holdBack) PolicyChecks.ReadCipher(options.Policy, cipher, protection);
        var reader = new ContentReader(options.EffectiveLimits, session.Verifiers, options.Progress, token);
        HoldBackBuffer? held = holdBack && twice is null ? new HoldBackBuffer(options.HoldBackMemoryBytes) : null;
        try
        {
            var counted = new CountingStream(clear);
            Action<ReadOnlySpan<byte>> write = twice is not null ? twice.Record : held is not null ? held.Write : data => sink.Write(data);
            try
            {
                reader.Read(counted, write, 0, counted);
                Drain(counted);
            }
            catch (Exception e) when (e is CryptoMailException or IOException or InvalidDataException)
            {
                // Until the whole packet has authenticated, what went wrong (a quick check, a garbage packet, broken
                // compressed data, a tag, the MDC, truncation) must not show: read the rest through the integrity
                // check, and name the problem only when the data proves authentic (the sender wrote it so).
                if (!DrainedAuthentic(clear, authenticated)) throw DecryptionFailure.Create();
                throw;
            }
            if (!authenticated()) throw DecryptionFailure.Create();
            if (holdBack) PolicyChecks.ReadCipher(options.Policy, cipher, protection);

            var verdicts = reader.Verdicts(options.SignatureNotBefore, options.SignatureNotAfter, options.Policy, session.DecryptingFingerprints(decryptedWith));
            Require(options.RequireValidSignature, verdicts);
            held?.CopyTo(sink, token);
            replay?.Invoke();
            sink.Flush();
            return new DecryptionResult(true, decryptedWith, withPassword, recipientIds, cipher, true, protection.Kind, reader.Compression,
                reader.FileName, reader.Format, reader.ModificationTime, verdicts, reader.Length, options.ReleaseUnverifiedPlaintext)
            {
                Aead = protection.Aead,
                SessionKey = exported,
                WeakCipher = cipher is { } used && (options.Policy ?? OpenPgpPolicy.Default).WeakCiphers.Contains(used),
                PostQuantum = session.PostQuantum,
            };
        }
        finally
        {
            held?.Dispose();
        }
    }

    /// <summary>Tries every PKESK with every fitting secret key (each unlocked once per operation); records in
    /// <paramref name="problems"/> why a fitting key could not be used. With <paramref name="keepFirst"/>, the first key a
    /// PKESK yielded is also returned when <paramref name="accept"/> takes none (the caller owns it).</summary>
    private static (SessionKeyMaterial? Key, string? DecryptedWith, SessionKeyMaterial? First, string? FirstWith) FromPkesks(
        List<Pkesk> pkesks, DecryptionSession session, int? keySize, Func<SessionKeyMaterial, bool> accept, bool keepFirst, KeyProblems problems)
    {
        SessionKeyMaterial? first = null;
        string? firstWith = null;
        foreach (var pkesk in pkesks)
        {
            foreach (var secret in session.Keys)
            {
                foreach (var kid in CandidateKeyIds(secret, pkesk.KeyId))
                {
                    AsymmetricPrivateKey? priv;
                    try { priv = session.Unlocks.PrivateKey(secret, kid, session.Options.KeyPassphrases, session.Prompt); }
                    catch (KeyNotUsableException e)
                    {
                        problems.Unusable(e, secret.Ring.SecretFor(kid));
                        continue;
                    }
                    if (priv is null || !secret.Certificate.Validated.ByKeyId.TryGetValue(kid, out var pub)) continue;
                    if (pkesk.Algorithm != pub.Algorithm)
                    {
                        problems.OtherAlgorithm(pkesk, pub);
                        continue;
                    }
                    var candidate = SessionKeyDecryptor.TryDecrypt(pkesk, priv, pub, keySize);
                    if (candidate is null) continue;
                    if (keySize is null && !SessionKeyMaterial.IsKnown(candidate.Algorithm))
                    {
                        // Only an authenticated key wrap (ECDH, X25519, X448) gets here: RSA and ElGamal turn an unknown
                        // cipher into a pseudo-random key (implicit rejection), so no padding oracle appears.
                        problems.UnsupportedCipher = candidate.Algorithm;
                        candidate.Dispose();
                        continue;
                    }
                    if (accept(candidate))
                    {
                        first?.Dispose();
                        return (candidate, Hex.Of(pub.Fingerprint), null, null);
                    }
                    if (keepFirst && first is null) (first, firstWith) = (candidate, Hex.Of(pub.Fingerprint));
                    else candidate.Dispose();
                }
            }
        }
        return (null, null, first, firstWith);
    }

    private static CryptoMailException NoKey(KeyProblems problems, List<string> recipientIds, DecryptionSession session) =>
        problems.ToException(recipientIds, session.Unlocks.ProviderExhausted,
            passphrasesGiven: session.Options.KeyPassphrases.Count > 0);

    private static IEnumerable<long> CandidateKeyIds(SecretKey key, long keyId)
    {
        if (keyId != 0)
        {
            if (key.Ring.SecretFor(keyId) is not null) yield return keyId;
            yield break;
        }
        // Anonymous recipient (wildcard key ID): try every key that may encrypt.
        foreach (var k in key.Certificate.Subkeys.Append(key.Certificate.PrimaryKey))
        {
            if ((k.Usage & (KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage)) != 0) yield return Certificate.KeyIdOf(k);
        }
    }

    private static SymmetricCipher? ToCipher(int alg) => Enum.IsDefined((SymmetricCipher)alg) ? (SymmetricCipher)alg : null;

    /// <summary>Reads <paramref name="clear"/> to its end after a failure; true when that completes and the data
    /// proves authentic.</summary>
    private static bool DrainedAuthentic(Stream clear, Func<bool> authenticated)
    {
        try
        {
            Drain(clear);
        }
        catch (Exception e) when (e is CryptoMailException or IOException or InvalidDataException)
        {
            return false;
        }
        return authenticated();
    }

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

    /// <summary>Verifies a detached signature; follows the async convention (<see cref="AsyncMode"/>): the bounded
    /// signature and then the data are read from the caller's streams, asynchronously in async mode.</summary>
    public static ValueTask<VerificationResult> VerifyDetached(Stream data, Stream signature, VerifyOptions options, bool async, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(options);
        Check.NoNulls(options.Verifiers, nameof(options.Verifiers));
        return Guard.RunAsync(async () =>
        {
            var sigBytes = await PgpInput.ReadAllBoundedAsync(signature, MaxSignatureBytes, async, token).ConfigureAwait(false);
            // One shared hash per algorithm and mode, however many signatures (at most Limits.MaxSignatures) use it.
            var pool = new HashPool();
            var verifiers = new VerifierSet(options.Verifiers, options.VerifierLookup, token);
            var pending = SignatureReader.ReadAll(sigBytes, "Reading signatures", options.EffectiveLimits.MaxSignatures)
                .Select(sig => SignatureChecker.ForSignature(sig, verifiers, pool)).ToList();
            long total = 0;
            // The hashes run on the second core while this one reads the next chunk.
            await ParallelStage.PumpAsync(m => AsyncMode.ReadAsync(data, m, async, token), 1 << 18, pool.IsEmpty ? null : (buffer, offset, count) => pool.Update(buffer.AsSpan(offset, count)), chunk =>
            {
                total += chunk.Length;
                options.Progress?.Report(total);
            }, null, token).ConfigureAwait(false);
            var context = new VerdictContext(options.SignatureNotBefore, options.SignatureNotAfter, options.Policy);
            var verdicts = pending.Select(p => SignatureChecker.Verdict(p, context)).ToList();
            Require(options.RequireValidSignature, verdicts);
            return new VerificationResult(verdicts);
        }, "Verifying");
    }

    public static VerificationResult VerifyInline(Stream input, Stream output, VerifyOptions options, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        Check.NoNulls(options.Verifiers, nameof(options.Verifiers));
        return Guard.Run(() =>
        {
            var source = new IoBridge(input, token);
            var sink = new IoBridge(output, token);
            var verifiers = new VerifierSet(options.Verifiers, options.VerifierLookup, token);
            var (packets, kind, raw) = MessageInput.Open(source, "Verifying");
            if (kind == MessageInput.Kind.Cleartext)
            {
                var v = Cleartext.Verify(raw, sink, verifiers, options.SignatureNotBefore, options.SignatureNotAfter, options.Policy, options.RequireValidSignature, 32L << 20, options.EffectiveLimits, token);
                return new VerificationResult(v.Signatures);
            }
            var head = new PeekStream(packets, 1);
            if (head.Head.Length == 0) throw new MalformedDataException("The input holds no OpenPGP packets.");
            if ((head.Head[0] & 0x80) == 0) throw new MalformedDataException("The input is not OpenPGP data.");
            if (PacketTags.TryTagOf(head.Head, out var tag) && PacketTags.IsEncryption(tag)) throw new MalformedDataException("The message is encrypted: decrypt it instead.");
            var counted = new CountingStream(head);
            var reader = new ContentReader(options.EffectiveLimits, verifiers, options.Progress, token);
            using var held = new HoldBackBuffer(32L << 20);
            reader.Read(counted, held.Write, 0, counted);
            var verdicts = reader.Verdicts(options.SignatureNotBefore, options.SignatureNotAfter, options.Policy);
            Require(options.RequireValidSignature, verdicts);
            held.CopyTo(sink, token);
            sink.Flush();
            return new VerificationResult(verdicts);
        }, "Verifying");
    }

    internal static void RequireGood(bool required, IReadOnlyList<SignatureVerification> verdicts) => Require(required, verdicts);

    /// <summary>Splits an inline-signed or cleartext-signed message into its data and its signatures.</summary>
    public static int DetachSignatures(Stream input, Stream data, Stream signatures, bool armor, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(signatures);
        return Guard.Run(() =>
        {
            var source = new IoBridge(input, token);
            var dataSink = new IoBridge(data, token);
            var (packets, kind, raw) = MessageInput.Open(source, "Detaching signatures");
            byte[] binary;
            if (kind == MessageInput.Kind.Cleartext)
            {
                binary = Cleartext.Detach(raw, dataSink, token);
            }
            else
            {
                using var sigs = new MemoryStream();
                bool sawLiteral = false;
                while (PacketReader.Read(packets) is var (tag, body))
                {
                    switch (tag)
                    {
                        case PacketTag.Marker or PacketTag.Padding or PacketTag.OnePassSignature:
                            body.Skip();
                            break;
                        case PacketTag.Signature:
                            PacketWriter.WritePacket(sigs, PacketTag.Signature, PacketReader.ReadSmallBody(body, SignatureReader.MaxSignatureBytes, "signature"));
                            break;
                        case PacketTag.LiteralData when !sawLiteral:
                        {
                            sawLiteral = true;
                            body.ReadByte();
                            int nameLength = body.ReadByte();
                            if (nameLength < 0) throw new MalformedDataException("The literal data packet is truncated.");
                            PacketReader.ReadExactly(body, new byte[nameLength + 4]);
                            body.CopyTo(dataSink, 1 << 16);
                            break;
                        }
                        case PacketTag.CompressedData:
                            throw new MalformedDataException("Compressed signed messages cannot be split; verify them instead.");
                        default:
                            throw new MalformedDataException("The input is not an inline-signed message.");
                    }
                }
                if (!sawLiteral) throw new MalformedDataException("The input holds no signed data.");
                binary = sigs.ToArray();
            }
            if (binary.Length == 0) throw new MalformedDataException("The message holds no signature.");
            int count = SignatureReader.ReadAll(binary, "Reading signatures").Count;
            var sigSink = new IoBridge(signatures, token);
            if (armor)
            {
                using var a = new ArmorStream(sigSink, ArmorKind.Signature);
                a.Write(binary);
            }
            else
            {
                sigSink.Write(binary);
            }
            sigSink.Flush();
            dataSink.Flush();
            return count;
        }, "Detaching signatures");
    }
}
