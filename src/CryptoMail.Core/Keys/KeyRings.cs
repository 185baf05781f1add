
namespace CryptoMail.Core.Keys;

/// <summary>One key ring read from input: a certificate, with the secret key when the input held one.</summary>
internal sealed record ReadRing(Certificate Certificate, SecretKey? Secret);

/// <summary>Reads key rings (public and secret, v4 and v6, armored and binary, several per input) into our model.</summary>
internal static class KeyRings
{
    public static List<ReadRing> Read(byte[] data, string what) => Guard.Run(() =>
        KeyRing.ReadAll(data, what).Select(r =>
        {
            if (!r.HasSecret) return new ReadRing(new Certificate(r), null);
            var secret = new SecretKey(r);
            return new ReadRing(secret.Certificate, secret);
        }).ToList(), what);
}
