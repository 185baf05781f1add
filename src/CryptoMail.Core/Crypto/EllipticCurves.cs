using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto.Parameters;

namespace CryptoMail.Core.Crypto;

/// <summary>The curves that key packets name by OID (RFC 9580 section 9.2): the two Curve25519 OIDs of the legacy v4
/// formats, and the named Weierstrass curves (NIST, Brainpool) looked up in BouncyCastle's tables.</summary>
internal static class EllipticCurves
{
    /// <summary>Ed25519 in legacy EdDSA keys (algorithm 22).</summary>
    public static readonly byte[] Ed25519LegacyOid = Convert.FromHexString("2B06010401DA470F01");
    /// <summary>Curve25519 in legacy ECDH keys (algorithm 18).</summary>
    public static readonly byte[] Cv25519Oid = Convert.FromHexString("2B060104019755010501");

    public static bool IsOid(byte[]? oid, byte[] expected) => oid is not null && oid.AsSpan().SequenceEqual(expected);

    /// <summary>The domain parameters of a named Weierstrass curve, from the OID's DER body (no tag, no length).</summary>
    /// <exception cref="UnsupportedPacketException">A curve we do not know.</exception>
    public static ECDomainParameters Named(byte[] oid)
    {
        var der = new byte[oid.Length + 2];
        der[0] = 6;
        der[1] = (byte)oid.Length;
        oid.CopyTo(der, 2);
        var id = (DerObjectIdentifier)Asn1Object.FromByteArray(der);
        X9ECParameters? x9 = CustomNamedCurves.GetByOid(id) ?? ECNamedCurveTable.GetByOid(id);
        if (x9 is null) throw new UnsupportedPacketException($"Elliptic curve {id.Id} is not supported.");
        return new ECNamedDomainParameters(id, x9);
    }

    /// <summary>The field size in bits of a named Weierstrass curve (the key size users know).</summary>
    public static int FieldSize(byte[] oid) => Named(oid).Curve.FieldSize;
}
