using Microsoft.Data.Sqlite;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Procedures.Tests.Runner;

namespace NodeFirmware.Procedures.Tests.Docs;

/// <summary>
/// docs/provisioning.md, as written, rehearsed on `nodesim board` and a local receiver: the fleet CA, a board flashed
/// by its layout over RFC 2217, provisioned over the same port (reset into the firmware through DTR/RTS, MAC read
/// over the ROM), registered, revoked and re-provisioned with --factory-reset, and an audit log that verifies.
/// </summary>
public sealed class ProvisioningProcedureTests
{
    private const string Device = "esp32-240ac4123456";

    [Fact]
    public void The_factory_procedure_flashes_provisions_registers_and_reprovisions_a_simulated_board_as_the_document_says()
    {
        using var run = ProcedureRunner.Run(DocumentedProcedures.Provisioning);
        Assert.True(run.Succeeded, run.Report());
        Assert.Contains("procedure: ✔ every block ran", run.Output);
        Assert.Contains($"ROM bootloader: MAC 24:0a:c4:12:34:56 ({Device})", run.Output);
        Assert.Contains($"provisioned {Device}", run.Output);

        var pki = new PkiStore(run.File("pki"));
        var certificates = pki.LoadDeviceCertificates(Device);
        var revoked = pki.LoadRevoked().Select(r => r.SerialHex).ToHashSet();
        Assert.Equal(2, certificates.Count);
        Assert.Contains(certificates[0].SerialNumber, revoked);
        Assert.DoesNotContain(certificates[1].SerialNumber, revoked);

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
        SqliteConnection.ClearAllPools();
    }
}
