using System.Text.Json;
using NodeFirmware.HilTests.Rig;
using NodeFirmware.HilTests.Scenarios;
using NodeFirmware.HilTests.Support;
using NodeSim.Ota;

namespace NodeFirmware.HilTests.Tests;

/// <summary>
/// OTA on the virtual rig through a receiver campaign: the node runs the factory image from slot A, the campaign
/// offers a signed image, and the verdict is read from the receiver (campaign state, the device's reported
/// firmware, readings still arriving afterwards).
/// </summary>
public sealed class OtaScenarioTests
{
    private const string Board = Virtual.VirtualRig.DefaultBoard;

    [Fact]
    public async Task Signed_update_installs_and_the_new_version_reports()
    {
        var (rig, id) = await ProvisionedVirtualRig.StartAsync(21);
        await using (rig)
        {
            await rig.RunForAsync(TimeSpan.FromMinutes(10));
            var outcome = await rig.OfferFirmwareAsync(HilRelease.Package("2.0.0", Board));
            Assert.Equal(new OtaOutcome("2.0.0", "B", false), outcome);
            await ReadingsKeepArrivingAsync(rig, id);
            Assert.Equal("2.0.0", await ReportedFirmwareAsync(rig, id));
        }
    }

    [Fact]
    public async Task Crashing_update_rolls_back_to_the_previous_slot()
    {
        var (rig, id) = await ProvisionedVirtualRig.StartAsync(22);
        await using (rig)
        {
            await rig.RunForAsync(TimeSpan.FromMinutes(10));
            var outcome = await rig.OfferFirmwareAsync(HilRelease.Package("2.0.0", Board, AppBehaviour.Crash), OtaFault.NewImageCrashes);
            Assert.Equal(new OtaOutcome(Virtual.SimulatedBoard.FactoryVersion, "A", true), outcome);
            Assert.InRange(rig.Board.Node!.CrashedBoots, 1, 3);
            await ReadingsKeepArrivingAsync(rig, id);
            Assert.Equal(Virtual.SimulatedBoard.FactoryVersion, await ReportedFirmwareAsync(rig, id));
        }
    }

    [Fact]
    public async Task Power_cut_during_download_resumes_or_keeps_the_old_image()
    {
        var (rig, id) = await ProvisionedVirtualRig.StartAsync(23);
        await using (rig)
        {
            await rig.RunForAsync(TimeSpan.FromMinutes(10));
            var outcome = await rig.OfferFirmwareAsync(HilRelease.Package("2.0.0", Board), OtaFault.PowerCutDuringDownload);
            Assert.True(rig.PowerCuts >= 1, "the scenario must actually cut the power during the download");
            Assert.False(rig.Board.Node!.Bricked);
            Assert.Equal(new OtaOutcome("2.0.0", "B", false), outcome); // the download resumed after the cut
            await ReadingsKeepArrivingAsync(rig, id);
        }
    }

    private static async Task ReadingsKeepArrivingAsync(Virtual.VirtualRig rig, string id)
    {
        long before = await rig.Store.CountReadingsAsync(id);
        await rig.RunForAsync(TimeSpan.FromMinutes(30));
        long after = await Eventually.ReadAsync(() => rig.Store.CountReadingsAsync(id), n => n >= before + 20);
        Assert.True(after >= before + 20, $"readings stopped after the update: {before} before, {after} half an hour later");
    }

    private static async Task<string?> ReportedFirmwareAsync(Virtual.VirtualRig rig, string id)
    {
        using var http = rig.LocalCloud.Client(rig.LocalCloud.Token("viewer"));
        using var doc = JsonDocument.Parse(await http.GetStringAsync($"/api/devices/{id}"));
        return doc.RootElement.GetProperty("firmware").GetString();
    }
}
