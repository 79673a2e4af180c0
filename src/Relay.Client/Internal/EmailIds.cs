using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Relay.Client.Internal;

/// <summary>
/// Time-ordered ids (UUID version 7) laid out as <see cref="Guid.CreateVersion7(DateTimeOffset)"/> lays
/// them out. Their random bits come from a per-thread buffer of cryptographic randomness, refilled once
/// every 256 ids, because asking the system for 16 bytes per id was a fifth of building a row.
/// </summary>
internal static class EmailIds
{
    private const int IdsPerRefill = 256;

    [ThreadStatic]
    private static byte[]? _random;

    [ThreadStatic]
    private static int _next;

    public static Guid NewId(DateTimeOffset timestamp)
    {
        var unixMs = timestamp.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(unixMs, nameof(timestamp));

        var random = _random ??= new byte[16 * IdsPerRefill];
        if (_next == 0)
        {
            RandomNumberGenerator.Fill(random);
        }

        Span<byte> bytes = stackalloc byte[16];
        random.AsSpan(_next * 16, 16).CopyTo(bytes);
        _next = (_next + 1) % IdsPerRefill;

        // 48 bits of Unix milliseconds, then the version nibble (7) and the RFC 9562 variant bits (10).
        Span<byte> time = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(time, unixMs);
        time[2..].CopyTo(bytes);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
