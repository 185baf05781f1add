namespace CryptoMail.Core;

/// <summary>Application-wide settings of an <see cref="OpenPgp"/> instance: what every operation of that instance
/// uses unless a call's own options say otherwise.</summary>
/// <remarks>Immutable once built; share one instance (and one <see cref="OpenPgp"/>) across an application.</remarks>
public sealed class OpenPgpOptions
{
    /// <summary>The defaults: <see cref="OpenPgpPolicy.Default"/> and <see cref="ReadLimits.Default"/>.</summary>
    public static OpenPgpOptions Default { get; } = new();

    /// <summary>The policy for operations whose options name none. Default <see cref="OpenPgpPolicy.Default"/>.</summary>
    public OpenPgpPolicy Policy { get; init; } = OpenPgpPolicy.Default;

    /// <summary>The limits for reading untrusted input when an operation's options name none. Default
    /// <see cref="ReadLimits.Default"/>.</summary>
    public ReadLimits Limits { get; init; } = ReadLimits.Default;
}
