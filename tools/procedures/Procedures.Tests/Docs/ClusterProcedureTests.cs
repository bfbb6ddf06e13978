using Microsoft.Data.Sqlite;
using NodeFirmware.Procedures.Tests.Runner;

namespace NodeFirmware.Procedures.Tests.Docs;

/// <summary>
/// docs/scaling.md as written: the NATS cluster from nodectl's configuration and the project's start script, the
/// receiver ingesting through one node a status a device published through another, and everything stopped again.
/// </summary>
public sealed class ClusterProcedureTests
{
    [Fact]
    public void The_nats_cluster_starts_carries_a_device_to_the_receiver_and_stops_exactly_as_the_document_says()
    {
        using var run = ProcedureRunner.Run(DocumentedProcedures.Cluster);
        Assert.True(run.Succeeded, run.Report());
        Assert.Contains("procedure: ✔ every block ran", run.Output);

        Assert.Equal(3, File.ReadAllLines(run.File("cluster/mqtt-ports")).Length);
        string node0 = File.ReadAllText(run.File("cluster/node0.conf"));
        Assert.Contains("user: \"CN=esp32-0000000000b1\"", node0);
        Assert.Contains("stream_replicas: 3", node0);

        using var db = new SqliteConnection($"Data Source={run.File("receiver.db")};Mode=ReadOnly");
        db.Open();
        using var query = db.CreateCommand();
        query.CommandText = "SELECT state FROM devices WHERE id = 'esp32-0000000000b1'";
        Assert.Equal("online", query.ExecuteScalar());
        SqliteConnection.ClearAllPools();
    }
}
