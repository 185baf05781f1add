using System.Reflection;
using CryptoMail.Core.Tests.Support;

namespace CryptoMail.Core.Tests.Keys;

/// <summary>Secrets in memory: an unlocked key keeps its decrypted material, never the passphrase; disposing an
/// unlocked key or a session key zeroes the octets it owns, and any later use throws ObjectDisposedException.</summary>
public class SecretDisposalTests
{
    private readonly OpenPgp pgp = new();
    private static readonly SecretKey Locked = TestKeys.Get("Curve25519+passphrase", "disposal");

    [Fact]
    public void An_unlocked_key_holds_no_string_equal_to_its_passphrase()
    {
        using var unlocked = Locked.Unlock(TestKeys.Passphrase);
        var fields = typeof(SecretKey).GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        Assert.NotEmpty(fields);
        Assert.DoesNotContain(fields, f => f.FieldType == typeof(string) && Equals(f.GetValue(unlocked), TestKeys.Passphrase));
        Assert.DoesNotContain(fields, f => f.FieldType == typeof(string));
        // It can still change its passphrase: from the material it holds.
        var changed = unlocked.ChangePassphrase("a new one");
        Assert.True(changed.TryUnlock("a new one", out var again));
        Assert.False(changed.TryUnlock(TestKeys.Passphrase, out _));
        again!.Dispose();
    }

    [Fact]
    public void Dispose_zeroes_the_decrypted_material_and_later_use_throws()
    {
        var unlocked = Locked.Unlock(TestKeys.Passphrase);
        var owned = unlocked.OwnedMaterial.ToList();
        Assert.Equal(2, owned.Count); // primary key and encryption subkey
        Assert.All(owned, bytes => Assert.Contains(bytes, b => b != 0));

        unlocked.Dispose();

        Assert.All(owned, bytes => Assert.All(bytes, b => Assert.Equal(0, b)));
        Assert.False(unlocked.IsUnlocked);
        Assert.Throws<ObjectDisposedException>(() => unlocked.ChangePassphrase("x"));
        Assert.Throws<ObjectDisposedException>(() => unlocked.AddUserId("X <x@example.org>"));
        Assert.Throws<ObjectDisposedException>(() => pgp.SignDetached(new MemoryStream("data"u8.ToArray()), new MemoryStream(), new SignOptions { Signers = { unlocked } }));
        unlocked.Dispose(); // twice is harmless

        // The locked key it came from is untouched.
        using var fresh = Locked.Unlock(TestKeys.Passphrase);
        pgp.SignDetached(new MemoryStream("data"u8.ToArray()), new MemoryStream(), new SignOptions { Signers = { fresh } });
    }

    [Fact]
    public void An_edited_copy_owns_its_own_material()
    {
        var unlocked = Locked.Unlock(TestKeys.Passphrase);
        using var edited = unlocked.AddUserId("Second <second@example.org>");
        unlocked.Dispose();
        Assert.True(edited.IsUnlocked);
        Assert.All(edited.OwnedMaterial, bytes => Assert.Contains(bytes, b => b != 0));
        var signature = new MemoryStream();
        pgp.SignDetached(new MemoryStream("data"u8.ToArray()), signature, new SignOptions { Signers = { edited } });
        Assert.NotEqual(0, signature.Length);
    }

    [Fact]
    public void Unlocking_an_unprotected_key_gives_a_copy_whose_disposal_leaves_the_original_usable()
    {
        var plain = TestKeys.Get("Curve25519", "disposal");
        var copy = plain.Unlock("ignored");
        Assert.NotSame(plain, copy);
        copy.Dispose();
        Assert.True(plain.IsUnlocked);
        pgp.SignDetached(new MemoryStream("data"u8.ToArray()), new MemoryStream(), new SignOptions { Signers = { plain } });
    }

    [Fact]
    public void Passphrases_as_characters_and_as_utf8_octets_unlock_and_wrong_ones_do_not()
    {
        char[] chars = TestKeys.Passphrase.ToCharArray();
        using (var fromChars = Locked.Unlock(chars.AsSpan()))
        {
            Assert.True(fromChars.IsUnlocked);
        }
        Array.Clear(chars);
        byte[] octets = System.Text.Encoding.UTF8.GetBytes(TestKeys.Passphrase);
        using (var fromOctets = Locked.Unlock(octets.AsSpan()))
        {
            Assert.True(fromOctets.IsUnlocked);
        }
        Assert.Throws<BadPassphraseException>(() => Locked.Unlock("wrong".AsSpan()));
        // Latin-1 octets of a non-ASCII passphrase are not its UTF-8 form.
        Assert.Throws<BadPassphraseException>(() => Locked.Unlock(System.Text.Encoding.Latin1.GetBytes(TestKeys.Passphrase).AsSpan()));
    }

    [Fact]
    public void A_new_subkey_of_a_protected_key_needs_the_passphrase_again()
    {
        using var unlocked = Locked.Unlock(TestKeys.Passphrase);
        Assert.Throws<KeyNotUsableException>(() => unlocked.AddSubkey(KeyUsage.Sign));
        Assert.Throws<BadPassphraseException>(() => unlocked.AddSubkey(KeyUsage.Sign, passphrase: "not the passphrase"));
        using var added = unlocked.AddSubkey(KeyUsage.Sign, passphrase: TestKeys.Passphrase);
        Assert.Equal(3, added.OwnedMaterial.Count);
        var changed = added.ChangePassphrase("rotated");
        Assert.True(changed.TryUnlock("rotated", out var reopened));
        Assert.Equal(3, reopened!.OwnedMaterial.Count);
        reopened.Dispose();
    }

    [Fact]
    public void A_disposed_session_key_is_zeroed_and_refuses_use()
    {
        var message = new MemoryStream();
        var result = pgp.Encrypt(new MemoryStream("x"u8.ToArray()), message, new EncryptOptions { Passwords = { "pw" }, ExportSessionKey = true });
        var sessionKey = result.SessionKey!;
        var owned = sessionKey.OwnedKey;
        Assert.Contains(owned, b => b != 0);
        Assert.Equal(owned.Length, sessionKey.Key.Length);

        sessionKey.Dispose();

        Assert.All(owned, b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => sessionKey.Key.Length);
        Assert.Throws<ObjectDisposedException>(() => sessionKey.ToString());
    }
}
