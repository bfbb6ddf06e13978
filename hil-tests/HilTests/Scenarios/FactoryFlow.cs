using NodeFirmware.HilTests.Rig;
using NodeFirmware.HilTests.Support;
using NodeFirmware.Nodectl.Provisioning;

namespace NodeFirmware.HilTests.Scenarios;

/// <summary>Flash → provision → first telemetry within a bound, judged by the receiver's store. Runs on any rig.</summary>
public static class FactoryFlow
{
    /// <summary>The first report is due one report interval (300 s as provisioned) after boot; allow one more for back-off.</summary>
    public static readonly TimeSpan FirstTelemetryBound = TimeSpan.FromMinutes(10);

    /// <param name="wait">How long the rig lets the board run for that bound (less on a rig whose board runs faster than real time).</param>
    public static async Task<string> RunAsync(IRig rig, TimeSpan? storeTimeout = null, TimeSpan? wait = null)
    {
        var images = TestImages.Factory();
        var flashed = await rig.FlashAsync(images);
        Assert.Equal(images.Count, flashed.VerifiedMd5s.Count);
        Assert.All(flashed.VerifiedMd5s, md5 => Assert.Matches("^[0-9a-f]{32}$", md5));

        var provisioned = await rig.ProvisionAsync();
        Assert.Equal(ProvisionOutcome.Provisioned, provisioned.Outcome);
        Assert.Equal(flashed.DeviceId, provisioned.DeviceId);
        Assert.True(provisioned.Registered, provisioned.RegistrationProblem);

        string id = provisioned.DeviceId;
        var registered = await rig.Store.DeviceAsync(id);
        Assert.NotNull(registered);
        Assert.True(registered!.IsRegistered);
        Assert.Equal(provisioned.CertSerial.ToUpperInvariant(), registered.CertSerial);

        await rig.RunForAsync(wait ?? FirstTelemetryBound);
        long stored = await Eventually.ReadAsync(() => rig.Store.CountReadingsAsync(id), n => n > 0, storeTimeout);
        Assert.True(stored > 0, $"no telemetry of {id} reached the receiver within {FirstTelemetryBound} of provisioning; console:\n{string.Join('\n', rig.ConsoleLines.TakeLast(20))}");
        var readings = await rig.Store.ReadingsAsync(id);
        Assert.All(readings, r => Assert.Null(r.Fault));
        Assert.Contains(readings[0].Values, v => v.Unit == "Cel" || v.Channel.Contains("temp", StringComparison.OrdinalIgnoreCase));
        return id;
    }
}
