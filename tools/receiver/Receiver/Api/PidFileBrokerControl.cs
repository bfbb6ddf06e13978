using NodeFirmware.HostCommon.Broker;

namespace NodeFirmware.Receiver.Api;

/// <summary>
/// Reloads the broker named by a pid file (HostCommon's <see cref="BrokerPidFile"/>, which `nodectl ca revoke
/// --broker-pid-file` uses too): SIGHUP, then a wait for Mosquitto's reload line, after which it checks new
/// connections against the new CRL.
/// </summary>
public sealed class PidFileBrokerControl(string pidFile) : IBrokerControl
{
    public Task<bool> ReloadAsync(CancellationToken ct) => Task.Run(() =>
    {
        BrokerPidFile.Reload(pidFile);
        return true;
    }, ct);
}
