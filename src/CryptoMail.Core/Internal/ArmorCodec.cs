using Org.BouncyCastle.Bcpg;

namespace CryptoMail.Core.Internal;

/// <summary>Streaming armor and dearmor for <see cref="OpenPgpArmor"/>.</summary>
internal static class ArmorCodec
{
    public static void Armor(Stream input, Stream output, ArmorKind? kind)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        Guard.Run(() =>
        {
            var source = new IoBridge(input, false, CancellationToken.None);
            var sink = new IoBridge(output, false, CancellationToken.None);
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
            var source = new IoBridge(input, false, CancellationToken.None);
            var sink = new IoBridge(output, false, CancellationToken.None);
            var peek = new PeekStream(source);
            if (peek.Head.Length == 0) throw new MalformedDataException("Dearmoring: the input is empty.");
            if (PgpInput.LooksBinary(peek.Head))
            {
                peek.CopyTo(sink);
                return;
            }
            if (!PgpInput.LooksArmored(peek.Head)) throw new MalformedDataException("Dearmoring: the input is not ASCII armor.");
            try
            {
                using var armored = new ArmoredInputStream(peek);
                var buffer = new byte[1 << 16];
                long total = 0;
                int n;
                while ((n = armored.Read(buffer, 0, buffer.Length)) > 0)
                {
                    sink.Write(buffer, 0, n);
                    total += n;
                }
                if (total == 0) throw new MalformedDataException("Dearmoring: the armor holds no data.");
            }
            catch (Exception e) when (e is not CryptoMailException and not CallerStreamException)
            {
                throw new MalformedDataException($"Dearmoring: the armor is invalid ({e.Message}).", e);
            }
            sink.Flush();
        }, "Dearmoring");
    }
}
