using System.Formats.Cbor;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.EndToEnd;

/// <summary>
/// Commands through the real Mosquitto to a device with a persistent session, with the broker's per-client queue
/// cut to one message: had the receiver published them all at once, the broker would have dropped all but one and
/// acknowledged them anyway. Each command's fate is visible in the API: queued, delivered, acknowledged, expired.
/// </summary>
public sealed class CommandFateTests : IAsyncLifetime
{
    private const string Id = "esp32-c0d0c0d00001";
    private readonly TempDirectory _dir = new();
    private FleetPki _pki = null!;
    private HostCommon.Broker.MosquittoInstance _broker = null!;
    private ReceiverProcess _receiver = null!;
    private HttpClient _operator = null!;

    public async Task InitializeAsync()
    {
        _pki = new FleetPki(_dir);
        _broker = _pki.StartBroker(c => c.With(maxQueuedMessages: 1));
        _receiver = await ReceiverProcess.StartAsync(["--store", "sqlite:" + _dir.File("receiver.db"), .. _pki.ReceiverArgs(_broker)],
            environment: new Dictionary<string, string> { ["Receiver__Commands__TickInterval"] = "00:00:00.200" });
        await _receiver.WaitForBrokerAsync();
        using var admin = _receiver.Client();
        (await admin.PostAsJsonAsync("/api/devices", new { id = Id, certSerial = "0C0D" })).EnsureSuccessStatusCode();
        _operator = _receiver.Client(await _receiver.CreateTokenAsync("operator", "ops"));
    }

    public Task DisposeAsync()
    {
        _operator.Dispose();
        _receiver.Dispose();
        _pki.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    private async Task<string> SendAsync(string op, int? ttlSeconds = null)
    {
        var response = await _operator.PostAsJsonAsync($"/api/devices/{Id}/commands", new { op, ttlSeconds });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("queued", body.GetProperty("state").GetString());
        return body.GetProperty("id").GetString()!;
    }

    private async Task<Dictionary<string, JsonElement>> CommandsAsync() =>
        (await _operator.GetFromJsonAsync<JsonElement[]>($"/api/devices/{Id}/commands"))!.ToDictionary(c => c.GetProperty("id").GetString()!);

    private async Task WaitForAsync(Func<Dictionary<string, JsonElement>, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (condition(await CommandsAsync())) return;
            await Task.Delay(200);
        }
        Assert.Fail($"{what}; commands: {string.Join("; ", (await CommandsAsync()).Values)}\n{_receiver.Output}");
    }

    private static byte[] Ack(string id, bool ok, string? error = null)
    {
        var w = new CborWriter();
        w.WriteStartMap(error is null ? 2 : 3);
        w.WriteTextString("id"); w.WriteTextString(id);
        w.WriteTextString("ok"); w.WriteBoolean(ok);
        if (error is not null) { w.WriteTextString("err"); w.WriteTextString(error); }
        w.WriteEndMap();
        return w.Encode();
    }

    private static string CommandId(byte[] cbor)
    {
        var r = new CborReader(cbor);
        r.ReadStartMap();
        while (true)
        {
            string key = r.ReadTextString();
            if (key == "id") return r.ReadTextString();
            r.SkipValue();
        }
    }

    [Fact]
    public async Task Commands_for_an_offline_device_wait_at_the_receiver_and_every_one_is_acknowledged()
    {
        await using var device = new DeviceClient(Id, _pki.Device(Id), _pki.Trust, _broker.Host, _broker.Port, persistentSession: true);
        await device.ConnectAsync($"nodes/{Id}/cmd");
        await device.DisconnectAsync(); // asleep: the broker keeps its session, with room for one queued message

        var ids = new List<string>();
        foreach (var op in new[] { "ping", "sample-now", "ping", "reboot", "ping" }) ids.Add(await SendAsync(op));
        await WaitForAsync(c => c[ids[0]].GetProperty("state").GetString() == "delivered", "the first command was not handed to the broker");
        var now = await CommandsAsync();
        Assert.All(ids.Skip(1), id => Assert.Equal("queued", now[id].GetProperty("state").GetString())); // waiting here, not in the broker

        await device.ConnectAsync($"nodes/{Id}/cmd");
        var received = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (received.Count < ids.Count)
        {
            var (_, payload) = await device.Received.Reader.ReadAsync(timeout.Token);
            string id = CommandId(payload);
            if (received.Contains(id)) continue; // a redelivery
            received.Add(id);
            await device.PublishAsync($"nodes/{Id}/cmd/ack", Ack(id, ok: id != ids[3], error: id == ids[3] ? "busy" : null));
        }
        Assert.Equal(ids, received); // in order, none lost
        await WaitForAsync(c => ids.All(id => c[id].GetProperty("state").GetString() == "acknowledged"), "not every command was acknowledged");
        var final = await CommandsAsync();
        Assert.False(final[ids[3]].GetProperty("ok").GetBoolean());
        Assert.Equal("busy", final[ids[3]].GetProperty("detail").GetString());
        Assert.True(final[ids[0]].GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task A_command_nobody_takes_expires_visibly_and_a_full_queue_is_refused_not_dropped()
    {
        string id = await SendAsync("ping", ttlSeconds: 5);
        await WaitForAsync(c => c[id].GetProperty("state").GetString() == "expired", "the command did not expire");
        var expired = (await CommandsAsync())[id];
        Assert.Contains("did not acknowledge", expired.GetProperty("detail").GetString());

        for (int i = 0; i < 16; i++) await SendAsync("ping", ttlSeconds: 600);
        var full = await _operator.PostAsJsonAsync($"/api/devices/{Id}/commands", new { op = "ping" });
        Assert.Equal(HttpStatusCode.TooManyRequests, full.StatusCode);
        Assert.Contains("already has 16 commands waiting", await full.Content.ReadAsStringAsync());
        Assert.Equal(17, (await CommandsAsync()).Count);
    }

    [Fact]
    public async Task A_device_cannot_acknowledge_another_devices_command()
    {
        string id = await SendAsync("ping");
        await WaitForAsync(c => c[id].GetProperty("state").GetString() == "delivered", "not delivered");
        const string other = "esp32-c0d0c0d00002";
        await using var intruder = new DeviceClient(other, _pki.Device(other), _pki.Trust, _broker.Host, _broker.Port, persistentSession: false);
        await intruder.ConnectAsync();
        await intruder.PublishAsync($"nodes/{other}/cmd/ack", Ack(id, ok: true));
        await Task.Delay(1000);
        Assert.Equal("delivered", (await CommandsAsync())[id].GetProperty("state").GetString());
    }
}
