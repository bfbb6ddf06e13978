namespace NodeFirmware.Nodectl.Flashing;

/// <summary>SLIP framing (RFC 1055) as the ESP ROM loader uses it: every packet starts and ends with END.</summary>
public static class Slip
{
    public const byte End = 0xC0;
    public const byte Esc = 0xDB;
    public const byte EscEnd = 0xDC;
    public const byte EscEsc = 0xDD;

    /// <summary>Encodes one packet as END, escaped payload, END.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> packet)
    {
        int length = 2;
        foreach (byte b in packet)
        {
            length += b is End or Esc ? 2 : 1;
        }

        var frame = new byte[length];
        int i = 0;
        frame[i++] = End;
        foreach (byte b in packet)
        {
            switch (b)
            {
                case End:
                    frame[i++] = Esc;
                    frame[i++] = EscEnd;
                    break;
                case Esc:
                    frame[i++] = Esc;
                    frame[i++] = EscEsc;
                    break;
                default:
                    frame[i++] = b;
                    break;
            }
        }

        frame[i] = End;
        return frame;
    }
}
