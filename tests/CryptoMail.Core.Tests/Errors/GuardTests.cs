using CryptoMail.Core.Internal;

namespace CryptoMail.Core.Tests.Errors;

/// <summary>The public boundary tells our own argument checks (passed through) from a library's argument checks
/// tripped by bad data (mapped to MalformedDataException), by the innermost stack frame, in the text forms of both the
/// JIT runtime and a native AOT build (where Exception.TargetSite is not available).</summary>
public class GuardTests
{
    [Fact]
    public void Our_argument_exception_passes_through()
    {
        var e = Assert.Throws<ArgumentException>(() => Guard.Run(ThrowOurs, "Testing"));
        Assert.Equal("value", e.ParamName);
    }

    [Fact]
    public void A_framework_argument_exception_becomes_malformed_data()
    {
        var e = Assert.Throws<MalformedDataException>(() => Guard.Run(() => new string('x', -1), "Testing"));
        Assert.IsType<ArgumentOutOfRangeException>(e.InnerException);
    }

    [Theory]
    [InlineData("   at CryptoMail.Core.Keys.Certificate.Parse(ReadOnlySpan`1 data) in /src/Certificate.cs:line 12\n   at Other.Caller()", true)]
    [InlineData("   at CryptoMail.Core.Keys.Certificate.Parse(ReadOnlySpan`1) + 0x3c\n   at Other.Caller() + 0x10", true)]
    [InlineData("   at CryptoMail.Core.Internal.Helper.Get[T](Int32) + 0x3c", true)]
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
