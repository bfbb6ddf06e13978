using Microsoft.Extensions.Configuration;
using NodeFirmware.Receiver.Hosting;

namespace NodeFirmware.Receiver.Tests.Api;

/// <summary>The SLI targets the page shows: configurable under Receiver:SliTargets, freshness defaulting to three report periods.</summary>
public sealed class SliTargetsTests
{
    private static ReceiverOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(ReceiverOptions.Section + ":" + s.Key, s.Value)))
            .Build();
        return configuration.GetSection(ReceiverOptions.Section).Get<ReceiverOptions>() ?? new ReceiverOptions();
    }

    [Fact]
    public void Configured_targets_are_reported_and_freshness_defaults_to_three_report_periods()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000);
        var counts = new NodeFirmware.Receiver.Storage.StoreCounts(0, 0, new Dictionary<string, long>(), 0, 0, 0, 0, 0);

        var configured = Bind(("ReportPeriodSeconds", "120"), ("SliTargets:Connectivity", "0.9"), ("SliTargets:Ota", "0.8"));
        var report = Sli.SliCalculator.Compute([], counts, now, configured.ReportPeriodSeconds, 3, configured.SliTargets);
        Assert.Equal(0.9, report.Targets.Connectivity);
        Assert.Equal(0.8, report.Targets.Ota);
        Assert.Equal(0.99, report.Targets.Commands);
        Assert.Equal(360, report.Targets.FreshnessP95Seconds);

        var freshness = Bind(("SliTargets:FreshnessP95Seconds", "42"));
        Assert.Equal(42, Sli.SliCalculator.Compute([], counts, now, 300, 3, freshness.SliTargets).Targets.FreshnessP95Seconds);
    }
}
