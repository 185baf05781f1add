using CryptoMail.Core;

namespace CryptoMail.Tool.Tests;

public sealed class VerificationLineTests
{
    [Fact]
    public void Line_is_utc_timestamp_signing_fpr_primary_fpr_and_mode()
    {
        var v = new SignatureVerification(SignatureStatus.Good, "1122334455667788", "AAAA1111", "BBBB2222", null,
            new DateTimeOffset(2026, 1, 31, 13, 0, 0, TimeSpan.FromHours(1)), OpenPgpHashAlgorithm.Sha256, SignatureMode.Text, "ok");
        Assert.Equal("2026-01-31T12:00:00Z AAAA1111 BBBB2222 mode:text", SopCommands.VerificationLine(v));
    }

    [Fact]
    public void Binary_mode_is_spelled_binary()
    {
        var v = new SignatureVerification(SignatureStatus.Good, "11", "AA", "BB", null, DateTimeOffset.UnixEpoch, OpenPgpHashAlgorithm.Sha256, SignatureMode.Binary, "ok");
        Assert.EndsWith(" mode:binary", SopCommands.VerificationLine(v));
    }

    [Theory]
    [InlineData("2026-01-31T12:00:00Z")]
    [InlineData("2026-01-31T13:00:00+01:00")]
    [InlineData("20260131T120000Z")]
    public void Dates_parse_in_iso_8601_forms(string text)
    {
        Assert.Equal(new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero), SopCommands.ParseDate(text, null));
    }

    [Fact]
    public void Dash_means_no_limit_and_absent_means_the_default()
    {
        var fallback = DateTimeOffset.UnixEpoch;
        Assert.Null(SopCommands.ParseDate("-", fallback));
        Assert.Equal(fallback, SopCommands.ParseDate(null, fallback));
        Assert.InRange(SopCommands.ParseDate("now", null)!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public void A_bad_date_is_an_error()
    {
        Assert.Throws<ToolException>(() => SopCommands.ParseDate("yesterday-ish", null));
    }
}
