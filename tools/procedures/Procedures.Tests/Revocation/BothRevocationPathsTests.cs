using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using NodeFirmware.HostCommon.Broker;
using NodeFirmware.HostCommon.Pki;

namespace NodeFirmware.Procedures.Tests.Revocation;

/// <summary>
/// `nodectl ca revoke` on the CA host and POST /api/devices/{id}/revoke on the receiver end in the same state, with the
/// same passphrase variable: every certificate of the device on the CRL, the running broker refusing each of them,
/// the registry showing the device revoked. Both tools as processes, the broker from `broker setup`'s run directory.
/// </summary>
public sealed class BothRevocationPathsTests : IDisposable
{
    private const string Passphrase = "both paths passphrase";
    private const string ByNodectl = "esp32-00000000a001";
    private const string ByApi = "esp32-00000000a002";
    private readonly string _dir = Directory.CreateTempSubdirectory("nf-both-paths-").FullName;
    private readonly List<IDisposable> _owned = new();

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private T Own<T>(T item) where T : IDisposable
    {
        _owned.Add(item);
        return item;
    }

    private static Dictionary<string, string> Environment => new() { [CaPassphrase.EnvironmentVariable] = Passphrase };

    [Fact]
    public async Task Nodectl_and_the_receiver_api_revoke_every_certificate_and_end_in_the_same_state()
    {
        var pki = new PkiStore(Path.Combine(_dir, "pki"));
        using var ca = pki.CreateCa("both-paths", Passphrase, kdfIterations: 100_000);
        Own(pki.IssueBroker(ca));
        Own(pki.IssueService(ca, ServiceIdentity.Receiver));
        var broker = Own(MosquittoInstance.Start(BrokerRunDirectory.ForStore(pki, Path.Combine(_dir, "broker"), port: 0)));
        // Each device was provisioned twice: the registry knows the newer certificate, an attacker may hold the older.
        var certificates = new Dictionary<string, X509Certificate2[]>();
        foreach (var id in new[] { ByNodectl, ByApi })
            certificates[id] = [Own(Own(pki.IssueDevice(ca, id, keepKey: false)).WithPrivateKey()), Own(Own(pki.IssueDevice(ca, id, keepKey: false)).WithPrivateKey())];

        var receiver = Own(await Tools.StartReceiverAsync(_dir, Environment, "--pki", pki.Root, "--broker-pid-file", broker.Config.PidPath));
        using var http = receiver.Client();
        foreach (var (id, certs) in certificates)
            (await http.PostAsJsonAsync("/api/devices", new { id, certSerial = certs[1].SerialNumber })).EnsureSuccessStatusCode();
        foreach (var (id, certs) in certificates)
            foreach (var cert in certs)
                Assert.True(await CanConnectAsync(broker, cert, id), $"{id} {cert.SerialNumber} should connect before any revocation");

        var nodectl = await Tools.NodectlAsync(Environment, "ca", "revoke", ByNodectl, "--dir", pki.Root, "--broker-pid-file", broker.Config.PidPath, "--operator", "alice");
        Assert.True(nodectl.Exit == 0, nodectl.Output);
        var api = await http.PostAsync($"/api/devices/{ByApi}/revoke", null);
        Assert.True(api.IsSuccessStatusCode, await api.Content.ReadAsStringAsync());

        var onList = pki.LoadRevoked().Select(r => r.SerialHex).ToHashSet();
        var registry = (await http.GetFromJsonAsync<JsonElement[]>("/api/devices"))!.ToDictionary(d => d.GetProperty("id").GetString()!);
        foreach (var (id, certs) in certificates)
        {
            Assert.True(registry[id].GetProperty("revoked").GetBoolean(), $"the registry does not show {id} revoked: {registry[id]}");
            foreach (var cert in certs)
            {
                Assert.Contains(cert.SerialNumber, onList);
                Assert.False(await CanConnectAsync(broker, cert, id), $"the broker still admits {id} with {cert.SerialNumber}");
            }
        }

        // Either path run afterwards on the other's device finds it revoked and adds nothing.
        int entries = onList.Count;
        var again = await Tools.NodectlAsync(Environment, "ca", "revoke", ByApi, "--dir", pki.Root, "--operator", "alice");
        Assert.True(again.Exit == 0, again.Output);
        Assert.Contains("2 of them revoked before", again.Output);
        Assert.True((await http.PostAsync($"/api/devices/{ByNodectl}/revoke", null)).IsSuccessStatusCode);
        Assert.Equal(entries, pki.LoadRevoked().Count);
    }

    private static async Task<bool> CanConnectAsync(MosquittoInstance broker, X509Certificate2 certificate, string id)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var caCertificate = X509Certificate2.CreateFromPem(File.ReadAllText(broker.Config.CaFile));
            var trust = new FleetTrust(caCertificate);
            var result = await client.ConnectAsync(new MqttClientOptionsBuilder()
                .WithTcpServer(broker.Host, broker.Port)
                .WithProtocolVersion(MqttProtocolVersion.V311)
                .WithClientId(id)
                .WithTlsOptions(o => o.UseTls().WithTargetHost("localhost")
                    .WithClientCertificates(new X509Certificate2Collection(certificate))
                    .WithCertificateValidationHandler(e => trust.ValidateServer(e.Certificate, e.SslPolicyErrors)))
                .Build(), timeout.Token);
            return result.ResultCode == MqttClientConnectResultCode.Success && client.IsConnected;
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            return false;
        }
    }
}
