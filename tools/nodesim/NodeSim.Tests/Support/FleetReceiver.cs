using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Tests.Support;
using NodeSim.Fleet;

namespace NodeSim.Tests.Support;

/// <summary>The receiver as its own process on the SQLite store, with the receiver identity of a <see cref="LocalFleetBroker"/>.</summary>
public static class FleetReceiver
{
    /// <summary>Starts it and returns once its ingest is subscribed.</summary>
    public static async Task<ReceiverProcess> StartAsync(LocalFleetBroker cloud, string db)
    {
        var receiver = await ReceiverProcess.StartAsync(
        [
            "--store", "sqlite:" + db, "--broker", $"{cloud.Endpoint.Host}:{cloud.Endpoint.Port}", "--ca", cloud.Pki.CaCertificatePath,
            "--cert", cloud.Pki.ServiceCertificatePath(ServiceIdentity.Receiver), "--key", cloud.Pki.ServiceKeyPath(ServiceIdentity.Receiver),
        ]);
        // The admin token is made at the first start only; a restart reads it back from where the receiver wrote it.
        string adminToken = (await File.ReadAllTextAsync(db + ".admin-token")).Trim();
        await receiver.WaitForBrokerAsync(TimeSpan.FromSeconds(60), adminToken);
        return receiver;
    }
}
