using NodeFirmware.HilTests.Virtual;

namespace NodeFirmware.HilTests.Scenarios;

/// <summary>A fresh virtual rig, flashed and provisioned, per scenario (scenarios change the cloud and the board).</summary>
public static class ProvisionedVirtualRig
{
    public static async Task<(VirtualRig Rig, string DeviceId)> StartAsync(int index = 1, TimeSpan? startAgo = null)
    {
        var rig = await VirtualRig.StartAsync(index, startAgo: startAgo);
        try
        {
            string id = await FactoryFlow.RunAsync(rig);
            return (rig, id);
        }
        catch
        {
            await rig.DisposeAsync();
            throw;
        }
    }
}
