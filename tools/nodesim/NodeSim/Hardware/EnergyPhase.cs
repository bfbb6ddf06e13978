namespace NodeSim.Hardware;

/// <summary>Where a virtual node's charge went; the same phases as Core's energy model.</summary>
public enum EnergyPhase
{
    Boot,
    Sample,
    Connect,
    Publish,
    Listen,
    LightSleep,
    DeepSleep,
}
