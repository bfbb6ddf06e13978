using System.Net.Http.Json;
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
    private string? _adminToken;
    private readonly Dictionary<string, string> _tokens = new();

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

    /// <summary>Registers as a factory station does: with a token of the provisioner role.</summary>
    public IDeviceRegistry Registry() => new ReceiverRegistry(ReceiverUrl, token: Token("provisioner"));

    /// <summary>A token with <paramref name="role"/>, made once through the API with the first admin token.</summary>
    public string Token(string role)
    {
        lock (_tokens)
        {
            if (_tokens.TryGetValue(role, out var known)) return known;
            using var http = Client(_adminToken ?? throw new InvalidOperationException("the receiver made no admin token"));
            var response = http.PostAsJsonAsync("/api/tokens", new { name = "hil-" + role, role }).GetAwaiter().GetResult();
            string body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"the receiver refused a {role} token: {(int)response.StatusCode} {body}");
            using var doc = System.Text.Json.JsonDocument.Parse(body);
            return _tokens[role] = doc.RootElement.GetProperty("secret").GetString()!;
        }
    }

    /// <summary>An HTTP client for the receiver's API with <paramref name="token"/>.</summary>
    public HttpClient Client(string token)
    {
        var http = new HttpClient { BaseAddress = ReceiverUrl, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return http;
    }

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
            // The first start makes the admin token; later starts on the same store keep it.
            _adminToken ??= receiver.AdminToken;
            await receiver.WaitForBrokerAsync(TimeSpan.FromSeconds(30), _adminToken ?? throw new InvalidOperationException("the receiver made no admin token"));
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

    /// <summary>Sets the desired configuration through the receiver's API (operator), which publishes it retained.</summary>
    public async Task PublishConfigAsync(string deviceId, byte[] configCbor)
    {
        using var http = Client(Token("operator"));
        var response = await http.PutAsJsonAsync($"/api/devices/{deviceId}/config", new { cbor = Convert.ToBase64String(configCbor) });
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"the receiver refused the configuration: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async ValueTask DisposeAsync()
    {
        _receiver?.Dispose();
        _ca.Dispose();
        _fleet.Dispose();
        _dir.Dispose();
    }
}
