using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Ca;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeFirmware.Nodectl.Tests.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Ca;

/// <summary>`nodectl ca revoke`: every certificate of the device, and an audit record that names a real operator.</summary>
public sealed class CaRevokeCommandTests : IDisposable
{
    private const string Device = "esp32-0000000000c1";
    private readonly ProvisioningRig _rig = new();

    private (int Exit, string Out, string Err) Revoke(Dictionary<string, string> environment, params string[] args) =>
        CommandRunner.Run(CaCommand.Create(() => ProvisioningRig.CaPassphrase, () => ProvisioningRig.CaPassphrase, n => environment.GetValueOrDefault(n)),
            ["ca", "revoke", Device, "--dir", _rig.PkiDirectory, .. args]);

    private static Dictionary<string, string> Operator(string name) => new() { [OperatorName.EnvironmentVariable] = name };

    [Fact]
    public void Every_certificate_the_device_was_ever_issued_is_revoked_not_only_the_newest()
    {
        using var first = _rig.Pki.IssueDevice(_rig.Ca, Device, keepKey: false);
        using var second = _rig.Pki.IssueDevice(_rig.Ca, Device, keepKey: false); // re-provisioned

        var (exit, output, err) = Revoke(Operator("carol"), "--reason", "KeyCompromise");
        Assert.True(exit == 0, err);
        Assert.Contains("2 certificate(s)", output);
        var revoked = _rig.Pki.LoadRevoked().Select(r => r.SerialHex).ToList();
        Assert.Contains(first.Certificate.SerialNumber, revoked);
        Assert.Contains(second.Certificate.SerialNumber, revoked);

        var records = _rig.Records().Where(r => r.Action == "revoke").ToList();
        Assert.Equal([first.Certificate.SerialNumber, second.Certificate.SerialNumber], records.Select(r => r.CertSerial));
        Assert.All(records, r => Assert.Equal("carol", r.Operator));
    }

    [Fact]
    public void Without_an_operator_it_refuses_and_changes_nothing()
    {
        using var issued = _rig.Pki.IssueDevice(_rig.Ca, Device, keepKey: false);
        var crlBefore = _rig.Pki.CurrentCrlNumber;

        var (exit, _, err) = Revoke(new Dictionary<string, string>()); // USER unset, as under cron or in a container
        Assert.Equal(1, exit);
        Assert.Contains("--operator", err);
        Assert.Contains(OperatorName.EnvironmentVariable, err);
        Assert.Empty(_rig.Pki.LoadRevoked());
        Assert.Equal(crlBefore, _rig.Pki.CurrentCrlNumber);
        Assert.False(File.Exists(_rig.AuditPath));
    }

    [Fact]
    public void The_operator_comes_from_the_option_then_the_variable_then_USER()
    {
        using var issued = _rig.Pki.IssueDevice(_rig.Ca, Device, keepKey: false);
        Assert.Equal(0, Revoke(new() { ["USER"] = "login-name", [OperatorName.EnvironmentVariable] = "line-lead" }, "--operator", "dave").Exit);
        Assert.Equal(0, Revoke(new() { ["USER"] = "login-name", [OperatorName.EnvironmentVariable] = "line-lead" }).Exit);
        Assert.Equal(0, Revoke(new() { ["USER"] = "login-name" }).Exit);
        Assert.Equal(["dave", "line-lead", "login-name"], _rig.Records().Select(r => r.Operator));
    }

    [Fact]
    public void A_broker_that_cannot_be_reloaded_is_reported_after_the_revocation_is_written()
    {
        using var issued = _rig.Pki.IssueDevice(_rig.Ca, Device, keepKey: false);
        string pidFile = Path.Combine(_rig.Directory, "no-broker", "mosquitto.pid");
        var (exit, _, err) = Revoke(Operator("erin"), "--broker-pid-file", pidFile);
        Assert.Equal(CaRevokeCommand.NotReloaded, exit);
        Assert.Contains("not reloaded", err);
        Assert.Contains(pidFile, err);
        Assert.Contains(_rig.Pki.LoadRevoked(), r => r.SerialHex == issued.Certificate.SerialNumber);
    }

    public void Dispose() => _rig.Dispose();
}
