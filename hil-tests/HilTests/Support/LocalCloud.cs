using System.Security.Cryptography.X509Certificates;
using NodeFirmware.HilTests.Rig;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Provisioning;
using NodeSim.Fleet;

namespace NodeFirmware.HilTests.Support;

/// <summary>
/// The cloud end every rig in CI reports into, all on this machine: a fleet CA, a real Mosquitto with mutual TLS
/// (<see cref="LocalFleetBroker"/>) and the receiver as a child process storing into SQLite.
/// </summary>
public sealed class LocalCloud : ICloudControl, IAsyncDisposable
{
    public const string CaPassphrase = "hil rig fleet passphrase";
    private const int KdfIterations = 100_000; // FleetCa's minimum: the suite makes a CA per rig

    private readonly TempDir _dir;
    private readonly LocalFleetBroker _fleet;
    private readonly FleetCa _ca;
    private readonly string _dbPath;
    private ReceiverHost? _receiver;
    private ConfigPublisher? _publisher;

    private LocalCloud(TempDir dir, LocalFleetBroker fleet, FleetCa ca)
    {
        _dir = dir;
        _fleet = fleet;
        _ca = ca;
        _dbPath = dir.File("receiver.db");
        Store = new SqliteStoreView(_dbPath);
        Audit = new AuditLog(dir.File("audit.jsonl"), "hil-rig", "hil-tests");
    }

    public static async Task<LocalCloud> StartAsync()
    {
        var dir = new TempDir("nf-hil");
        LocalFleetBroker? fleet = null;
        try
        {
            fleet = LocalFleetBroker.Start(dir.Path, CaPassphrase, "hil", KdfIterations);
            var cloud = new LocalCloud(dir, fleet, fleet.Pki.OpenCa(CaPassphrase));
            await cloud.StartReceiverAsync();
            return cloud;
        }
        catch
        {
            fleet?.Dispose();
            dir.Dispose();
            throw;
        }
    }

    public string Directory => _dir.Path;
    public PkiStore Pki => _fleet.Pki;
    public FleetCa Ca => _ca;
    public AuditLog Audit { get; }
    public SqliteStoreView Store { get; }
    public NodeSim.Network.BrokerEndpoint Endpoint => _fleet.Endpoint;
    public Uri ReceiverUrl => _receiver?.BaseAddress ?? throw new InvalidOperationException("the receiver is not running");

    public string BrokerHost => _fleet.Broker.Host;
    public int BrokerPort => _fleet.Broker.Port;
    public X509Certificate2 FleetCa => _fleet.Endpoint.FleetCa;

    /// <summary>Times the broker and the receiver were killed, for the reliability report.</summary>
    public int FaultsInjected { get; private set; }

    public IDeviceRegistry Registry() => new ReceiverRegistry(ReceiverUrl);

    public void KillBroker()
    {
        FaultsInjected++;
        _fleet.Broker.Kill();
    }

    public void StartBroker() => _fleet.Broker.Restart();

    public void KillReceiver()
    {
        FaultsInjected++;
        _receiver?.Kill();
        _receiver?.Dispose();
        _receiver = null;
    }

    public async Task StartReceiverAsync()
    {
        var args = new[]
        {
            "--store", "sqlite:" + _dbPath,
            "--broker", $"{BrokerHost}:{BrokerPort}",
            "--ca", Pki.CaCertificatePath,
            "--cert", Pki.ServiceCertificatePath(ServiceIdentity.Receiver),
            "--key", Pki.ServiceKeyPath(ServiceIdentity.Receiver),
            "--client-id", "hil-receiver",
            "--release-pub", HilRelease.PublicKeyFile(),
        };
        var receiver = await ReceiverHost.StartAsync(args);
        try
        {
            // Until the ingest has subscribed, the broker routes telemetry nowhere.
            await receiver.WaitForBrokerAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            receiver.Dispose();
            throw;
        }
        _receiver = receiver;
    }

    public void RevokeDevice(string deviceId)
    {
        Pki.RevokeDevice(deviceId);
        Pki.WriteCrl(_ca);
        // A restart cuts the live session too; a SIGHUP alone would only refuse the next connection.
        _fleet.Broker.ReloadCrl(disconnectEveryone: true);
    }

    public X509Certificate2 IssueProbeCertificate(string deviceId, ProbeCertificate kind)
    {
        switch (kind)
        {
            case ProbeCertificate.Valid:
                return _fleet.IssueDevice(deviceId);
            case ProbeCertificate.Expired:
            {
                // The CA cannot sign before its own start, so: the shortest validity, then let it lapse.
                using var credential = _ca.IssueDevice(deviceId, TimeSpan.FromSeconds(1));
                Thread.Sleep(TimeSpan.FromSeconds(1.5));
                return credential.WithPrivateKey();
            }
            case ProbeCertificate.Foreign:
            {
                using var foreign = HostCommon.Pki.FleetCa.Create("foreign");
                using var credential = foreign.IssueDevice(deviceId);
                return credential.WithPrivateKey();
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown probe certificate");
        }
    }

    /// <summary>Publishes the desired configuration, retained, with the observer identity (the ACL lets it write config).</summary>
    public async Task PublishConfigAsync(string deviceId, byte[] configCbor)
    {
        // Not the receiver's identity: the broker makes it the client id, and a second "receiver" would take its session over.
        _publisher ??= new ConfigPublisher(Endpoint, _fleet.ObserverIdentity());
        await _publisher.PublishAsync($"nodes/{deviceId}/config", configCbor, retain: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (_publisher is not null) await _publisher.DisposeAsync();
        _receiver?.Dispose();
        _ca.Dispose();
        _fleet.Dispose();
        _dir.Dispose();
    }
}
