
namespace CryptoMail.Core.Tests.Errors;

/// <summary>The public boundary tells our own argument checks (passed through) from BouncyCastle's argument checks
/// tripped by bad data (mapped to MalformedDataException), by the innermost stack frame, in the text forms of both the
/// JIT runtime and a native AOT build (where Exception.TargetSite is not available). Any other runtime exception is a
/// bug (a parser skipped a check) and surfaces as CryptoMailInternalException, never as bad input (issue 13, Structure).</summary>
public class GuardTests
{
    [Fact]
    public void Our_argument_exception_passes_through()
    {
        var e = Assert.Throws<ArgumentException>(() => Guard.Run(ThrowOurs, "Testing"));
        Assert.Equal("value", e.ParamName);
    }

    [Fact]
    public void A_runtime_argument_exception_is_an_internal_error()
    {
        var e = Assert.Throws<CryptoMailInternalException>(() => Guard.Run(() => new string('x', -1), "Testing"));
        Assert.IsType<ArgumentOutOfRangeException>(e.InnerException);
        Assert.Equal(CryptoMailErrorKind.Internal, e.Kind);
    }

    [Fact]
    public void A_bouncycastle_argument_exception_becomes_malformed_data()
    {
        var e = Assert.Throws<MalformedDataException>(() => Guard.Run(() => new Org.BouncyCastle.Crypto.Parameters.KeyParameter(new byte[4], 2, 8), "Testing"));
        Assert.IsAssignableFrom<ArgumentException>(e.InnerException);
    }

    public static TheoryData<string> RuntimeFailures => new() { "index", "null", "cast", "overflow", "key", "format", "invalid-operation" };

    [Theory]
    [MemberData(nameof(RuntimeFailures))]
    public void Parser_bugs_are_internal_errors_that_do_not_echo_the_data(string kind)
    {
        byte[] data = [0xDE, 0xAD, 0xBE, 0xEF];
        var e = Assert.Throws<CryptoMailInternalException>(() => Guard.Run(() => Fail(kind, data), "Reading the message"));
        Assert.IsAssignableFrom<CryptoMailException>(e);
        Assert.Contains("bug", e.Message);
        Assert.StartsWith("Reading the message: ", e.Message);
        Assert.DoesNotContain("DEAD", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("222", e.Message);   // 0xDE as a decimal octet
    }

    [Fact]
    public void Documented_failures_of_bad_input_stay_malformed_or_integrity()
    {
        Assert.IsType<MalformedDataException>(Assert.ThrowsAny<CryptoMailException>(() => Guard.Run(() => throw new EndOfStreamException(), "Testing")));
        Assert.IsType<MalformedDataException>(Assert.ThrowsAny<CryptoMailException>(() => Guard.Run(() => throw new IOException("invalid header encountered"), "Testing")));
        Assert.IsType<MalformedDataException>(Assert.ThrowsAny<CryptoMailException>(() => Guard.Run(() => throw new Org.BouncyCastle.Bcpg.OpenPgp.PgpException("bad packet"), "Testing")));
        Assert.IsType<MalformedDataException>(Assert.ThrowsAny<CryptoMailException>(() => Guard.Run(() => throw new Org.BouncyCastle.Crypto.DataLengthException("input too short"), "Testing")));
        Assert.IsType<IntegrityException>(Assert.ThrowsAny<CryptoMailException>(() => Guard.Run(() => throw new Org.BouncyCastle.Crypto.InvalidCipherTextException("checksum failed"), "Testing")));
    }

    private static int Fail(string kind, byte[] data) => kind switch
    {
        "index" => data[data[0]],
        "null" => ((string?)null)!.Length + data.Length,
        "cast" => ((IConvertible)(object)data).ToInt32(null),
        "overflow" => checked(int.MaxValue + data[0]),
        "key" => new Dictionary<byte, int>()[data[1]],
        "format" => int.Parse(Convert.ToHexString(data), System.Globalization.CultureInfo.InvariantCulture),
        _ => data.AsEnumerable().Where(b => b == 0).Single(),
    };

    [Theory]
    [InlineData("   at CryptoMail.Core.Keys.Certificate.Parse(ReadOnlySpan`1 data) in /src/Certificate.cs:line 12\n   at Other.Caller()", true)]
    [InlineData("   at CryptoMail.Core.Keys.Certificate.Parse(ReadOnlySpan`1) + 0x3c\n   at Other.Caller() + 0x10", true)]
    [InlineData("   at CryptoMail.Core.Keys.Helper.Get[T](Int32) + 0x3c", true)]
    [InlineData("   at Org.BouncyCastle.Bcpg.BcpgInputStream.ReadPacket() + 0x3c\n   at CryptoMail.Core.Keys.Certificate.Parse()", false)]
    [InlineData("   at System.ArgumentException.ThrowIfNullOrEmpty(String, String)\n   at CryptoMail.Core.X.Y()", false)]
    [InlineData("   at CryptoMailFake.Type.Method()", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Reads_the_innermost_frame(string? trace, bool ours)
        => Assert.Equal(ours, Guard.ThrownByCryptoMail(new TracedArgumentException(trace)));

    private static int ThrowOurs() => throw new ArgumentException("bad value", "value");

    private sealed class TracedArgumentException(string? trace) : ArgumentException("traced")
    {
        public override string? StackTrace => trace;
    }
}
