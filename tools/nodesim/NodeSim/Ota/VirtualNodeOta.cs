namespace NodeSim.Ota;

/// <summary>
/// What a virtual node needs to update itself A/B: the provisioned release key, its board and Loader
/// version, and the signed package the factory put in slot A.
/// </summary>
public sealed class VirtualNodeOta
{
    public required byte[] ReleasePublicKey { get; init; }
    public required string Board { get; init; }
    public required byte[] FactoryPackage { get; init; }
    public int LoaderVersion { get; init; } = 1;
    public int SlotCapacityBytes { get; init; } = 512 * 1024;
    public int TrialAttempts { get; init; } = 3;
    public int MaxChunkSize { get; init; } = 4096;
}
