using Microsoft.Data.Sqlite;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Procedures.Tests.Runner;

namespace NodeFirmware.Procedures.Tests.Docs;

/// <summary>
/// docs/broker.md then docs/receiver.md, as written, against the built nodectl and receiver and the installed Mosquitto:
/// the fleet CA, the broker from one command, a bench device the broker accepts, the receiver ingesting its status, a
/// revocation the broker enforces and the registry shows, a new certificate that brings the device back, an OTA
/// campaign of a package signed with the fleet's release key that nodectl creates, pauses, resumes and aborts, and a
/// health-gated campaign with a rollback whose stage nodectl shows.
/// </summary>
public sealed class CloudProcedureTests
{
    private const string Bench = "esp32-0000000000b1";

    [Fact]
    public void The_cloud_stands_up_revokes_and_re_admits_a_device_and_runs_a_campaign_exactly_as_the_documents_say()
    {
        using var run = ProcedureRunner.Run(DocumentedProcedures.Cloud);
        Assert.True(run.Succeeded, run.Report());
        Assert.Contains("procedure: ✔ every block ran", run.Output);

        // The end state, read from what the procedure left behind.
        var pki = new PkiStore(run.File("pki"));
        var certificates = pki.LoadDeviceCertificates(Bench);
        var revoked = pki.LoadRevoked().Select(r => r.SerialHex).ToHashSet();
        Assert.Equal(2, certificates.Count);
        Assert.Contains(certificates[0].SerialNumber, revoked);       // the first certificate: revoked
        Assert.DoesNotContain(certificates[1].SerialNumber, revoked); // the one issued afterwards: valid
        Assert.Contains($"listener {run.Ports[8883]} 127.0.0.1", File.ReadAllText(run.File("broker/mosquitto.conf")));

        string audit = File.ReadAllText(run.File("pki/audit.jsonl"));
        Assert.Contains("\"action\":\"revoke\"", audit);
        Assert.Contains("\"operator\":\"docs-runner\"", audit);

        using var db = new SqliteConnection($"Data Source={run.File("receiver.db")};Mode=ReadOnly");
        db.Open();
        using var query = db.CreateCommand();
        query.CommandText = "SELECT state FROM devices WHERE id = $id";
        query.Parameters.AddWithValue("$id", Bench);
        Assert.Equal("online", query.ExecuteScalar());

        // Two campaigns on the bench device, both aborted: the first after a pause and a resume (the refused pause named its
        // reason), then a health-gated one with a rollback, stored with its plan and the rollback's package.
        Assert.Equal(["bench 2.0.0 Aborted 2.0.0", "bench 2.0.0 gated Aborted 2.0.0"], DatabaseRows.Of(db, "SELECT name || ' ' || state || ' ' || target_version FROM campaigns ORDER BY name"));
        Assert.Equal([$"{Bench} Cancelled", $"{Bench} Cancelled"], DatabaseRows.Of(db, "SELECT device_id || ' ' || state FROM campaign_devices"));
        Assert.Contains("error: the receiver refused to pause (HTTP 409)", run.Output);
        Assert.Equal(["bench 2.0.0 gated"], DatabaseRows.Of(db, "SELECT c.name FROM campaigns c JOIN campaign_gates g ON g.campaign_id = c.id JOIN campaign_rollbacks r ON r.campaign_id = c.id"));
        Assert.Contains("\"stagepercents\":[50,100]", DatabaseRows.Of(db, "SELECT plan FROM campaign_gates").Single().ToLowerInvariant());
        Assert.Contains("stage         1 of 2 (50 %), current; 1 offered, 0 updated", run.Output);
        Assert.Contains("rollback      1.0.0 (counter 1): offered to the updated devices if it halts", run.Output);
        Assert.Contains("error: --stages must grow: stage 2 (5 %) is not above stage 1 (10 %)", run.Output);
        SqliteConnection.ClearAllPools();
    }
}
