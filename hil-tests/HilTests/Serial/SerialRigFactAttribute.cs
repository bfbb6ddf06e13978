namespace NodeFirmware.HilTests.Serial;

/// <summary>A test that needs a real board: skipped, with the reason, unless NODEFIRMWARE_RIG names a rig file.</summary>
public sealed class SerialRigFactAttribute : FactAttribute
{
    public const string Variable = "NODEFIRMWARE_RIG";

    public SerialRigFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
            Skip = $"no hardware rig: set {Variable}=path/to/rig.json (docs/hil.md) to run this on a real board";
    }

    public static string RigFilePath => Environment.GetEnvironmentVariable(Variable)
        ?? throw new InvalidOperationException($"{Variable} is not set");
}
