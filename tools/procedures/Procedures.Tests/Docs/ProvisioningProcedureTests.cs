using Microsoft.Data.Sqlite;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Procedures.Tests.Runner;
using Xunit.Abstractions;

namespace NodeFirmware.Procedures.Tests.Docs;

/// <summary>
/// README's "Getting started", as written: docs/provisioning.md rehearsed on `nodesim board` against the real cloud
/// (Mosquitto with mutual TLS from the fleet CA, the receiver with the PKI store and the release key): a board flashed
/// by its layout over RFC 2217, provisioned over the same port (reset into the firmware through DTR/RTS, MAC read over
/// the ROM) with `--broker broker.acme.example:8883`, registered, self-tested in its re-entry window, reporting readings; docs/receiver.md's campaign
/// that updates it to 2.0.0 and its revocation, which the broker enforces; re-provisioned with --factory-reset and
/// reporting again on 2.0.0; an audit log that verifies.
/// </summary>
public sealed class ProvisioningProcedureTests(ITestOutputHelper output)
{
    private const string Device = "esp32-240ac4123456";

    [Fact]
    public void A_new_user_takes_a_simulated_board_from_blank_flash_to_the_page_through_an_update_a_revocation_and_a_new_identity()
    {
        using var run = ProcedureRunner.Run(DocumentedProcedures.Provisioning);
        foreach (var started in run.StartedBlocks) output.WriteLine(started); // where the time goes
        foreach (var connect in File.ReadLines(run.File("broker/mosquitto.log")).Where(l => l.Contains($"as {Device} ") || l.Contains("Reloading"))) output.WriteLine(connect);
        output.WriteLine(File.ReadAllText(run.File("board.log")));
        Assert.True(run.Succeeded, run.Report());
        Assert.Contains("procedure: ✔ every block ran", run.Output);
        Assert.Contains($"ROM bootloader: MAC 24:0a:c4:12:34:56 ({Device})", run.Output);
        Assert.Contains($"provisioned {Device}", run.Output);
        Assert.Contains($"{Device} (firmware 1.0.0, identity provisioned): self-test passed", run.Output);
        Assert.Contains("sensor    ok      BME280, chip id 0x60", run.Output);

        var pki = new PkiStore(run.File("pki"));
        var certificates = pki.LoadDeviceCertificates(Device);
        var revoked = pki.LoadRevoked().Select(r => r.SerialHex).ToHashSet();
        Assert.Equal(2, certificates.Count);
        Assert.Contains(certificates[0].SerialNumber, revoked);
        Assert.DoesNotContain(certificates[1].SerialNumber, revoked);
        Assert.Equal("KeyCompromise", pki.LoadRevoked().Single(r => r.SerialHex == certificates[0].SerialNumber).Reason.ToString());

        // The board reached the broker under the bundle's name, was refused once revoked, and rebooted into its update.
        string board = File.ReadAllText(run.File("board.log"));
        Assert.Contains($"node {Device}: an update is installed in slot B; restarting", board);
        Assert.Contains($"node {Device}: no broker at broker.acme.example (127.0.0.1):{run.Ports[8883]}", board);
        Assert.Contains($"as {Device} (p2", File.ReadAllText(run.File("broker/mosquitto.log")));

        var audit = AuditVerifier.Verify(run.File("pki/audit.jsonl"));
        Assert.True(audit.Ok, audit.Problem);
        var provisions = audit.Entries.Where(e => e.Action == "provision").ToList();
        Assert.Equal(2, provisions.Count);
        Assert.All(provisions, p => Assert.Equal("ok", p.Result));
        Assert.All(audit.Entries, e => Assert.Equal("line-2", e.Station));
        Assert.DoesNotContain(run.WifiPassphrase, File.ReadAllText(run.File("pki/audit.jsonl")));

        using var db = new SqliteConnection($"Data Source={run.File("receiver.db")};Mode=ReadOnly");
        db.Open();
        using var query = db.CreateCommand();
        query.CommandText = "SELECT cert_serial FROM devices WHERE id = $id";
        query.Parameters.AddWithValue("$id", Device);
        Assert.Equal(certificates[1].SerialNumber, query.ExecuteScalar() as string, StringComparer.OrdinalIgnoreCase);
        query.CommandText = "SELECT firmware || ' ' || slot FROM devices WHERE id = $id";
        Assert.Equal("2.0.0 B", query.ExecuteScalar());
        query.CommandText = "SELECT count(*) FROM readings WHERE device_id = $id";
        Assert.True((long)query.ExecuteScalar()! > 0);
        query.CommandText = "SELECT state || ' ' || target_version FROM campaigns";
        Assert.Equal("Completed 2.0.0", query.ExecuteScalar());
        query.CommandText = "SELECT device_id || ' ' || state || ' ' || reported_firmware FROM campaign_devices";
        Assert.Equal($"{Device} Succeeded 2.0.0", query.ExecuteScalar());
        SqliteConnection.ClearAllPools();
    }
}
