namespace CryptoMail.Core;

/// <summary>Helpers for OpenPGP user IDs of the form <c>Name &lt;address&gt;</c>.</summary>
public static class UserId
{
    /// <summary>The e-mail address in a user ID, lowercased, or null when it has none.</summary>
    /// <param name="userId">A user ID such as <c>Alice &lt;alice@example.org&gt;</c> or a bare address.</param>
    /// <returns>The address, or null.</returns>
    public static string? EmailOf(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        int lt = userId.LastIndexOf('<');
        int gt = userId.LastIndexOf('>');
        string candidate = lt >= 0 && gt > lt ? userId[(lt + 1)..gt] : userId;
        candidate = candidate.Trim();
        int at = candidate.LastIndexOf('@');
        if (at <= 0 || at == candidate.Length - 1 || candidate.Contains(' ', StringComparison.Ordinal)) return null;
        return candidate.ToLowerInvariant();
    }
}
