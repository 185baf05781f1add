using CryptoMail.Core.Tests.Support;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using SecretKeyPacket = CryptoMail.Core.Packets.SecretKeyPacket;

namespace CryptoMail.Core.Tests.Keys;

/// <summary>Key-overwriting attacks (Klíma and Rosa 2002; "Victory by KO", Bruseghini, Huigens and Paterson 2022;
/// issue #13, class 12): in a v4 secret key packet protected with S2K usage 254 or 255, or not protected at all, the
/// public key material is not covered by any check (RFC 9580 section 5.5.3; only usage 253 binds it as AEAD
/// associated data, and RFC 9580 section 5.5.3 asks implementations to check the secret against the public material
/// before use). An attacker who can edit the stored file swaps the public part, and each signature or decryption made
/// with the mismatched pair leaks the secret. Unlocking must refuse such a key.</summary>
public sealed class KeyOverwritingTests
{
    public static TheoryData<string> UnprotectedProfiles => new() { "Curve25519", "Rsa3072", "V6Ed25519", "V6Ed448" };

    [Theory]
    [MemberData(nameof(UnprotectedProfiles))]
    public void A_secret_key_whose_public_part_was_swapped_with_another_key_is_refused(string profile)
    {
        var alice = TestKeys.Get(profile).Ring.Secrets.ToList();
        var bob = TestKeys.Get(profile, "bob").Ring.Secrets.ToList();
        Assert.Equal(bob.Count, alice.Count);
        for (int i = 0; i < alice.Count; i++)
        {
            Assert.NotNull(alice[i].Unlock(null, long.MaxValue));
            var swapped = WithPublic(alice[i], bob[i].Public.Body);

            var e = Assert.Throws<KeyNotUsableException>(() => swapped.Unlock(null, long.MaxValue));
            Assert.Contains("does not match", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_rsa_key_whose_public_exponent_was_changed_is_refused()
    {
        var sk = TestKeys.Get("Rsa3072").Ring.PrimarySecret!;
        var m = sk.Public.Material;
        var n = Mpi.Read(ref m).ToArray();
        using var body = new MemoryStream();
        body.Write(sk.Public.Body.AsSpan(0, 6));
        Mpi.Write(body, n);
        Mpi.Write(body, new byte[] { 3 });

        var tampered = WithPublic(sk, body.ToArray());

        Assert.Equal(PublicKeyAlgorithmTag.RsaGeneral, tampered.Public.Algorithm);
        Assert.Throws<KeyNotUsableException>(() => tampered.Unlock(null, long.MaxValue));
    }

    [Fact]
    public void A_passphrase_protected_v4_key_with_a_swapped_encryption_subkey_point_does_not_unlock()
    {
        var alice = TestKeys.Get("Curve25519+passphrase");
        var bobSub = TestKeys.Get("Curve25519+passphrase", "bob").Ring.Subkeys[0].Key;
        var ring = alice.Ring;
        var swappedSecret = WithPublic(ring.Subkeys[0].Secret!, bobSub.Body);
        Assert.Equal(254, swappedSecret.Usage);
        var tampered = new SecretKey(new KeyRing(ring.Primary, ring.PrimarySecret, ring.Direct, ring.UserIds,
            new[] { ring.Subkeys[0] with { Key = swappedSecret.Public, Secret = swappedSecret } }));

        Assert.Throws<KeyNotUsableException>(() => tampered.Unlock(TestKeys.Passphrase));
        Assert.True(alice.TryUnlock(TestKeys.Passphrase, out _));
    }

    [Fact]
    public void A_dsa_key_whose_public_value_is_not_g_to_the_secret_is_refused()
    {
        var gen = new DsaParametersGenerator();
        gen.Init(1024, 80, new SecureRandom());
        var parameters = gen.GenerateParameters();
        var x = new BigInteger(150, new SecureRandom()).Add(BigInteger.One);
        var y = parameters.G.ModPow(x, parameters.P);
        var secret = Material(x);

        Assert.NotNull(Dsa(parameters, y, secret).Unlock(null, long.MaxValue));
        // y = g^(x+1): the Klíma-Rosa style swap of a public value, with the secret x kept.
        var swapped = Dsa(parameters, y.Multiply(parameters.G).Mod(parameters.P), secret);
        Assert.Throws<KeyNotUsableException>(() => swapped.Unlock(null, long.MaxValue));
    }

    [Fact]
    public void An_ecdsa_p256_key_with_another_keys_point_is_refused()
    {
        var curve = KeyPacket.NamedCurve(P256Oid);
        var gen = new ECKeyPairGenerator();
        gen.Init(new ECKeyGenerationParameters(curve, new SecureRandom()));
        var mine = gen.GenerateKeyPair();
        var other = gen.GenerateKeyPair();
        var secret = Material(((ECPrivateKeyParameters)mine.Private).D);

        Assert.NotNull(Ecdsa((ECPublicKeyParameters)mine.Public, secret).Unlock(null, long.MaxValue));
        var swapped = Ecdsa((ECPublicKeyParameters)other.Public, secret);
        Assert.Throws<KeyNotUsableException>(() => swapped.Unlock(null, long.MaxValue));
    }

    private static readonly byte[] P256Oid = Convert.FromHexString("2A8648CE3D030107");

    private static SecretKeyPacket Dsa(DsaParameters p, BigInteger y, byte[] secret) =>
        SecretKeyPacket.Create(KeyPacket.Create(4, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), PublicKeyAlgorithmTag.Dsa,
            Material(p.P, p.Q, p.G, y)), secret, isSubkey: false, passphrase: null);

    private static SecretKeyPacket Ecdsa(ECPublicKeyParameters pub, byte[] secret)
    {
        using var ms = new MemoryStream();
        ms.WriteByte((byte)P256Oid.Length);
        ms.Write(P256Oid);
        Mpi.Write(ms, pub.Q.GetEncoded(false));
        return SecretKeyPacket.Create(KeyPacket.Create(4, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), PublicKeyAlgorithmTag.ECDsa,
            ms.ToArray()), secret, isSubkey: false, passphrase: null);
    }

    private static byte[] Material(params BigInteger[] values)
    {
        using var ms = new MemoryStream();
        foreach (var v in values) Mpi.Write(ms, v.ToByteArrayUnsigned());
        return ms.ToArray();
    }

    /// <summary>The same secret key packet with its public part replaced by <paramref name="publicBody"/>.</summary>
    private static SecretKeyPacket WithPublic(SecretKeyPacket sk, byte[] publicBody)
    {
        var secretPart = sk.Body.AsSpan(sk.Public.Body.Length);
        return SecretKeyPacket.Parse([.. publicBody, .. secretPart], sk.IsSubkey);
    }
}
