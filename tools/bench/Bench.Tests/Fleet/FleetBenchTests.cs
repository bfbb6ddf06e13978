using NodeFirmware.Bench.Fleet;
using NodeFirmware.Bench.Tests.Support;
using Xunit.Abstractions;

namespace NodeFirmware.Bench.Tests.Fleet;

/// <summary>
/// `bench fleet` at a size that fits CI, through the same code as the full run: 200 virtual nodes with their own
/// certificates and TLS sessions, the real Mosquitto and receiver, the broker restarted under the fleet. Every
/// reading a node sampled is stored exactly once and every node comes back. No timing is asserted.
/// </summary>
public class FleetBenchTests(ITestOutputHelper output)
{
    /// <param name="ackMs">0: batches released on the broker's PUBACK; above: on the receiver's acknowledgement.</param>
    [Theory]
    [Trait("Category", "Fleet")]
    [InlineData(0)]
    [InlineData(10_000)]
    public async Task Two_hundred_nodes_lose_and_duplicate_nothing_across_a_broker_restart(int ackMs)
    {
        using var dir = new TempDirectory();
        var o = new FleetBenchOptions { Nodes = 200, Speed = 10, CyclesBeforeRestart = 2, BrokerDownSeconds = 2, AckMilliseconds = ackMs, Handshakes = 8 };

        var result = await FleetRun.RunAsync(o, dir.Path, output.WriteLine);
        output.WriteLine(result.ResultLine);

        Assert.Equal(o.Nodes, result.ConnectedBeforeRestart);
        Assert.Equal(o.Nodes, result.Reconnected);
        // Every node woke before the restart and again after it, each wake sampling a reading; more depends on the machine's load.
        Assert.True(result.Generated >= 2L * o.Nodes, $"only {result.Generated} readings for {o.Nodes} nodes that each connected before and after the restart");
        Assert.Equal(0, result.PendingInJournals);
        Assert.Equal(0, result.DroppedByJournals);
        Assert.Equal(result.Generated, result.Stored);
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.Duplicated);
        Assert.Contains($"devices_listed={o.Nodes} ", result.ResultLine);
    }

    [Fact]
    public void The_result_line_starts_with_the_keys_other_checks_read()
    {
        var line = new FleetResult
        {
            Nodes = 3, ConnectedBeforeRestart = 3, Reconnected = 2, Generated = 10, Stored = 9, Duplicated = 0, DuplicatesIgnored = 1,
            PendingInJournals = 0, DroppedByJournals = 0, Reconnect99Seconds = 1.5, ReconnectAllSeconds = null, RssMbPerNode = 0.5, Details = "x=1",
        }.ResultLine;

        Assert.StartsWith("RESULT fleet nodes=3 connected=2 generated=10 stored=9 lost=1 duplicated=0 reconnect_99_s=1.5 rss_mb_per_node=0.500 ", line);
        Assert.Contains(" reconnect_all_s=none ", line);
    }

    [Theory]
    [InlineData("--nodes", "0")]
    [InlineData("--nodes", "20001")]
    [InlineData("--speed", "0")]
    [InlineData("--listen", "61")]
    [InlineData("--cycles", "x")]
    [InlineData("--handshakes", "-1")]
    [InlineData("--ack-ms", "60001")]
    [InlineData("--unknown", "1")]
    public void Out_of_range_options_are_refused(string option, string value) =>
        Assert.Null(FleetBenchOptions.Parse([option, value]));

    /// <summary>The 10,000-node command benchmarks.md gives for a quiet machine (a line of its own) has options the bench takes.</summary>
    [Fact]
    public void The_documented_ten_thousand_node_command_parses()
    {
        const string command = "Bench.dll fleet --nodes 10000 ";
        string doc = File.ReadAllText(Path.Combine(NodeFirmware.HostCommon.Boards.RepoLocator.FindRoot(), "docs", "benchmarks.md"));
        string line = doc.Split('\n').Single(l => l.StartsWith("dotnet ", StringComparison.Ordinal) && l.Contains(command, StringComparison.Ordinal));
        var args = line[(line.IndexOf(command, StringComparison.Ordinal) + "Bench.dll fleet ".Length)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var o = FleetBenchOptions.Parse(args);

        Assert.NotNull(o);
        Assert.Equal(10_000, o.Nodes);
    }

    [Fact]
    public void Options_parse_into_the_run()
    {
        var o = FleetBenchOptions.Parse(["--nodes", "250", "--speed", "2.5", "--broker-down", "3", "--handshakes", "8", "--ack-ms", "10000"])!;
        Assert.Equal((250, 2.5, 3.0, 8, 10000), (o.Nodes, o.Speed, o.BrokerDownSeconds, o.Handshakes, o.AckMilliseconds));
        Assert.Equal(TimeSpan.FromSeconds(24), o.RealCycle);
    }
}
