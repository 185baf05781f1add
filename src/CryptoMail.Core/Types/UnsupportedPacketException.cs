namespace CryptoMail.Core.Types;

/// <summary>A packet version or algorithm this library does not read yet; the packet is skipped, not trusted.</summary>
internal sealed class UnsupportedPacketException : Exception
{
    public UnsupportedPacketException(string message) : base(message) { }
}
