namespace CryptoMail.Core.Types;

/// <summary>Where the decision points of every layer report an <see cref="OpenPgpDiagnostic"/>: the sink of the
/// operation running on this logical flow (<see cref="OpenPgpOptions.Diagnostics"/>, made current by the engine with
/// <see cref="Use"/>), so a policy check or a limit deep in the reader reports without threading the sink through
/// every signature. Outside an operation, or with no sink configured, reporting costs one read of an
/// <see cref="AsyncLocal{T}"/>.</summary>
internal static class DiagnosticSink
{
    private static readonly AsyncLocal<IOpenPgpDiagnostics?> Ambient = new();

    /// <summary>Makes <paramref name="sink"/> the current sink until the returned scope is disposed.</summary>
    public static Scope Use(IOpenPgpDiagnostics? sink)
    {
        var previous = Ambient.Value;
        Ambient.Value = sink;
        return new Scope(previous);
    }

    /// <summary>Whether an operation on this flow has a sink (so a caller can skip building a diagnostic).</summary>
    public static bool Active => Ambient.Value is not null;

    /// <summary>Hands <paramref name="diagnostic"/> to the current sink, if any. The sink's own failure is ignored:
    /// diagnostics never change an operation's outcome.</summary>
    public static void Report(OpenPgpDiagnostic diagnostic)
    {
        if (Ambient.Value is not { } sink) return;
        try
        {
            sink.Report(diagnostic);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Ignored by design: a logging failure must not turn a verdict or an error into another one.
        }
    }

    /// <summary>Reports a limit that was reached and returns the exception that refuses the input.</summary>
    /// <param name="limit">The limit's property name, e.g. <c>nameof(ReadLimits.MaxNestingDepth)</c>.</param>
    /// <param name="value">The limit's value.</param>
    /// <param name="message">The exception's words.</param>
    public static LimitExceededException LimitExceeded(string limit, long value, string message)
    {
        Report(new OpenPgpDiagnostic(OpenPgpDiagnosticKind.LimitExceeded, message) { LimitName = limit, LimitValue = value });
        return new LimitExceededException(message);
    }

    /// <summary>Reports a policy refusal and returns the exception that refuses the operation.</summary>
    public static PolicyViolationException PolicyRefused(ValidationReason reason, string message, SymmetricCipher? cipher = null, OpenPgpHashAlgorithm? hash = null)
    {
        Report(new OpenPgpDiagnostic(OpenPgpDiagnosticKind.PolicyRefused, message) { Reason = reason, Cipher = cipher, Hash = hash });
        return new PolicyViolationException(message) { Reason = reason };
    }

    /// <summary>Restores the sink that was current before <see cref="Use"/>.</summary>
    public readonly struct Scope(IOpenPgpDiagnostics? previous) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => Ambient.Value = previous;
    }
}
