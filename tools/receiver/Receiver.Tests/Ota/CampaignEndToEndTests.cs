using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using NodeFirmware.Core.Ota;
using NodeFirmware.Receiver.Ota;
using NodeFirmware.Receiver.Tests.EndToEnd;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Ota;

/// <summary>
/// A campaign through the whole receiver and a real Mosquitto with the fleet's ACL: the API creates it, the offer
/// reaches the device retained, the device's chunk request is answered on the ingest's connection, its result
/// completes the campaign, clears the offer and counts in the OTA SLI.
/// </summary>
public sealed class CampaignEndToEndTests : IDisposable
{
    private readonly TempDirectory _dir = new("nf-campaign");

    [Fact]
    public async Task A_device_gets_the_offer_and_its_chunks_and_its_result_completes_the_campaign()
    {
        using var pki = new FleetPki(_dir);
        var broker = pki.StartBroker();
        const string id = "esp32-0a7a0a7a0a7a";
        string[] args = [.. pki.ReceiverArgs(broker), "--release-pub", OtaTestPackages.Release.PublicKeyFile()];
        await using var factory = new ReceiverFactory(web =>
        {
            for (int i = 0; i < args.Length; i += 2) web.UseSetting(ReceiverCommandLineKey(args[i]), args[i + 1]);
        });
        var http = factory.CreateClient();
        await http.PostAsJsonAsync("/api/devices", new { id, board = OtaTestPackages.Board });
        var bridge = factory.Services.GetRequiredService<CampaignMqttBridge>();
        for (int i = 0; i < 200 && !bridge.IsConnected; i++) await Task.Delay(50);
        Assert.True(bridge.IsConnected, "the receiver did not connect to the broker");

        var inbox = new BlockingCollection<(string Topic, byte[] Payload)>();
        using var device = await ConnectDeviceAsync(pki.Device(id), id, broker.Host, broker.Port, pki, inbox);

        byte[] package = OtaTestPackages.Make("2.0.0", 3000);
        var created = await http.PostAsJsonAsync("/api/campaigns", new { package, board = OtaTestPackages.Board, canaryPercent = 100 });
        var campaign = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(created.IsSuccessStatusCode, campaign.ToString());
        string campaignId = campaign.GetProperty("id").GetString()!;

        var offer = OtaMessages.DecodeOffer(Next(inbox, $"nodes/{id}/ota/offer").Payload);
        Assert.Equal(campaignId, offer.CampaignId);
        await PublishAsync(device, $"nodes/{id}/ota/req", OtaMessages.EncodeRequest(new OtaChunkRequest { CampaignId = campaignId, FileIndex = 0, Offset = 1000, Length = 1024 }));
        var chunk = OtaMessages.DecodeChunk(Next(inbox, $"nodes/{id}/ota/chunk").Payload);
        Assert.Equal(FirmwarePackage.Parse(package).FileContent(package, 0).AsSpan(1000, 1024).ToArray(), chunk.Data);

        await PublishAsync(device, $"nodes/{id}/ota/result", OtaMessages.EncodeResult(campaignId, true, "2.0.0", ""));
        Assert.Empty(Next(inbox, $"nodes/{id}/ota/offer").Payload); // the retained offer is cleared
        JsonElement shown = default;
        for (int i = 0; i < 100; i++)
        {
            shown = await http.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaignId}");
            if (shown.GetProperty("state").GetString() == "completed") break;
            await Task.Delay(50);
        }
        Assert.Equal("completed", shown.GetProperty("state").GetString());
        var sli = await http.GetFromJsonAsync<JsonElement>("/api/sli");
        Assert.Equal(1, sli.GetProperty("ota").GetProperty("good").GetInt32());
    }

    private static string ReceiverCommandLineKey(string option) => Hosting.ReceiverCommandLine.Options[option].Key;

    private static (string Topic, byte[] Payload) Next(BlockingCollection<(string Topic, byte[] Payload)> inbox, string topic)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var m = inbox.Take(timeout.Token);
            if (m.Topic == topic) return m;
        }
    }

    private static async Task<IMqttClient> ConnectDeviceAsync(X509Certificate2 cert, string id, string host, int port, FleetPki pki,
        BlockingCollection<(string, byte[])> inbox)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            inbox.Add((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        var trust = pki.Trust;
        await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer(host, port).WithProtocolVersion(MqttProtocolVersion.V311).WithClientId(id)
            .WithTlsOptions(o => o.UseTls().WithClientCertificates(new X509Certificate2Collection(cert))
                .WithCertificateValidationHandler(e => trust.ValidateServer(e.Certificate, e.SslPolicyErrors)))
            .Build());
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter($"nodes/{id}/ota/offer", MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter($"nodes/{id}/ota/chunk", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        return client;
    }

    private static Task PublishAsync(IMqttClient client, string topic, byte[] payload) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    public void Dispose() => _dir.Dispose();
}
