using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;
using NodeFirmware.HostCommon.Pki;
using NodeFirmware.Receiver.Api;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.EndToEnd;

/// <summary>POST /api/devices/{id}/revoke puts the certificate on the fleet CRL and reloads the broker: the device is out.</summary>
public sealed class RevocationEndToEndTests : IDisposable
{
    private readonly TempDirectory _dir = new("nf-revoke");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_revoked_device_can_no_longer_connect()
    {
        using var pki = new FleetPki(_dir);
        var broker = pki.StartBroker();
        const string id = "esp32-0badc0ffee00";
        var certificate = pki.Device(id);

        await using var factory = new ReceiverFactory(web =>
        {
            web.UseSetting("Receiver:PkiDirectory", pki.Store.Root);
            web.UseSetting("Receiver:CaPassphraseFile", _dir.File("passphrase"));
            web.ConfigureTestServices(services =>
            {
                services.AddSingleton<ICrlPublisher>(sp => new PkiCrlPublisher(pki.Store.Root, PkiCrlPublisher.PassphraseFromFile(_dir.File("passphrase"))));
                services.AddSingleton<IBrokerControl>(new CallbackBrokerControl(_ =>
                {
                    broker.ReloadCrl(disconnectEveryone: true);
                    return Task.CompletedTask;
                }));
            });
        });
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

    private static async Task<bool> CanConnect(System.Security.Cryptography.X509Certificates.X509Certificate2 cert, string id, string host, int port, FleetTrust trust)
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
                    .WithClientCertificates(new System.Security.Cryptography.X509Certificates.X509Certificate2Collection(cert))
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
