using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using NodeFirmware.Receiver.Access;
using System.Security.Cryptography.X509Certificates;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Api;
using NodeFirmware.Receiver.Revocation;
using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.Receiver.Tests.Support;

/// <summary>The receiver in-process on a SQLite store in a temp directory, with a fixed clock and fake PKI/broker hooks.</summary>
public sealed class ReceiverFactory : WebApplicationFactory<Program>
{
    private readonly TempDirectory _dir = new();
    private readonly Action<IWebHostBuilder>? _configure;

    public ReceiverFactory() { }

    /// <param name="configure">Runs after the defaults: its settings and services win.</param>
    internal ReceiverFactory(Action<IWebHostBuilder> configure) => _configure = configure;

    public FixedTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(1_750_000_000));
    public FakeRevocations Crl { get; } = new();
    public FakeBroker Broker { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Receiver:Store", "sqlite:" + _dir.File("receiver.db"));
        builder.UseSetting("Receiver:ReportPeriodSeconds", "60");
        builder.UseSetting("Receiver:ConnectivityPeriods", "3");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<IFleetRevocations>(Crl);
            services.AddSingleton<IBrokerControl>(Broker);
        });
        _configure?.Invoke(builder);
    }

    public ITelemetryStore Store => Services.GetRequiredService<ITelemetryStore>();

    /// <summary>Clients from CreateClient() carry an admin token; <see cref="ClientAs"/> and <see cref="AnonymousClient"/> for the others.</summary>
    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Authorization = new("Bearer", NewToken(Roles.Admin));
    }

    public string NewToken(string role) =>
        Services.GetRequiredService<AccessTokens>().CreateAsync("test-" + role, role, Caller.Receiver).GetAwaiter().GetResult().Secret;

    public HttpClient ClientAs(string role)
    {
        var client = AnonymousClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", NewToken(role));
        return client;
    }

    public HttpClient AnonymousClient()
    {
        var client = Server.CreateClient();
        client.BaseAddress = new Uri("http://localhost");
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _dir.Dispose();
    }

    /// <summary>The fleet's revocation list in memory: what a PKI store would hold, without a CA.</summary>
    public sealed class FakeRevocations : IFleetRevocations
    {
        private readonly List<RevokedCertificate> _entries = new();

        /// <summary>Serials the fake's "CA" issued, per device (for re-provisioning).</summary>
        public Dictionary<string, List<string>> Issued { get; } = new();

        public List<string> Revoked
        {
            get { lock (_entries) return _entries.Select(e => e.SerialHex).ToList(); }
        }

        public bool IsConfigured => true;

        public RevokedSerials Current()
        {
            lock (_entries) return new RevokedSerials(_entries.ToList());
        }

        public DateTimeOffset? RevokedAt(DeviceRecord device, RevokedSerials current) =>
            device.CertSerial is { } serial ? current.RevokedAt(serial) : current.RevokedAtBySubject("CN=" + device.Id);

        public bool IssuedTo(string deviceId, string serialHex) =>
            Issued.TryGetValue(deviceId, out var serials) && serials.Contains(RevokedCertificate.NormalizeSerial(serialHex));

        public bool HasCertificates(string deviceId) => Issued.ContainsKey(deviceId);

        public Task<DeviceRevocation> RevokeDeviceAsync(string deviceId, string? registeredSerial, CancellationToken ct)
        {
            lock (_entries)
            {
                var serials = Issued.GetValueOrDefault(deviceId, []).Concat(registeredSerial is null ? [] : [RevokedCertificate.NormalizeSerial(registeredSerial)]).Distinct();
                var added = new List<RevokedCertificate>();
                foreach (var serial in serials.Where(s => _entries.All(e => e.SerialHex != s)))
                {
                    var entry = new RevokedCertificate(serial, DateTimeOffset.UtcNow, X509RevocationReason.Unspecified, "CN=" + deviceId);
                    _entries.Add(entry);
                    added.Add(entry);
                }
                var all = _entries.Where(e => e.Subject == "CN=" + deviceId).ToList();
                return Task.FromResult(new DeviceRevocation(deviceId, all, added, _entries.Count + 1));
            }
        }
    }

    public sealed class FakeBroker : IBrokerControl
    {
        public int Reloads { get; private set; }
        public Task<bool> ReloadAsync(CancellationToken ct)
        {
            Reloads++;
            return Task.FromResult(true);
        }
    }
}
