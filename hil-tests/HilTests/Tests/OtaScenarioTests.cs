namespace NodeFirmware.HilTests.Tests;

/// <summary>
/// OTA on the rig: designed against <see cref="Rig.IRig.OfferFirmwareAsync"/> with <see cref="Rig.OtaFault"/>, pending
/// until the virtual node runs Core's OTA client in its host loop and the receiver offers campaigns. Skipped, not passed.
/// </summary>
public sealed class OtaScenarioTests
{
    private const string Pending = "PENDING: needs the virtual node's OTA host loop and receiver campaigns (VirtualRig.OfferFirmwareAsync throws RigCapabilityMissingException until then)";

    [Fact(Skip = Pending)]
    public void Signed_update_installs_and_the_new_version_reports() { }

    [Fact(Skip = Pending)]
    public void Crashing_update_rolls_back_to_the_previous_slot() { }

    [Fact(Skip = Pending)]
    public void Power_cut_during_download_resumes_or_keeps_the_old_image() { }
}
