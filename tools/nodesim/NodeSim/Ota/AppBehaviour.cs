using System.Text;
using NodeFirmware.Core.Hal;

namespace NodeSim.Ota;

/// <summary>
/// How the application image in a slot behaves on the virtual node. A real image is .pe files; a virtual
/// one carries a file <c>behaviour</c> whose text says what the simulated application does: run normally
/// (no file, or "healthy"), throw at start ("crash"), or never read its sensor ("no-sensor").
/// </summary>
public enum AppBehaviour
{
    Healthy,
    Crash,
    NoSensor,
}

public static class AppBehaviours
{
    public const string FileName = "behaviour";

    public static AppBehaviour Read(ISlotStorage slots, int slot)
    {
        int length = slots.FileLength(slot, FileName);
        if (length <= 0) return AppBehaviour.Healthy;
        var bytes = new byte[length];
        slots.Read(slot, FileName, 0, bytes, 0, length);
        return Encoding.ASCII.GetString(bytes).Trim() switch
        {
            "crash" => AppBehaviour.Crash,
            "no-sensor" => AppBehaviour.NoSensor,
            _ => AppBehaviour.Healthy,
        };
    }

    public static byte[] File(AppBehaviour behaviour) => Encoding.ASCII.GetBytes(behaviour switch
    {
        AppBehaviour.Crash => "crash",
        AppBehaviour.NoSensor => "no-sensor",
        _ => "healthy",
    });
}
