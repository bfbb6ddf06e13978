using NodeFirmware.Core.Sensing;

namespace NodeFirmware.Core.Tests.Sensing;

public class BatteryVoltageTests
{
    [Theory]
    [InlineData(4095, 3300, 2000, 6600)]   // full scale through a 2:1 divider
    [InlineData(2482, 3300, 2000, 4000)]   // a charged cell: 2.0 V at the pin
    [InlineData(2048, 3300, 1000, 1650)]   // no divider, mid scale
    [InlineData(0, 3300, 2000, 0)]
    public void Counts_become_millivolts_at_the_battery(int count, int fullScale, int dividerPermille, int expected)
    {
        Assert.InRange(BatteryVoltage.FromAdc(count * 8L, 8, 4095, fullScale, dividerPermille), expected - 2, expected + 2);
    }

    [Fact]
    public void No_samples_means_not_measurable()
    {
        Assert.Equal(-1, BatteryVoltage.FromAdc(0, 0, 4095, 3300, 2000));
    }
}
