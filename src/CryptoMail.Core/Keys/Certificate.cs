using System.Text;

namespace CryptoMail.Core;

/// <summary>An OpenPGP certificate (transferable public key): a primary key, its user IDs and subkeys, and the
/// signatures that bind them.</summary>
/// <remarks>Immutable and safe to share between threads. Binding signatures are checked once, when first needed;
/// <see cref="UserIds"/>, <see cref="PrimaryKey"/> and <see cref="Subkeys"/> report only what those checks
/// confirm.</remarks>
public sealed partial class Certificate
{
    private readonly Lazy<VerifiedRing> verified;
    private readonly Lazy<ValidatedKeys> validated;

    internal Certificate(KeyRing ring)
    {
        Ring = ring.HasSecret ? ring.PublicOnly() : ring;
        verified = new Lazy<VerifiedRing>(() => Guard.Run(() => KeyValidation.Verify(Ring), "Validating a certificate"), LazyThreadSafetyMode.ExecutionAndPublication);
        validated = new Lazy<ValidatedKeys>(() => Guard.Run(() => KeyValidation.Latest(this, verified.Value), "Validating a certificate"), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Our own model of the transferable public key.</summary>
    internal KeyRing Ring { get; }

    internal ValidatedKeys Validated => validated.Value;

    /// <summary>The primary key's fingerprint, uppercase hex (40 digits for v4 keys, 64 for v6 keys).</summary>
    public string Fingerprint => Hex.Of(Ring.Primary.Fingerprint);

    /// <summary>The primary key's key ID, 16 uppercase hex digits (v4: the low 64 bits of the fingerprint; v6: the
    /// high 64 bits).</summary>
    public string KeyId => Hex.KeyId(Ring.Primary.KeyId);

    /// <summary>The key version (4 or 6).</summary>
    public int Version => Ring.Primary.Version;

    /// <summary>The user IDs bound by a valid, unrevoked self-signature; the primary user ID first.</summary>
    public IReadOnlyList<string> UserIds => Validated.UserIds;

    /// <summary>The primary key.</summary>
    public KeyInfo PrimaryKey => Validated.Primary;

    /// <summary>The subkeys, in the order they appear.</summary>
    public IReadOnlyList<KeyInfo> Subkeys => Validated.Subkeys;

    /// <summary>When the primary key was created.</summary>
    public DateTimeOffset CreationTime => PrimaryKey.CreationTime;

    /// <summary>When the certificate expires, or null if it does not.</summary>
    public DateTimeOffset? ExpirationTime => PrimaryKey.ExpirationTime;

    /// <summary>Whether the primary key is revoked.</summary>
    public bool IsRevoked => PrimaryKey.IsRevoked;

    /// <summary>Whether some key of this certificate can encrypt now.</summary>
    public bool CanEncrypt => EncryptionKeys(DateTimeOffset.UtcNow).Count > 0;

    /// <summary>Whether some key of this certificate can sign now.</summary>
    public bool CanSign => SigningKeys(DateTimeOffset.UtcNow).Count > 0;

    /// <summary>Whether the newest self-signature announces support for SEIPD v2 (AEAD) messages.</summary>
    public bool SupportsSeipdV2
    {
        get
        {
            try
            {
                // v6 keys keep their features on the direct-key signature; v4 keys on the primary user ID's.
                var v = Validated;
                var sig = Version == 6 ? v.DirectKeySignature ?? v.PrimarySelfSignature : v.PrimarySelfSignature ?? v.DirectKeySignature;
                return sig is not null && (sig.Features & 0x08) != 0;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return false;
            }
        }
    }

    /// <summary>The e-mail addresses of <see cref="UserIds"/>, lowercased.</summary>
    public IReadOnlyList<string> EmailAddresses => UserIds.Select(UserId.EmailOf).OfType<string>().Distinct().ToList();

    /// <summary>Every key of the certificate that is valid at <paramref name="time"/> under <see cref="OpenPgpPolicy.Default"/>
    /// and may encrypt (communications or storage).</summary>
    /// <param name="time">The reference time.</param>
    /// <returns>The keys, subkeys before the primary key.</returns>
    public IReadOnlyList<KeyInfo> EncryptionKeys(DateTimeOffset time) => EncryptionKeysOf(Validate(OpenPgpPolicy.Default, time));

    /// <summary>Every key of the certificate that is valid at <paramref name="time"/> under <see cref="OpenPgpPolicy.Default"/>
    /// and may sign data.</summary>
    /// <param name="time">The reference time.</param>
    /// <returns>The keys, subkeys before the primary key.</returns>
    public IReadOnlyList<KeyInfo> SigningKeys(DateTimeOffset time) => Validate(OpenPgpPolicy.Default, time).KeysFor(KeyUsage.Sign).Select(k => k.Key).ToList();

    // ---- Validation under a policy ----

    /// <summary>The certificate as <paramref name="policy"/> sees it at <paramref name="time"/>: every user ID and key,
    /// whether it is valid, why not, the binding signature used, usage, expiry and revocation.</summary>
    /// <param name="policy">The policy; null for <see cref="OpenPgpPolicy.Default"/>.</param>
    /// <param name="time">The reference time; null for now. A past time shows the certificate as it was then (as far as
    /// the signatures it carries tell).</param>
    /// <returns>The validated view.</returns>
    /// <remarks>The signatures are verified once per certificate; each call then only selects among them.</remarks>
    public CertificateValidity Validate(OpenPgpPolicy? policy = null, DateTimeOffset? time = null) =>
        Guard.Run(() => KeyValidation.Evaluate(this, verified.Value, policy ?? OpenPgpPolicy.Default, time ?? DateTimeOffset.UtcNow), "Validating a certificate");

    /// <summary>The keys a message to this certificate is encrypted to: every valid key that may encrypt
    /// communications or storage and whose algorithm can encrypt. Like GnuPG and Sequoia's default for mail, both
    /// flags count: a recipient who marks a subkey for storage only still reads mail sent to it.</summary>
    internal static IReadOnlyList<KeyInfo> EncryptionKeysOf(CertificateValidity validity) =>
        validity.KeysFor(KeyUsage.EncryptCommunications | KeyUsage.EncryptStorage)
            .Where(k => validity.Certificate.verified.Value.ByKeyId.TryGetValue(KeyIdOf(k.Key), out var pk) && pk.CanEncryptAlgorithm)
            .Select(k => k.Key)
            .ToList();

    // ---- end of validation ----

    /// <summary>Whether <paramref name="keyIdOrFingerprint"/> names the primary key or a subkey of this certificate.</summary>
    /// <param name="keyIdOrFingerprint">A key ID (16 hex digits) or fingerprint, any case, optional spaces.</param>
    /// <returns>True when it matches.</returns>
    public bool HasKey(string keyIdOrFingerprint)
    {
        ArgumentNullException.ThrowIfNull(keyIdOrFingerprint);
        var s = keyIdOrFingerprint.Replace(" ", "", StringComparison.Ordinal);
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) s = s[2..];
        return Subkeys.Append(PrimaryKey).Any(k =>
            string.Equals(k.Fingerprint, s, StringComparison.OrdinalIgnoreCase) || string.Equals(k.KeyId, s, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Combines this certificate with another copy of the same certificate (as a keyserver, WKD or an
    /// Autocrypt update delivers it): user IDs, subkeys and signatures from both, without duplicates.</summary>
    /// <param name="other">Another copy of the same certificate.</param>
    /// <returns>The merged certificate.</returns>
    /// <exception cref="ArgumentException"><paramref name="other"/> has a different primary key.</exception>
    /// <exception cref="LimitExceededException">The merged certificate would carry more self-signatures than allowed; both copies stay as they are.</exception>
    public Certificate Merge(Certificate other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!string.Equals(other.Fingerprint, Fingerprint, StringComparison.Ordinal))
            throw new ArgumentException($"Certificate {other.Fingerprint} is not a copy of {Fingerprint}.", nameof(other));
        return Guard.Run(() => new Certificate(Ring.Merge(other.Ring)), "Merging certificates");
    }

    /// <summary>Applies a key revocation certificate: a lone key-revocation signature by this certificate's primary
    /// key, such as GnuPG writes at key creation (<c>openpgp-revocs.d/FINGERPRINT.rev</c>).</summary>
    /// <param name="revocation">The signature, armored or binary.</param>
    /// <param name="revoked">The certificate carrying the revocation, when it applies.</param>
    /// <returns>True when the data holds a valid revocation of this certificate's primary key.</returns>
    /// <exception cref="MalformedDataException">The data is not an OpenPGP signature.</exception>
    public bool TryApplyRevocation(ReadOnlySpan<byte> revocation, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Certificate? revoked)
    {
        var data = revocation.ToArray();
        var primary = Ring.Primary;
        var result = Guard.Run(() =>
        {
            foreach (var sig in SignatureReader.ReadAll(data, "Reading a revocation"))
            {
                if (sig.Type != 0x20) continue;
                if (sig.VerifyCertification(primary, primary, null, false, null)) return new Certificate(Ring.WithDirect(sig));
            }
            return null;
        }, "Reading a revocation");
        revoked = result;
        return result is not null;
    }

    /// <summary>Parses exactly one certificate from armored text.</summary>
    /// <param name="armored">ASCII-armored certificate (or secret key, from which the certificate is taken).</param>
    /// <returns>The certificate.</returns>
    /// <exception cref="MalformedDataException">The text holds no certificate, or more than one.</exception>
    /// <exception cref="LimitExceededException">A key is larger than this library computes with, or the certificate carries more self-signatures than allowed (see the README's security defaults).</exception>
    public static Certificate Parse(string armored)
    {
        ArgumentNullException.ThrowIfNull(armored);
        return Single(ParseAll(Encoding.UTF8.GetBytes(armored)));
    }

    /// <summary>Parses exactly one certificate from armored or binary data.</summary>
    /// <param name="data">The data.</param>
    /// <returns>The certificate.</returns>
    /// <exception cref="MalformedDataException">The data holds no certificate, or more than one.</exception>
    /// <exception cref="LimitExceededException">A key is larger than this library computes with, or the certificate carries more self-signatures than allowed (see the README's security defaults).</exception>
    public static Certificate Parse(ReadOnlySpan<byte> data) => Single(ParseAll(data));

    /// <summary>Reads exactly one certificate from a stream of armored or binary data.</summary>
    /// <param name="input">The stream; read to its end, left open.</param>
    /// <returns>The certificate.</returns>
    /// <exception cref="MalformedDataException">The stream holds no certificate, or more than one.</exception>
    /// <exception cref="LimitExceededException">A key is larger than this library computes with, or the certificate carries more self-signatures than allowed (see the README's security defaults).</exception>
    public static Certificate Load(Stream input) => Single(LoadAll(input));

    /// <summary>Parses every certificate in armored text (several armor blocks, or several keys in one block).</summary>
    /// <param name="armored">The text.</param>
    /// <returns>The certificates, in order. Secret keys yield their certificates.</returns>
    public static IReadOnlyList<Certificate> ParseAll(string armored)
    {
        ArgumentNullException.ThrowIfNull(armored);
        return ParseAll(Encoding.UTF8.GetBytes(armored));
    }

    /// <summary>Parses every certificate in armored or binary data.</summary>
    /// <param name="data">The data.</param>
    /// <returns>The certificates, in order. Secret keys yield their certificates.</returns>
    /// <exception cref="LimitExceededException">A key is larger than this library computes with, or the certificate carries more self-signatures than allowed (see the README's security defaults).</exception>
    public static IReadOnlyList<Certificate> ParseAll(ReadOnlySpan<byte> data) =>
        KeyRings.Read(data.ToArray(), "Reading certificates").Select(r => r.Certificate).ToList();

    /// <summary>Reads every certificate from a stream of armored or binary data.</summary>
    /// <param name="input">The stream; read to its end, left open.</param>
    /// <returns>The certificates, in order. Secret keys yield their certificates.</returns>
    public static IReadOnlyList<Certificate> LoadAll(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Guard.Run(() => ParseAll(PgpInput.ReadAllBounded(input)), "Reading certificates");
    }

    /// <summary>The certificate in binary OpenPGP form.</summary>
    /// <returns>The packets.</returns>
    public byte[] Export() => Ring.Encode(withSecret: false);

    /// <summary>The certificate as ASCII armor (<c>PGP PUBLIC KEY BLOCK</c>). v4 certificates carry the CRC-24 line
    /// (GnuPG 2.2 needs it); v6 certificates do not, as RFC 9580 section 6.1 advises for v6 data.</summary>
    /// <returns>The armored text.</returns>
    public string ExportArmored() => ArmorWriter.ToArmoredString(Export(), ArmorKind.PublicKey, writeCrc: Version != 6);

    /// <summary>Writes the certificate to a stream.</summary>
    /// <param name="output">The stream; left open.</param>
    /// <param name="armor">Write ASCII armor rather than binary.</param>
    public void Export(Stream output, bool armor = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        var bytes = armor ? Encoding.ASCII.GetBytes(ExportArmored()) : Export();
        output.Write(bytes);
    }

    /// <inheritdoc />
    public override string ToString() => UserIds.Count > 0 ? $"{Fingerprint} {UserIds[0]}" : Fingerprint;

    internal static long KeyIdOf(KeyInfo k) => (long)Convert.ToUInt64(k.KeyId, 16);

    private static Certificate Single(IReadOnlyList<Certificate> all) => all.Count switch
    {
        1 => all[0],
        0 => throw new MalformedDataException("The input holds no certificate."),
        _ => throw new MalformedDataException($"The input holds {all.Count} certificates where one was expected; use ParseAll."),
    };
}
