using System.Buffers.Binary;

namespace NodeFirmware.Nodectl.Flashing;

/// <summary>A parsed response packet: command echoed, value (READ_REG result), data and the ROM's status bytes.</summary>
public sealed record RomResponse(byte Command, uint Value, byte[] Body)
{
    /// <summary>Parses one decoded SLIP packet; returns null with a reason if it is not a well-formed response.</summary>
    public static RomResponse? TryParse(byte[] packet, out string? problem)
    {
        if (packet.Length < RomProtocol.HeaderLength)
        {
            problem = $"packet of {packet.Length} bytes is shorter than the 8-byte header";
            return null;
        }

        if (packet[0] != RomProtocol.DirectionResponse)
        {
            problem = $"direction byte 0x{packet[0]:X2} is not a response (0x01)";
            return null;
        }

        int size = BinaryPrimitives.ReadUInt16LittleEndian(packet.AsSpan(2));
        if (size != packet.Length - RomProtocol.HeaderLength)
        {
            problem = $"size field says {size} data bytes but the packet carries {packet.Length - RomProtocol.HeaderLength}";
            return null;
        }

        problem = null;
        return new RomResponse(packet[1], BinaryPrimitives.ReadUInt32LittleEndian(packet.AsSpan(4)), packet[RomProtocol.HeaderLength..]);
    }

    /// <summary>Data before the status bytes, given how many status bytes the loader sends.</summary>
    public ReadOnlySpan<byte> Payload(int statusLength) => Body.AsSpan(0, Math.Max(0, Body.Length - statusLength));

    /// <summary>The status byte (0 success, 1 failure) and error byte, read from the front of the status field.</summary>
    public (byte Status, byte Error) Status(int statusLength)
    {
        if (Body.Length < statusLength)
        {
            return (0xFF, 0xFF);
        }

        int at = Body.Length - statusLength;
        return (Body[at], Body[at + 1]);
    }
}
