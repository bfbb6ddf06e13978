using NodeFirmware.Receiver.Model;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Tests.Storage;

public class PackedReadingsTests
{
    private const string Dev = "esp32-a1b2c3d4e5f6";
    private static readonly (string, string)[] Columns = [("temperature", "Cel"), ("humidity", "%RH"), ("battery", "V")];

    private static TelemetryRecord[] Sample() =>
    [
        new(new ReadingKey(Dev, 7, 100), 1_750_000_000, 1_750_000_000, TimeSource.Device, null,
            [new ChannelValue("temperature", "Cel", 21.25), new ChannelValue("humidity", "%RH", 40), new ChannelValue("battery", "V", 3.9)]),
        new(new ReadingKey(Dev, 7, 101), 1_749_999_000, 0, TimeSource.Unset, "sensor-timeout", [new ChannelValue("battery", "V", 3.85)]),
        new(new ReadingKey(Dev, 7, 102), long.MaxValue / 2, -5, TimeSource.Skewed, "défaut", []),
        new(new ReadingKey(Dev, 7, 103), 1_750_000_060, 1_750_000_060, TimeSource.Device, null,
            [new ChannelValue("humidity", "%RH", double.Epsilon), new ChannelValue("temperature", "Cel", -40)]),
    ];

    [Fact]
    public void Readings_come_back_as_they_went_in_with_values_in_column_order()
    {
        var records = Sample();
        long min = records.Min(r => r.Time);
        var data = PackedReadings.Pack(records, Columns, min);
        var back = PackedReadings.Unpack(data, Dev, 7, 100, records.Length, Columns, min);
        Assert.Equal(records.Length, back.Length);
        for (int i = 0; i < records.Length; i++)
        {
            Assert.Equal((records[i].Key, records[i].Time, records[i].DeviceTime, records[i].TimeSource, records[i].Fault),
                (back[i].Key, back[i].Time, back[i].DeviceTime, back[i].TimeSource, back[i].Fault));
            var expected = records[i].Values.OrderBy(v => Array.IndexOf(Columns, (v.Channel, v.Unit)));
            Assert.Equal(expected, back[i].Values);
        }
    }

    [Fact]
    public void Fifteen_readings_of_four_values_take_under_forty_bytes_each()
    {
        var records = Enumerable.Range(0, 15).Select(k => new TelemetryRecord(new ReadingKey(Dev, 1, k), 1_750_000_000 + 60 * k, 1_750_000_000 + 60 * k,
            TimeSource.Device, null, [new("temperature", "Cel", 20 + k), new("humidity", "%RH", 40), new("battery", "V", 3.9)])).ToArray();
        Assert.InRange(PackedReadings.Pack(records, Columns, 1_750_000_000).Length, 15 * 26, 15 * 40);
    }

    [Fact]
    public void A_value_of_a_channel_the_layout_lacks_is_refused_when_packing()
    {
        var record = new TelemetryRecord(new ReadingKey(Dev, 1, 0), 0, 0, TimeSource.Device, null, [new ChannelValue("light", "lx", 1)]);
        Assert.Throws<ArgumentException>(() => PackedReadings.Pack([record], Columns, 0));
    }

    [Fact]
    public void Every_truncation_and_any_trailing_byte_is_refused()
    {
        var records = Sample();
        long min = records.Min(r => r.Time);
        var data = PackedReadings.Pack(records, Columns, min);
        for (int n = 0; n < data.Length; n++)
            Assert.Throws<InvalidDataException>(() => PackedReadings.Unpack(data.AsSpan(0, n), Dev, 7, 100, records.Length, Columns, min));
        Assert.Throws<InvalidDataException>(() => PackedReadings.Unpack([.. data, 0], Dev, 7, 100, records.Length, Columns, min));
        Assert.Throws<InvalidDataException>(() => PackedReadings.Unpack(data, Dev, 7, 100, records.Length - 1, Columns, min));
    }

    [Theory]
    [InlineData(new byte[] { 2, 0, 0, 0, 0 }, "format version")]
    [InlineData(new byte[] { 1, 8, 0, 0, 0 }, "flags")]
    [InlineData(new byte[] { 1, 3, 0, 0, 0 }, "flags")]
    [InlineData(new byte[] { 1, 0, 0, 0, 8 }, "columns")]
    [InlineData(new byte[] { 1, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0 }, "64 bits")]
    [InlineData(new byte[] { 1, 4, 0, 0, 0xFF, 0x7F, 0 }, "fault")]
    public void Malformed_rows_are_refused_with_the_reason(byte[] data, string reason)
    {
        var e = Assert.Throws<InvalidDataException>(() => PackedReadings.Unpack(data, Dev, 1, 0, 1, Columns, 0));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Random_bytes_are_refused_or_read_never_anything_else()
    {
        var random = new Random(13);
        for (int i = 0; i < 20_000; i++)
        {
            var data = new byte[random.Next(0, 80)];
            random.NextBytes(data);
            if (data.Length > 0 && random.Next(2) == 0) data[0] = PackedReadings.FormatVersion;
            try
            {
                var back = PackedReadings.Unpack(data, Dev, 1, 0, random.Next(1, 4), Columns, 0);
                Assert.All(back, r => Assert.InRange(r.Values.Count, 0, Columns.Length));
            }
            catch (InvalidDataException)
            {
            }
            catch (OverflowException)
            {
                Assert.Fail("an overflow escaped as something other than a corrupt row");
            }
        }
    }
}
