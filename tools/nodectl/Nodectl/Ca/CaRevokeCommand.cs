using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.HostCommon.Broker;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;

namespace NodeFirmware.Nodectl.Ca;

/// <summary>
/// <c>nodectl ca revoke &lt;device-id&gt; --dir pki [--broker-pid-file run/mosquitto.pid]</c>: revokes every certificate the
/// store ever issued to the device, writes a new CRL, records each certificate in the audit log and, when given the
/// broker's pid file, reloads the broker. The PKI store's revocation list is the fleet's one record of revocation: a
/// receiver started with --pki on the same store shows the device as revoked from then on (docs/receiver.md).
/// </summary>
public static class CaRevokeCommand
{
    /// <summary>Exit code when the revocation is done but the broker could not be reloaded.</summary>
    public const int NotReloaded = 2;

    public static Command Create(Func<string> passphrase, Func<string, string?> environment)
    {
        var dir = CaCommand.DirOption();
        var device = new Argument<string>("device-id") { Description = "device id, e.g. esp32-240ac4123456" };
        var reason = new Option<X509RevocationReason>("--reason")
        {
            Description = "revocation reason (e.g. KeyCompromise, Superseded, CessationOfOperation)",
            DefaultValueFactory = _ => X509RevocationReason.Unspecified,
        };
        var audit = new Option<string?>("--audit-log") { Description = "audit log to record the revocation in (default <dir>/audit.jsonl)" };
        var station = new Option<string?>("--station") { Description = "station id for the audit record (default env NODECTL_STATION or the host name)" };
        var operatorName = OperatorName.CreateOption();
        var pidFile = new Option<string?>("--broker-pid-file")
        {
            Description = "the running broker's pid file (<run-dir>/mosquitto.pid): reload it so it refuses the certificates at once",
        };
        var revoke = new Command("revoke", "revoke every certificate of a device, write a new CRL and, with --broker-pid-file, reload the broker")
        {
            dir, device, reason, audit, station, operatorName, pidFile,
        };
        revoke.SetAction(result => CaCommand.Run(result, output =>
        {
            var store = new PkiStore(result.GetValue(dir)!);
            string id = result.GetValue(device)!;
            DeviceIdentity.Validate(id);
            // Everything that can refuse does so before the store changes.
            string who = OperatorName.Resolve(result.GetValue(operatorName), environment);
            var log = new AuditLog(result.GetValue(audit) ?? Path.Combine(store.Root, "audit.jsonl"), CaCommand.Station(result.GetValue(station)), who);
            var digests = DeviceRevoker.CertificateDigests(store, id);
            if (digests.Count == 0) throw new PkiException($"no certificate for device {id} in {Path.Combine(store.Root, "devices")}");
            using var ca = store.OpenCa(passphrase());

            var revocation = DeviceRevoker.Revoke(store, ca, log, id, result.GetValue(reason), digests);
            output.WriteLine($"revoked {id}: {DeviceRevoker.Describe(revocation)}; wrote CRL number {revocation.CrlNumber} to {store.CrlPath}");

            string? pid = result.GetValue(pidFile);
            if (pid is null)
            {
                output.WriteLine("reload the broker so it refuses them: tools/receiver/broker/reload-broker.sh <run-dir> (or pass --broker-pid-file)");
                return 0;
            }
            try
            {
                output.WriteLine($"reloaded the broker (pid {BrokerPidFile.Reload(pid)}): it refuses these certificates from now on");
                return 0;
            }
            catch (BrokerException e)
            {
                result.InvocationConfiguration.Error.WriteLine(
                    $"error: the revocation and the CRL are written, but the broker was not reloaded: {e.Message}. Reload it: tools/receiver/broker/reload-broker.sh <run-dir>");
                return NotReloaded;
            }
        }));
        return revoke;
    }
}
