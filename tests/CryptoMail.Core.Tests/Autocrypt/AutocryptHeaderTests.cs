using System.Buffers.Binary;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Autocrypt;

/// <summary>The Autocrypt header: the minimal certificate it carries, folding, and the Level 1 parsing rules.</summary>
public sealed class AutocryptHeaderTests
{
    [Theory]
    [MemberData(nameof(TestKeys.Profiles), MemberType = typeof(TestKeys))]
    public void The_header_carries_a_minimal_certificate(string profile)
    {
        var certificate = TestKeys.Get(profile).Certificate;
        if (certificate.PrimaryKey.Algorithm is KeyAlgorithm.MlDsa65Ed25519 or KeyAlgorithm.MlDsa87Ed448)
        {
            // RFC 9980 keys with composite ML-DSA signatures are over Autocrypt Level 1's 10 KiB header limit: refused.
            var e = Assert.Throws<KeyNotUsableException>(() => AutocryptHeader.Create(certificate, "Alice@Example.org", AutocryptPreference.Mutual));
            Assert.Contains("10 KiB", e.Message, StringComparison.Ordinal);
            return;
        }

        var header = AutocryptHeader.Create(certificate, "Alice@Example.org", AutocryptPreference.Mutual);

        Assert.Equal("alice@example.org", header.Address);
        // Primary key, user ID + self-signature, encryption subkey + binding; a v6 key keeps its direct-key signature
        // too, which carries its key flags and preferences (RFC 9580 section 5.2.3.10).
        int[] expected = certificate.Version == 6 ? [6, 2, 13, 2, 14, 2] : [6, 13, 2, 14, 2];
        Assert.Equal(expected, Tags(header.KeyData.ToArray()));
        var minimal = header.Certificate;
        Assert.Equal(certificate.Fingerprint, minimal.Fingerprint);
        Assert.Equal(new[] { "Alice <alice@example.org>" }, minimal.UserIds);
        Assert.Equal(certificate.EncryptionKeys(DateTimeOffset.UtcNow).Single().Fingerprint, minimal.EncryptionKeys(DateTimeOffset.UtcNow).Single().Fingerprint);
    }

    [Fact]
    public void A_forged_newer_self_signature_is_passed_over_for_the_newest_valid_one()
    {
        var certificate = TestKeys.Get("Curve25519").Certificate;
        var packets = Packets(certificate.Export());
        int uidSig = packets.FindIndex(p => p.Tag == 13) + 1;
        // A copy of the user ID's self-signature with a creation time a day later: newest by date, but invalid.
        byte[] forged = (byte[])packets[uidSig].Body.Clone();
        ShiftCreationTime(forged, TimeSpan.FromDays(1));
        packets.Insert(uidSig + 1, (2, forged));
        var tampered = Certificate.Parse(Join(packets));
        Assert.Equal(certificate.UserIds, tampered.UserIds); // the forged signature does not count

        var header = AutocryptHeader.Create(tampered, "alice@example.org");

        var minimal = Packets(header.KeyData.ToArray());
        Assert.Equal(packets[uidSig].Body, minimal[2].Body);
        Assert.Equal(new[] { "Alice <alice@example.org>" }, header.Certificate.UserIds);
    }

    [Fact]
    public void No_user_id_with_the_address_or_a_revoked_key_cannot_make_a_header()
    {
        var alice = TestKeys.Get("Curve25519");
        Assert.Throws<KeyNotUsableException>(() => AutocryptHeader.Create(alice.Certificate, "bob@example.org"));
        var revoked = alice.Revoke(RevocationReason.Compromised);
        Assert.Throws<KeyNotUsableException>(() => AutocryptHeader.Create(revoked, "alice@example.org"));
        Assert.Throws<ArgumentException>(() => AutocryptHeader.Create(alice.Certificate, "not an address"));
    }

    [Fact]
    public void The_header_is_folded_as_the_spec_shows_and_parses_back()
    {
        var header = AutocryptHeader.Create(TestKeys.Get("Rsa3072").Certificate, "alice@example.org", AutocryptPreference.Mutual);

        string value = header.ToHeaderValue();

        string[] lines = value.Split("\r\n");
        Assert.Equal("addr=alice@example.org; prefer-encrypt=mutual; keydata=", lines[0]);
        Assert.All(lines.Skip(1), l => Assert.True(l.StartsWith(' ') && l.Length <= 77 && !l.Trim().Contains(' ', StringComparison.Ordinal)));
        Assert.True(AutocryptHeader.TryParse(value, out var parsed));
        Assert.Equal(header.KeyData.ToArray(), parsed.KeyData.ToArray());
        Assert.Equal(AutocryptPreference.Mutual, parsed.PreferEncrypt);
        Assert.Equal("alice@example.org", parsed.Address);
    }

    [Fact]
    public void The_specs_example_header_parses()
    {
        Assert.True(AutocryptHeader.TryParse(AutocryptSpecExamples.AliceHeaderValue, out var header));
        Assert.Equal("alice@autocrypt.example", header.Address);
        Assert.Equal(AutocryptPreference.Mutual, header.PreferEncrypt);
        Assert.Equal("71DBC5657FDE65A7", header.Certificate.KeyId);
        Assert.Equal(KeyAlgorithm.Rsa, header.Certificate.PrimaryKey.Algorithm);
    }

    [Theory]
    [InlineData("addr=alice@example.org; _extra=whatever; keydata={0}", true)]        // non-critical: ignored
    [InlineData("addr=alice@example.org; prefer-encrypt=yes; keydata={0}", true)]     // other values: no preference
    [InlineData("addr=alice@example.org; keydata={0};", true)]
    [InlineData("addr=alice@example.org; future=1; keydata={0}", false)]              // unknown critical attribute
    [InlineData("keydata={0}", false)]                                                // no addr
    [InlineData("addr=alice@example.org", false)]                                     // no keydata
    [InlineData("addr=alice@example.org; keydata={0}; _late=1", false)]               // keydata not last
    [InlineData("addr=alice@example.org; addr=bob@example.org; keydata={0}", false)]  // duplicate attribute
    [InlineData("addr=not-an-address; keydata={0}", false)]
    [InlineData("addr=alice@example.org; keydata=!!!not base64!!!", false)]
    [InlineData("addr=alice@example.org; keydata=AAECAwQF", false)]                   // not a certificate
    [InlineData("addr alice@example.org; keydata={0}", false)]
    public void Level_1_parsing_rules(string template, bool valid)
    {
        string keydata = Convert.ToBase64String(AutocryptHeader.Create(TestKeys.Get("Curve25519").Certificate, "alice@example.org").KeyData);
        bool parsed = AutocryptHeader.TryParse(string.Format(template, keydata), out var header);
        Assert.Equal(valid, parsed);
        if (valid) Assert.Equal(AutocryptPreference.NoPreference, header!.PreferEncrypt);
    }

    [Fact]
    public void Headers_over_10_KiB_and_two_certificates_are_invalid()
    {
        var alice = TestKeys.Get("Curve25519").Certificate.Export();
        var bob = TestKeys.Get("Curve25519", "bob").Certificate.Export();
        Assert.False(AutocryptHeader.TryParse("addr=alice@example.org; keydata=" + Convert.ToBase64String(alice.Concat(bob).ToArray()), out _));
        string huge = "addr=alice@example.org; _pad=" + new string('x', 10 * 1024) + "; keydata=" + Convert.ToBase64String(alice);
        Assert.False(AutocryptHeader.TryParse(huge, out _));
        Assert.False(AutocryptHeader.TryParse(null, out _));
    }

    [Fact]
    public void The_sender_header_is_the_single_valid_one_for_the_from_address()
    {
        string alice = AutocryptHeader.Create(TestKeys.Get("Curve25519").Certificate, "alice@example.org").ToHeaderValue();
        string bob = AutocryptHeader.Create(TestKeys.Get("Curve25519", "bob").Certificate, "bob@example.org").ToHeaderValue();

        Assert.Equal("alice@example.org", AutocryptHeader.SelectSenderHeader(new[] { alice, "garbage" }, "Alice <ALICE@example.org>")?.Address);
        Assert.Null(AutocryptHeader.SelectSenderHeader(new[] { bob }, "alice@example.org"));          // addr differs from From
        Assert.Null(AutocryptHeader.SelectSenderHeader(new[] { alice, alice }, "alice@example.org"));  // more than one valid: none
        Assert.Equal("alice@example.org", AutocryptHeader.SelectSenderHeader(new[] { alice, bob }, "alice@example.org")?.Address);
    }

    internal static List<(int Tag, byte[] Body)> Packets(byte[] data)
    {
        var list = new List<(int, byte[])>();
        using var input = new MemoryStream(data);
        while (PacketReader.Read(input) is var (tag, body)) list.Add(((int)tag, PacketReader.ReadSmallBody(body, 1 << 20, "test")));
        return list;
    }

    private static IEnumerable<int> Tags(byte[] data) => Packets(data).Select(p => p.Tag);

    private static byte[] Join(IEnumerable<(int Tag, byte[] Body)> packets)
    {
        using var output = new MemoryStream();
        foreach (var (tag, body) in packets) PacketWriter.WritePacket(output, (PacketTag)tag, body);
        return output.ToArray();
    }

    /// <summary>Moves the hashed signature creation time subpacket of a v4 signature body.</summary>
    private static void ShiftCreationTime(byte[] signature, TimeSpan by)
    {
        int hashedLength = BinaryPrimitives.ReadUInt16BigEndian(signature.AsSpan(4));
        int pos = 6;
        while (pos < 6 + hashedLength)
        {
            int size = signature[pos]; // short subpackets only in our own signatures
            if ((signature[pos + 1] & 0x7F) == 2)
            {
                var field = signature.AsSpan(pos + 2, 4);
                BinaryPrimitives.WriteUInt32BigEndian(field, BinaryPrimitives.ReadUInt32BigEndian(field) + (uint)by.TotalSeconds);
                return;
            }
            pos += 1 + size;
        }
        throw new InvalidOperationException("no creation time subpacket");
    }
}
