using System.Text;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using SignaturePacket = CryptoMail.Core.Packets.SignaturePacket;

namespace CryptoMail.Core.Tests.Keys;

/// <summary>A key pair made for crafting: the public key packet and its private key.</summary>
internal sealed record CraftKey(KeyPacket Public, AsymmetricKeyParameter Private)
{
    public string Fingerprint => Hex.Of(Public.Fingerprint);
}

/// <summary>Builds certificates signature by signature over our own packet layer, so validation tests can make exactly
/// the case they check: a binding at a chosen date and hash, a missing back-signature, a soft or hard revocation.</summary>
internal sealed class CertificateCrafter
{
    public const int SignFlag = 0x02, CertifySign = 0x03, EncryptFlags = 0x0C;
    private static readonly OpenPgp Pgp = new();
    private readonly List<SignaturePacket> direct = new();
    private readonly List<(byte[] Uid, List<SignaturePacket> Sigs)> userIds = new();
    private readonly List<(KeyPacket Key, List<SignaturePacket> Sigs)> subkeys = new();

    public CertificateCrafter(CraftKey primary) => Primary = primary;

    public CraftKey Primary { get; }

    /// <summary>A v4 Ed25519 key created at <paramref name="created"/>.</summary>
    public static CraftKey Ed25519(DateTimeOffset created)
    {
        var donor = Pgp.GenerateKey("donor", new KeyGenerationOptions { SigningOnly = true, CreationTime = created });
        var key = donor.Ring.Primary;
        return new CraftKey(key, donor.GetPrivateKey(key.KeyId, null)!);
    }

    /// <summary>A v4 Curve25519 encryption key created at <paramref name="created"/>.</summary>
    public static CraftKey Cv25519(DateTimeOffset created)
    {
        var donor = Pgp.GenerateKey("donor", new KeyGenerationOptions { CreationTime = created });
        var key = donor.Ring.Subkeys[0].Key;
        return new CraftKey(key, donor.GetPrivateKey(key.KeyId, null)!);
    }

    /// <summary>A v4 RSA key of <paramref name="bits"/> bits created at <paramref name="created"/>.</summary>
    public static CraftKey Rsa(DateTimeOffset created, int bits)
    {
        var g = new RsaKeyPairGenerator();
        g.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), new SecureRandom(), bits, 80));
        var pair = g.GenerateKeyPair();
        var pub = (RsaKeyParameters)pair.Public;
        using var body = new MemoryStream();
        Mpi.Write(body, pub.Modulus.ToByteArrayUnsigned());
        Mpi.Write(body, pub.Exponent.ToByteArrayUnsigned());
        return new CraftKey(KeyPacket.Create(4, Second(created), PublicKeyAlgorithmTag.RsaGeneral, body.ToArray()), pair.Private);
    }

    /// <summary>Adds a user ID with a positive self-certification.</summary>
    public CertificateCrafter UserId(string uid, DateTimeOffset created, HashAlgorithmTag hash = HashAlgorithmTag.Sha256,
        int flags = CertifySign, TimeSpan? expires = null, bool primary = true)
    {
        var data = Encoding.UTF8.GetBytes(uid);
        var sigs = userIds.FirstOrDefault(u => u.Uid.AsSpan().SequenceEqual(data)).Sigs;
        if (sigs is null) userIds.Add((data, sigs = new List<SignaturePacket>()));
        var hashed = Common(created, flags, expires);
        if (primary) hashed.Add(new Subpacket(SubpacketType.PrimaryUserId, false, new byte[] { 1 }));
        sigs.Add(SignaturePacket.Certify(Primary.Public, Primary.Private, 0x13, hash, hashed, Primary.Public, data, null));
        return this;
    }

    /// <summary>Adds a third-party generic certification (0x10) of <paramref name="uid"/> by <paramref name="issuer"/>.</summary>
    public CertificateCrafter CertifiedBy(CraftKey issuer, string uid, DateTimeOffset created, HashAlgorithmTag hash)
    {
        var data = Encoding.UTF8.GetBytes(uid);
        var sigs = userIds.First(u => u.Uid.AsSpan().SequenceEqual(data)).Sigs;
        var hashed = new[] { Subpacket.Time(SubpacketType.CreationTime, Second(created)), Subpacket.Issuer(issuer.Public) };
        sigs.Add(SignaturePacket.Certify(issuer.Public, issuer.Private, 0x10, hash, hashed, Primary.Public, data, null));
        return this;
    }

    /// <summary>Revokes a user ID (certification revocation, 0x30).</summary>
    public CertificateCrafter RevokeUserId(string uid, DateTimeOffset created)
    {
        var data = Encoding.UTF8.GetBytes(uid);
        var sigs = userIds.First(u => u.Uid.AsSpan().SequenceEqual(data)).Sigs;
        var hashed = new List<Subpacket> { Subpacket.Time(SubpacketType.CreationTime, Second(created)), Subpacket.Issuer(Primary.Public) };
        sigs.Add(SignaturePacket.Certify(Primary.Public, Primary.Private, 0x30, HashAlgorithmTag.Sha256, hashed, Primary.Public, data, null));
        return this;
    }

    /// <summary>Adds a binding for <paramref name="sub"/> (the subkey is added on first use). A signing binding carries a
    /// back-signature by the subkey unless <paramref name="backSignature"/> is false.</summary>
    public CertificateCrafter Bind(CraftKey sub, DateTimeOffset created, int flags, HashAlgorithmTag hash = HashAlgorithmTag.Sha256,
        TimeSpan? expires = null, bool backSignature = true)
    {
        var sigs = SigsOf(sub.Public);
        var hashed = Common(created, flags, expires);
        var unhashed = new List<Subpacket>();
        if ((flags & SignFlag) != 0 && backSignature)
        {
            var back = SignaturePacket.Certify(sub.Public, sub.Private, 0x19, HashAlgorithmTag.Sha256,
                new List<Subpacket> { Subpacket.Time(SubpacketType.CreationTime, Second(created)), Subpacket.Issuer(sub.Public) },
                Primary.Public, null, sub.Public);
            hashed.Add(new Subpacket(SubpacketType.EmbeddedSignature, false, back.Body));
        }
        sigs.Add(SignaturePacket.Certify(Primary.Public, Primary.Private, 0x18, hash, hashed, Primary.Public, null, sub.Public, unhashed));
        return this;
    }

    /// <summary>Revokes a subkey (0x28) with a reason code: 1 superseded or 3 retired are soft; 2 compromised (or none) hard.</summary>
    public CertificateCrafter RevokeSubkey(CraftKey sub, DateTimeOffset created, int? reason) =>
        AddRevocation(SigsOf(sub.Public), 0x28, created, reason, sub.Public);

    /// <summary>Revokes the primary key (0x20).</summary>
    public CertificateCrafter RevokePrimary(DateTimeOffset created, int? reason) => AddRevocation(direct, 0x20, created, reason, null);

    /// <summary>A direct-key signature (0x1F) with key flags.</summary>
    public CertificateCrafter DirectKey(DateTimeOffset created, int flags = CertifySign, HashAlgorithmTag hash = HashAlgorithmTag.Sha256)
    {
        direct.Add(SignaturePacket.Certify(Primary.Public, Primary.Private, 0x1F, hash, Common(created, flags, null), Primary.Public, null, null));
        return this;
    }

    public Certificate Build() => new(new KeyRing(Primary.Public, null, direct.ToList(),
        userIds.Select(u => new UserIdComponent(u.Uid, false, u.Sigs.ToList())).ToList(),
        subkeys.Select(s => new SubkeyComponent(s.Key, null, s.Sigs.ToList())).ToList()));

    /// <summary>A detached binary signature over <paramref name="data"/> by <paramref name="signer"/>, dated <paramref name="created"/>.</summary>
    public static byte[] DataSignature(CraftKey signer, byte[] data, DateTimeOffset created, HashAlgorithmTag hash = HashAlgorithmTag.Sha256)
    {
        var hashed = new[] { Subpacket.Time(SubpacketType.CreationTime, Second(created)), Subpacket.Issuer(signer.Public) };
        using var b = SignaturePacket.Build(signer.Public, 0x00, hash, hashed);
        b.Hash.AppendData(data);
        return b.Sign(signer.Public, signer.Private).Encoded();
    }

    private CertificateCrafter AddRevocation(List<SignaturePacket> target, int type, DateTimeOffset created, int? reason, KeyPacket? sub)
    {
        var hashed = new List<Subpacket> { Subpacket.Time(SubpacketType.CreationTime, Second(created)), Subpacket.Issuer(Primary.Public) };
        if (reason is { } r) hashed.Add(new Subpacket(SubpacketType.RevocationReason, false, new byte[] { (byte)r }));
        target.Add(SignaturePacket.Certify(Primary.Public, Primary.Private, type, HashAlgorithmTag.Sha256, hashed, Primary.Public, null, sub));
        return this;
    }

    private List<SignaturePacket> SigsOf(KeyPacket key)
    {
        var found = subkeys.FirstOrDefault(s => s.Key.Fingerprint.AsSpan().SequenceEqual(key.Fingerprint)).Sigs;
        if (found is null) subkeys.Add((key, found = new List<SignaturePacket>()));
        return found;
    }

    private List<Subpacket> Common(DateTimeOffset created, int flags, TimeSpan? expires)
    {
        var list = new List<Subpacket>
        {
            Subpacket.Time(SubpacketType.CreationTime, Second(created)),
            new(SubpacketType.KeyFlags, false, new[] { (byte)flags }),
        };
        if (expires is { } e) list.Add(Subpacket.Seconds(SubpacketType.KeyExpiration, (uint)e.TotalSeconds));
        list.Add(Subpacket.Issuer(Primary.Public));
        return list;
    }

    private static DateTimeOffset Second(DateTimeOffset t) => DateTimeOffset.FromUnixTimeSeconds(t.ToUnixTimeSeconds());
}
