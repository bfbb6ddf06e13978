using System.Text;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Ota;
using NodeFirmware.Core.Storage;
using NodeFirmware.HostCommon.Boards;
using NodeSim.Board;
using NodeSim.Hardware;
using NodeSim.Node;
using NodeSim.Ota;
using NodeSim.RomBootloader;
using NodeSim.Tests.Support;

namespace NodeSim.Tests.Board;

/// <summary>
/// A simulated board keeps what an update installs in its own flash (<see cref="ConfigPartition"/>): the slots, the
/// boot state the Loader reads, and the version the firmware then reports, across resets.
/// </summary>
public sealed class BoardUpdateStorageTests
{
    private const long Start = 1_764_000_000_000;
    private const int ConfigOffset = 0x260000;
    private const int ConfigSize = 0x1A0000;

    private static ConfigPartition Config(SimulatedSpiFlash flash) => new(new SpiFlashRegion(flash, ConfigOffset, ConfigSize));

    [Fact]
    public void Slots_written_through_one_view_are_read_back_through_a_new_one_and_a_damaged_record_is_an_empty_slot()
    {
        var flash = new SimulatedSpiFlash();
        var slots = Config(flash).Slots();
        byte[] pe = Encoding.ASCII.GetBytes(new string('x', 9000));
        slots.Write(SlotLayout.SlotB, SlotLayout.ManifestFileName, 0, [1, 2, 3], 0, 3);
        slots.Write(SlotLayout.SlotB, "NodeFirmware.Device.pe", 0, pe, 0, 5000);
        slots.Write(SlotLayout.SlotB, "NodeFirmware.Device.pe", 5000, pe, 5000, 4000); // a second chunk
        slots.Write(SlotLayout.SlotA, "a.pe", 0, [9], 0, 1);

        var again = Config(flash).Slots(); // the next boot
        Assert.Equal(9000, again.FileLength(SlotLayout.SlotB, "NodeFirmware.Device.pe"));
        var read = new byte[9000];
        Assert.Equal(9000, again.Read(SlotLayout.SlotB, "NodeFirmware.Device.pe", 0, read, 0, 9000));
        Assert.Equal(pe, read);
        Assert.Equal(3, again.FileLength(SlotLayout.SlotB, SlotLayout.ManifestFileName));
        Assert.Equal(1, again.FileLength(SlotLayout.SlotA, "a.pe"));

        again.EraseSlot(SlotLayout.SlotA);
        Assert.Empty(Config(flash).Slots().List(SlotLayout.SlotA));

        var config = Config(flash);
        int slotB = ConfigOffset + (config.SlotB is FlashWindow w ? w.FirstSector * 4096 : throw new InvalidOperationException());
        flash.Program(slotB + 100, [0x00], SpiFlashRegion.ApplicationWrite); // a bit flipped inside the record
        Assert.Empty(Config(flash).Slots().List(SlotLayout.SlotB));
    }

    [Fact]
    public void Cores_storage_follows_the_slots_in_the_config_partition_so_journal_epochs_go_on_across_resets()
    {
        var flash = new SimulatedSpiFlash();
        var config = Config(flash);
        var storage = Assert.IsType<FlashWindow>(config.Storage);
        var slotB = Assert.IsType<FlashWindow>(config.SlotB);
        Assert.Equal(slotB.FirstSector + (slotB.Size / 4096), storage.FirstSector);
        Assert.Equal(ConfigPartition.StorageSectors * 4096, storage.Size);

        Assert.Null(new ConfigPartition(new SpiFlashRegion(flash, ConfigOffset, 0x40000)).Storage); // the stock 256 KB partition: no room after the slots
    }

    [Fact]
    public void The_firmware_reports_the_version_of_the_boot_states_running_slot_after_a_reset_and_the_built_in_one_before()
    {
        var console = new StringBuilder();
        using var board = new SimulatedBoard(bytes => { lock (console) console.Append(Encoding.Latin1.GetString(bytes)); }, new SimulatedBoardOptions { FirmwareVersion = "1.0.0" });
        var layout = BoardCatalog.Default().Load("esp32-devkitc-v4");
        var files = StandInImages.For(layout);
        foreach (var placement in layout.FlashLayout.Images) board.Flash.Load(placement.Offset, files[placement.File]);

        board.PowerOn(io0Low: false);
        Assert.Equal("1.0.0", board.Firmware!.FirmwareVersion);

        var state = BootState.Factory(SlotLayout.SlotA, "1.0.0");
        BootStateMachine.OnInstallComplete(state, SlotLayout.SlotB, "2.0.0", 0, 3); // what the OTA client writes before its reboot
        new BootStateStore(new FlashWindow(Config(board.Flash).BootFlash, 0, 2), 0).Save(state);
        board.Rom.Restart(SimulatedBoard.SoftwareCpuReset);

        Assert.Equal("2.0.0", board.Firmware!.FirmwareVersion);
        lock (console) Assert.Contains("NodeFirmware 2.0.0\r\n", console.ToString());
    }

    [Fact]
    public async Task Without_a_factory_image_the_built_in_firmware_runs_as_slot_A_until_an_installed_update_is_booted_by_the_loader()
    {
        using var firmware = new TestFirmware();
        var flash = new SimulatedSpiFlash();
        VirtualNode Boot() => NodeOver(flash, firmware, "1.0.0");

        await using (var node = Boot())
        {
            node.Network.ScheduleOutage(Start, TimeSpan.FromDays(30));
            await node.RunWakeAsync();
            Assert.Equal(("1.0.0", "A", false), (node.FirmwareVersion, node.Slot, node.Trial));
            Assert.NotNull(node.OtaClient);
        }

        // What the OTA client leaves: the package in slot B, the boot state naming it as the trial.
        var parsed = WriteSlotB(flash, firmware.Package("2.0.0"));

        var state = BootState.Factory(SlotLayout.SlotA, "1.0.0");
        BootStateMachine.OnInstallComplete(state, SlotLayout.SlotB, "2.0.0", parsed.Manifest.SecurityVersion, 3);
        new BootStateStore(new FlashWindow(Config(flash).BootFlash, 0, 2), 0).Save(state);

        await using (var node = Boot()) // the board's reset: a new node over the same flash
        {
            node.Network.ScheduleOutage(Start, TimeSpan.FromDays(30));
            await node.RunWakeAsync();
            Assert.Equal(("2.0.0", "B", true), (node.FirmwareVersion, node.Slot, node.Trial));
            Assert.Contains("loading slot B 2.0.0 (trial", node.LastLoaderLog);
        }
    }

    [Fact]
    public void The_factory_image_in_slot_A_survives_a_power_cut_at_any_write_and_the_loader_then_boots_it()
    {
        using var firmware = new TestFirmware();
        byte[] package = firmware.Package("1.0.0");
        SlotDecision Boot(ConfigPartition config) =>
            new SlotSelector(config.BootStore(), new SlotVerifier(config.Slots(), new ManifestVerifier(firmware.PublicKey, TestFirmware.Board, 1))).Select();

        var whole = new SimulatedNorFlash(0x60000, 4096);
        Assert.True(new ConfigPartition(whole).InstallFactoryImage(package));
        Assert.False(new ConfigPartition(whole).InstallFactoryImage(package)); // once: the next boots find the boot state
        long writes = whole.Writes;
        Assert.Equal((0, "1.0.0"), (Boot(new ConfigPartition(whole)).Slot, Boot(new ConfigPartition(whole)).Manifest.Version.ToString()));

        for (long cut = 0; cut < writes; cut++)
        {
            var flash = new SimulatedNorFlash(0x60000, 4096, seed: (int)cut + 1) { CutAtWrite = cut };
            Assert.Throws<PowerCutException>(() => new ConfigPartition(flash).InstallFactoryImage(package));
            flash.CutAtWrite = -1;
            new ConfigPartition(flash).InstallFactoryImage(package); // the next boot: writes it again unless the boot state made it
            var decision = Boot(new ConfigPartition(flash));
            Assert.True(decision.Slot == SlotLayout.SlotA, $"cut at write {cut} of {writes}: {decision.Log}");
            Assert.Equal("1.0.0", decision.Manifest.Version.ToString());
        }
    }

    [Fact]
    public async Task A_trial_that_crashes_at_each_boot_falls_back_to_the_factory_image_in_slot_A()
    {
        using var firmware = new TestFirmware();
        var flash = new SimulatedSpiFlash();
        Assert.True(Config(flash).InstallFactoryImage(firmware.Package("1.0.0")));
        VirtualNode Boot() => NodeOver(flash, firmware, "0.9.0"); // the built-in version: unused once the factory's image is in slot A

        // What the OTA client leaves after installing a build that crashes: slot B written, the boot state naming it as the trial.
        var parsed = WriteSlotB(flash, firmware.Package("1.1.0", AppBehaviour.Crash));
        var state = Config(flash).BootState()!;
        BootStateMachine.OnInstallComplete(state, SlotLayout.SlotB, "1.1.0", parsed.Manifest.SecurityVersion, 3);
        Config(flash).BootStore().Save(state);

        for (int trial = 1; trial <= 3; trial++)
        {
            await using var node = Boot(); // each crash resets the board: a new node over the same flash
            node.Network.ScheduleOutage(Start, TimeSpan.FromDays(30));
            await node.RunWakeAsync();
            Assert.Equal(("1.1.0", "B", 1), (node.FirmwareVersion, node.Slot, node.CrashedBoots));
            Assert.Null(node.App);
            Assert.Contains($"loading slot B 1.1.0 (trial {trial}/3)", node.LastLoaderLog);
        }

        await using (var node = Boot())
        {
            node.Network.ScheduleOutage(Start, TimeSpan.FromDays(30));
            await node.RunWakeAsync();
            Assert.Equal(("1.0.0", "A", false, 0), (node.FirmwareVersion, node.Slot, node.Trial, node.CrashedBoots));
            Assert.Equal("trial exhausted its attempts, reverted to slot A; loading slot A 1.0.0", node.LastLoaderLog);
        }
        Assert.Equal(SlotVerdict.Invalid, Config(flash).BootState()!.Verdicts[SlotLayout.SlotB]);
    }

    /// <summary>A node over the board's flash, as the board's firmware boots it after a reset.</summary>
    private static VirtualNode NodeOver(SimulatedSpiFlash flash, TestFirmware firmware, string builtInVersion) => new(new VirtualNodeOptions
    {
        DeviceId = "esp32-0a0b0c0d0e0f",
        Certificate = TestCertificates.Throwaway("esp32-0a0b0c0d0e0f"),
        Broker = new NodeSim.Network.BrokerEndpoint("127.0.0.1", 1, TestCertificates.Throwaway("ca")),
        PowerProfile = TestProfiles.FireBeetle(),
        Defaults = new DeviceConfig(),
        FirmwareVersion = builtInVersion,
        Ota = new VirtualNodeOta { ReleasePublicKey = firmware.PublicKey, Board = TestFirmware.Board, Slots = Config(flash).Slots(), BootFlash = Config(flash).BootFlash },
    }, Start);

    /// <summary>What the OTA client writes into slot B before it marks the slot a trial: the signed manifest and the files.</summary>
    private static FirmwarePackage WriteSlotB(SimulatedSpiFlash flash, byte[] package)
    {
        var parsed = FirmwarePackage.Parse(package);
        var slots = Config(flash).Slots();
        slots.Write(SlotLayout.SlotB, SlotLayout.ManifestFileName, 0, [.. parsed.ManifestBytes, .. parsed.Signature], 0, parsed.ManifestBytes.Length + parsed.Signature.Length);
        for (int i = 0; i < parsed.Manifest.Files.Length; i++)
        {
            var content = parsed.FileContent(package, i);
            slots.Write(SlotLayout.SlotB, parsed.Manifest.Files[i].Name, 0, content, 0, content.Length);
        }
        return parsed;
    }
}
