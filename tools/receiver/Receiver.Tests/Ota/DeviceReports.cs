using NodeFirmware.Core.Ota;
using NodeFirmware.Receiver.Ota;

namespace NodeFirmware.Receiver.Tests.Ota;

/// <summary>What a device sends about an update, encoded by Core as the device does.</summary>
public static class DeviceReports
{
    public static Task Result(this CampaignEngine engine, string device, string campaign, bool ok, string fw, string? err = null) =>
        engine.HandleAsync($"nodes/{device}/ota/result", OtaMessages.EncodeResult(campaign, ok, fw, err ?? ""));

    public static Task Progress(this CampaignEngine engine, string device, string campaign, string state, long done, long total) =>
        engine.HandleAsync($"nodes/{device}/ota/progress", OtaMessages.EncodeProgress(campaign, state, done, total));

    public static Task Request(this CampaignEngine engine, string device, string campaign, int file, int offset, int length) =>
        engine.HandleAsync($"nodes/{device}/ota/req", OtaMessages.EncodeRequest(new OtaChunkRequest { CampaignId = campaign, FileIndex = file, Offset = offset, Length = length }));
}
