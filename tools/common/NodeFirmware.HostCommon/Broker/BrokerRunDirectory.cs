using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.HostCommon.Broker;

/// <summary>
/// A broker run directory made from a PKI store (`nodectl broker setup`): mosquitto.conf and acl, with the ACL blocks
/// taken from the store's service identities and their roles. The configuration points at the store's CA
/// certificate, broker certificate and key, and crl.pem rather than copying them, so a revocation that writes a new
/// CRL reaches the broker with a reload and there is no second copy to forget.
/// </summary>
public static class BrokerRunDirectory
{
    public const int DefaultPort = 8883;

    /// <summary>The configuration for <paramref name="store"/>; checks that the broker certificate and a receiver identity exist.</summary>
    public static MosquittoConfig ForStore(PkiStore store, string runDirectory, int port = DefaultPort, string bindAddress = "127.0.0.1")
    {
        if (!store.HasCa) throw new BrokerException($"no fleet CA in {store.CaDirectory}: create it first (nodectl ca init --dir {store.Root} --name <fleet>)");
        if (!File.Exists(store.BrokerCertificatePath) || !File.Exists(store.BrokerKeyPath))
            throw new BrokerException($"no broker certificate in {store.BrokerDirectory}: issue it first (nodectl ca issue broker --dir {store.Root})");
        if (!File.Exists(store.CrlPath))
            throw new BrokerException($"no CRL at {store.CrlPath}: the broker refuses every client without one; nodectl ca init writes the first");
        var services = store.ListServices();
        var receivers = services.Where(s => s.Role == ServiceRole.Receiver).Select(s => s.Name).ToList();
        if (receivers.Count == 0)
            throw new BrokerException($"no receiver identity in {Path.Combine(store.Root, "services")}: issue one first (nodectl ca issue receiver --dir {store.Root})");
        return new MosquittoConfig
        {
            RunDirectory = Path.GetFullPath(runDirectory),
            BindAddress = bindAddress,
            Port = port,
            CaFile = store.CaCertificatePath,
            CertFile = store.BrokerCertificatePath,
            KeyFile = store.BrokerKeyPath,
            CrlFile = store.CrlPath,
            ReceiverIdentities = receivers,
            ObserverIdentities = services.Where(s => s.Role == ServiceRole.Observer).Select(s => s.Name).ToList(),
        };
    }

    /// <summary>Writes the run directory; an existing one is rewritten (its data/ with sessions and queues is kept).</summary>
    public static MosquittoConfig Write(PkiStore store, string runDirectory, int port = DefaultPort, string bindAddress = "127.0.0.1")
    {
        if (port is < 1 or > 65535) throw new BrokerException($"port {port} is not in 1..65535");
        var config = ForStore(store, runDirectory, port, bindAddress);
        config.Write();
        return config;
    }
}
