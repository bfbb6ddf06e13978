using System.Buffers.Binary;
using System.Security.Cryptography;

namespace NodeFirmware.Receiver.Storage;

/// <summary>
/// How a status message reached the receiver, which tells a copy of a status already stored from a new one.
/// A status carries no sequence number, and two statuses a device sent at different times can be byte for byte the
/// same (an "online" after each broken connection of one boot, say), so the content alone cannot say "seen before".
/// The broker can: <paramref name="Retained"/> marks the retained copy sent on subscribing, which is the device's
/// latest status; <paramref name="Redelivered"/> (MQTT DUP) marks a message sent to this session before and not
/// acknowledged, which comes again under its original packet identifier.
/// </summary>
/// <param name="ContentHash">The first 8 bytes of the payload's SHA-256, big-endian.</param>
public sealed record StatusDelivery(long ContentHash, bool Retained, bool Redelivered, int PacketId)
{
    public static long HashOf(ReadOnlySpan<byte> payload)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(payload, digest);
        return BinaryPrimitives.ReadInt64BigEndian(digest);
    }
}
