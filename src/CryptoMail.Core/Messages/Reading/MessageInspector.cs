using System.Buffers;
using PacketTag = CryptoMail.Core.Types.PacketTag;

namespace CryptoMail.Core.Messages.Reading;

/// <summary>Reads the start of a message, up to its encrypted data packet or its literal data packet, and reports
/// what it names (recipients, passwords, the encrypted data packet, signers) without decrypting or verifying
/// anything. Every packet goes through the packet layer's readers; every count and size is bounded by
/// <see cref="ReadLimits"/>: session key packets by <see cref="ReadLimits.MaxRecipients"/>, signatures by
/// <see cref="ReadLimits.MaxSignatures"/>, compressed layers by <see cref="ReadLimits.MaxNestingDepth"/> and
/// <see cref="ReadLimits.MaxDecompressedBytes"/>.</summary>
internal sealed class MessageInspector
{
    private const string What = "Inspecting";
    private const int MaxSessionKeyPacketBytes = 1 << 16;
    private const int MaxOnePassBytes = 1 << 10;

    private readonly ReadLimits limits;
    private readonly CancellationToken token;
    private readonly List<InspectedRecipient> recipients = new();
    private readonly List<InspectedPassword> passwords = new();
    private readonly List<InspectedSigner> signers = new();
    private long decompressed;

    private MessageInspector(ReadLimits limits, CancellationToken token)
    {
        this.limits = limits;
        this.token = token;
    }

    /// <summary>Inspects the message at the start of <paramref name="input"/> (armored or binary), reading it through
    /// its synchronous methods and no further than needed.</summary>
    public static MessageInspection Inspect(Stream input, ReadLimits limits, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Guard.Run(() => Run(new IoBridge(input, token, readAhead: true), limits, token), What);
    }

    /// <summary>The asynchronous form: reads the caller's stream only with its asynchronous method, into a buffer that
    /// grows (doubling) until the synchronous inspection over it needs no more input. The input is read in pieces,
    /// so the buffer ends at most one doubling beyond the header packets, never at the end of a large message.</summary>
    public static async Task<MessageInspection> InspectAsync(Stream input, ReadLimits limits, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(input);
        var prefix = new GrowingPrefix();
        int want = 4096;
        while (true)
        {
            await prefix.FillAsync(input, want, token).ConfigureAwait(false);
            var found = Guard.Run(() =>
            {
                try
                {
                    return Run(prefix.OpenRead(), limits, token);
                }
                catch (Exception e) when (NeedsMore(e))
                {
                    return null;
                }
            }, What);
            if (found is not null) return found;
            want = Math.Max(want, prefix.Length);
        }
    }

    /// <summary>Whether <paramref name="e"/> (or what it wraps: a decompressor may wrap its input's failure) is the
    /// prefix reader asking for more input.</summary>
    private static bool NeedsMore(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is NeedMoreInputException) return true;
        }
        return false;
    }

    private static MessageInspection Run(Stream input, ReadLimits limits, CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        var (packets, kind, _) = MessageInput.Open(input, What);
        if (kind == MessageInput.Kind.Cleartext) return new MessageInspection { Kind = MessageKind.CleartextSigned, IsArmored = true };
        return new MessageInspector(limits, token).Walk(packets) with { IsArmored = kind == MessageInput.Kind.Armored };
    }

    /// <summary>The top level: session key packets up to the encrypted data packet, or else a signed or literal
    /// message's content.</summary>
    private MessageInspection Walk(Stream packets)
    {
        var first = PacketReader.Read(packets) ?? throw new MalformedDataException($"{What}: the input holds no OpenPGP packets.");
        var (tag, body) = first;
        int examined = 0;
        while (true)
        {
            token.ThrowIfCancellationRequested();
            switch (tag)
            {
                case PacketTag.PublicKeyEncryptedSessionKey:
                case PacketTag.SymmetricKeyEncryptedSessionKey:
                    if (++examined > limits.MaxRecipients)
                        throw new LimitExceededException($"The message names more than {limits.MaxRecipients} recipients (ReadLimits.MaxRecipients).");
                    var bytes = PacketReader.ReadSmallBody(body, MaxSessionKeyPacketBytes,
                        tag == PacketTag.PublicKeyEncryptedSessionKey ? "public-key encrypted session key" : "symmetric-key encrypted session key");
                    if (tag == PacketTag.PublicKeyEncryptedSessionKey) recipients.Add(Recipient(bytes));
                    else passwords.Add(Password(bytes));
                    break;
                case PacketTag.Marker:
                case PacketTag.Padding:
                    body.Skip();
                    break;
                case PacketTag.SymmetricallyEncryptedData:
                    return Encrypted(IntegrityProtection.None, null, null);
                case PacketTag.SymEncryptedIntegrityProtectedData:
                    return Seipd(body);
                case PacketTag.OcbEncryptedData:
                {
                    var header = AeadEncryptedDataHeader.Read(body);
                    return Encrypted(IntegrityProtection.OcbEncryptedData, Cipher(header.SymmetricAlgorithm), (AeadMode)(int)header.Aead);
                }
                case PacketTag.OnePassSignature or PacketTag.Signature or PacketTag.CompressedData or PacketTag.LiteralData when examined == 0:
                    return Content(packets, (tag, body));
                default:
                    throw new MalformedDataException(examined > 0
                        ? $"{What}: unexpected packet (tag {(int)tag}) before the encrypted data."
                        : $"{What}: the input is not an OpenPGP message (it starts with a packet of tag {(int)tag}).");
            }
            (tag, body) = PacketReader.Read(packets) ?? throw new MalformedDataException($"{What}: the message holds no encrypted data.");
        }
    }

    private MessageInspection Seipd(PacketBodyStream body)
    {
        int version = body.ReadByte();
        if (version == 1) return Encrypted(IntegrityProtection.SeipdV1, null, null);
        if (version != 2) throw new MalformedDataException($"{What}: unknown encrypted data version {version}.");
        var prefix = new byte[SeipdV2Header.Size];
        prefix[0] = 2;
        int n = body.ReadAtLeast(prefix.AsSpan(1), prefix.Length - 1, throwOnEndOfStream: false);
        var header = SeipdV2Header.Parse(prefix.AsSpan(0, n + 1));
        return Encrypted(IntegrityProtection.SeipdV2, Cipher(header.SymmetricAlgorithm), (AeadMode)(int)header.Aead);
    }

    private MessageInspection Encrypted(IntegrityProtection data, SymmetricCipher? cipher, AeadMode? aead) => new()
    {
        Kind = MessageKind.Encrypted,
        Recipients = recipients,
        Passwords = passwords,
        EncryptedData = data,
        Cipher = cipher,
        Aead = aead,
    };

    /// <summary>A message that is not encrypted: signers up to the literal data packet, through compressed layers.</summary>
    private MessageInspection Content(Stream packets, (PacketTag Tag, PacketBodyStream Body) first)
    {
        var compression = Compression.None;
        bool onePass = false;
        var outcome = Layer(packets, first, 0, ref compression, ref onePass);
        return new MessageInspection { Kind = outcome, Compression = compression, Signers = signers };
    }

    private MessageKind Layer(Stream packets, (PacketTag Tag, PacketBodyStream Body)? next, int depth, ref Compression compression, ref bool onePass)
    {
        if (depth > limits.MaxNestingDepth)
            throw new LimitExceededException($"The message nests deeper than {limits.MaxNestingDepth} layers (ReadLimits.MaxNestingDepth).");
        while ((next ?? PacketReader.Read(packets)) is var (tag, body))
        {
            next = null;
            token.ThrowIfCancellationRequested();
            switch (tag)
            {
                case PacketTag.Marker:
                case PacketTag.Padding:
                    body.Skip();
                    break;
                case PacketTag.OnePassSignature:
                {
                    Admit();
                    onePass = true;
                    var bytes = PacketReader.ReadSmallBody(body, MaxOnePassBytes, "one-pass signature");
                    signers.Add(OnePassSigner(bytes));
                    break;
                }
                case PacketTag.Signature:
                {
                    Admit();
                    var sig = SignaturePacket.ParseLenient(PacketReader.ReadSmallBody(body, SignatureReader.MaxSignatureBytes, "signature"));
                    signers.Add(Signer(sig));
                    break;
                }
                case PacketTag.CompressedData:
                {
                    int algorithm = body.ReadByte();
                    var kind = algorithm switch { 0 => Compression.None, 1 => Compression.Zip, 2 => Compression.Zlib, 3 => Compression.BZip2, _ => (Compression?)null }
                        ?? throw new MalformedDataException($"{What}: the compressed data packet names an unknown compression algorithm.");
                    if (depth == 0) compression = kind;
                    using var inner = new CountingStream(ContentReader.Decompress(algorithm, body), Decompressed);
                    return Layer(inner, null, depth + 1, ref compression, ref onePass);
                }
                case PacketTag.LiteralData:
                    return signers.Count > 0 ? MessageKind.SignedOnly : MessageKind.Literal;
                default:
                    throw new MalformedDataException($"{What}: a packet of tag {(int)tag} appears where the message grammar does not allow it.");
            }
        }
        // The end before any literal data: only signature packets make sense here (detached signatures).
        if (depth == 0 && !onePass && signers.Count > 0) return MessageKind.DetachedSignature;
        throw new MalformedDataException($"{What}: the message holds no literal data.");
    }

    private void Admit()
    {
        if (signers.Count >= limits.MaxSignatures)
            throw new LimitExceededException($"The message has more than {limits.MaxSignatures} signatures (ReadLimits.MaxSignatures).");
    }

    private void Decompressed(int count)
    {
        decompressed += count;
        if (decompressed > limits.MaxDecompressedBytes)
            throw new LimitExceededException($"Compressed data expands to more than {limits.MaxDecompressedBytes} bytes (ReadLimits.MaxDecompressedBytes).");
    }

    private static InspectedRecipient Recipient(byte[] bytes)
    {
        int version = bytes.Length > 0 ? bytes[0] : 0;
        Pkesk pkesk;
        try
        {
            pkesk = version == 6 ? PkeskV6.Parse(bytes).Packet : Pkesk.Parse(bytes);
        }
        catch (UnsupportedPacketException)
        {
            return new InspectedRecipient { Version = version };
        }
        bool named = pkesk.Version == 6 ? pkesk.Fingerprint is not null : pkesk.KeyId != 0;
        return new InspectedRecipient
        {
            Version = pkesk.Version,
            IsSupported = true,
            KeyId = named ? Hex.KeyId(pkesk.KeyId) : null,
            KeyFingerprint = pkesk.Fingerprint is { } f ? Hex.Of(f) : null,
            Algorithm = Algorithm(pkesk.Algorithm),
        };
    }

    private static InspectedPassword Password(byte[] bytes)
    {
        int version = bytes.Length > 0 ? bytes[0] : 0;
        Skesk skesk;
        try
        {
            skesk = Skesk.Parse(bytes);
        }
        catch (UnsupportedPacketException)
        {
            return new InspectedPassword { Version = version };
        }
        return new InspectedPassword
        {
            Version = skesk.Version,
            IsSupported = true,
            Cipher = Cipher(skesk.Cipher),
            Aead = skesk.Version == 4 ? null : (AeadMode)(int)skesk.Aead,
            StringToKey = skesk.S2k.Type switch
            {
                S2kType.Simple => StringToKey.Simple,
                S2kType.Salted => StringToKey.Salted,
                S2kType.IteratedSalted => StringToKey.IteratedSalted,
                S2kType.Argon2 => StringToKey.Argon2,
                _ => null,
            },
        };
    }

    private static InspectedSigner OnePassSigner(byte[] bytes)
    {
        OnePassSignature ops;
        try
        {
            ops = OnePassSignature.Parse(bytes);
        }
        catch (UnsupportedPacketException)
        {
            return new InspectedSigner { IsOnePass = true, Version = bytes.Length > 0 ? bytes[0] : 0 };
        }
        return new InspectedSigner
        {
            IsOnePass = true,
            Version = ops.Version,
            KeyId = ops.KeyId != 0 ? Hex.KeyId(ops.KeyId) : null,
            KeyFingerprint = ops.Fingerprint is { } f ? Hex.Of(f) : null,
            Algorithm = Algorithm(ops.KeyAlgorithm),
            Hash = Hash((int)ops.Hash),
            Type = (SignatureType)ops.Type,
        };
    }

    private static InspectedSigner Signer(SignaturePacket sig)
    {
        if (sig.IsOpaque) return new InspectedSigner { Version = sig.Version, Type = (SignatureType)sig.Type };
        long keyId = sig.IssuerKeyId;
        return new InspectedSigner
        {
            Version = sig.Version,
            KeyId = keyId != 0 ? Hex.KeyId(keyId) : null,
            KeyFingerprint = sig.IssuerFingerprint is { } f ? Hex.Of(f) : null,
            Algorithm = Algorithm(sig.KeyAlgorithm),
            Hash = Hash((int)sig.Hash),
            Type = (SignatureType)sig.Type,
        };
    }

    private static SymmetricCipher? Cipher(int id) =>
        id != 0 && Enum.IsDefined(typeof(SymmetricCipher), id) ? (SymmetricCipher)id : null;

    private static OpenPgpHashAlgorithm Hash(int id) =>
        Enum.IsDefined(typeof(OpenPgpHashAlgorithm), id) ? (OpenPgpHashAlgorithm)id : OpenPgpHashAlgorithm.Unknown;

    /// <summary>The algorithm as users name it, from the number alone: without a key there is no curve to tell
    /// Curve25519 ECDH from NIST-curve ECDH.</summary>
    private static KeyAlgorithm Algorithm(PublicKeyAlgorithmId id) => id switch
    {
        PublicKeyAlgorithmId.RsaGeneral or PublicKeyAlgorithmId.RsaEncrypt or PublicKeyAlgorithmId.RsaSign => KeyAlgorithm.Rsa,
        PublicKeyAlgorithmId.Dsa => KeyAlgorithm.Dsa,
        PublicKeyAlgorithmId.ElGamalEncrypt or PublicKeyAlgorithmId.ElGamalGeneral => KeyAlgorithm.ElGamal,
        PublicKeyAlgorithmId.Ecdh => KeyAlgorithm.Ecdh,
        PublicKeyAlgorithmId.Ecdsa => KeyAlgorithm.Ecdsa,
        PublicKeyAlgorithmId.EdDsaLegacy or PublicKeyAlgorithmId.Ed25519 => KeyAlgorithm.Ed25519,
        PublicKeyAlgorithmId.Ed448 => KeyAlgorithm.Ed448,
        PublicKeyAlgorithmId.X25519 => KeyAlgorithm.X25519,
        PublicKeyAlgorithmId.X448 => KeyAlgorithm.X448,
        _ => KeyAlgorithm.Unknown,
    };

    /// <summary>Raised by <see cref="GrowingPrefix"/>'s reader at the end of what was read so far when the caller's
    /// stream has more: the asynchronous inspection then reads more and starts again. Never leaves this class.</summary>
    private sealed class NeedMoreInputException : Exception
    {
        public NeedMoreInputException() : base("More input is needed.") { }
    }

    /// <summary>The start of a caller's stream, read with its asynchronous method.</summary>
    private sealed class GrowingPrefix
    {
        private byte[] data = Array.Empty<byte>();
        private bool complete;

        public int Length { get; private set; }

        /// <summary>Reads up to <paramref name="more"/> further octets (fewer only at the end of the input).</summary>
        public async ValueTask FillAsync(Stream input, int more, CancellationToken token)
        {
            if (complete) return;
            int target = checked(Length + more);
            if (data.Length < target) Array.Resize(ref data, target);
            while (Length < target)
            {
                int n = await input.ReadAsync(data.AsMemory(Length, target - Length), token).ConfigureAwait(false);
                if (n == 0)
                {
                    complete = true;
                    return;
                }
                Length += n;
            }
        }

        public Stream OpenRead() => new Reader(this);

        private sealed class Reader(GrowingPrefix prefix) : ReadOnlyStage
        {
            private int position;

            public override int Read(Span<byte> buffer)
            {
                if (buffer.IsEmpty) return 0;
                int n = Math.Min(buffer.Length, prefix.Length - position);
                if (n == 0)
                {
                    if (prefix.complete) return 0;
                    throw new NeedMoreInputException();
                }
                prefix.data.AsSpan(position, n).CopyTo(buffer);
                position += n;
                return n;
            }
        }
    }
}
