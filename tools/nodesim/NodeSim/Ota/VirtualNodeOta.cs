namespace NodeSim.Ota;

/// <summary>
/// What a virtual node needs to update itself A/B: the provisioned release key, its board and Loader
/// version, and the signed package the factory put in slot A. Without a factory package (a simulated board), slot A
/// holds no image: the built-in firmware runs as a confirmed slot A until an update writes a boot state, as the
/// firmware does without a Loader (Core's OtaClient); from then on every boot goes through the Loader's slot choice.
/// </summary>
public sealed class VirtualNodeOta
{
    public required byte[] ReleasePublicKey { get; init; }
    public required string Board { get; init; }
    public byte[]? FactoryPackage { get; init; }

    /// <summary>Where the slots live; null: in the node's RAM (<see cref="SlotCapacityBytes"/> each), installed from <see cref="FactoryPackage"/>.</summary>
    public NodeFirmware.Core.Hal.ISlotStorage? Slots { get; init; }

    /// <summary>Boot state (sectors 0-1) and OTA cursor (2-3); null: a flash in the node's RAM.</summary>
    public NodeFirmware.Core.Hal.IFlash? BootFlash { get; init; }
    public int LoaderVersion { get; init; } = 1;
    public int SlotCapacityBytes { get; init; } = 512 * 1024;
    public int TrialAttempts { get; init; } = 3;
    public int MaxChunkSize { get; init; } = 4096;
}
