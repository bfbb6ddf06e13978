using NodeFirmware.Receiver.Ota;

namespace NodeFirmware.Receiver.Tests.Security;

/// <summary>A campaign as an earlier receiver left it in the database: its first device offered, in the canary wave.</summary>
public static class StoredCampaigns
{
    public static Campaign Of(string id, CampaignState state, byte[] package, string device)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        bool offered = state != CampaignState.Draft;
        return new Campaign
        {
            Id = id, Name = id, TargetVersion = NodeFirmware.Core.Ota.FirmwarePackage.Parse(package).Manifest.Version.ToString(),
            Cohort = new CohortFilter(Ota.OtaTestPackages.Board), CanaryPercent = 100, SuccessThreshold = 1, Window = TimeSpan.FromHours(6),
            ChunkSize = 1024, CreatedAt = at, UpdatedAt = at, State = state, Package = package,
            Devices =
            {
                [device] = new CampaignDevice
                {
                    DeviceId = device, Wave = CampaignEngine.CanaryWave,
                    State = offered ? DeviceOtaState.Offered : DeviceOtaState.Waiting, OfferedAt = offered ? at : null,
                },
            },
        };
    }
}
