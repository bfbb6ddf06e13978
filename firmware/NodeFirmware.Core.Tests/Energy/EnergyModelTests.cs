using NodeFirmware.Core.Config;
using NodeFirmware.Core.Energy;

namespace NodeFirmware.Core.Tests.Energy;

public class EnergyModelTests
{
    private static PowerProfile Profile() => new()
    {
        BootMilliseconds = 300, BootMilliamps = 40,
        SampleMilliseconds = 10, SampleMilliamps = 30,
        WifiConnectMilliseconds = 1500, WifiConnectMilliamps = 120,
        TlsHandshakeMilliseconds = 1200, TlsHandshakeMilliamps = 100,
        PublishMillisecondsPerMessage = 50, PublishMillisecondsPerKilobyte = 20, RadioActiveMilliamps = 150,
        LightSleepMilliamps = 0.8, DeepSleepMilliamps = 0.01,
        BatteryCapacityMilliampHours = 2000, BatteryUsableFraction = 0.85,
    };

    [Fact]
    public void Each_phase_is_current_times_time_times_frequency()
    {
        var d = new DutyCycle { SamplesPerDay = 100, BootsPerDay = 100, ConnectionsPerDay = 10, MessagesPerDay = 20, BytesPerDay = 10240, ListenMillisecondsPerDay = 15000 };
        var e = EnergyModel.Estimate(Profile(), d);
        Assert.Equal(100 * 300 * 40 / 3.6e6, e.BootMah, 9);
        Assert.Equal(100 * 10 * 30 / 3.6e6, e.SampleMah, 9);
        Assert.Equal((10 * 1500 * 120 + 10 * 1200 * 100) / 3.6e6, e.ConnectMah, 9);
        Assert.Equal((20 * 50 + 10 * 20) * 150 / 3.6e6, e.PublishMah, 9);
        Assert.Equal(15000 * 150 / 3.6e6, e.ListenMah, 9);
        double awake = 100 * 300 + 100 * 10 + 10 * 2700 + 20 * 50 + 10 * 20 + 15000;
        Assert.Equal((86_400_000 - awake) * 0.01 / 3.6e6, e.SleepMah, 9);
        Assert.Equal(2000 * 0.85 / e.TotalMahPerDay, e.BatteryLifeDays, 9);
    }

    [Fact]
    public void The_config_duty_cycle_counts_wakes_connections_and_messages()
    {
        var d = EnergyModel.ForConfig(new DeviceConfig { SampleIntervalSeconds = 60, ReportIntervalSeconds = 900, MaxBatchReadings = 60, ListenWindowMilliseconds = 1000 }, 400);
        Assert.Equal(1440, d.SamplesPerDay, 9);
        Assert.Equal(1440, d.BootsPerDay, 9);
        Assert.Equal(96, d.ConnectionsPerDay, 9);
        Assert.Equal(96 * 2, d.MessagesPerDay, 9); // a batch and the status
        Assert.Equal(96 * 400, d.BytesPerDay, 9);
        Assert.Equal(96_000, d.ListenMillisecondsPerDay, 9);
    }

    [Fact]
    public void Batching_beats_connecting_per_reading_and_longer_reports_save_more()
    {
        var p = Profile();
        double naive = EnergyModel.Estimate(p, EnergyModel.ConnectPerReading(60, 120)).TotalMahPerDay;
        double previous = naive;
        foreach (int report in new[] { 300, 900, 3600 })
        {
            double batched = EnergyModel.Estimate(p, EnergyModel.ForConfig(new DeviceConfig { ReportIntervalSeconds = report }, 60 + 30 * report / 60)).TotalMahPerDay;
            Assert.True(batched < previous, $"report every {report} s should cost less than the shorter interval");
            previous = batched;
        }
    }
}
