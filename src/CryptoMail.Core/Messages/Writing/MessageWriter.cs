using System.Buffers;
using SignaturePacket = CryptoMail.Core.Packets.SignaturePacket;
using PacketTag = CryptoMail.Core.Types.PacketTag;

namespace CryptoMail.Core.Messages.Writing;

/// <summary>A signer ready to hash: the signature being built (platform hash, v6 salt already fed) and the key
/// it signs with.</summary>
internal sealed class ActiveSigner
{
    public required SignaturePacket.SignatureBuilder Builder { get; init; }
    public required AsymmetricPrivateKey Private { get; init; }
    public required KeyPacket Public { get; init; }
    public required HashAlgorithmId HashAlgorithm { get; init; }
    public required int Type { get; init; }
    public required SignatureInfo Info { get; init; }
    public TextCanonicalizer? Text { get; set; }

    /// <summary>Hashes data as it is (the canonicalizer calls this for text signatures).</summary>
    public void Raw(ReadOnlySpan<byte> data) => Builder.Hash.AppendData(data);

    public void Update(ReadOnlySpan<byte> data)
    {
        if (Text is not null) Text.Update(data);
        else Raw(data);
    }

    /// <summary>The one-pass signature packet: v6 (salt, fingerprint) for v6 keys, v3 otherwise.</summary>
    public void WriteOnePass(Stream output, bool nested) =>
        PacketWriter.WritePacket(output, PacketTag.OnePassSignature, OnePassSignature.Encode(Type, HashAlgorithm, Public, Builder.Salt, nested));

    public SignaturePacket Generate() => UnusableKeys.Surface(() => Builder.Sign(Public, Private));
}

/// <summary>Writes OpenPGP messages as a stack of streaming stages: literal data, optional compression,
/// SEIPD v1 encryption, optional armor. Memory does not grow with the input.</summary>
internal static class MessageWriter
{
    private const int BufferSize = 1 << 16;
    private const int PumpChunkSize = 1 << 18;

    /// <summary>Encrypts; follows the async convention (<see cref="AsyncMode"/>): the stages run in memory on this
    /// thread or the continuation, only <see cref="Pump"/> and the <see cref="CallerSink"/> touch the caller's streams.</summary>
    public static ValueTask<EncryptionResult> Encrypt(Stream input, Stream output, EncryptOptions options, bool async, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Recipients.Count == 0 && options.Passwords.Count == 0)
            throw new ArgumentException("Give at least one recipient certificate or password.", nameof(options));
        if (options.Passwords.Any(string.IsNullOrEmpty))
            throw new ArgumentException("Passwords must not be empty.", nameof(options));
        Check.NoNulls(options.Recipients, nameof(options.Recipients));
        ArgumentNullException.ThrowIfNull(options.Signing, nameof(options.Signing));
        Check.NoNulls(options.Signing.Signers, nameof(options.Signing.Signers));

        return Guard.RunAsync(async () =>
        {
            token.ThrowIfCancellationRequested();
            var time = options.Time ?? DateTimeOffset.UtcNow;
            PolicyChecks.WriteCipher(options.Policy, options.Cipher);
            var recipients = PolicyChecks.Recipients(options.Recipients, options.Policy, time,
                options.PostQuantumCompatibility, options.RequirePostQuantum);
            var signers = PrepareSigners(options.Signing, options.Signing.Mode, time, options.Policy);

            var sink = new CallerSink(output, async, token);
            ArmorStream? armor = options.Armor ? new ArmorStream(sink, ArmorKind.Message) : null;
            Stream target = armor ?? (Stream)sink;

            bool v2 = options.EncryptionFormat switch
            {
                EncryptionFormat.SeipdV2 => true,
                EncryptionFormat.SeipdV1 => false,
                // v6 keys imply SEIPD v2 support (RFC 9580 section 5.13.2), whatever their features say.
                _ => options.Recipients.Count > 0 && options.Recipients.All(c => c.SupportsSeipdV2 || c.Version == 6),
            };
            byte chunkOctet = ChunkSizeOctet(options.AeadChunkSize);
            using var sessionKey = new SessionKeyMaterial((int)options.Cipher,
                System.Security.Cryptography.RandomNumberGenerator.GetBytes(SessionKeyMaterial.KeyLength((int)options.Cipher)));
            var aead = (AeadAlgorithm)(int)options.Aead;
            foreach (var r in recipients) PacketWriter.WritePacket(target, PacketTag.PublicKeyEncryptedSessionKey,
                UnusableKeys.Surface(() => SessionKeyEncryptor.Pkesk(r.Key, sessionKey, v2 ? 6 : 3)));
            foreach (var pw in options.Passwords)
                PacketWriter.WritePacket(target, PacketTag.SymmetricKeyEncryptedSessionKey, Skesk.Write(pw, sessionKey, v2 ? 6 : 4, aead));
            var exported = options.ExportSessionKey ? new SessionKey((SymmetricCipher)sessionKey.Algorithm, sessionKey.Key) : null;

            long total;
            long paddingLength = 0;
            if (v2)
            {
                var header = SeipdV2Header.CreateRandom((byte)sessionKey.Algorithm, aead, chunkOctet);
                var packet = new PartialPacketStream(target, PacketTag.SymEncryptedIntegrityProtectedData);
                var encOut = new SeipdV2EncryptStream(packet, header, sessionKey.Key, leaveOpen: true);
                try
                {
                    total = await WriteSignedLiteral(input, async, sink, encOut, signers, options.Compression, options.Format, options.FileName, time, options.Progress, token).ConfigureAwait(false);
                    paddingLength = await WritePadding(sink, encOut, options.Padding ?? PaddingPolicy.None, encOut.PlaintextLength, token).ConfigureAwait(false);
                    encOut.Complete();
                }
                catch
                {
                    // Never finish a failed message with a final tag: it would verify as complete.
                    encOut.Abort();
                    throw;
                }
                encOut.Dispose();
                packet.Finish();
            }
            else
            {
                using var encOut = new SeipdV1EncryptStream(target, sessionKey);
                total = await WriteSignedLiteral(input, async, sink, encOut, signers, options.Compression, options.Format, options.FileName, time, options.Progress, token).ConfigureAwait(false);
            }
            armor?.Finish();
            await sink.FinishAsync().ConfigureAwait(false);
            return new EncryptionResult(recipients.Select(r => r.Info).ToList(), options.Passwords.Count, options.Cipher,
                v2 ? IntegrityProtection.SeipdV2 : IntegrityProtection.SeipdV1, signers.Select(s => s.Info).ToList(), total, options.Armor)
            {
                Aead = v2 ? options.Aead : null,
                SessionKey = exported,
                PaddingLength = paddingLength,
            };
        }, "Encrypting");
    }

    public static ValueTask<SigningResult> SignDetached(Stream input, Stream output, SignOptions options, bool async, CancellationToken token) =>
        Signing(input, output, options, options.Mode, async, async (sink, signers, _) =>
        {
            await Pump(input, async, signers, null, sink, options.Progress, token).ConfigureAwait(false);
            ArmorStream? armor = options.Armor ? new ArmorStream(sink, ArmorKind.Signature) : null;
            Stream target = armor ?? (Stream)sink;
            foreach (var s in signers) target.Write(s.Generate().Encoded());
            armor?.Finish();
        }, token);

    public static ValueTask<SigningResult> SignInline(Stream input, Stream output, SignOptions options, bool async, CancellationToken token) =>
        Signing(input, output, options, options.Mode, async, async (sink, signers, time) =>
        {
            ArmorStream? armor = options.Armor ? new ArmorStream(sink, ArmorKind.Message) : null;
            Stream target = armor ?? (Stream)sink;
            var format = options.Mode == SignatureMode.Text ? LiteralFormat.Utf8 : LiteralFormat.Binary;
            await WriteSignedLiteral(input, async, sink, new NonClosingStream(target), signers, Compression.None, format, string.Empty, time, options.Progress, token).ConfigureAwait(false);
            armor?.Finish();
        }, token);

    /// <summary>The frame every signing operation shares: argument checks, signer preparation, the caller's output
    /// behind the boundary (a <see cref="CallerSink"/>), and the result. Follows the async convention.</summary>
    public static ValueTask<SigningResult> Signing(Stream input, Stream output, SignOptions options, SignatureMode mode, bool async,
        Func<CallerSink, List<ActiveSigner>, DateTimeOffset, ValueTask> body, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Signers.Count == 0) throw new ArgumentException("Give at least one signing key.", nameof(options));
        Check.NoNulls(options.Signers, nameof(options.Signers));
        return Guard.RunAsync(async () =>
        {
            token.ThrowIfCancellationRequested();
            var time = options.Time ?? DateTimeOffset.UtcNow;
            var signers = PrepareSigners(options, mode, time, options.Policy);
            var sink = new CallerSink(output, async, token);
            await body(sink, signers, time).ConfigureAwait(false);
            await sink.FinishAsync().ConfigureAwait(false);
            return new SigningResult(signers.Select(s => s.Info).ToList(), Micalg(options.Hash));
        }, "Signing");
    }

    /// <summary>Appends a padding packet (tag 21) of random octets as the policy asks; returns its whole length.</summary>
    private static async ValueTask<long> WritePadding(CallerSink sink, Stream output, PaddingPolicy policy, long contentLength, CancellationToken token)
    {
        int body = policy.BodyLength(contentLength);
        if (body < 0) return 0;
        var header = new MemoryStream(6);
        PacketWriter.WriteHeader(header, PacketTag.Padding, body);
        output.Write(header.GetBuffer(), 0, (int)header.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(body, BufferSize));
        try
        {
            for (int left = body; left > 0;)
            {
                token.ThrowIfCancellationRequested();
                int n = Math.Min(left, buffer.Length);
                System.Security.Cryptography.RandomNumberGenerator.Fill(buffer.AsSpan(0, n));
                output.Write(buffer, 0, n);
                await sink.DrainAsync().ConfigureAwait(false);
                left -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return header.Length + body;
    }

    private static byte ChunkSizeOctet(int size)
    {
        if (size < 64 || size > (4 << 20) || (size & (size - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(size), "The AEAD chunk size must be a power of two from 64 bytes to 4 MiB.");
        return (byte)(System.Numerics.BitOperations.Log2((uint)size) - 6);
    }

    public static string Micalg(OpenPgpHashAlgorithm hash) => "pgp-" + SignatureChecker.HashName((HashAlgorithmId)(int)hash).ToLowerInvariant();

    /// <summary>[compression] one-pass signatures, literal data, signatures (in reverse order).</summary>
    private static async ValueTask<long> WriteSignedLiteral(Stream input, bool async, CallerSink sink, Stream output, List<ActiveSigner> signers,
        Compression compression, LiteralFormat format, string fileName, DateTimeOffset time, IProgress<long>? progress, CancellationToken token)
    {
        bool compressed = compression != Compression.None;
        Stream body = output;
        if (compressed)
        {
            body = PacketStreams.Compressed(new NonClosingStream(output), compression switch
            {
                Compression.Zip => CompressionAlgorithmId.Zip,
                Compression.Zlib => CompressionAlgorithmId.Zlib,
                _ => CompressionAlgorithmId.BZip2,
            }, new byte[BufferSize]);
        }
        for (int i = 0; i < signers.Count; i++)
        {
            signers[i].WriteOnePass(body, nested: i < signers.Count - 1);
        }
        char formatChar = format switch { LiteralFormat.Text => 't', LiteralFormat.Utf8 => 'u', _ => 'b' };
        long total;
        using (var lit = PacketStreams.Literal(new NonClosingStream(body), formatChar, fileName, time.UtcDateTime, new byte[BufferSize]))
        {
            total = await Pump(input, async, signers, lit, sink, progress, token).ConfigureAwait(false);
        }
        for (int i = signers.Count - 1; i >= 0; i--)
        {
            body.Write(signers[i].Generate().Encoded());
        }
        if (compressed) body.Dispose();
        return total;
    }

    /// <summary>Reads the caller's input to its end (asynchronously in async mode), hashing it for every signer (on
    /// the second core, while this one writes the chunk on and reads the next), writing it to <paramref name="stages"/>
    /// and handing what that produced to the caller's output after every chunk.</summary>
    private static ValueTask<long> Pump(Stream input, bool async, List<ActiveSigner> signers, Stream? stages, CallerSink sink,
        IProgress<long>? progress, CancellationToken token)
    {
        long total = 0;
        return ParallelStage.PumpAsync(m => AsyncMode.ReadAsync(input, m, async, token), PumpChunkSize, signers.Count == 0 ? null : (buffer, offset, count) =>
        {
            foreach (var s in signers) s.Update(buffer.AsSpan(offset, count));
        }, chunk =>
        {
            stages?.Write(chunk);
            total += chunk.Length;
            progress?.Report(total);
        }, sink.DrainAsync, token);
    }

    /// <summary>Picks each key's signing (sub)key alive at <paramref name="time"/> and readies a generator.</summary>
    public static List<ActiveSigner> PrepareSigners(SignatureSettings settings, SignatureMode mode, DateTimeOffset time, OpenPgpPolicy? policy)
    {
        IEnumerable<SecretKey> keys = settings.Signers;
        IEnumerable<string> passphrases = settings.SignerPassphrases;
        var hash = settings.Hash;
        var result = new List<ActiveSigner>();
        foreach (var key in keys)
        {
            ArgumentNullException.ThrowIfNull(key);
            var candidates = PolicyChecks.SigningKeys(key.Certificate, policy, time);
            AsymmetricPrivateKey? priv = null;
            KeyInfo? chosen = null;
            foreach (var c in candidates)
            {
                priv = key.GetPrivateKey(Certificate.KeyIdOf(c), passphrases);
                if (priv is not null) { chosen = c; break; }
            }
            if (priv is null || chosen is null)
                throw new KeyNotUsableException($"Key {key} holds no secret material for its signing keys.");
            var pub = key.Certificate.Validated.ByKeyId[Certificate.KeyIdOf(chosen)];
            var hashTag = (HashAlgorithmId)(int)hash;
            // Ed448 needs a hash of at least 512 bits (RFC 9580 section 5.2.3.4).
            if (pub.Algorithm == PublicKeyAlgorithmId.Ed448 && hashTag != HashAlgorithmId.Sha512) hashTag = HashAlgorithmId.Sha512;
            PolicyChecks.SignatureHash(policy, (OpenPgpHashAlgorithm)(int)hashTag, time);
            int type = mode == SignatureMode.Text ? 0x01 : 0x00;
            var when = DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());
            var hashed = new[] { Subpacket.Time(SubpacketType.CreationTime, when), Subpacket.Issuer(pub) };
            // v4 signatures also carry the issuer key ID (unhashed) for older readers.
            var unhashed = pub.Version == 6 ? null : new[] { Subpacket.IssuerId(pub.KeyId) };
            var info = new SignatureInfo(chosen.Fingerprint, key.Fingerprint, (OpenPgpHashAlgorithm)(int)hashTag, when, mode);
            var signer = new ActiveSigner
            {
                Builder = SignaturePacket.Build(pub, type, hashTag, hashed, unhashed),
                Private = priv,
                Public = pub,
                HashAlgorithm = hashTag,
                Type = type,
                Info = info,
            };
            if (mode == SignatureMode.Text) signer.Text = new TextCanonicalizer(signer.Raw);
            result.Add(signer);
        }
        return result;
    }
}
