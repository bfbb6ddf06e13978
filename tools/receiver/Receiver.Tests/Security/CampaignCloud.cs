using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NodeFirmware.HostCommon.Broker;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Tests.EndToEnd;
using NodeFirmware.Receiver.Tests.Ota;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Security;

/// <summary>
/// For the firmware-trust attacks: a real Mosquitto with the fleet's ACL and a receiver process connected to it, with
/// or without a release key, optionally over a database that already holds campaigns (<c>seed</c> runs before the
/// receiver starts). An attacker holds an operator token; devices watch their offer topic with their own certificate,
/// so "nothing published" is what the broker saw, retained or not.
/// </summary>
public abstract class CampaignCloud : IAsyncLifetime
{
    private readonly TempDirectory _dir = new("nf-trust");
    private readonly bool _withReleaseKey;
    private FleetPki _pki = null!;
    private MosquittoInstance _broker = null!;

    protected CampaignCloud(bool withReleaseKey) => _withReleaseKey = withReleaseKey;

    public ReceiverProcess Receiver { get; private set; } = null!;
    public string Operator { get; private set; } = "";
    public string DatabasePath => _dir.File("receiver.db");

    /// <summary>Campaigns already in the database when the receiver starts (as an earlier receiver left them).</summary>
    protected virtual Task SeedAsync(ICampaignStore store) => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _pki = new FleetPki(_dir);
        _broker = _pki.StartBroker();
        await using (var store = new SqliteCampaignStore(DatabasePath))
        {
            await store.MigrateAsync();
            await SeedAsync(store);
        }
        string[] args = ["--store", "sqlite:" + DatabasePath, .. _pki.ReceiverArgs(_broker)];
        if (_withReleaseKey) args = [.. args, "--release-pub", OtaTestPackages.Release.PublicKeyFile()];
        Receiver = await ReceiverProcess.StartAsync(args);
        await Receiver.WaitForBrokerAsync();
        Operator = await Receiver.CreateTokenAsync("operator", "attacker-with-operator-token");
    }

    /// <summary>Registers a device on the test packages' board (no firmware known yet: every campaign's cohort takes it).</summary>
    public async Task RegisterAsync(string deviceId, params string[] tags)
    {
        using var http = Receiver.Client();
        var response = await http.PostAsJsonAsync("/api/devices", new { id = deviceId, board = OtaTestPackages.Board, tags });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>POST /api/campaigns with the operator's token: (status, error).</summary>
    public async Task<(HttpStatusCode Status, string Error, JsonElement Body)> CreateCampaignAsync(object body)
    {
        using var http = Receiver.Client(Operator);
        var response = await http.PostAsJsonAsync("/api/campaigns", body);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        string error = json.ValueKind == JsonValueKind.Object && json.TryGetProperty("error", out var e) ? e.GetString() ?? "" : "";
        return (response.StatusCode, error, json);
    }

    /// <summary>
    /// The attack as the operator token's holder sends it: refused with 400 and <paramref name="reason"/>, nothing stored,
    /// nothing in the audit trail, no offer for the device either live or retained.
    /// </summary>
    public async Task AssertRefusedAsync(string deviceId, object campaign, string reason)
    {
        await RegisterAsync(deviceId);
        var watcher = await WatchOffersAsync(deviceId);
        string before = await StateAsync();
        var (status, error, _) = await CreateCampaignAsync(campaign);
        Assert.True(status == HttpStatusCode.BadRequest, $"{status}: {error}");
        Assert.Contains(reason, error);
        Assert.Equal(before, await StateAsync());
        await AssertNoOfferAsync(watcher);
        Assert.Contains("campaign refused: " + error, Receiver.Output);
    }

    /// <summary>What a refused campaign could have changed: campaigns in the API and in the database, and the audit trail.</summary>
    public async Task<string> StateAsync()
    {
        using var http = Receiver.Client();
        string campaigns = await http.GetStringAsync("/api/campaigns");
        string audit = await http.GetStringAsync("/api/audit?limit=1000");
        await using var store = new SqliteCampaignStore(DatabasePath);
        var stored = (await store.LoadAllAsync()).Select(c => $"{c.Id}:{c.State}:{string.Join(',', c.Devices.Values.Select(d => d.DeviceId + "=" + d.State))}");
        return campaigns + "\n" + audit + "\n" + string.Join('\n', stored);
    }

    /// <summary>A device connected with its own certificate and subscribed to its offer topic; a retained offer arrives at once.</summary>
    public async Task<DeviceClient> WatchOffersAsync(string deviceId)
    {
        var device = new DeviceClient(deviceId, _pki.Device(deviceId), _pki.Trust, _broker.Host, _broker.Port, persistentSession: false);
        await device.ConnectAsync(OtaTopics.Offer(deviceId));
        return device;
    }

    /// <summary>The next non-empty offer the device receives within <paramref name="wait"/>, or null.</summary>
    public static async Task<byte[]?> NextOfferAsync(DeviceClient device, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            while (true)
            {
                var (topic, payload) = await device.Received.Reader.ReadAsync(timeout.Token);
                if (topic == OtaTopics.Offer(device.Id) && payload.Length > 0) return payload;
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Nothing reached the device: neither while it watched (<paramref name="watcher"/>, which this disconnects) nor retained
    /// for a new subscription with the same identity.
    /// </summary>
    public async Task AssertNoOfferAsync(DeviceClient watcher)
    {
        Assert.Null(await NextOfferAsync(watcher, TimeSpan.FromSeconds(1)));
        await watcher.DisposeAsync();
        await using var late = await WatchOffersAsync(watcher.Id);
        Assert.Null(await NextOfferAsync(late, TimeSpan.FromSeconds(1.5)));
    }

    public Task DisposeAsync()
    {
        Receiver?.Dispose();
        _pki?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
        return Task.CompletedTask;
    }
}
