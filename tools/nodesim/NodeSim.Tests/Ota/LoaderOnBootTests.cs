using NodeFirmware.Core.Config;
using NodeFirmware.Core.Ota;
using NodeSim.Node;
using NodeSim.Ota;
using NodeSim.Tests.Support;

namespace NodeSim.Tests.Ota;

/// <summary>The virtual node boots through the Loader's slot choice: factory image, trial images, rollback.</summary>
public class LoaderOnBootTests
{
    private const long Start = 1_764_000_000_000;

    private static VirtualNode Node(TestFirmware firmware, byte[] factory)
    {
        var node = new VirtualNode(new VirtualNodeOptions
        {
            DeviceId = "esp32-0a0b0c0d0e0f",
            Certificate = TestCertificates.Throwaway("esp32-0a0b0c0d0e0f"),
            Broker = new NodeSim.Network.BrokerEndpoint("127.0.0.1", 1, TestCertificates.Throwaway("ca")),
            PowerProfile = TestProfiles.FireBeetle(),
            Defaults = new DeviceConfig(),
            Ota = firmware.Ota(factory),
        }, Start);
        node.Network.ScheduleOutage(Start, TimeSpan.FromDays(30)); // no broker needed here
        return node;
    }

    private static void InstallTrial(VirtualNode node, byte[] package, string version)
    {
        var store = new BootStateStore(new NodeFirmware.Core.Storage.FlashWindow(node.BootFlash!, 0, 2), 0);
        var state = store.Load()!;
        int slot = SlotLayout.Other(state.ActiveSlot);
        var parsed = FirmwarePackage.Parse(package);
        node.Slots!.EraseSlot(slot);
        node.Slots.Write(slot, SlotLayout.ManifestFileName, 0, [.. parsed.ManifestBytes, .. parsed.Signature], 0, parsed.ManifestBytes.Length + 64);
        for (int i = 0; i < parsed.Manifest.Files.Length; i++)
        {
            var content = parsed.FileContent(package, i);
            node.Slots.Write(slot, parsed.Manifest.Files[i].Name, 0, content, 0, content.Length);
        }
        BootStateMachine.OnInstallComplete(state, slot, version, parsed.Manifest.SecurityVersion, 3);
        store.Save(state);
    }

    [Fact]
    public async Task The_factory_image_boots_from_slot_A()
    {
        using var firmware = new TestFirmware();
        await using var node = Node(firmware, firmware.Package("1.0.0"));
        await node.RunWakeAsync();
        Assert.Equal(("1.0.0", "A", false), (node.FirmwareVersion, node.Slot, node.Trial));
        Assert.Equal(1u, node.Journal.Sampled);
    }

    [Fact]
    public async Task A_crashing_trial_image_is_reverted_after_its_attempts_and_the_node_samples_again()
    {
        using var firmware = new TestFirmware();
        await using var node = Node(firmware, firmware.Package("1.0.0"));
        await node.RunWakeAsync();
        InstallTrial(node, firmware.Package("3.0.0", AppBehaviour.Crash), "3.0.0");
        await node.PowerLossAsync();
        for (int i = 0; i < 6; i++) await node.RunWakeAsync();
        Assert.Equal(3, node.CrashedBoots);
        Assert.Equal(("1.0.0", "A", false), (node.FirmwareVersion, node.Slot, node.Trial));
        Assert.False(node.Bricked);
        Assert.True(node.Journal.Sampled >= 2, "the reverted image runs and samples");
    }

    [Fact]
    public async Task A_trial_image_that_never_reads_its_sensor_is_never_confirmed_and_reverted()
    {
        using var firmware = new TestFirmware();
        await using var node = Node(firmware, firmware.Package("1.0.0"));
        await node.RunWakeAsync();
        InstallTrial(node, firmware.Package("3.0.0", AppBehaviour.NoSensor), "3.0.0");
        await node.PowerLossAsync();
        await node.RunWakeAsync();
        Assert.Equal(("3.0.0", "B", true), (node.FirmwareVersion, node.Slot, node.Trial));
        for (int boot = 0; boot < 4; boot++) { await node.PowerLossAsync(); await node.RunWakeAsync(); }
        Assert.Equal(("1.0.0", "A", false), (node.FirmwareVersion, node.Slot, node.Trial));
    }

    [Fact]
    public async Task A_tampered_slot_is_refused_by_the_loader()
    {
        using var firmware = new TestFirmware();
        await using var node = Node(firmware, firmware.Package("1.0.0"));
        await node.RunWakeAsync();
        InstallTrial(node, firmware.Package("2.0.0"), "2.0.0");
        node.Slots!.Write(SlotLayout.SlotB, "NodeFirmware.Device.pe", 100, [0x42], 0, 1);
        await node.PowerLossAsync();
        await node.RunWakeAsync();
        Assert.Equal(("1.0.0", "A"), (node.FirmwareVersion, node.Slot));
        Assert.Contains("B", node.LastLoaderLog);
    }
}
