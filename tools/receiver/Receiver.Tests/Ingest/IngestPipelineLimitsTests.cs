using Microsoft.Extensions.Logging.Abstractions;
using NodeFirmware.Receiver.Ingest;
using NodeFirmware.Receiver.Metrics;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Tests.Support;
using NodeFirmware.Receiver.Validation;

namespace NodeFirmware.Receiver.Tests.Ingest;

/// <summary>DecodeQueueCapacity and MaxMessagesPerCommit have bounds; a value outside them is refused with the reason, before anything starts.</summary>
public sealed class IngestPipelineLimitsTests : IDisposable
{
    private readonly TempDirectory _dir = new("nf-limits");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(0, 1024, "DecodeQueueCapacity 0 is outside 1..16384", "in memory")]
    [InlineData(MqttIngestOptions.DecodeQueueCapacityLimit + 1, 1024, "DecodeQueueCapacity 16385 is outside 1..16384", "in memory")]
    [InlineData(512, 0, "MaxMessagesPerCommit 0 is outside 1..8192", "write lock")]
    [InlineData(512, -5, "MaxMessagesPerCommit -5 is outside 1..8192", "write lock")]
    [InlineData(512, MqttIngestOptions.MaxMessagesPerCommitLimit + 1, "MaxMessagesPerCommit 8193 is outside 1..8192", "write lock")]
    public void A_setting_out_of_bounds_is_a_problem_that_names_it_its_range_and_why(int decodeQueue, int perCommit, string named, string why)
    {
        var problems = new MqttIngestOptions { DecodeQueueCapacity = decodeQueue, MaxMessagesPerCommit = perCommit }.PipelineProblems();
        var problem = Assert.Single(problems);
        Assert.Contains(named, problem);
        Assert.Contains(why, problem);
    }

    [Fact]
    public void The_defaults_and_the_limits_themselves_are_accepted()
    {
        Assert.Empty(new MqttIngestOptions().PipelineProblems());
        Assert.Empty(new MqttIngestOptions { DecodeQueueCapacity = MqttIngestOptions.DecodeQueueCapacityLimit, MaxMessagesPerCommit = MqttIngestOptions.MaxMessagesPerCommitLimit }.PipelineProblems());
        Assert.Empty(new MqttIngestOptions { DecodeQueueCapacity = 1, MaxMessagesPerCommit = 1 }.PipelineProblems());
    }

    [Fact]
    public async Task The_pipeline_stages_refuse_out_of_bounds_sizes_themselves()
    {
        await using var store = new SqliteTelemetryStore(_dir.File("r.db"));
        var metrics = new ReceiverMetrics();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new IngestWriter(store, metrics, TimeProvider.System, NullLogger<IngestWriter>.Instance, MqttIngestOptions.MaxMessagesPerCommitLimit + 1));
        Assert.Contains("MaxMessagesPerCommit", e.Message);
        var writer = new IngestWriter(store, metrics, TimeProvider.System, NullLogger<IngestWriter>.Instance);
        var classifier = new IngestClassifier(new TelemetryValidator(), metrics);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => new IngestDecodeStage(classifier, writer, 100_000));
        Assert.Contains("DecodeQueueCapacity", e.Message);
    }

    [Fact]
    public async Task Receiver_serve_refuses_to_start_with_an_unbounded_queue_and_says_why()
    {
        using var pki = new EndToEnd.FleetPki(_dir);
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Receiver.dll"), "serve", "--store", "sqlite:" + _dir.File("s.db"), "--http", "127.0.0.1:0",
                     "--broker", "127.0.0.1:1", "--ca", pki.Store.CaCertificatePath, "--cert", pki.Store.ServiceCertificatePath("receiver"), "--key", pki.Store.ServiceKeyPath("receiver") })
            psi.ArgumentList.Add(a);
        psi.Environment["Receiver__Broker__DecodeQueueCapacity"] = "10000000";
        using var process = System.Diagnostics.Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        string output = await stdout + await stderr;
        Assert.Equal(1, process.ExitCode);
        Assert.Contains("DecodeQueueCapacity 10000000 is outside 1..16384", output);
        Assert.Contains("not started", output);
    }
}
