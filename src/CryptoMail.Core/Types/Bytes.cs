using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CryptoMail.Core.Types;

internal static class Bytes
{
    /// <summary>data ^= key, vectorized. Always compiled fully optimized: ReadyToRun cannot precompile code over
    /// <see cref="Vector{T}"/>, so without this a fresh process runs its bulk XOR in unoptimized code until tiering catches up.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Xor(Span<byte> data, ReadOnlySpan<byte> key)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && data.Length >= Vector<byte>.Count)
        {
            var dv = MemoryMarshal.Cast<byte, Vector<byte>>(data);
            var kv = MemoryMarshal.Cast<byte, Vector<byte>>(key[..data.Length]);
            for (int v = 0; v < dv.Length; v++) dv[v] ^= kv[v];
            i = dv.Length * Vector<byte>.Count;
        }
        for (; i < data.Length; i++) data[i] ^= key[i];
    }
}
