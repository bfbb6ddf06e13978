using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;
using NodeFirmware.HostCommon.Broker;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Api;
using NodeFirmware.Receiver.Revocation;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.EndToEnd;

/// <summary>
/// Revocation has one truth, the PKI store's list the CRL is made from: POST /api/devices/{id}/revoke puts every
/// certificate of the device on it and reloads the broker; the registry shows what the list says, whoever wrote it;
/// a device re-provisioned with a new certificate is active again.
/// </summary>
public sealed class RevocationEndToEndTests : IDisposable
{
    private readonly TempDirectory _dir = new("nf-revoke");

    public void Dispose() => _dir.Dispose();

    private ReceiverFactory Receiver(FleetPki pki, MosquittoInstance? broker) => new(web =>
    {
        web.UseSetting("Receiver:PkiDirectory", pki.Store.Root);
        web.UseSetting("Receiver:CaPassphraseFile", _dir.File("passphrase"));
        web.ConfigureTestServices(services =>
        {
            services.AddSingleton<IFleetRevocations>(new PkiFleetRevocations(pki.Store.Root, PkiFleetRevocations.Passphrase(_dir.File("passphrase"))));
            if (broker is not null)
                services.AddSingleton<IBrokerControl>(new CallbackBrokerControl(_ =>
                {
                    broker.ReloadCrl(disconnectEveryone: true);
                    return Task.CompletedTask;
                }));
        });
    });

    private static async Task<JsonElement> DeviceAsync(HttpClient http, string id) =>
        (await http.GetFromJsonAsync<JsonElement[]>("/api/devices"))!.Single(d => d.GetProperty("id").GetString() == id);

    [Fact]
    public async Task A_revoked_device_can_no_longer_connect()
    {
        using var pki = new FleetPki(_dir);
        var broker = pki.StartBroker();
        const string id = "esp32-0badc0ffee00";
        var certificate = pki.Device(id);

        await using var factory = Receiver(pki, broker);
        var http = factory.CreateClient();
        await http.PostAsJsonAsync("/api/devices", new { id, certSerial = certificate.SerialNumber, board = "esp32-devkitc" });

        Assert.True(await CanConnect(certificate, id, broker.Host, broker.Port, pki.Trust), "the device should connect before revocation");

        var response = await http.PostAsync($"/api/devices/{id}/revoke", null);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        Assert.True(body.GetProperty("crlUpdated").GetBoolean());
        Assert.True(body.GetProperty("brokerReloaded").GetBoolean());
        Assert.Contains(pki.Store.LoadRevoked(), r => r.SerialHex == RevokedCertificate.NormalizeSerial(certificate.SerialNumber));

        Assert.False(await CanConnect(certificate, id, broker.Host, broker.Port, pki.Trust), "the revoked device still connects");
    }

    [Fact]
    public async Task An_attacker_with_the_older_certificate_of_a_revoked_device_is_refused_by_the_running_broker()
    {
        using var pki = new FleetPki(_dir);
        var broker = pki.StartBroker();
        const string id = "esp32-0badc0ffee01";
        var older = pki.Device(id);   // its key stayed on the board that was sent for repair
        var current = pki.Device(id); // re-provisioned: the registry knows only this one

        await using var factory = Receiver(pki, broker);
        var http = factory.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/devices", new { id, certSerial = current.SerialNumber })).StatusCode);
        Assert.True(await CanConnect(older, id, broker.Host, broker.Port, pki.Trust), "the older certificate connects before the revocation");

        var body = await (await http.PostAsync($"/api/devices/{id}/revoke", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(new[] { older.SerialNumber, current.SerialNumber }.Order(), body.GetProperty("serials").EnumerateArray().Select(s => s.GetString()!).Order());

        Assert.False(await CanConnect(current, id, broker.Host, broker.Port, pki.Trust), "the current certificate still connects");
        Assert.False(await CanConnect(older, id, broker.Host, broker.Port, pki.Trust), "the older certificate of a revoked device still connects");
    }

    [Fact]
    public async Task A_revocation_written_by_the_ca_tools_shows_in_the_registry_at_once()
    {
        using var pki = new FleetPki(_dir);
        const string id = "esp32-0badc0ffee02";
        var certificate = pki.Device(id);
        await using var factory = Receiver(pki, broker: null);
        var http = factory.CreateClient();
        await http.PostAsJsonAsync("/api/devices", new { id, certSerial = certificate.SerialNumber });
        Assert.False((await DeviceAsync(http, id)).GetProperty("revoked").GetBoolean());

        // What `nodectl ca revoke` does to the store (it has no receiver to tell).
        pki.Store.RevokeDevice(id, X509RevocationReason.KeyCompromise);
        pki.Store.WriteCrl(pki.Ca);

        var device = await DeviceAsync(http, id);
        Assert.True(device.GetProperty("revoked").GetBoolean(), device.ToString());
        Assert.NotEqual(JsonValueKind.Null, device.GetProperty("revokedAt").ValueKind);
        var sli = await http.GetFromJsonAsync<JsonElement>("/api/sli");
        Assert.Equal(0, sli.GetProperty("connectivity").GetProperty("registered").GetInt32());
    }

    [Fact]
    public async Task A_board_re_provisioned_after_its_revocation_is_active_again_and_connects()
    {
        using var pki = new FleetPki(_dir);
        var broker = pki.StartBroker();
        const string id = "esp32-0badc0ffee03";
        var first = pki.Device(id);
        await using var factory = Receiver(pki, broker);
        var admin = factory.CreateClient();
        var station = factory.ClientAs("provisioner");

        Assert.Equal(HttpStatusCode.Created, (await station.PostAsJsonAsync("/api/devices", new { id, certSerial = first.SerialNumber })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/devices/{id}/revoke", null)).StatusCode);
        Assert.True((await DeviceAsync(admin, id)).GetProperty("revoked").GetBoolean());

        // The station re-provisions the board: the fleet CA issues a new certificate, the station registers it.
        var second = pki.Device(id);
        var registered = await station.PostAsJsonAsync("/api/devices", new { id, certSerial = second.SerialNumber });
        Assert.True(registered.StatusCode == HttpStatusCode.OK, await registered.Content.ReadAsStringAsync());
        var device = await DeviceAsync(admin, id); // what the page lists
        Assert.False(device.GetProperty("revoked").GetBoolean(), device.ToString());
        Assert.Equal(second.SerialNumber, device.GetProperty("certSerial").GetString());
        Assert.True(await CanConnect(second, id, broker.Host, broker.Port, pki.Trust), "the re-provisioned board does not connect");

        // The revoked certificate itself can never be registered again, not even by the admin.
        var back = await admin.PostAsJsonAsync("/api/devices", new { id, certSerial = first.SerialNumber });
        Assert.Equal(HttpStatusCode.Conflict, back.StatusCode);
        Assert.Contains("revoked", await back.Content.ReadAsStringAsync());
        // A serial the fleet CA never issued to the device still needs the admin.
        Assert.Equal(HttpStatusCode.Forbidden, (await station.PostAsJsonAsync("/api/devices", new { id, certSerial = "0A0B0C" })).StatusCode);
    }

    [Fact]
    public async Task A_device_without_a_registered_serial_is_revoked_while_every_certificate_it_was_issued_is()
    {
        using var pki = new FleetPki(_dir);
        const string id = "esp32-0badc0ffee05";
        pki.Device(id);
        await using var factory = Receiver(pki, broker: null);
        var http = factory.CreateClient();
        await http.PostAsJsonAsync("/api/devices", new { id }); // a bench board, known by its reports only
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync($"/api/devices/{id}/revoke", null)).StatusCode);
        Assert.True((await DeviceAsync(http, id)).GetProperty("revoked").GetBoolean());

        pki.Device(id); // issued again: the broker admits it, so the registry must not call it revoked
        Assert.False((await DeviceAsync(http, id)).GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public async Task Without_a_pki_store_a_revocation_is_refused_and_changes_nothing()
    {
        await using var factory = new ReceiverFactory(web => web.ConfigureTestServices(s => s.AddSingleton<IFleetRevocations>(new NoFleetRevocations())));
        var http = factory.CreateClient();
        const string id = "esp32-0badc0ffee04";
        await http.PostAsJsonAsync("/api/devices", new { id, certSerial = "0A01" });
        var response = await http.PostAsync($"/api/devices/{id}/revoke", null);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("nodectl ca revoke", await response.Content.ReadAsStringAsync());
        Assert.False((await DeviceAsync(http, id)).GetProperty("revoked").GetBoolean());
        Assert.Equal(0, factory.Broker.Reloads);
    }

    internal static async Task<bool> CanConnect(X509Certificate2 cert, string id, string host, int port, FleetTrust trust)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
                .WithTcpServer(host, port)
                .WithProtocolVersion(MqttProtocolVersion.V311)
                .WithClientId(id)
                .WithTlsOptions(o => o.UseTls()
                    .WithClientCertificates(new X509Certificate2Collection(cert))
                    .WithCertificateValidationHandler(e => trust.ValidateServer(e.Certificate, e.SslPolicyErrors)))
                .Build(), timeout.Token);
            return result.ResultCode == MqttClientConnectResultCode.Success && client.IsConnected;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
