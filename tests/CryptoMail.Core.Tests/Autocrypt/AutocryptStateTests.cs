using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Autocrypt;

/// <summary>The Level 1 peer state update rules and the recommendation algorithm, rule by rule.</summary>
public sealed class AutocryptStateTests
{
    // After the test keys' creation (they are made when the run starts), whole seconds as the store keeps them.
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 3600);

    private static AutocryptHeader Header(string person = "bob", AutocryptPreference preference = AutocryptPreference.NoPreference, string profile = "Curve25519") =>
        AutocryptHeader.Create(TestKeys.Get(profile, person).Certificate, $"{person}@example.org", preference);

    [Fact]
    public void A_first_message_with_a_header_sets_every_field()
    {
        var peer = new AutocryptPeer("bob@example.org").WithMessage(T0, Header(preference: AutocryptPreference.Mutual));
        Assert.Equal(T0, peer.LastSeen);
        Assert.Equal(T0, peer.AutocryptTimestamp);
        Assert.Equal(TestKeys.Get("Curve25519", "bob").Fingerprint, peer.PublicKey?.Fingerprint);
        Assert.Equal(AutocryptPreference.Mutual, peer.PreferEncrypt);
    }

    [Fact]
    public void A_message_older_than_the_autocrypt_timestamp_changes_nothing()
    {
        var peer = new AutocryptPeer("bob@example.org").WithMessage(T0, Header(preference: AutocryptPreference.Mutual));
        var after = peer.WithMessage(T0.AddDays(-1), Header(profile: "Rsa3072"));
        Assert.Same(peer, after);
        Assert.Same(peer, peer.WithMessage(T0.AddDays(-1), null)); // step 1 ends before last_seen is looked at
    }

    [Fact]
    public void A_message_without_a_header_moves_last_seen_only_and_a_newer_header_replaces_key_and_preference()
    {
        var peer = new AutocryptPeer("bob@example.org").WithMessage(T0, Header(preference: AutocryptPreference.Mutual));
        var noHeader = peer.WithMessage(T0.AddDays(3), null);
        Assert.Equal(T0.AddDays(3), noHeader.LastSeen);
        Assert.Equal(T0, noHeader.AutocryptTimestamp);
        Assert.Same(peer.PublicKey, noHeader.PublicKey);
        Assert.Equal(AutocryptPreference.Mutual, noHeader.PreferEncrypt);

        var between = noHeader.WithMessage(T0.AddDays(2), Header(profile: "Rsa3072")); // newer than the header, older than last_seen
        Assert.Equal(T0.AddDays(3), between.LastSeen);
        Assert.Equal(T0.AddDays(2), between.AutocryptTimestamp);
        Assert.Equal(TestKeys.Get("Rsa3072", "bob").Fingerprint, between.PublicKey?.Fingerprint);
        Assert.Equal(AutocryptPreference.NoPreference, between.PreferEncrypt);
        Assert.Throws<ArgumentException>(() => between.WithMessage(T0.AddDays(4), Header("carol")));
    }

    [Fact]
    public void The_effective_date_is_the_date_header_unless_it_is_missing_or_in_the_future()
    {
        Assert.Equal(T0.AddDays(-1), AutocryptPeer.EffectiveDate(T0.AddDays(-1), T0));
        Assert.Equal(T0, AutocryptPeer.EffectiveDate(T0.AddDays(1), T0));
        Assert.Equal(T0, AutocryptPeer.EffectiveDate(null, T0));
    }

    [Fact]
    public void Gossip_updates_only_when_not_older_than_known_gossip()
    {
        var peer = new AutocryptPeer("carol@example.org").WithGossip(T0, Header("carol"));
        Assert.Equal(T0, peer.GossipTimestamp);
        Assert.Same(peer, peer.WithGossip(T0.AddDays(-1), Header("carol", profile: "Rsa3072")));
        var newer = peer.WithGossip(T0.AddDays(1), Header("carol", profile: "Rsa3072"));
        Assert.Equal(TestKeys.Get("Rsa3072", "carol").Fingerprint, newer.GossipKey?.Fingerprint);
        Assert.Null(newer.PublicKey);
        Assert.Null(newer.LastSeen);
    }

    [Fact]
    public void No_state_or_no_key_disables()
    {
        Assert.Equal(AutocryptRecommendation.Disable, Recommend(null).Recommendation);
        var seenWithoutKey = new AutocryptPeer("bob@example.org").WithMessage(T0, null);
        var r = Recommend(seenWithoutKey, replyToEncrypted: true);
        Assert.Equal(AutocryptRecommendation.Disable, r.Recommendation);
        Assert.Null(r.TargetKey);
    }

    [Fact]
    public void A_key_seen_recently_is_available_and_mutual_preferences_make_it_encrypt()
    {
        var nopref = new AutocryptPeer("bob@example.org").WithMessage(T0, Header());
        Assert.Equal(AutocryptRecommendation.Available, Recommend(nopref, AutocryptPreference.Mutual).Recommendation);
        var mutual = new AutocryptPeer("bob@example.org").WithMessage(T0, Header(preference: AutocryptPreference.Mutual));
        Assert.Equal(AutocryptRecommendation.Available, Recommend(mutual, AutocryptPreference.NoPreference).Recommendation);
        var both = Recommend(mutual, AutocryptPreference.Mutual);
        Assert.Equal(AutocryptRecommendation.Encrypt, both.Recommendation);
        Assert.Same(mutual.PublicKey, both.TargetKey);
    }

    [Fact]
    public void A_header_more_than_35_days_older_than_last_seen_discourages_unless_replying_to_encrypted_mail()
    {
        var mutual = new AutocryptPeer("bob@example.org").WithMessage(T0, Header(preference: AutocryptPreference.Mutual));
        var exactly35 = mutual.WithMessage(T0.AddDays(35), null);
        Assert.Equal(AutocryptRecommendation.Encrypt, Recommend(exactly35, AutocryptPreference.Mutual).Recommendation);
        var stale = mutual.WithMessage(T0.AddDays(35).AddSeconds(1), null);
        Assert.Equal(AutocryptRecommendation.Discourage, Recommend(stale, AutocryptPreference.Mutual).Recommendation);
        Assert.Equal(AutocryptRecommendation.Encrypt, Recommend(stale, AutocryptPreference.NoPreference, replyToEncrypted: true).Recommendation);
    }

    [Fact]
    public void Only_a_gossip_key_discourages_and_a_reply_to_encrypted_mail_encrypts_to_it()
    {
        var gossiped = new AutocryptPeer("bob@example.org").WithGossip(T0, Header());
        var r = Recommend(gossiped, AutocryptPreference.Mutual);
        Assert.Equal(AutocryptRecommendation.Discourage, r.Recommendation);
        Assert.Same(gossiped.GossipKey, r.TargetKey);
        Assert.Equal(AutocryptRecommendation.Encrypt, Recommend(gossiped, replyToEncrypted: true).Recommendation);
    }

    [Fact]
    public void A_revoked_public_key_counts_as_absent()
    {
        var bob = TestKeys.Get("Curve25519", "bob");
        var revokedKey = bob.Revoke(RevocationReason.Compromised);
        var peer = new AutocryptPeer("bob@example.org") { LastSeen = T0, AutocryptTimestamp = T0, PublicKey = revokedKey, PreferEncrypt = AutocryptPreference.Mutual };
        Assert.Equal(AutocryptRecommendation.Disable, Recommend(peer, AutocryptPreference.Mutual).Recommendation);
        var withGossip = peer.WithGossip(T0, Header("bob", profile: "Rsa3072"));
        var r = Recommend(withGossip, AutocryptPreference.Mutual);
        Assert.Equal(AutocryptRecommendation.Discourage, r.Recommendation);
        Assert.Same(withGossip.GossipKey, r.TargetKey);
    }

    [Theory]
    [InlineData("Encrypt,Encrypt", AutocryptRecommendation.Encrypt)]
    [InlineData("Encrypt,Available", AutocryptRecommendation.Available)]
    [InlineData("Encrypt,Discourage,Available", AutocryptRecommendation.Discourage)]
    [InlineData("Encrypt,Disable", AutocryptRecommendation.Disable)]
    [InlineData("Discourage,Disable,Encrypt", AutocryptRecommendation.Disable)]
    [InlineData("Available", AutocryptRecommendation.Available)]
    public void Several_recipients_combine_by_the_specs_precedence(string each, AutocryptRecommendation expected)
    {
        var recipients = each.Split(',').Select((r, i) => new AutocryptRecipientRecommendation($"r{i}@example.org", Enum.Parse<AutocryptRecommendation>(r), null));
        var message = AutocryptRecommender.Combine(recipients);
        Assert.Equal(expected, message.Recommendation);
        Assert.Equal(each.Split(',').Length, message.Recipients.Count);
        Assert.Throws<ArgumentException>(() => AutocryptRecommender.Combine(Array.Empty<AutocryptRecipientRecommendation>()));
    }

    private static AutocryptRecipientRecommendation Recommend(AutocryptPeer? peer, AutocryptPreference own = AutocryptPreference.NoPreference, bool replyToEncrypted = false) =>
        AutocryptRecommender.Recommend("bob@example.org", peer, own, replyToEncrypted, T0.AddDays(40));
}
