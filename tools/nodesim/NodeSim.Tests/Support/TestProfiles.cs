using NodeFirmware.Core.Energy;
using NodeFirmware.HostCommon.Boards;

namespace NodeSim.Tests.Support;

public static class TestProfiles
{
    /// <summary>The battery-powered reference board's power profile from boards/.</summary>
    public static PowerProfile FireBeetle() => BoardCatalog.Default().Load("firebeetle-esp32").ToPowerProfile();
}
