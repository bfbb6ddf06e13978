using System.Security.Cryptography.X509Certificates;
using NodeFirmware.HostCommon.Broker;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.HostCommon.Tests.Pki;

namespace NodeFirmware.HostCommon.Tests.Broker;

/// <summary>A fresh PKI store (CA, broker and receiver certificates) in a temp directory, and brokers that use it.</summary>
public sealed class BrokerTestPki : IDisposable
{
    public const string Passphrase = "correct horse battery staple";
    private readonly TempDirectory _dir = new("nf-broker-");
    private readonly List<IDisposable> _owned = new();

    public BrokerTestPki()
    {
        Store = new PkiStore(_dir.Combine("pki"));
        Ca = Store.CreateCa("broker-tests", Passphrase, kdfIterations: 100_000);
        Own(Store.IssueBroker(Ca));
        Receiver = Own(Store.IssueService(Ca, ServiceIdentity.Receiver)).WithPrivateKey();
    }

    public PkiStore Store { get; }
    public FleetCa Ca { get; }
    public X509Certificate2 Receiver { get; }
    public FleetTrust Trust => new(Ca.Certificate);

    private readonly Dictionary<string, X509Certificate2> _devices = new();

    /// <summary>The device's certificate with its key, issued on first use.</summary>
    public X509Certificate2 Device(string deviceId)
    {
        lock (_devices)
        {
            if (!_devices.TryGetValue(deviceId, out var cert))
                _devices[deviceId] = cert = Own(Own(Store.IssueDevice(Ca, deviceId, keepKey: false)).WithPrivateKey());
            return cert;
        }
    }

    public MosquittoConfig Config(string name = "run", Func<MosquittoConfig, MosquittoConfig>? change = null)
    {
        var config = MosquittoConfig.ForStore(Store, _dir.Combine(name));
        return change is null ? config : change(config);
    }

    public MosquittoInstance StartBroker(MosquittoConfig? config = null) => Own(MosquittoInstance.Start(config ?? Config()));

    private T Own<T>(T item) where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }

    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        Ca.Dispose();
        _dir.Dispose();
    }
}
