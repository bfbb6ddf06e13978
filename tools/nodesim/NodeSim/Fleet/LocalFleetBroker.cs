using System.Security.Cryptography.X509Certificates;
using NodeFirmware.HostCommon.Broker;
using NodeFirmware.HostCommon.Pki;
using NodeSim.Network;

namespace NodeSim.Fleet;

/// <summary>
/// A fleet's cloud end on this machine: a fleet CA in <c>pki/</c>, the broker's and the receiver's
/// certificates, and a real Mosquitto with mutual TLS and per-device ACLs in <c>broker/</c>.
/// Used by the demo, the virtual rig and the tests.
/// </summary>
public sealed class LocalFleetBroker : IDisposable
{
    private readonly FleetCa _ca;

    private LocalFleetBroker(PkiStore pki, FleetCa ca, MosquittoInstance broker)
    {
        Pki = pki;
        _ca = ca;
        Broker = broker;
        Endpoint = new BrokerEndpoint(broker.Host, broker.Port, ca.Certificate);
    }

    public PkiStore Pki { get; }
    public MosquittoInstance Broker { get; }
    public BrokerEndpoint Endpoint { get; }

    /// <summary>Creates the PKI (or opens it if the directory has one) and starts the broker on a free port.</summary>
    public static LocalFleetBroker Start(string directory, string passphrase, string fleetName = "demo", int kdfIterations = FleetCa.DefaultKdfIterations)
    {
        var pki = new PkiStore(Path.Combine(directory, "pki"));
        var ca = pki.HasCa ? pki.OpenCa(passphrase) : pki.CreateCa(fleetName, passphrase, kdfIterations: kdfIterations);
        if (!File.Exists(pki.BrokerCertificatePath)) pki.IssueBroker(ca).Dispose();
        foreach (var (service, role) in new[] { (ServiceIdentity.Receiver, ServiceRole.Receiver), (ObserverName, ServiceRole.Observer) })
            if (!File.Exists(pki.ServiceCertificatePath(service))) pki.IssueService(ca, service, role).Dispose();
        var config = new MosquittoConfig
        {
            RunDirectory = Path.Combine(directory, "broker"),
            CaFile = pki.CaCertificatePath,
            CertFile = pki.BrokerCertificatePath,
            KeyFile = pki.BrokerKeyPath,
            CrlFile = pki.CrlPath,
            ReceiverIdentities = [ServiceIdentity.Receiver],
            ObserverIdentities = [ObserverName],
        };
        return new LocalFleetBroker(pki, ca, MosquittoInstance.Start(config));
    }

    /// <summary>A device's certificate bound to its freshly made key, as provisioning would install it.</summary>
    public X509Certificate2 IssueDevice(string deviceId)
    {
        using var credential = _ca.IssueDevice(deviceId);
        return credential.WithPrivateKey();
    }

    /// <summary>
    /// The identity tools that watch the fleet use beside the receiver (the broker makes the certificate's
    /// name the client id, so two programs with one identity would take each other's session over). The broker
    /// lets it read telemetry and status only: configuration and commands go through the receiver's API.
    /// </summary>
    public const string ObserverName = "observer";

    public X509Certificate2 ReceiverIdentity() => Pki.LoadServiceIdentity(ServiceIdentity.Receiver);

    public X509Certificate2 ObserverIdentity() => Pki.LoadServiceIdentity(ObserverName);

    public void Dispose()
    {
        Broker.Dispose();
        _ca.Dispose();
    }
}
