using System.Buffers;
using Org.BouncyCastle.Bcpg;
using SignaturePacket = CryptoMail.Core.Packets.SignaturePacket;
using Org.BouncyCastle.Bcpg.OpenPgp;
using PacketTag = CryptoMail.Core.Types.PacketTag;

namespace CryptoMail.Core.Messages.Writing;

/// <summary>A signer ready to hash: the signature being built (platform hash, v6 salt already fed) and the key
/// it signs with.</summary>
internal sealed class ActiveSigner
{
    public required SignaturePacket.SignatureBuilder Builder { get; init; }
    public required Org.BouncyCastle.Crypto.AsymmetricKeyParameter Private { get; init; }
    public required KeyPacket Public { get; init; }
    public required HashAlgorithmTag HashAlgorithm { get; init; }
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

    public SignaturePacket Generate() => Builder.Sign(Public, Private);
}

/// <summary>Writes OpenPGP messages as a stack of streaming stages: literal data, optional compression,
/// SEIPD v1 encryption, optional armor. Memory does not grow with the input.</summary>
internal static class MessageWriter
{
    private const int BufferSize = 1 << 16;
    private const int PumpChunkSize = 1 << 18;

    public static EncryptionResult Encrypt(Stream input, Stream output, EncryptOptions options, bool async, CancellationToken token)
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

        return Guard.Run(() =>
        {
            var time = options.Time ?? DateTimeOffset.UtcNow;
            PolicyChecks.WriteCipher(options.Policy, options.Cipher);
            var recipients = PolicyChecks.Recipients(options.Recipients, options.Policy, time);
            var signers = PrepareSigners(options.Signing, options.Signing.Mode, time, options.Policy);

            var source = new IoBridge(input, async, token);
            var sink = new IoBridge(output, async, token);
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
                System.Security.Cryptography.RandomNumberGenerator.GetBytes(SessionKeyDecryptor.KeyLength((int)options.Cipher)));
            var aead = (AeadAlgorithm)(int)options.Aead;
            foreach (var r in recipients) PacketWriter.WritePacket(target, PacketTag.PublicKeyEncryptedSessionKey, SessionKeyEncryptor.Pkesk(r.Key, sessionKey, v2 ? 6 : 3));
            foreach (var pw in options.Passwords)
                PacketWriter.WritePacket(target, PacketTag.SymmetricKeyEncryptedSessionKey, Skesk.Write(pw, sessionKey, v2 ? 6 : 4, aead));
            var exported = options.ExportSessionKey ? new SessionKey(sessionKey.Algorithm, sessionKey.Key) : null;

            long total;
            long paddingLength = 0;
            if (v2)
            {
                var header = SeipdV2Header.CreateRandom((byte)sessionKey.Algorithm, aead, chunkOctet);
                var packet = new PartialPacketStream(target, PacketTag.SymEncryptedIntegrityProtectedData);
                var encOut = new SeipdV2EncryptStream(packet, header, sessionKey.Key, leaveOpen: true);
                try
                {
                    total = WriteSignedLiteral(source, encOut, signers, options.Compression, options.Format, options.FileName, time, options.Progress, token);
                    paddingLength = WritePadding(encOut, options.Padding ?? PaddingPolicy.None, encOut.PlaintextLength, token);
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
                total = WriteSignedLiteral(source, encOut, signers, options.Compression, options.Format, options.FileName, time, options.Progress, token);
            }
            armor?.Finish();
            sink.Flush();
            return new EncryptionResult(recipients.Select(r => r.Info).ToList(), options.Passwords.Count, options.Cipher,
                v2 ? IntegrityProtection.SeipdV2 : IntegrityProtection.SeipdV1, signers.Select(s => s.Info).ToList(), total, options.Armor)
            {
                Aead = v2 ? options.Aead : null,
                SessionKey = exported,
                PaddingLength = paddingLength,
            };
        }, "Encrypting");
    }

    public static SigningResult SignDetached(Stream input, Stream output, SignOptions options, bool async, CancellationToken token) =>
        Signing(input, output, options, options.Mode, async, (source, sink, signers, _) =>
        {
            Pump(source, signers, null, options.Progress, token);
            ArmorStream? armor = options.Armor ? new ArmorStream(sink, ArmorKind.Signature) : null;
            Stream target = armor ?? (Stream)sink;
            foreach (var s in signers) target.Write(s.Generate().Encoded());
            armor?.Finish();
        }, token);

    public static SigningResult SignInline(Stream input, Stream output, SignOptions options, bool async, CancellationToken token) =>
        Signing(input, output, options, options.Mode, async, (source, sink, signers, time) =>
        {
            ArmorStream? armor = options.Armor ? new ArmorStream(sink, ArmorKind.Message) : null;
            Stream target = armor ?? (Stream)sink;
            var format = options.Mode == SignatureMode.Text ? LiteralFormat.Utf8 : LiteralFormat.Binary;
            WriteSignedLiteral(source, new NonClosingStream(target), signers, Compression.None, format, string.Empty, time, options.Progress, token);
            armor?.Finish();
        }, token);

    /// <summary>The frame every signing operation shares: argument checks, signer preparation, the caller's streams
    /// behind the boundary, and the result.</summary>
    public static SigningResult Signing(Stream input, Stream output, SignOptions options, SignatureMode mode, bool async,
        Action<IoBridge, IoBridge, List<ActiveSigner>, DateTimeOffset> body, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Signers.Count == 0) throw new ArgumentException("Give at least one signing key.", nameof(options));
        Check.NoNulls(options.Signers, nameof(options.Signers));
        return Guard.Run(() =>
        {
            var time = options.Time ?? DateTimeOffset.UtcNow;
            var signers = PrepareSigners(options, mode, time, options.Policy);
            var sink = new IoBridge(output, async, token);
            body(new IoBridge(input, async, token), sink, signers, time);
            sink.Flush();
            return new SigningResult(signers.Select(s => s.Info).ToList(), Micalg(options.Hash));
        }, "Signing");
    }

    /// <summary>Appends a padding packet (tag 21) of random octets as the policy asks; returns its whole length.</summary>
    private static long WritePadding(Stream output, PaddingPolicy policy, long contentLength, CancellationToken token)
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

    public static string Micalg(OpenPgpHashAlgorithm hash) => "pgp-" + SignatureChecker.HashName((HashAlgorithmTag)(int)hash).ToLowerInvariant();

    /// <summary>[compression] one-pass signatures, literal data, signatures (in reverse order).</summary>
    private static long WriteSignedLiteral(Stream source, Stream output, List<ActiveSigner> signers, Compression compression,
        LiteralFormat format, string fileName, DateTimeOffset time, IProgress<long>? progress, CancellationToken token)
    {
        PgpCompressedDataGenerator? comGen = null;
        Stream body = output;
        if (compression != Compression.None)
        {
            comGen = new PgpCompressedDataGenerator(compression switch
            {
                Compression.Zip => CompressionAlgorithmTag.Zip,
                Compression.Zlib => CompressionAlgorithmTag.ZLib,
                _ => CompressionAlgorithmTag.BZip2,
            });
            body = comGen.Open(new NonClosingStream(output), new byte[BufferSize]);
        }
        for (int i = 0; i < signers.Count; i++)
        {
            signers[i].WriteOnePass(body, nested: i < signers.Count - 1);
        }
        var litGen = new PgpLiteralDataGenerator();
        char formatChar = format switch { LiteralFormat.Text => PgpLiteralData.Text, LiteralFormat.Utf8 => PgpLiteralData.Utf8, _ => PgpLiteralData.Binary };
        long total;
        using (var lit = litGen.Open(new NonClosingStream(body), formatChar, fileName, time.UtcDateTime, new byte[BufferSize]))
        {
            total = Pump(source, signers, lit, progress, token);
        }
        for (int i = signers.Count - 1; i >= 0; i--)
        {
            body.Write(signers[i].Generate().Encoded());
        }
        if (comGen is not null) body.Dispose();
        return total;
    }

    /// <summary>Reads the input to its end, hashing it for every signer (on the second core, while this one
    /// writes the chunk on and reads the next) and writing it to <paramref name="sink"/>.</summary>
    private static long Pump(Stream source, List<ActiveSigner> signers, Stream? sink, IProgress<long>? progress, CancellationToken token)
    {
        long total = 0;
        return ParallelStage.Pump(source, PumpChunkSize, signers.Count == 0 ? null : (buffer, offset, count) =>
        {
            foreach (var s in signers) s.Update(buffer.AsSpan(offset, count));
        }, chunk =>
        {
            sink?.Write(chunk);
            total += chunk.Length;
            progress?.Report(total);
        }, token);
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
            Org.BouncyCastle.Crypto.AsymmetricKeyParameter? priv = null;
            KeyInfo? chosen = null;
            foreach (var c in candidates)
            {
                priv = key.GetPrivateKey(Certificate.KeyIdOf(c), passphrases);
                if (priv is not null) { chosen = c; break; }
            }
            if (priv is null || chosen is null)
                throw new KeyNotUsableException($"Key {key} holds no secret material for its signing keys.");
            var pub = key.Certificate.Validated.ByKeyId[Certificate.KeyIdOf(chosen)];
            var hashTag = (HashAlgorithmTag)(int)hash;
            // Ed448 needs a hash of at least 512 bits (RFC 9580 section 5.2.3.4).
            if (pub.Algorithm == PublicKeyAlgorithmTag.Ed448 && hashTag != HashAlgorithmTag.Sha512) hashTag = HashAlgorithmTag.Sha512;
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
