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

    /// <summary>The degree of parallelism of this instance's parallel stages (hashing beside encryption, sealing or
    /// opening the next AEAD chunk on another core), shared by all of its operations: besides each operation's own
    /// thread, at most <c>MaxParallelism − 1</c> stage work items are on the thread pool at once; a stage that finds
    /// no free slot runs on its operation's own thread, so the limit never makes an operation wait. 0 or 1 turns
    /// parallel stages off (every operation then uses one thread at a time). Default
    /// <see cref="Environment.ProcessorCount"/> + 1, that is one stage work item per core: a single large operation
    /// uses the machine even when its pipeline has two stages besides its own thread (signing while encrypting SEIPD v1
    /// hashes the signature and the MDC on other cores; with one item per two cores, one of them would run on the
    /// operation's thread, beside the serial CFB encryption), and a server with many concurrent operations does not
    /// queue extra pool work for each of them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxParallelism
    {
        get => maxParallelism;
        init => maxParallelism = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "MaxParallelism must be 0 or more.");
    }

    /// <summary>Where this instance's operations report their decisions (policy refusals, rejected keys and
    /// signatures, limits reached) as <see cref="OpenPgpDiagnostic"/>s; never secrets or message content. Null (the
    /// default) reports nothing. <c>services.AddCryptoMail()</c> of CryptoMail.Core.Extensions sets one that writes
    /// to <c>ILogger</c>.</summary>
    public IOpenPgpDiagnostics? Diagnostics { get; init; }

    private readonly int maxParallelism = Environment.ProcessorCount + 1;
}
