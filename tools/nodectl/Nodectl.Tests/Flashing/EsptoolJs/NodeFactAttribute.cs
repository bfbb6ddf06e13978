namespace NodeFirmware.Nodectl.Tests.Flashing.EsptoolJs;

/// <summary>Runs only where node is installed; everything else about the esptool-js checks must work or fail.</summary>
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (EsptoolJsScript.FindNode() is null)
        {
            Skip = "node is not installed, so the esptool-js checks cannot run";
        }
    }
}
