using Microsoft.Data.Sqlite;
using NodeFirmware.Receiver.Tests.Support;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Procedures.Tests.Page;
using NodeFirmware.Procedures.Tests.Runner;
using Xunit.Abstractions;

namespace NodeFirmware.Procedures.Tests.Docs;

/// <summary>
/// README's "Getting started", as written: docs/provisioning.md rehearsed on `nodesim board` against the real cloud
/// (Mosquitto with mutual TLS from the fleet CA, the receiver with the PKI store and the release key): a board flashed
/// by its layout over RFC 2217, provisioned over the same port (reset into the firmware through DTR/RTS, MAC read over
/// the ROM) with `--broker broker.acme.example:8883`, registered, self-tested in its re-entry window, reporting
/// readings; docs/receiver.md's campaign with a build that crashes (rolled back by the Loader to the factory's 1.0.0 in
/// slot A) and one that updates it to 2.0.0, its revocation, which the broker enforces; re-provisioned with
/// --factory-reset and reporting again on 2.0.0; an audit log that verifies. After the revocation the procedure pauses
/// while headless Chromium opens the page at the address the document prints, signed in by its viewer token: the board
/// with its readings charted, its campaign completed, the board revoked.
/// </summary>
public sealed class ProvisioningProcedureTests(ITestOutputHelper output)
{
    private const string Device = "esp32-240ac4123456";

    [Fact]
    public void A_new_user_takes_a_simulated_board_from_blank_flash_to_the_page_through_an_update_a_revocation_and_a_new_identity()
    {
        var page = new FleetPageLook();
        var afterRevocation = new Checkpoint(DocumentedProcedures.Provisioning.Single(s => s.Document == "docs/receiver.md"), page.LookAsync);
        // Twelve minutes: the chain takes about three on an idle machine, and took 7.6 on two cores at a load average of 40.
        using var run = ProcedureRunner.Run(DocumentedProcedures.Provisioning, TimeSpan.FromMinutes(12), checkpoints: [afterRevocation]);
        foreach (var started in run.StartedBlocks) output.WriteLine(started); // where the time goes
        output.WriteLine(page.Skipped ?? $"fleet page: two page loads in {page.Took.TotalSeconds:0.0} s");
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
        // The crashing 1.1.0 took its three trial boots in slot B; the Loader fell back to the factory's 1.0.0 in slot A.
        Assert.Equal(3, board.Split('\n').Count(l => l.Contains($"node {Device}: the application 1.1.0 in slot B crashed at start; restarting")));
        Assert.Contains($"node {Device}: loader: trial exhausted its attempts, reverted to slot A; loading slot A 1.0.0", board);
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
        query.CommandText = "SELECT COALESCE(sum(count), 0) FROM reading_batches WHERE device_id = $id"; // packed rows (docs/receiver.md, "Storage")
        Assert.True((long)query.ExecuteScalar()! > 0);
        Assert.Equal(["Halted 1.1.0", "Completed 2.0.0"], DatabaseRows.Of(db, "SELECT state || ' ' || target_version FROM campaigns ORDER BY target_version"));
        Assert.Equal([$"{Device} RolledBack 1.0.0", $"{Device} Succeeded 2.0.0"],
            DatabaseRows.Of(db, "SELECT d.device_id || ' ' || d.state || ' ' || d.reported_firmware FROM campaign_devices d JOIN campaigns c ON c.id = d.campaign_id ORDER BY c.target_version"));
        SqliteConnection.ClearAllPools();

        if (page.Skipped is null) AssertPageAfterRevocation(page);
    }

    private static void AssertPageAfterRevocation(FleetPageLook page)
    {
        string dom = page.Dom!;
        void Has(string text, string where, string what) => Assert.True(where.Contains(text, StringComparison.Ordinal), $"the page lacks {what} ({text}):\n{dom}");

        Has(" (rehearsal-viewer) · viewer<", dom, "the viewer the printed address signed in"); // actor "token:<id> (name)", role
        int row = dom.IndexOf($">{Device}</td>", StringComparison.Ordinal);
        Assert.True(row >= 0, "the board is not in the page's device table:\n" + dom);
        string device = dom[dom.LastIndexOf("<tr", row, StringComparison.Ordinal)..(dom.IndexOf("</tr>", row, StringComparison.Ordinal) + 5)];
        Has($"<td class=\"revoked\">{Device}</td>", device, "the board's row marked revoked");
        Has(">revoked</span>", device, "the board's state revoked");
        Has("<td>2.0.0</td>", device, "the board's firmware");
        Has($"id=\"device-title\">{Device}<", dom, "the board as the charted device");
        Assert.All(page.Charts!, c => Assert.True(c.Pixels > 0, $"the {c.Area} chart shows no readings ({FleetPageCharts.Describe(page.Charts!)})"));

        // The device page's history (vitals.js from GET .../history): both versions newest first, the rollback of 1.1.0.
        string versions = Section(dom, "id=\"versions\"");
        int v2 = versions.IndexOf("<td>2.0.0</td>", StringComparison.Ordinal), v1 = versions.IndexOf("<td>1.0.0</td>", StringComparison.Ordinal);
        Assert.True(v2 >= 0 && v1 > v2, "the firmware versions are not 2.0.0 then 1.0.0:\n" + versions);
        Has("1.1.0 (greenhouse-3 1.1.0), runs 1.0.0", Section(dom, "id=\"events\""), "the rollback among the board's events");
        Has(">rollback</td>", Section(dom, "id=\"events\""), "the rollback event");
        Has("id=\"battery-box\" class=\"panel\">", dom, "the battery and drain panel shown");

        Has("id=\"campaigns-box\">", dom, "the campaign list shown");
        string update = CampaignRow(dom, "greenhouse-3 2.0.0"), crash = CampaignRow(dom, "greenhouse-3 1.1.0");
        foreach (string cell in new[] { "<td>2.0.0</td>", ">completed</span>", "<td>1 / 0 / 1</td>" }) Has(cell, update, "the update's campaign completed");
        foreach (string cell in new[] { "<td>1.1.0</td>", ">halted</span>", "<td>0 / 1 / 1</td>" }) Has(cell, crash, "the crashing build's campaign halted, its board rolled back");
    }

    /// <summary>The DOM from the element that has <paramref name="attribute"/> to the end of its table, or "" when it is not there.</summary>
    private static string Section(string dom, string attribute)
    {
        int at = dom.IndexOf(attribute, StringComparison.Ordinal);
        return at < 0 ? "" : dom[at..dom.IndexOf("</table>", at, StringComparison.Ordinal)];
    }

    /// <summary>The cells after a campaign's name in the page's campaign table, or "" when it is not there.</summary>
    private static string CampaignRow(string dom, string name)
    {
        int at = dom.IndexOf($">{name}</td>", StringComparison.Ordinal);
        return at < 0 ? "" : dom[(at + name.Length + 6)..dom.IndexOf("</tr>", at, StringComparison.Ordinal)];
    }
}
