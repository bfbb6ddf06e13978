namespace NodeFirmware.Receiver.Ota;

/// <summary>The campaign store beside the telemetry store named by the same spec: <c>sqlite:&lt;path&gt;</c> or <c>postgres:&lt;connection string&gt;</c>.</summary>
public static class CampaignStoreFactory
{
    public static ICampaignStore Create(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int colon = spec.IndexOf(':');
        string kind = colon < 0 ? "" : spec[..colon].ToLowerInvariant();
        string rest = colon < 0 ? "" : spec[(colon + 1)..];
        return kind switch
        {
            "sqlite" when rest.Length > 0 => new SqliteCampaignStore(rest),
            "postgres" or "postgresql" when rest.Length > 0 => new PostgresCampaignStore(rest),
            _ => throw new ArgumentException($"store '{spec}' is not understood: use sqlite:<path> or postgres:<connection string>"),
        };
    }
}
