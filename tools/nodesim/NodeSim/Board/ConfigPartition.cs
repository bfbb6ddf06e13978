using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Ota;
using NodeFirmware.Core.Storage;
using NodeSim.Ota;

namespace NodeSim.Board;

/// <summary>
/// How the simulated firmware lays its state out in the flash's <c>config</c> partition (I:\ on the device, where these
/// are files: docs/device-apis.md, "State on internal storage"): the identity in sectors 0-1 (Core's IdentityStore),
/// the boot state in 2-3 and the OTA download cursor in 4-5 (the Loader's and the OTA client's two-copy stores), the
/// self-test's scratch sector in 6 (I:\nodefw\selftest.bin on the device), then
/// slot A and slot B (<see cref="FlashSlotStorage"/>), each as large as the board's slot (160 KB) or what the partition
/// leaves, then Core's storage (configuration and journal, 64 sectors as on the device) when it fits. So the firmware's
/// boot reads the same boot state the OTA client wrote before the reset, and the journal's boot epoch goes on counting
/// (a reading's idempotency key stays unique across resets).
/// </summary>
public sealed class ConfigPartition
{
    public const int IdentityFirstSector = 0;
    public const int BootFirstSector = 2;
    public const int BootSectors = 4; // boot state (2) then OTA cursor (2), as VirtualNode's boot flash
    /// <summary>The factory self-test's scratch sector (Core's SelfTest erases it, writes a pattern, reads it back, erases it).</summary>
    public const int SelfTestSector = 6;
    public const int SlotsFirstSector = 8;
    public const int DefaultSlotBytes = 160 * 1024;
    public const int StorageSectors = 64;

    public ConfigPartition(IFlash region, int slotBytes = DefaultSlotBytes)
    {
        Region = region;
        int sectors = region.Size / region.SectorSize;
        int slotSectors = Math.Min(slotBytes / region.SectorSize, (sectors - SlotsFirstSector) / 2);
        if (slotSectors < 1) throw new ArgumentException($"the config partition ({region.Size} bytes) has no room for the application slots");
        BootFlash = new FlashWindow(region, BootFirstSector, BootSectors);
        SlotA = new FlashWindow(region, SlotsFirstSector, slotSectors);
        SlotB = new FlashWindow(region, SlotsFirstSector + slotSectors, slotSectors);
        int storageFirst = SlotsFirstSector + (2 * slotSectors);
        Storage = storageFirst + StorageSectors <= sectors ? new FlashWindow(region, storageFirst, StorageSectors) : null;
    }

    /// <summary>Core's configuration and journal; null when the partition has no room left for them (they then live in the node's RAM).</summary>
    public IFlash? Storage { get; }

    public IFlash Region { get; }

    /// <summary>Boot state (sectors 0-1 of this window) and OTA cursor (2-3).</summary>
    public IFlash BootFlash { get; }

    public IFlash SlotA { get; }

    /// <summary>The sector SELF_TEST may erase and write: its storage check, in the partition the journal lives in.</summary>
    public IFlash SelfTestScratch => new FlashWindow(Region, SelfTestSector, 1);

    public IFlash SlotB { get; }

    public ISlotStorage Slots() => new FlashSlotStorage(SlotA, SlotB);

    /// <summary>Where the Loader and the OTA client keep the boot state (sectors 0-1 of <see cref="BootFlash"/>).</summary>
    public BootStateStore BootStore() => new(new FlashWindow(BootFlash, 0, 2), 0);

    /// <summary>
    /// What the factory's programming leaves: the signed package in slot A and a boot state naming it. Done only while
    /// there is no boot state and slot B is empty (a board the factory has not finished); the boot state is written
    /// last, so a power cut at any write leaves no boot state and the next call writes slot A again. True when it wrote.
    /// </summary>
    public bool InstallFactoryImage(byte[] package)
    {
        if (BootState() is not null) return false;
        var slots = Slots();
        if (slots.List(SlotLayout.SlotB).Length > 0) return false;
        FactoryInstall.Install(slots, BootStore(), package);
        return true;
    }

    /// <summary>The boot state the Loader would read at this boot; null when neither the factory nor an update wrote one.</summary>
    public BootState? BootState() => BootStore().Load();

    /// <summary>The version the firmware runs after this boot: the boot state's running slot's, else the built-in one.</summary>
    public string RunningVersion(string builtIn) =>
        BootState() is { RunningSlot: >= 0 } state && state.Versions[state.RunningSlot] is { Length: > 0 } version ? version : builtIn;
}
