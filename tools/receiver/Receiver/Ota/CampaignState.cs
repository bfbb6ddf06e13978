namespace NodeFirmware.Receiver.Ota;

/// <summary>A campaign's life: draft → canary → rolling → completed, or halted (automatically or by hand) / aborted.</summary>
public enum CampaignState
{
    Draft,
    Canary,
    Rolling,
    Completed,
    Halted,
    Aborted,
}

/// <summary>Where one device of a campaign stands.</summary>
public enum DeviceOtaState
{
    /// <summary>In the cohort, not offered yet (its wave has not started).</summary>
    Waiting,
    Offered,
    Downloading,
    /// <summary>Installed and rebooted into the new image, which has not confirmed itself yet.</summary>
    Trial,
    Succeeded,
    Failed,
    /// <summary>The new image did not confirm itself (or failed the Loader's check) and the previous one runs again.</summary>
    RolledBack,
    /// <summary>Offered but never given a result; the campaign stopped before its turn (halt or abort).</summary>
    Cancelled,
}

public static class DeviceOtaStates
{
    public static bool IsFinished(this DeviceOtaState s) =>
        s is DeviceOtaState.Succeeded or DeviceOtaState.Failed or DeviceOtaState.RolledBack or DeviceOtaState.Cancelled;

    public static bool IsFailure(this DeviceOtaState s) => s is DeviceOtaState.Failed or DeviceOtaState.RolledBack;

    /// <summary>Offered and still expected to download, install or report.</summary>
    public static bool IsInFlight(this DeviceOtaState s) => s is DeviceOtaState.Offered or DeviceOtaState.Downloading or DeviceOtaState.Trial;
}
