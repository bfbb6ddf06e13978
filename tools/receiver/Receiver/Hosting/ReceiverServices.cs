using Microsoft.Extensions.Options;
using NodeFirmware.Receiver.Access;
using NodeFirmware.Receiver.Api;
using NodeFirmware.Receiver.Commands;
using NodeFirmware.Receiver.Ingest;
using NodeFirmware.Receiver.Metrics;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Quarantine;
using NodeFirmware.Receiver.Revocation;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Validation;

namespace NodeFirmware.Receiver.Hosting;

/// <summary>The receiver's services. Everything is resolved lazily from options, so a test can replace any of them.</summary>
public static class ReceiverServices
{
    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ReceiverOptions>(configuration.GetSection(ReceiverOptions.Section));
        services.Configure<MqttIngestOptions>(configuration.GetSection(ReceiverOptions.Section + ":Broker"));
        services.Configure<ValidationOptions>(configuration.GetSection(ReceiverOptions.Section + ":Validation"));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals);

        services.Configure<ApiLimits>(configuration.GetSection(ApiLimits.Section));
        services.Configure<CommandOptions>(configuration.GetSection(CommandOptions.Section));
        services.Configure<QuarantineOptions>(configuration.GetSection(QuarantineOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ReceiverMetrics>();
        // The store everything reads devices from: the registry with each device's revocation from the fleet's list.
        services.AddSingleton<ITelemetryStore>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ReceiverOptions>>().Value;
            return new RevocationAwareStore(TelemetryStoreFactory.Create(o.Store, o.SqliteSynchronous), sp.GetRequiredService<IFleetRevocations>());
        });
        services.AddSingleton(sp => new TelemetryValidator(sp.GetRequiredService<IOptions<ValidationOptions>>().Value));
        services.AddSingleton<QuarantineLimiter>();
        services.AddSingleton<IngestClassifier>();
        services.AddSingleton<TelemetryAckSender>();
        services.AddSingleton(sp => new IngestWriter(
            sp.GetRequiredService<ITelemetryStore>(), sp.GetRequiredService<ReceiverMetrics>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<IngestWriter>>(), sp.GetRequiredService<IOptions<MqttIngestOptions>>().Value.MaxMessagesPerCommit));
        services.AddSingleton<IFleetRevocations>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ReceiverOptions>>().Value;
            return string.IsNullOrWhiteSpace(o.PkiDirectory)
                ? new NoFleetRevocations()
                : new PkiFleetRevocations(o.PkiDirectory, PkiFleetRevocations.Passphrase(o.CaPassphraseFile));
        });
        services.AddSingleton<IBrokerControl>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ReceiverOptions>>().Value;
            return string.IsNullOrWhiteSpace(o.BrokerPidFile) ? new NoBrokerControl() : new PidFileBrokerControl(o.BrokerPidFile);
        });

        // OTA campaigns: their own tables beside the telemetry; finished devices feed the OTA SLI (ota_results).
        services.AddSingleton<ICampaignStore>(sp => CampaignStoreFactory.Create(sp.GetRequiredService<IOptions<ReceiverOptions>>().Value.Store));
        services.AddSingleton<CampaignMqttBridge>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ReceiverOptions>>().Value;
            var telemetry = sp.GetRequiredService<ITelemetryStore>();
            return new CampaignEngine(
                sp.GetRequiredService<ICampaignStore>(), sp.GetRequiredService<CampaignMqttBridge>(), sp.GetRequiredService<TimeProvider>(),
                string.IsNullOrWhiteSpace(o.FirmwareRepository) ? null : new FirmwareRepositoryReader(o.FirmwareRepository),
                (campaign, device, ok, at) => telemetry.RecordOtaOutcomeAsync(campaign, device, ok, at),
                sp.GetRequiredService<ILogger<CampaignEngine>>())
            {
                ReleasePublicKey = string.IsNullOrWhiteSpace(o.ReleasePublicKey) ? null : FirmwareRepositoryReader.ReadReleasePublicKey(o.ReleasePublicKey),
                Telemetry = telemetry,
            };
        });

        // Access: tokens and the audit trail beside the telemetry, the HTTP guards.
        services.AddSingleton(sp => DbSource.Create(sp.GetRequiredService<IOptions<ReceiverOptions>>().Value.Store));
        services.AddSingleton<IAccessStore, SqlAccessStore>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<AllowedHosts>();
        services.AddSingleton<RequestRateLimiter>();

        // Commands and configuration to devices, over the ingest's connection.
        services.AddSingleton<DeviceLink>();
        services.AddSingleton<ICommandStore, SqlCommandStore>();
        services.AddSingleton<CommandService>();

        services.AddHostedService<StoreMigration>();
        services.AddHostedService<AdminBootstrap>();
        services.AddHostedService<QuarantineRetention>();
        services.AddHostedService<MqttIngestService>();
        services.AddHostedService<CampaignService>();
        services.AddHostedService(sp => sp.GetRequiredService<CommandService>());
    }

    public static void MapEndpoints(WebApplication app)
    {
        app.UseMiddleware<BrowserGuard>();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        PagePackages.Map(app);
        app.UseRouting();
        app.UseMiddleware<AccessMiddleware>();
        ApiEndpoints.Map(app);
        Vitals.VitalsEndpoints.Map(app);
        AccessEndpoints.Map(app);
        CommandEndpoints.Map(app);
        CampaignEndpoints.Map(app);
    }
}
