using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using NodeFirmware.Receiver.Access;
using NodeFirmware.Receiver.Api;
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
    public FakeCrl Crl { get; } = new();
    public FakeBroker Broker { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Receiver:Store", "sqlite:" + _dir.File("receiver.db"));
        builder.UseSetting("Receiver:ReportPeriodSeconds", "60");
        builder.UseSetting("Receiver:ConnectivityPeriods", "3");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<ICrlPublisher>(Crl);
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

    public sealed class FakeCrl : ICrlPublisher
    {
        public List<string> Revoked { get; } = new();
        public Task<bool> RevokeAsync(string serialHex, string subject, CancellationToken ct)
        {
            Revoked.Add(serialHex);
            return Task.FromResult(true);
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
