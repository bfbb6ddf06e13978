namespace NodeFirmware.Nodectl.Campaigns;

/// <summary>
/// What <c>nodectl campaign ... --json</c> prints (<see cref="Output.JsonResult"/>; field names in docs/receiver.md,
/// "nodectl campaign"): the outcome, the campaign(s) as the receiver answered, or the reason it refused.
/// </summary>
public sealed class CampaignReport
{
    public bool Ok { get; set; }

    /// <summary>0 done, 1 refused (by nodectl or the receiver), 2 the receiver did not answer.</summary>
    public int ExitCode { get; set; }

    /// <summary>create, list, status, pause, resume or abort.</summary>
    public required string Action { get; init; }

    public string? Receiver { get; set; }

    /// <summary>The receiver's HTTP status, when it answered.</summary>
    public int? HttpStatus { get; set; }

    public CampaignInfo? Campaign { get; set; }

    public IReadOnlyList<CampaignInfo>? Campaigns { get; set; }

    public string? Error { get; set; }
}
