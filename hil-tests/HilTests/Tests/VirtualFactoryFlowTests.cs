using NodeFirmware.HilTests.Scenarios;
using NodeFirmware.HilTests.Virtual;

namespace NodeFirmware.HilTests.Tests;

public sealed class VirtualFactoryFlowTests
{
    [Fact]
    public async Task Flashed_and_provisioned_board_reports_telemetry_within_the_bound()
    {
        await using var rig = await VirtualRig.StartAsync();
        string id = await FactoryFlow.RunAsync(rig);
        Assert.Equal(rig.Board.DeviceId, id);
        Assert.Contains(rig.ConsoleLines, l => l.Contains("node running"));
    }

    [Fact]
    public async Task Board_without_an_application_image_never_reports()
    {
        await using var rig = await VirtualRig.StartAsync(index: 2);
        await rig.RunForAsync(TimeSpan.FromMinutes(10));
        Assert.Contains(rig.ConsoleLines, l => l.Contains("no valid image"));
        Assert.Equal(0, (await rig.Store.CountsAsync()).Readings);
    }
}
