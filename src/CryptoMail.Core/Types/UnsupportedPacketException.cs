namespace CryptoMail.Core.Types;

/// <summary>A packet version or algorithm this library does not read yet; the packet is skipped, not trusted.</summary>
internal sealed class UnsupportedPacketException : Exception
{
    public UnsupportedPacketException(string message) : base(message) { }
}

/// <summary>A key that cannot serve the operation asked of it here (no secret material, protection or algorithm we
/// do not implement, secret material that does not match its public key). Raised below the key layer, which owns the
/// public <c>KeyNotUsableException</c> (it names certificates) and turns this into one where it calls down.</summary>
internal sealed class UnusableKeyException : Exception
{
    public UnusableKeyException(string message) : base(message) { }
}
