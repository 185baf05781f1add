using System.Runtime.ExceptionServices;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;

namespace CryptoMail.Core.Internal;

/// <summary>An exception raised by a caller's stream, carried through BouncyCastle untouched and rethrown as it was.</summary>
internal sealed class CallerStreamException : Exception
{
    public CallerStreamException(Exception inner) : base(inner.Message, inner) { }
}

/// <summary>The public boundary: every exception that is not ours becomes one of ours (or the caller's own, rethrown).</summary>
internal static class Guard
{
    public static T Run<T>(Func<T> body, string what)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (Translate(e, what) is { } mapped)
        {
            if (mapped is CallerStreamException cse) ExceptionDispatchInfo.Throw(cse.InnerException!);
            throw mapped;
        }
    }

    public static void Run(Action body, string what) => Run(() => { body(); return 0; }, what);

    /// <summary>Maps a foreign exception to ours; returns null for exceptions that pass through unchanged.</summary>
    public static Exception? Translate(Exception e, string what)
    {
        switch (e)
        {
            case CryptoMailException:
            case OperationCanceledException:
            case ArgumentException when ThrownByCryptoMail(e):
            case OutOfMemoryException:
                return null;
            case CallerStreamException:
                return e;
        }
        // Look through wrappers for a caller-stream failure or one of ours.
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is CallerStreamException) return inner;
            if (inner is CryptoMailException) return inner;
        }
        return e switch
        {
            EndOfStreamException => new MalformedDataException($"{what}: the data is truncated.", e),
            InvalidCipherTextException => new IntegrityException($"{what}: a cryptographic check failed ({e.Message}).", e),
            PgpDataValidationException => new IntegrityException($"{what}: {e.Message}", e),
            PgpException => new MalformedDataException($"{what}: {e.Message}", e),
            IOException => new MalformedDataException($"{what}: {e.Message}", e),
            _ => new MalformedDataException($"{what}: the data could not be processed ({e.GetType().Name}: {e.Message}).", e),
        };
    }

    /// <summary>
    /// Whether the innermost frame of <paramref name="e"/>'s stack trace is a CryptoMail method (a caller mistake we
    /// reported ourselves, not a library's argument check tripped by bad data). Read from the stack trace text, which
    /// both the JIT runtime and a native AOT build provide ("   at Namespace.Type.Method(...) ..."); Exception.TargetSite
    /// needs reflection metadata that a trimmed native build does not keep.
    /// </summary>
    internal static bool ThrownByCryptoMail(Exception e)
    {
        var trace = e.StackTrace.AsSpan().TrimStart();
        int end = trace.IndexOfAny('\n', '(');
        if (end < 0) return false;
        var frame = trace[..end].TrimEnd();
        var method = frame[(frame.LastIndexOf(' ') + 1)..];
        return method.StartsWith("CryptoMail.", StringComparison.Ordinal);
    }
}

/// <summary>Argument checks shared by the public entry points.</summary>
internal static class Check
{
    public static void NoNulls<T>(IEnumerable<T?> items, string what)
        where T : class
    {
        if (items.Any(i => i is null)) throw new ArgumentException($"{what} contains a null entry.", what);
    }
}
