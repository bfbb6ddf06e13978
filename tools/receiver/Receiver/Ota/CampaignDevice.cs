namespace NodeFirmware.Receiver.Ota;

/// <summary>One device's progress in a campaign. Wave 0 is the canary, wave 1 the rest.</summary>
public sealed class CampaignDevice
{
    public required string DeviceId { get; init; }
    public required int Wave { get; init; }
    public DeviceOtaState State { get; set; } = DeviceOtaState.Waiting;

    /// <summary>Bytes downloaded and the package's total, as last reported.</summary>
    public long Done { get; set; }
    public long Total { get; set; }

    /// <summary>The device's failure reason ("code: detail") or the engine's (timeout, cancelled).</summary>
    public string? Reason { get; set; }

    /// <summary>The version the device said it runs in its result.</summary>
    public string? ReportedFirmware { get; set; }

    public DateTimeOffset? OfferedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>When the offer was last published again for a device that had not reported a result.</summary>
    public DateTimeOffset? OfferRepeatedAt { get; set; }

    public double Percent => Total <= 0 ? 0 : Math.Round(100.0 * Done / Total, 1);
}
