using NodeFirmware.HilTests.Scenarios;

namespace NodeFirmware.HilTests.Tests;

/// <summary>Every scenario on the virtual rig, each on a fresh board and cloud, each judged by the receiver's store.</summary>
public sealed class VirtualScenarioTests
{
    private readonly ReliabilityTally _tally = new();

    private async Task RunAsync(int index, Func<Virtual.VirtualRig, string, Task> scenario)
    {
        var (rig, id) = await ProvisionedVirtualRig.StartAsync(index);
        await using (rig) await scenario(rig, id);
    }

    [Fact]
    public Task Day_long_soak_stores_every_reading() => RunAsync(11, (r, id) => ChaosScenarios.SoakAsync(r, id, _tally, TimeSpan.FromHours(24)));

    [Fact]
    public Task Network_outage_loses_nothing() => RunAsync(12, (r, id) => ChaosScenarios.OutageAsync(r, id, _tally));

    [Fact]
    public Task Receiver_and_broker_killed_mid_stream_lose_nothing() => RunAsync(13, (r, id) => ChaosScenarios.CloudKillsAsync(r, id, _tally));

    [Fact]
    public Task Expired_foreign_and_revoked_certificates_are_refused() => RunAsync(14, (r, id) => ChaosScenarios.CertificatesAsync(r, id, _tally));

    [Fact]
    public Task Unplugged_sensor_is_reported_as_faults_then_values_again() => RunAsync(15, (r, id) => ChaosScenarios.SensorUnpluggedAsync(r, id, _tally));

    [Fact]
    public Task Low_battery_stretches_the_intervals() => RunAsync(16, (r, id) => ChaosScenarios.BatteryLowAsync(r, id, _tally));

    [Fact]
    public Task Remote_config_change_is_applied() => RunAsync(17, (r, id) => ChaosScenarios.ConfigChangeAsync(r, id, _tally));
}
