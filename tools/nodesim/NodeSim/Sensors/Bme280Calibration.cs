using System.Buffers.Binary;

namespace NodeSim.Sensors;

/// <summary>
/// BME280 trimming parameters (datasheet table 16) and their NVM image at calib00..calib41.
/// </summary>
public sealed record Bme280Calibration
{
    public ushort DigT1 { get; init; }
    public short DigT2 { get; init; }
    public short DigT3 { get; init; }
    public ushort DigP1 { get; init; }
    public short DigP2 { get; init; }
    public short DigP3 { get; init; }
    public short DigP4 { get; init; }
    public short DigP5 { get; init; }
    public short DigP6 { get; init; }
    public short DigP7 { get; init; }
    public short DigP8 { get; init; }
    public short DigP9 { get; init; }
    public byte DigH1 { get; init; }
    public short DigH2 { get; init; }
    public byte DigH3 { get; init; }

    /// <summary>12-bit signed in NVM (-2048..2047).</summary>
    public short DigH4 { get; init; }

    /// <summary>12-bit signed in NVM (-2048..2047).</summary>
    public short DigH5 { get; init; }

    public sbyte DigH6 { get; init; }

    /// <summary>Coefficients of a plausible production part.</summary>
    public static Bme280Calibration Default { get; } = new()
    {
        DigT1 = 27504, DigT2 = 26435, DigT3 = -1000,
        DigP1 = 36477, DigP2 = -10685, DigP3 = 3024, DigP4 = 2855, DigP5 = 140,
        DigP6 = -7, DigP7 = 15500, DigP8 = -14600, DigP9 = 6000,
        DigH1 = 75, DigH2 = 370, DigH3 = 0, DigH4 = 313, DigH5 = 50, DigH6 = 30,
    };

    /// <summary>Bytes of registers 0x88..0xA1 (calib00..calib25).</summary>
    public byte[] ToCalib00To25()
    {
        var b = new byte[Bme280Registers.Calib00Length];
        ReadOnlySpan<short> words =
        [
            (short)DigT1, DigT2, DigT3,
            (short)DigP1, DigP2, DigP3, DigP4, DigP5, DigP6, DigP7, DigP8, DigP9,
        ];
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(2 * i), words[i]);
        }

        // 0xA0 is reserved, 0xA1 holds dig_H1.
        b[0xA1 - Bme280Registers.Calib00] = DigH1;
        return b;
    }

    /// <summary>Bytes of registers 0xE1..0xF0 (calib26..calib41).</summary>
    public byte[] ToCalib26To41()
    {
        CheckTwelveBit(DigH4, nameof(DigH4));
        CheckTwelveBit(DigH5, nameof(DigH5));
        var b = new byte[Bme280Registers.Calib26Length];
        BinaryPrimitives.WriteInt16LittleEndian(b, DigH2); // 0xE1/0xE2
        b[2] = DigH3;                                      // 0xE3
        b[3] = (byte)(DigH4 >> 4);                         // 0xE4: H4[11:4]
        b[4] = (byte)(((DigH5 & 0x0F) << 4) | (DigH4 & 0x0F)); // 0xE5: H5[3:0] | H4[3:0]
        b[5] = (byte)(DigH5 >> 4);                         // 0xE6: H5[11:4]
        b[6] = (byte)DigH6;                                // 0xE7
        return b;
    }

    public static Bme280Calibration FromNvm(ReadOnlySpan<byte> calib00To25, ReadOnlySpan<byte> calib26To41)
    {
        if (calib00To25.Length < Bme280Registers.Calib00Length || calib26To41.Length < 7)
        {
            throw new ArgumentException("NVM image too short.");
        }

        var lo = calib00To25;
        var h = calib26To41;
        short W(ReadOnlySpan<byte> b, int i) => BinaryPrimitives.ReadInt16LittleEndian(b[(2 * i)..]);
        return new Bme280Calibration
        {
            DigT1 = (ushort)W(lo, 0), DigT2 = W(lo, 1), DigT3 = W(lo, 2),
            DigP1 = (ushort)W(lo, 3), DigP2 = W(lo, 4), DigP3 = W(lo, 5), DigP4 = W(lo, 6), DigP5 = W(lo, 7),
            DigP6 = W(lo, 8), DigP7 = W(lo, 9), DigP8 = W(lo, 10), DigP9 = W(lo, 11),
            DigH1 = lo[0xA1 - Bme280Registers.Calib00],
            DigH2 = BinaryPrimitives.ReadInt16LittleEndian(h),
            DigH3 = h[2],
            // The MSB registers carry the sign of the 12-bit values.
            DigH4 = (short)(((sbyte)h[3] << 4) | (h[4] & 0x0F)),
            DigH5 = (short)(((sbyte)h[5] << 4) | (h[4] >> 4)),
            DigH6 = (sbyte)h[6],
        };
    }

    private static void CheckTwelveBit(short value, string name)
    {
        if (value is < -2048 or > 2047)
        {
            throw new ArgumentOutOfRangeException(name, value, "dig_H4/dig_H5 are 12-bit signed values.");
        }
    }
}
