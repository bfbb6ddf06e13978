namespace NodeFirmware.HilTests.Rig;

/// <summary>What a rig can do beyond power, reset, serial console, flashing and provisioning, which every rig has.</summary>
[Flags]
public enum RigCapabilities
{
    None = 0,
    /// <summary>Time can be run faster than the wall clock (the virtual rig).</summary>
    VirtualTime = 1,
    SensorEnvironment = 2,
    SensorDisconnect = 4,
    BatteryControl = 8,
    NetworkCut = 16,
    PowerMonitor = 32,
    /// <summary>The rig runs broker and receiver itself, so it can kill them and change the PKI.</summary>
    CloudChaos = 64,
    Ota = 128,
}

public sealed class RigCapabilityMissingException(string rig, RigCapabilities missing)
    : NotSupportedException($"rig '{rig}' cannot do {missing}")
{
    public RigCapabilities Missing { get; } = missing;
}

/// <summary>What flashing wrote.</summary>
public sealed record FlashOutcome(string DeviceId, IReadOnlyList<string> VerifiedMd5s);

/// <summary>A fault injected into an OTA update.</summary>
public enum OtaFault { None, NewImageCrashes, PowerCutDuringDownload }

/// <summary>How an OTA offer ended: which version runs afterwards and from which slot.</summary>
public sealed record OtaOutcome(string RunningVersion, string Slot, bool RolledBack);
