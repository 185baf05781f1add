using System.Runtime.ExceptionServices;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto;

namespace CryptoMail.Core.Crypto;

/// <summary>An exception raised by a caller's stream, carried through BouncyCastle untouched and rethrown as it was.</summary>
internal sealed class CallerStreamException : Exception
{
    public CallerStreamException(Exception inner) : base(inner.Message, inner) { }
}

/// <summary>The public boundary: every exception that is not ours becomes one of ours (or the caller's own, rethrown).
/// Only the exceptions BouncyCastle and MimeKit document for bad input become <see cref="MalformedDataException"/> or
/// <see cref="IntegrityException"/>; any other runtime exception is a bug and becomes
/// <see cref="CryptoMailInternalException"/>.</summary>
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

    /// <summary><see cref="Run{T}(Func{T}, string)"/> for a core that follows the async convention (see
    /// <c>AsyncMode</c>): the same boundary, whether the core completes synchronously or not.</summary>
    public static async ValueTask<T> RunAsync<T>(Func<ValueTask<T>> body, string what)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e, what) is { } mapped)
        {
            if (mapped is CallerStreamException cse) ExceptionDispatchInfo.Throw(cse.InnerException!);
            throw mapped;
        }
    }

    /// <summary>Maps a foreign exception to ours; returns null for exceptions that pass through unchanged.</summary>
    public static Exception? Translate(Exception e, string what)
    {
        switch (e)
        {
            case CryptoMailException:
            case OperationCanceledException:
            case ArgumentException when ThrownByCryptoMail(e):
            // A caller's mistake: a disposed SecretKey or SessionKey handed to an operation.
            case ObjectDisposedException:
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
            // Ours: a packet version or algorithm this library does not read, where no caller chose to skip it.
            Types.UnsupportedPacketException => new MalformedDataException($"{what}: {e.Message}", e),
            // System.IO.Compression's documented error for a corrupt deflate or zlib stream (compressed data packets).
            InvalidDataException => new MalformedDataException($"{what}: the compressed data is corrupt.", e),
            // BouncyCastle's stream readers report bad packets and armor as IOException (ArmoredInputException too).
            IOException => new MalformedDataException($"{what}: {e.Message}", e),
            // CryptoException covers DataLengthException and OutputLengthException: a wrong-sized block or key.
            CryptoException => new MalformedDataException($"{what}: {e.Message}", e),
            // BouncyCastle documents ArgumentException for encodings it cannot decode (an EC point, a key size).
            ArgumentException when ThrownBy(e, "Org.BouncyCastle.") => new MalformedDataException($"{what}: {e.Message}", e),
            // MimeKit's ParseException (a FormatException) for a MIME structure it cannot read; matched by where it was
            // thrown so that this layer stays free of MimeKit types.
            FormatException when ThrownBy(e, "MimeKit.") => new MalformedDataException($"{what}: the MIME structure cannot be parsed.", e),
            // Anything else (IndexOutOfRange, NullReference, InvalidCast, Overflow, a runtime ArgumentOutOfRange, ...)
            // means a parser skipped a check: a bug, reported as one, never passed off as bad input.
            _ => new CryptoMailInternalException(what, e),
        };
    }

    /// <summary>
    /// Whether the innermost frame of <paramref name="e"/>'s stack trace is a CryptoMail method (a caller mistake we
    /// reported ourselves, not a library's argument check tripped by bad data). Read from the stack trace text, which
    /// both the JIT runtime and a native AOT build provide ("   at Namespace.Type.Method(...) ..."); Exception.TargetSite
    /// needs reflection metadata that a trimmed native build does not keep.
    /// </summary>
    internal static bool ThrownByCryptoMail(Exception e) => ThrownBy(e, "CryptoMail.");

    /// <summary>Whether the innermost frame of <paramref name="e"/>'s stack trace is a method in a namespace that
    /// starts with <paramref name="prefix"/>.</summary>
    private static bool ThrownBy(Exception e, string prefix)
    {
        var trace = e.StackTrace.AsSpan().TrimStart();
        int end = trace.IndexOfAny('\n', '(');
        if (end < 0) return false;
        var frame = trace[..end].TrimEnd();
        var method = frame[(frame.LastIndexOf(' ') + 1)..];
        return method.StartsWith(prefix, StringComparison.Ordinal);
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
