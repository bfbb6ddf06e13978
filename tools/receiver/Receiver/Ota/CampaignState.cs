namespace NodeFirmware.Receiver.Ota;

/// <summary>
/// A campaign's life: draft → canary → rolling → completed, or halted (by its success threshold) / aborted. An operator may
/// pause a canary or rolling campaign and resume it into the phase it was paused in.
/// </summary>
public enum CampaignState
{
    Draft,
    Canary,
    Rolling,
    Completed,
    Halted,
    Aborted,
    /// <summary>Stopped by an operator: no further device is offered the image; devices already offered finish.</summary>
    Paused,
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
