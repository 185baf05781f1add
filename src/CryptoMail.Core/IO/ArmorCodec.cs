
namespace CryptoMail.Core.IO;

/// <summary>Streaming armor and dearmor for <see cref="OpenPgpArmor"/>.</summary>
internal static class ArmorCodec
{
    public static void Armor(Stream input, Stream output, ArmorKind? kind)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        Guard.Run(() =>
        {
            var source = new IoBridge(input, CancellationToken.None);
            var sink = new IoBridge(output, CancellationToken.None);
            var peek = new PeekStream(source);
            if (peek.Head.Length == 0) throw new MalformedDataException("Armoring: the input is empty.");
            if (PgpInput.LooksArmored(peek.Head))
            {
                peek.CopyTo(sink);
                return;
            }
            if (!PgpInput.LooksBinary(peek.Head)) throw new MalformedDataException("Armoring: the input is not OpenPGP data.");
            using (var armor = new ArmorStream(sink, kind ?? ArmorWriter.KindOf(peek.Head[0])))
            {
                peek.CopyTo(armor, 1 << 16);
            }
            sink.Flush();
        }, "Armoring");
    }

    public static void Dearmor(Stream input, Stream output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        Guard.Run(() =>
        {
            var source = new IoBridge(input, CancellationToken.None);
            var sink = new IoBridge(output, CancellationToken.None);
            var peek = new PeekStream(source);
            if (peek.Head.Length == 0) throw new MalformedDataException("Dearmoring: the input is empty.");
            if (PgpInput.LooksBinary(peek.Head))
            {
                peek.CopyTo(sink);
                return;
            }
            if (!PgpInput.LooksArmored(peek.Head)) throw new MalformedDataException("Dearmoring: the input is not ASCII armor.");
            using var armored = new ArmorReader(peek, "Dearmoring");
            armored.CopyTo(sink, 1 << 16);
            sink.Flush();
        }, "Dearmoring");
    }
}
