using NodeFirmware.Core.Config;
using NodeFirmware.Core.Sensing;
using NodeFirmware.Core.Telemetry;
using NodeSim.Hardware;
using NodeSim.Sensors;

namespace NodeSim.Tests.Sensors;

/// <summary>
/// NodeFirmware.Core's own sampler, through the virtual node's sensor adapter, reads the simulated BME280
/// across the same sweep as dotnet/iot's driver, within the resolution Core reports in (0.01 °C, 0.01 %RH, 1 Pa).
/// </summary>
public class CoreSamplerSweepTests
{
    private sealed class Battery : NodeFirmware.Core.Hal.IBattery { public int Millivolts => 3900; }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 1, 16)]
    [InlineData(4, 4, 4)]
    public void The_sampler_reads_every_environment_within_resolution(int osT, int osH, int osP)
    {
        var rig = new Bme280Rig();
        var adapter = new Bme280EnvironmentSensor(() => rig.Bus.CreateDevice(Bme280Rig.Address), ms => rig.Clock.Advance(ms));
        var sampler = new Sampler(adapter, new Battery());
        sampler.ApplyConfig(new DeviceConfig { TemperatureOversampling = osT, HumidityOversampling = osH, PressureOversampling = osP });
        foreach (var env in Bme280DriverSweepTests.Environments())
        {
            rig.Clock.Advance(1000);
            rig.Sensor.Environment.Set(env.TemperatureC, env.HumidityPercent, env.PressurePa, rig.Clock.NowMs);
            Reading r = sampler.Sample(1_764_000_000);
            Assert.Equal(SensorFault.None, r.Fault);
            Assert.InRange(r.Sample.CentiCelsius / 100.0 - env.TemperatureC, -0.02, 0.02);
            Assert.InRange(r.Sample.CentiPercentRh / 100.0 - env.HumidityPercent, -0.02, 0.02);
            Assert.InRange(r.Sample.Pascal - env.PressurePa, -1.5, 1.5);
        }
    }

    [Fact]
    public void An_unplugged_sensor_is_a_reported_fault_and_plugging_it_back_recovers()
    {
        var rig = new Bme280Rig();
        var adapter = new Bme280EnvironmentSensor(() => rig.Bus.CreateDevice(Bme280Rig.Address), ms => rig.Clock.Advance(ms));
        var sampler = new Sampler(adapter, new Battery());
        sampler.ApplyConfig(new DeviceConfig());
        Assert.Equal(SensorFault.None, sampler.Sample(1).Fault);
        rig.Bus.RemoveDevice(Bme280Rig.Address);
        Assert.NotEqual(SensorFault.None, sampler.Sample(2).Fault);
        rig.Bus.Attach(Bme280Rig.Address, rig.Sensor);
        rig.Clock.Advance(1000);
        Assert.Equal(SensorFault.None, sampler.Sample(3).Fault);
    }
}
