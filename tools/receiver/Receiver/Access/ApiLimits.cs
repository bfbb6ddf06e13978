namespace NodeFirmware.Receiver.Access;

/// <summary>Request limits of the HTTP side (configuration section Receiver:Limits).</summary>
public sealed class ApiLimits
{
    public const string Section = "Receiver:Limits";

    /// <summary>Largest request body, except a campaign's (which may carry a firmware package).</summary>
    public long MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Largest POST /api/campaigns body: a base64 package of up to about 6 MB.</summary>
    public long MaxCampaignBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Per token: sustained requests per second and the burst above it.</summary>
    public int RequestsPerSecond { get; set; } = 20;
    public int RequestBurst { get; set; } = 100;

    /// <summary>Per client address, for requests without a valid token.</summary>
    public int AnonymousRequestsPerSecond { get; set; } = 5;
    public int AnonymousBurst { get; set; } = 30;

    /// <summary>Largest page a list endpoint returns.</summary>
    public const int MaxPage = 1000;
}
