using NodeFirmware.HilTests.Scenarios;
using NodeFirmware.HilTests.Serial;

namespace NodeFirmware.HilTests.Tests;

/// <summary>The scenarios a real board on a rig can run; skipped (never passed) without NODEFIRMWARE_RIG.</summary>
public sealed class SerialRigTests
{
    [SerialRigFact]
    public async Task Factory_flow_on_the_real_board()
    {
        await using var rig = SerialRig.FromEnvironment();
        await rig.PowerCycleAsync();
        await FactoryFlow.RunAsync(rig, storeTimeout: TimeSpan.FromMinutes(1));
    }
}
