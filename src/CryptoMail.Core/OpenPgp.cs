
namespace CryptoMail.Core;

/// <summary>The entry point: key generation, streaming encryption, decryption, signing and verification, and
/// PGP/MIME through <see cref="Mime"/>.</summary>
/// <remarks>Stateless and thread-safe; one instance may serve a whole application.</remarks>
public sealed partial class OpenPgp
{
    /// <summary>Creates an instance with the default settings (<see cref="OpenPgpOptions.Default"/>).</summary>
    public OpenPgp() : this(OpenPgpOptions.Default) { }

    /// <summary>Creates an instance whose operations use <paramref name="options"/> wherever a call's own options leave
    /// a setting open.</summary>
    /// <param name="options">The application-wide settings.</param>
    public OpenPgp(OpenPgpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Engine = new MessageEngine(options);
        Mime = new PgpMime(Engine);
    }

    /// <summary>The application-wide settings this instance was made with.</summary>
    public OpenPgpOptions Options { get; }

    internal MessageEngine Engine { get; }

    /// <summary>PGP/MIME (RFC 3156) operations on MimeKit messages.</summary>
    public PgpMime Mime { get; }

    /// <summary>Generates a new secret key.</summary>
    /// <param name="userId">The primary user ID, e.g. <c>Alice &lt;alice@example.org&gt;</c>.</param>
    /// <param name="options">Algorithms, expiry and passphrase; null for the defaults (Curve25519, no expiry, no passphrase).</param>
    /// <param name="cancellationToken">Cancels the generation, checked between its steps (making each key pair,
    /// protecting each secret key); one RSA key generation or Argon2 derivation, once started, runs to its end.</param>
    /// <returns>The new key. If a passphrase was given, it is returned locked.</returns>
    /// <remarks>Key generation does no I/O, so it has no asynchronous form: a caller that must not spend its thread on
    /// it (a 4096-bit RSA key takes seconds) runs it where it runs other CPU-bound work.</remarks>
    public SecretKey GenerateKey(string userId, KeyGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        return Guard.Run(() => KeyGenerator.Generate(userId, options ?? new KeyGenerationOptions(), cancellationToken), "Generating a key");
    }
}
