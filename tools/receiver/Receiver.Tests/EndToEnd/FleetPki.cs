using System.Security.Cryptography.X509Certificates;
using NodeFirmware.HostCommon.Broker;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.EndToEnd;

/// <summary>A fleet CA with broker, receiver and device certificates in a temp directory, and a real mosquitto using them.</summary>
public sealed class FleetPki : IDisposable
{
    public const string Passphrase = "end-to-end test passphrase";
    private readonly List<IDisposable> _owned = new();

    public FleetPki(TempDirectory dir)
    {
        Directory = dir;
        Store = new PkiStore(dir.File("pki"));
        Ca = Store.CreateCa("e2e", Passphrase, kdfIterations: 100_000);
        _owned.Add(Store.IssueBroker(Ca));
        _owned.Add(Store.IssueService(Ca, ServiceIdentity.Receiver));
        File.WriteAllText(dir.File("passphrase"), Passphrase);
    }

    public TempDirectory Directory { get; }
    public PkiStore Store { get; }
    public FleetCa Ca { get; }
    public FleetTrust Trust => new(Ca.Certificate);

    public X509Certificate2 Device(string deviceId)
    {
        var credential = Store.IssueDevice(Ca, deviceId, keepKey: false);
        _owned.Add(credential);
        var cert = credential.WithPrivateKey();
        _owned.Add(cert);
        return cert;
    }

    /// <summary>Another receiver instance's identity (receiver-2, ...): its own certificate, hence its own persistent session.</summary>
    public void IssueReceiver(string identity) => _owned.Add(Store.IssueService(Ca, identity));

    public MosquittoInstance StartBroker(Func<MosquittoConfig, MosquittoConfig>? change = null)
    {
        var config = MosquittoConfig.ForStore(Store, Directory.File("broker-run"));
        var broker = MosquittoInstance.Start(change is null ? config : change(config));
        _owned.Add(broker);
        return broker;
    }

    /// <summary>The receiver's command-line options for this broker, as <paramref name="identity"/> (the broker takes the client id from the certificate's CN).</summary>
    public string[] ReceiverArgs(MosquittoInstance broker, string identity = ServiceIdentity.Receiver) =>
    [
        "--broker", $"{broker.Host}:{broker.Port}",
        "--ca", Store.CaCertificatePath,
        "--cert", Store.ServiceCertificatePath(identity),
        "--key", Store.ServiceKeyPath(identity),
        .. identity == ServiceIdentity.Receiver ? Array.Empty<string>() : ["--client-id", identity],
    ];

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            try { _owned[i].Dispose(); }
            catch (Exception) { /* best effort */ }
        }
        Ca.Dispose();
    }
}
