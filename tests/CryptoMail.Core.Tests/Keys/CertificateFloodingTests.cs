using PacketTag = CryptoMail.Core.Types.PacketTag;
using System.Buffers.Binary;
using Org.BouncyCastle.Bcpg;
using SignaturePacket = CryptoMail.Core.Packets.SignaturePacket;

namespace CryptoMail.Core.Tests.Keys;

/// <summary>Certificate flooding (issue #13, class 11): anyone can append signatures to a certificate (RFC 9580
/// section 10.1 lets any number follow each component), as the 2019 keyserver flooding did with 150,000
/// certifications. Reading, merging and validating stay linear, and the work done is counted, not timed: the test hook
/// <see cref="KeyValidation.ChecksOnThisThread"/> counts signature checks.</summary>
public sealed class CertificateFloodingTests
{
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const string Uid = "Alice <alice@example.org>";
    private const int Flood = 100_000;

    [Fact]
    public void A_hundred_thousand_copies_of_one_self_signature_are_kept_and_checked_once()
    {
        var primary = CertificateCrafter.Ed25519(T0);
        var ring = new CertificateCrafter(primary).UserId(Uid, T0.AddDays(1)).Build().Ring;
        var selfSig = ring.UserIds[0].Signatures[0];
        var data = Encode(ring.Primary, ring.UserIds[0].Data, Enumerable.Repeat(selfSig, Flood));

        var cert = Certificate.Parse(data);
        int before = KeyValidation.ChecksOnThisThread;
        Assert.Equal(new[] { Uid }, cert.UserIds);

        Assert.Equal(1, KeyValidation.ChecksOnThisThread - before);
        Assert.Single(cert.Ring.UserIds[0].Signatures);
    }

    [Fact]
    public void A_hundred_thousand_third_party_certifications_are_capped_unchecked_and_merge_linearly()
    {
        var primary = CertificateCrafter.Ed25519(T0);
        var ring = new CertificateCrafter(primary).UserId(Uid, T0.AddDays(1)).Build().Ring;
        var stranger = new byte[20];
        stranger[0] = 0x5A;
        var flood = Enumerable.Range(0, Flood).Select(i => Junk(0x10, stranger, i)).Prepend(ring.UserIds[0].Signatures[0]);
        var cert = Certificate.Parse(Encode(ring.Primary, ring.UserIds[0].Data, flood));

        var kept = cert.Ring.UserIds[0].Signatures;
        Assert.Equal(1 + CertificateLimits.MaxOtherSignaturesPerComponent, kept.Count);
        int before = KeyValidation.ChecksOnThisThread;
        Assert.Equal(new[] { Uid }, cert.UserIds);
        Assert.Equal(1, KeyValidation.ChecksOnThisThread - before);

        // Another copy flooded with a different hundred thousand: the merge keeps what the first copy held.
        var other = Certificate.Parse(Encode(ring.Primary, ring.UserIds[0].Data,
            Enumerable.Range(Flood, Flood).Select(i => Junk(0x10, stranger, i)).Prepend(ring.UserIds[0].Signatures[0])));
        var merged = cert.Merge(other);
        Assert.Equal(kept.Select(s => s.Body), merged.Ring.UserIds[0].Signatures.Select(s => s.Body));
    }

    [Fact]
    public void A_flood_of_signatures_claiming_the_primary_key_as_issuer_is_refused_by_a_limit()
    {
        var primary = CertificateCrafter.Ed25519(T0);
        var ring = new CertificateCrafter(primary).UserId(Uid, T0.AddDays(1)).Build().Ring;
        var flood = Enumerable.Range(0, Flood).Select(i => Junk(0x13, ring.Primary.Fingerprint, i)).Prepend(ring.UserIds[0].Signatures[0]);

        var e = Assert.Throws<LimitExceededException>(() => Certificate.Parse(Encode(ring.Primary, ring.UserIds[0].Data, flood)));
        Assert.Contains("self-signatures", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Self_signatures_spread_over_many_components_are_refused_by_the_certificate_limit()
    {
        var primary = CertificateCrafter.Ed25519(T0);
        var ring = new CertificateCrafter(primary).UserId(Uid, T0.AddDays(1)).Build().Ring;
        using var ms = new MemoryStream();
        PacketWriter.WritePacket(ms, (PacketTag)(6), ring.Primary.Body);
        // Distinct user IDs, each within the per-component limit.
        for (int u = 0; u < 100; u++)
        {
            PacketWriter.WritePacket(ms, (PacketTag)(13), System.Text.Encoding.UTF8.GetBytes($"User {u} <u{u}@example.org>"));
            for (int i = 0; i < CertificateLimits.MaxSelfSignaturesPerComponent; i++)
                PacketWriter.WritePacket(ms, (PacketTag)(2), Junk(0x13, ring.Primary.Fingerprint, u * 1000 + i).Body);
        }

        Assert.Throws<LimitExceededException>(() => Certificate.Parse(ms.ToArray()));
    }

    [Fact]
    public void Ten_thousand_copies_of_one_subkey_are_combined_into_one()
    {
        var primary = CertificateCrafter.Ed25519(T0);
        var sub = CertificateCrafter.Cv25519(T0);
        var ring = new CertificateCrafter(primary).UserId(Uid, T0.AddDays(1)).Bind(sub, T0.AddDays(1), CertificateCrafter.EncryptFlags).Build().Ring;
        using var ms = new MemoryStream();
        ms.Write(Encode(ring.Primary, ring.UserIds[0].Data, ring.UserIds[0].Signatures));
        for (int i = 0; i < 10_000; i++)
        {
            PacketWriter.WritePacket(ms, (PacketTag)(14), ring.Subkeys[0].Key.Body);
            PacketWriter.WritePacket(ms, (PacketTag)(2), ring.Subkeys[0].Signatures[0].Body);
        }

        var cert = Certificate.Parse(ms.ToArray());
        int before = KeyValidation.ChecksOnThisThread;
        Assert.Single(cert.Subkeys);

        Assert.Single(cert.Ring.Subkeys);
        Assert.Equal(2, KeyValidation.ChecksOnThisThread - before);
        Assert.True(cert.CanEncrypt);
    }

    /// <summary>A primary key, one user ID and the given signatures on it, as packets.</summary>
    private static byte[] Encode(KeyPacket primary, byte[] uid, IEnumerable<SignaturePacket> signatures)
    {
        using var ms = new MemoryStream();
        PacketWriter.WritePacket(ms, (PacketTag)(6), primary.Body);
        PacketWriter.WritePacket(ms, (PacketTag)(13), uid);
        foreach (var s in signatures) PacketWriter.WritePacket(ms, (PacketTag)(2), s.Body);
        return ms.ToArray();
    }

    /// <summary>A distinct v4 EdDSA certification of type <paramref name="type"/> naming <paramref name="issuer"/>
    /// whose signature values are junk: what a flooder appends without any key.</summary>
    private static SignaturePacket Junk(int type, byte[] issuer, int n)
    {
        var issuerFpr = new byte[21];
        issuerFpr[0] = 4;
        issuer.CopyTo(issuerFpr, 1);
        var hashed = Subpacket.EncodeArea(new[]
        {
            Subpacket.Time(SubpacketType.CreationTime, T0.AddSeconds(n)),
            new Subpacket(SubpacketType.IssuerFingerprint, false, issuerFpr),
        });
        using var body = new MemoryStream();
        body.Write(new byte[] { 4, (byte)type, (byte)PublicKeyAlgorithmTag.EdDsa_Legacy, (byte)HashAlgorithmTag.Sha256, 0, (byte)hashed.Length });
        body.Write(hashed);
        Span<byte> tail = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(tail[2..], (ushort)n);
        body.Write(tail); // no unhashed area, then the left 16 bits
        var value = new byte[32];
        value[0] = 0x40;
        value[31] = 1;
        Mpi.Write(body, value);
        Mpi.Write(body, value);
        return SignaturePacket.Parse(body.ToArray());
    }
}
