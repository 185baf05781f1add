using System.Text;
using CryptoMail.Core.Crypto.PostQuantum;
using CryptoMail.Core.Tests.Aead;

namespace CryptoMail.Core.Tests.PostQuantum;

/// <summary>Every test vector of RFC 9980 Appendix A: the printed fingerprints of each key, the decryption of each sample
/// message (with the printed session key) and its signature, the detached signatures, and the printed
/// <c>multiKeyCombine</c> inputs and outputs.</summary>
public class Rfc9980VectorTests
{
    private readonly OpenPgp pgp = new();

    [VectorTheory]
    // A.1.1/A.1.2: v6 Ed25519 + ML-KEM-768+X25519.
    [InlineData("v6-eddsa", 6, "C789E17D9DBDCA7B3C833A3C063FEB0353F80AD911FE27868FB0645DF803E947", KeyAlgorithm.Ed25519,
        "DAFE0EEBB2675ECFCDC20A23FE89CA5D12E83F527DFA354B6DCF662131A48B9D", KeyAlgorithm.MlKem768X25519)]
    // A.2.1/A.2.2: v4 Ed25519 + v4 ML-KEM-768+X25519 subkey.
    [InlineData("v4-eddsa", 4, "342E5DB2DE345215CB2C944F7102FFED3B9CF12D", KeyAlgorithm.Ed25519,
        "E51DBFEA51936988B5428FFFA4F95F985ED61A51", KeyAlgorithm.MlKem768X25519)]
    // A.3.1/A.3.2: ML-DSA-65+Ed25519 + ML-KEM-768+X25519.
    [InlineData("v6-mldsa-65", 6, "A3E2E14B6A493FF930FB27321F125E9A6880338BE9FB7DA3AE065EA65793242F", KeyAlgorithm.MlDsa65Ed25519,
        "7DAE8FBCE23022607167AF72A002E774E0CA379A2D7AE072384E1E8FDE3265E4", KeyAlgorithm.MlKem768X25519)]
    // A.4.1/A.4.2: ML-DSA-87+Ed448 + ML-KEM-1024+X448.
    [InlineData("v6-mldsa-87", 6, "0D7A8BE1410CD68EED4845AB487B4B4CFAECD8EBAD1A1166A84230499200EE20", KeyAlgorithm.MlDsa87Ed448,
        "65090E147A8116AB7F62AB4EC7AAE59D9E6532FEB2AF230C73CDC869FBC60C8F", KeyAlgorithm.MlKem1024X448)]
    // A.5.1/A.5.2: SLH-DSA-SHAKE-128s + ML-KEM-768+X25519.
    [InlineData("v6-slhdsa-128s", 6, "EED4D13FC36C78E48276A93233339C4DD230FD5F6F5C5B82C63D5C0B5E361D92", KeyAlgorithm.SlhDsaShake128s,
        "3E8745A4BB488779E0F32480FA23F8D0BFD8C2F49D7F74E957E1C2FFC2EF4BFC", KeyAlgorithm.MlKem768X25519)]
    // A.6.1/A.6.2: SLH-DSA-SHAKE-128f + ML-KEM-768+X25519.
    [InlineData("v6-slhdsa-128f", 6, "D54E0307021169F7B88BEB2B76E3AAD0E114BE1A8F982D74DBA9CA51D03537F4", KeyAlgorithm.SlhDsaShake128f,
        "D8875664256C382DD7F3A5CE05021088922811F5D0B1A1F8C7769944A51B7002", KeyAlgorithm.MlKem768X25519)]
    // A.7.1/A.7.2: SLH-DSA-SHAKE-256s + ML-KEM-1024+X448.
    [InlineData("v6-slhdsa-256s", 6, "72FFF84863AEBA67F0D1D7691173247DD427533B9D7EE76011C6F77F2CE9FA7A", KeyAlgorithm.SlhDsaShake256s,
        "570A5BBAB93169876A8240DA35A1ADA7BA8A640AABE3AB467C797214844DF15F", KeyAlgorithm.MlKem1024X448)]
    public void Keys_have_the_printed_fingerprints_and_valid_self_signatures(string set, int version, string primary, KeyAlgorithm primaryAlgorithm,
        string subkey, KeyAlgorithm subkeyAlgorithm)
    {
        var cert = Rfc9980Vectors.Certificate(set);
        using var tsk = Rfc9980Vectors.SecretKey(set);
        foreach (var c in new[] { cert, tsk.Certificate })
        {
            Assert.Equal(version, c.Version);
            Assert.Equal(primary, c.Fingerprint);
            Assert.Equal(primaryAlgorithm, c.PrimaryKey.Algorithm);
            Assert.True(c.PrimaryKey.IsBound);
            var sub = Assert.Single(c.Subkeys);
            Assert.Equal(subkey, sub.Fingerprint);
            Assert.Equal(subkeyAlgorithm, sub.Algorithm);
            // The binding signature verified: the subkey is bound and can encrypt.
            Assert.True(sub.IsBound);
            Assert.True(c.CanEncrypt);
            Assert.True(c.CanSign);
        }
        // The secret key exports the packets it was read from.
        var binary = new MemoryStream();
        OpenPgpArmor.Dearmor(new MemoryStream(Rfc9980Vectors.Read(set + "-sample-sk.asc")), binary);
        Assert.Equal(binary.ToArray(), tsk.Export());
    }

    [VectorTheory]
    // A.1.3: v6 PKESK + SEIPD v2 to the v6 Ed25519 key.
    [InlineData("v6-eddsa", "v6-eddsa-sample-message.asc", "94A3B8C9784463BB96B682CDDF549ADB23579B75BCB646F989D7CFE3E6E14435", IntegrityProtection.SeipdV2)]
    // A.2.3: v3 PKESK + SEIPD v1 to the v4 key's ML-KEM subkey.
    [InlineData("v4-eddsa", "v4-eddsa-sample-message-v1.asc", "B4DC7197E1519822CA689DA484643EDF272934D98AE1974B5D88317A7A6A3C4F", IntegrityProtection.SeipdV1)]
    // A.2.4: v6 PKESK + SEIPD v2 to the same v4 subkey.
    [InlineData("v4-eddsa", "v4-eddsa-sample-message-v2.asc", "160867D96032B640208C1C92174D0270BB89189D72320711ACD221BBEA2A26B6", IntegrityProtection.SeipdV2)]
    // A.3.3: ML-DSA-65+Ed25519 signed, ML-KEM-768+X25519 encrypted.
    [InlineData("v6-mldsa-65", "v6-mldsa-65-sample-message.asc", "ADEE68618B302D4BFD7AE3D432BC63A1C1AD7F5FD6E7FD7BDEDBB0D0B14A5C9A", IntegrityProtection.SeipdV2)]
    // A.4.3: ML-DSA-87+Ed448 signed, ML-KEM-1024+X448 encrypted.
    [InlineData("v6-mldsa-87", "v6-mldsa-87-sample-message.asc", "0588CE40B038AAC353D1CF8C67A674B412985105794821013EF154F786C4D89D", IntegrityProtection.SeipdV2)]
    // A.5.3: SLH-DSA-SHAKE-128s signed, ML-KEM-768+X25519 encrypted.
    [InlineData("v6-slhdsa-128s", "v6-slhdsa-128s-sample-message.asc", "E87567CAD8FEE5738F92090FEED009D8AF95437FA664F94DA98776D966BBBC52", IntegrityProtection.SeipdV2)]
    public void Sample_messages_decrypt_to_Testing_with_the_printed_session_key_and_a_good_signature(string set, string file, string sessionKey,
        IntegrityProtection protection)
    {
        using var tsk = Rfc9980Vectors.SecretKey(set);
        var output = new MemoryStream();
        var result = pgp.Decrypt(new MemoryStream(Rfc9980Vectors.Read(file)), output,
            new DecryptOptions { Keys = { tsk }, Verifiers = { Rfc9980Vectors.Certificate(set) }, ExportSessionKey = true });

        Assert.Equal("Testing\n", Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal(protection, result.IntegrityProtection);
        Assert.Equal(sessionKey, Convert.ToHexString(result.SessionKey!.Key));
        Assert.Equal(tsk.Certificate.Subkeys.Single().Fingerprint, result.DecryptedWith);
        Assert.True(result.PostQuantum);
        var signature = Assert.Single(result.Signatures);
        Assert.True(signature.IsGood, signature.Reason);
        Assert.Equal(tsk.Certificate.Fingerprint, signature.SignerFingerprint);
    }

    [VectorTheory]
    [InlineData("v6-mldsa-65")]     // A.3.4
    [InlineData("v6-mldsa-87")]     // A.4.4
    [InlineData("v6-slhdsa-128s")]  // A.5.4
    [InlineData("v6-slhdsa-128f")]  // A.6.3
    [InlineData("v6-slhdsa-256s")]  // A.7.3
    public void Detached_signatures_verify_over_Testing_and_not_over_other_data(string set)
    {
        var cert = Rfc9980Vectors.Certificate(set);
        var signature = Rfc9980Vectors.Read(set + "-sample-signature.asc");
        var good = pgp.VerifyDetached(new MemoryStream(Rfc9980Vectors.Testing), new MemoryStream(signature), new VerifyOptions { Verifiers = { cert } });
        var v = Assert.Single(good.Signatures);
        Assert.True(v.IsGood, v.Reason);
        Assert.Equal(cert.Fingerprint, v.SigningKeyFingerprint);

        var bad = pgp.VerifyDetached(new MemoryStream("Testing!"u8.ToArray()), new MemoryStream(signature), new VerifyOptions { Verifiers = { cert } });
        Assert.Equal(SignatureStatus.Bad, Assert.Single(bad.Signatures).Status);
    }

    [Theory]
    // A.1.3, A.2.3, A.2.4, A.3.3, A.4.3, A.5.3: the printed multiKeyCombine inputs (key shares) and outputs. The
    // ciphertext and recipient key that also go in are read from the sample message and certificate.
    [InlineData("v6-eddsa", "v6-eddsa-sample-message.asc", "b0e45408d8c713f3941cd27276f879e557df013e05bcf43e37d4c60266a4b797",
        "9d994741e0db5eacee44cb028c2ec48b1346feae2576aaac383bbcd64138c932", "5bf078bf7977109db6dead92d3578b62d0ab0487ef84e8e0af08f4b4b229e590")]
    [InlineData("v4-eddsa", "v4-eddsa-sample-message-v1.asc", "16f2aea8ec1ca277c04cc7b87681d7d38511a38f554775a8fc4de41aa76eb586",
        "2fc0c8fcace9636c86d1ee1715a302819ad48c549579a462a33eed36627c532e", "c1591d7511f9f0213bfd57cf316e5ec0d40c4ea826fa989ab606aa3b8a1a2c1f")]
    [InlineData("v4-eddsa", "v4-eddsa-sample-message-v2.asc", "16a22adbeced91ada60b5561611748edd2fedc51e0770f86d7394870062e7322",
        "5ac67eab192f25ac99d87543e6fcd3a4769cb02c9d1afdc79354c2baa2289e29", "5c5652a690b55d1e9545fbd722f838cd8ff4d3657af5a9026d02f3185ca74993")]
    [InlineData("v6-mldsa-65", "v6-mldsa-65-sample-message.asc", "0987fe72ad5ea58e73344f9a2a543f4131d9fdb7cf07474f501430a20f705b4d",
        "88f3e9a8de1917127b4b758f6e83bd4ce00faaae01bd8b6e412a43a710b26012", "a4904982f7caa9c9de690afd772d8bfe027a1ad6a5bbda00db68963fe303ae8e")]
    [InlineData("v6-mldsa-87", "v6-mldsa-87-sample-message.asc", "f18f161e617b8ce5968f109aadea1e7e1511d10165768d36127ba913c00637d2",
        "732860c8114ae84a964664b1f607785d11bc7d24d5324510adad89bd52db7ee0df9982ad0d1669bdd05556330c86f2dae9e2edea42e05bc5",
        "ef1e32906f67d39bc800d90cabb0033c77ca6dce8ffca3e96d9c7348e2e8c16e")]
    [InlineData("v6-slhdsa-128s", "v6-slhdsa-128s-sample-message.asc", "5dc60150f5f965ddc8014b6aa2ecae1831467e98fa315422f238984d6421a22e",
        "9dbd0f9bde7fef09817146e53a0b5ce7d27e79612670968fa0025422c578ab55", "ae8ab57801911c04c7b4c2a2f665cf8d8a8188f948c2a65e39c292d9b1d86e32")]
    public void The_key_combiner_gives_the_printed_key_encryption_keys(string set, string file, string mlKemShare, string ecdhShare, string kek)
    {
        var subkey = SubkeyPacket(set);
        var pkesk = FirstPkesk(Rfc9980Vectors.Read(file));
        Assert.Equal(subkey.Algorithm, pkesk.Algorithm);
        int e = PqAlgorithms.EccKeyLength(subkey.Algorithm);
        var combined = CompositeKem.Combine(Convert.FromHexString(mlKemShare), Convert.FromHexString(ecdhShare), pkesk.Fields.AsSpan(0, e),
            subkey.Material[..e], subkey.Algorithm);
        Assert.Equal(kek, Convert.ToHexString(combined).ToLowerInvariant());

        // One octet of any input changed gives another key.
        var otherShare = Convert.FromHexString(mlKemShare);
        otherShare[0] ^= 1;
        Assert.NotEqual(combined, CompositeKem.Combine(otherShare, Convert.FromHexString(ecdhShare), pkesk.Fields.AsSpan(0, e), subkey.Material[..e], subkey.Algorithm));
    }

    internal static KeyPacket SubkeyPacket(string set)
    {
        var binary = new MemoryStream();
        OpenPgpArmor.Dearmor(new MemoryStream(Rfc9980Vectors.Read(set + "-sample-pk.asc")), binary);
        foreach (var (tag, body) in Packets(binary.ToArray()))
            if (tag == 14) return KeyPacket.Parse(body, out _);
        throw new InvalidOperationException("no subkey");
    }

    internal static Pkesk FirstPkesk(byte[] armored)
    {
        var binary = new MemoryStream();
        OpenPgpArmor.Dearmor(new MemoryStream(armored), binary);
        var (_, body) = Packets(binary.ToArray()).First(p => p.Tag == 1);
        return body[0] == 6 ? PkeskV6.Parse(body).Packet : Pkesk.Parse(body);
    }

    /// <summary>The packets of a binary sequence, read with the library's packet reader.</summary>
    internal static IEnumerable<(int Tag, byte[] Body)> Packets(byte[] data)
    {
        var input = new MemoryStream(data);
        while (PacketReader.Read(input) is { } packet)
        {
            var (tag, body) = packet;
            var bytes = new MemoryStream();
            body.CopyTo(bytes);
            yield return ((int)tag, bytes.ToArray());
        }
    }
}
