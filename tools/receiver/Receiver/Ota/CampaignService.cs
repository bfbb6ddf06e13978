namespace NodeFirmware.Receiver.Ota;

/// <summary>
/// Runs the campaign engine in the receiver: creates the campaign tables, loads the campaigns, starts the bridge
/// that feeds the engine from the ingest's MQTT connection, publishes the offers again after every (re)connection,
/// and ticks the engine for windows and overdue offers. Without a broker, campaigns are stored but reach no device.
/// </summary>
public sealed class CampaignService(ICampaignStore store, CampaignEngine engine, CampaignMqttBridge bridge, TimeProvider clock, ILogger<CampaignService> log)
    : BackgroundService
{
    public static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(30);

    public override async Task StartAsync(CancellationToken ct)
    {
        await store.MigrateAsync(ct);
        if (engine.ReleasePublicKey is null) log.LogWarning("OTA campaigns are refused: {Problem}", CampaignEngine.NoReleaseKeyProblem);
        await engine.LoadAsync(ct);
        bridge.Connected += () => engine.RepublishOffersAsync();
        bridge.Start(engine);
        await base.StartAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TickInterval, clock, stop);
                await engine.TickAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { break; }
            catch (Exception e) { log.LogError(e, "campaign tick failed"); }
        }
    }
}
