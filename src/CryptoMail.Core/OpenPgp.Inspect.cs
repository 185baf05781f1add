
namespace CryptoMail.Core;

public sealed partial class OpenPgp
{
    /// <summary>Reads the start of a message and says what it names, without decrypting or verifying anything: the
    /// keys it is encrypted to, its password packets, its encrypted data packet, or (for a message that is only
    /// signed) its signers. A program uses it to pick the keys to load or unlock, or to ask for a password, before it
    /// calls <see cref="Decrypt"/>.</summary>
    /// <param name="input">The message, armored or binary. Read only as far as the encrypted data packet's header or
    /// the literal data packet's (a large message is not read to its end); left open, its position past what was read.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What the message says about itself. None of it is authenticated.</returns>
    /// <remarks>The instance's <see cref="OpenPgpOptions.Limits"/> bound the work: session key packets
    /// (<see cref="ReadLimits.MaxRecipients"/>), signatures (<see cref="ReadLimits.MaxSignatures"/>), compressed
    /// layers (<see cref="ReadLimits.MaxNestingDepth"/>, <see cref="ReadLimits.MaxDecompressedBytes"/>).</remarks>
    /// <exception cref="MalformedDataException">The input is not an OpenPGP message, or its packets are malformed or
    /// truncated.</exception>
    /// <exception cref="LimitExceededException">A limit was exceeded.</exception>
    public MessageInspection Inspect(Stream input, CancellationToken cancellationToken = default) =>
        MessageInspector.Inspect(input, Options.Limits, cancellationToken);

    /// <summary>Reads the start of a message and says what it names; the asynchronous form of <see cref="Inspect"/>.</summary>
    /// <param name="input">The message, armored or binary; read with its asynchronous method only as far as needed
    /// (in pieces, so somewhat beyond the header packets); left open.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>What the message says about itself. None of it is authenticated.</returns>
    /// <exception cref="MalformedDataException">The input is not an OpenPGP message, or its packets are malformed or
    /// truncated.</exception>
    /// <exception cref="LimitExceededException">A limit was exceeded.</exception>
    public Task<MessageInspection> InspectAsync(Stream input, CancellationToken cancellationToken = default) =>
        MessageInspector.InspectAsync(input, Options.Limits, cancellationToken);
}
