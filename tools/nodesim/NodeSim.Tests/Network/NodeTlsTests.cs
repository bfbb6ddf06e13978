using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using NodeFirmware.HostCommon.Pki;
using NodeSim.Fleet;
using NodeSim.Network;
using NodeSim.Tests.Support;

namespace NodeSim.Tests.Network;

/// <summary>
/// The node's own TLS (NodeTls), set up once per node: every connection is a full, mutually authenticated TLS 1.2
/// handshake with the node's certificate, and a broker the node must not trust is refused as the device refuses it.
/// </summary>
public class NodeTlsTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly LocalFleetBroker _cloud;

    public NodeTlsTests() => _cloud = LocalFleetBroker.Start(_dir.Path, "node tls passphrase", kdfIterations: 100_000);

    [Fact]
    public async Task Each_connection_is_a_full_mutual_tls_1_2_handshake_with_the_nodes_certificate()
    {
        using var identity = _cloud.IssueDevice("esp32-0d0000000001");
        var tls = new NodeTls(_cloud.Endpoint, identity);
        for (int i = 0; i < 3; i++)
        {
            await using var stream = (SslStream)await tls.ConnectAsync(CancellationToken.None);
            Assert.Equal(SslProtocols.Tls12, stream.SslProtocol);
            Assert.True(stream.IsMutuallyAuthenticated);
            Assert.Equal(identity.Thumbprint, stream.LocalCertificate!.GetCertHashString());
        }
    }

    [Fact]
    public async Task A_broker_whose_certificate_is_from_another_fleet_is_refused()
    {
        using var other = new PkiStore(Path.Combine(_dir.Path, "other")).CreateCa("other", "other passphrase", kdfIterations: 100_000);
        using var identity = _cloud.IssueDevice("esp32-0d0000000002");
        var tls = new NodeTls(_cloud.Endpoint with { FleetCa = other.Certificate }, identity);
        await Assert.ThrowsAsync<AuthenticationException>(() => tls.ConnectAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_broker_reached_by_a_name_its_certificate_does_not_carry_is_refused()
    {
        using var identity = _cloud.IssueDevice("esp32-0d0000000003");
        var endpoint = _cloud.Endpoint with { Host = "not-the-broker.invalid", Address = IPAddress.Loopback };
        var tls = new NodeTls(endpoint, identity);
        await Assert.ThrowsAsync<AuthenticationException>(() => tls.ConnectAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_link_on_it_connects_publishes_and_disconnects_again_and_again()
    {
        using var identity = _cloud.IssueDevice("esp32-0d0000000004");
        var topics = new NodeFirmware.Core.Link.Topics("esp32-0d0000000004");
        await using var link = new MqttNodeLink(_cloud.Endpoint, new NodeTls(_cloud.Endpoint, identity), new SemaphoreSlim(1));
        for (int i = 0; i < 3; i++)
        {
            Assert.Null(await link.ConnectAsync("esp32-0d0000000004", false, topics.Status, [1], [topics.Config]));
            Assert.Equal(i > 0, link.SessionWasPresent);
            Assert.True(await link.PublishAsync(new NodeFirmware.Core.Link.OutboundMessage(i, topics.Telemetry, [1, 2, 3], false)));
            await link.DisconnectAsync();
            Assert.False(link.IsConnected);
        }
    }

    public void Dispose()
    {
        _cloud.Dispose();
        _dir.Dispose();
    }
}
