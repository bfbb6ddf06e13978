using NodeFirmware.Core.Provisioning;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Provisioning;
using NodeFirmware.Nodectl.Station;
using NodeFirmware.Nodectl.Tests.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Station;

/// <summary>
/// `nodectl station` on four whole simulated DevKits in parallel with the real receiver: every unit is flashed by the
/// board layout, provisioned, registered, boot-checked and self-tested (the firmware's SELF_TEST on the board's own
/// sensor and flash), and its report, the audit log and the receiver's registry name the same device ids and
/// certificate serials. A unit that fails after registration (a board without its sensor fails the self-test, one held in
/// download mode the boot check) is revoked, and says so.
/// </summary>
[Trait("Category", "Station")]
public sealed class StationTests
{
    [Fact]
    public void Four_boards_in_parallel_are_flashed_provisioned_registered_boot_checked_and_self_tested_and_reports_audit_and_registry_agree()
    {
        using var line = new StationRig(4);

        var (exit, stdout, stderr) = line.Run(line.Arguments(line.Boards.Select(b => b.Url)));

        Assert.True(exit == 0, stdout + stderr + "\n" + line.Receiver!.Output);
        Assert.Contains("4 of 4 units passed", stdout);
        var reports = line.Reports();
        Assert.Equal(4, reports.Count);
        var audit = line.Rig.Records();
        for (int i = 0; i < 4; i++)
        {
            var report = reports[i];
            var node = line.Boards[i].Board.Firmware!;
            Assert.Equal(line.Boards[i].Url, report.Port);
            Assert.True(report.Verdict == UnitReport.Passed, report.Reason);
            Assert.Equal(node.DeviceId, report.DeviceId);
            Assert.Equal(["flash", "provision", "register", "boot-check", "self-test"], report.Steps.Select(s => s.Name));
            Assert.All(report.Steps, s => Assert.Equal(UnitStep.Ok, s.Result));
            Assert.Contains($"identity ok: {node.DeviceId}", report.Steps[3].Detail);
            Assert.True(report.SelfTest!.Pass);
            Assert.Equal(["sensor", "storage", "identity"], report.SelfTest.Checks.Select(c => c.Name));
            Assert.All(report.SelfTest.Checks, c => Assert.True(c.Ok, c.Detail));
            Assert.Contains("sensor: BME280, chip id 0x60", report.Steps[4].Detail);
            Assert.Contains($"committed identity of {node.DeviceId}", report.Steps[4].Detail);
            Assert.True(report.Registered);
            Assert.Null(report.RevokedSerials);
            Assert.Equal("device", report.KeyMadeOn); // the station's default: the board made its own key
            Assert.Contains("key pair made on the device", report.Steps[1].Detail);

            Assert.Equal(IdentityState.Committed, node.Identity.State);
            using var certificate = line.Rig.AssertValidIdentity(node);
            Assert.Equal(certificate.SerialNumber, report.CertSerial);
            Assert.Single(audit, r => r.Action == "provision" && r.Result == "ok" && r.Device == report.DeviceId && r.CertSerial == report.CertSerial);
            Assert.Single(audit, r => r.Action == "register" && r.Result == "ok" && r.Device == report.DeviceId && r.CertSerial == report.CertSerial);
            var registered = line.Receiver!.Device(report.DeviceId!) ?? throw new Xunit.Sdk.XunitException($"the receiver does not know {report.DeviceId}");
            Assert.Equal(report.CertSerial, registered.GetProperty("certSerial").GetString(), StringComparer.OrdinalIgnoreCase);
            Assert.True(registered.GetProperty("registered").GetBoolean());
            Assert.False(registered.GetProperty("revoked").GetBoolean());
        }
        Assert.Equal(4, reports.Select(r => r.DeviceId).Distinct().Count());
        Assert.DoesNotContain(audit, r => r.Action == "revoke" || r.Result != "ok");
        foreach (var report in reports)
            ProvisioningRig.AssertSecretAbsent(File.ReadAllText(Path.Combine(line.ReportDirectory, report.FileName)) +
                File.ReadAllText(Path.Combine(line.ReportDirectory, $"unit-{report.Unit}.log")), System.Text.Encoding.UTF8.GetBytes(ProvisioningRig.WifiPassphrase), "the Wi-Fi passphrase");
    }

    [Fact]
    public void Units_failing_the_self_test_or_the_boot_check_are_revoked_and_a_port_without_a_board_gets_nothing_while_the_others_pass()
    {
        // Board 3 was built without its BME280; after its registration, board 4's BOOT button is held, so its boot check
        // resets it into download mode.
        using var line = new StationRig(4, fit: (i, options) => i == 2 ? options with { SensorChipId = null } : options);
        var heldBoard = line.Boards[3];
        string noSensorId = NodeFirmware.HostCommon.Pki.DeviceIdentity.FromMac([0x24, 0x0A, 0xC4, 0x51, 0x00, 0x12]);
        string heldId = NodeFirmware.HostCommon.Pki.DeviceIdentity.FromMac([0x24, 0x0A, 0xC4, 0x51, 0x00, 0x13]);
        string deadPort = $"rfc2217://127.0.0.1:{LoopbackPort.Free()}";
        IDeviceRegistry Open(Uri uri, string? token) =>
            new AfterRegistration(new ReceiverRegistry(uri, token: token), id => { if (id == heldId) heldBoard.Board.BootButtonHeld = true; });

        var (exit, stdout, stderr) = line.Run(line.Arguments(line.Boards.Select(b => b.Url).Append(deadPort)), Open);

        Assert.True(exit == 1, stdout + stderr + "\n" + line.Receiver!.Output);
        Assert.Contains("2 of 5 units passed", stdout);
        var reports = line.Reports();
        Assert.Equal(5, reports.Count);
        Assert.True(reports.Select(r => r.Verdict).SequenceEqual([UnitReport.Passed, UnitReport.Passed, UnitReport.Failed, UnitReport.Failed, UnitReport.Failed]),
            string.Join("\n", reports.Select(r => $"unit {r.Unit}: {r.Verdict} {r.Reason}")));
        var audit = line.Rig.Records();

        var noSensor = reports[2];
        Assert.Equal(noSensorId, noSensor.DeviceId);
        Assert.True(noSensor.Steps.Select(s => s.Name).SequenceEqual(["flash", "provision", "register", "boot-check", "self-test", "revoke"]), noSensor.Reason);
        Assert.Equal(UnitStep.Ok, noSensor.Steps[3].Result);
        Assert.Equal(UnitStep.Failed, noSensor.Steps[4].Result);
        Assert.Contains("sensor: no sensor answers: no acknowledge at I2C address 0x76", noSensor.Steps[4].Detail);
        Assert.False(noSensor.SelfTest!.Pass);
        Assert.Equal([false, true, true], noSensor.SelfTest.Checks.Select(c => c.Ok)); // storage and identity checked out
        Assert.StartsWith("self-test: ", noSensor.Reason);

        var held = reports[3];
        Assert.Equal(heldId, held.DeviceId);
        Assert.True(held.Steps.Select(s => s.Name).SequenceEqual(["flash", "provision", "register", "boot-check", "revoke"]), held.Reason);
        Assert.Equal(UnitStep.Failed, held.Steps[3].Result);
        Assert.Contains("waiting for download", held.Steps[3].Detail);
        Assert.Null(held.SelfTest);
        Assert.StartsWith("boot-check: ", held.Reason);

        foreach (var failed in new[] { noSensor, held })
        {
            Assert.Equal(UnitStep.Ok, failed.Steps[^1].Result);
            Assert.Equal([failed.CertSerial!], failed.RevokedSerials!);
            Assert.Contains("its certificate is revoked", failed.Reason);
            Assert.Single(audit, r => r.Action == "register" && r.Result == "ok" && r.Device == failed.DeviceId && r.CertSerial == failed.CertSerial);
            Assert.Single(audit, r => r.Action == "revoke" && r.Device == failed.DeviceId && r.CertSerial == failed.CertSerial);
            var inRegistry = line.Receiver!.Device(failed.DeviceId!)!.Value;
            Assert.True(inRegistry.GetProperty("revoked").GetBoolean(), inRegistry.ToString());
        }

        var empty = reports[4];
        Assert.Equal(deadPort, empty.Port);
        Assert.Equal("flash", Assert.Single(empty.Steps).Name);
        Assert.StartsWith("flash: ", empty.Reason);
        Assert.Null(empty.CertSerial);
        Assert.False(empty.Registered);

        foreach (var passed in reports.Where(r => r.Verdict == UnitReport.Passed))
        {
            Assert.True(passed.SelfTest!.Pass);
            Assert.Single(audit, r => r.Action == "register" && r.Result == "ok" && r.Device == passed.DeviceId && r.CertSerial == passed.CertSerial);
            Assert.False(line.Receiver!.Device(passed.DeviceId!)!.Value.GetProperty("revoked").GetBoolean());
        }
        Assert.DoesNotContain(audit, r => r.Action == "revoke" && r.Device != noSensorId && r.Device != heldId);
        Assert.True(AuditVerifier.Verify(line.Rig.AuditPath).Ok);
    }

    [Fact]
    public void With_key_on_host_the_key_is_made_here_and_the_report_says_so()
    {
        using var line = new StationRig(1);

        var (exit, stdout, stderr) = line.Run([.. line.Arguments(line.Boards.Select(b => b.Url)), "--key-on-host"]);

        Assert.True(exit == 0, stdout + stderr + "\n" + line.Receiver!.Output);
        var report = Assert.Single(line.Reports());
        Assert.Equal("host", report.KeyMadeOn);
        Assert.Contains("key pair made on the host and sent in the bundle (--key-on-host)", report.Steps[1].Detail);
        Assert.True(report.SelfTest!.Pass);
        using var certificate = line.Rig.AssertValidIdentity(line.Boards[0].Board.Firmware!); // the key the board holds is the certified one
        Assert.Equal(certificate.SerialNumber, report.CertSerial);
        var record = Assert.Single(line.Rig.Records(), r => r.Action == "provision");
        Assert.DoesNotContain("the device made its own key", record.Detail);
    }

    /// <summary>Registers with the real registry, then tells the test which device it registered.</summary>
    private sealed class AfterRegistration(ReceiverRegistry inner, Action<string> registered) : IDeviceRegistry, IDisposable
    {
        public string Name => inner.Name;

        public void Register(DeviceRegistration registration)
        {
            inner.Register(registration);
            registered(registration.Id);
        }

        public void Dispose() => inner.Dispose();
    }
}
