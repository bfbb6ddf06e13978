namespace NodeSim.Hardware;

/// <summary>Thrown by <see cref="SimulatedNorFlash"/> when the scripted power cut happens.</summary>
public sealed class PowerCutException : Exception
{
    public PowerCutException() : base("power cut") { }
}
