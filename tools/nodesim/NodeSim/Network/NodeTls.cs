using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Channel;
using NodeFirmware.HostCommon.Pki;

namespace NodeSim.Network;

/// <summary>
/// One node's TLS to the broker, set up once as the device's firmware does at boot (certificate, key and fleet CA
/// read once): TLS 1.2, the node's own certificate, the broker's chain checked against the fleet CA alone and its
/// name against the host the node was given. Every connection is a full handshake: the device keeps no TLS session
/// to resume, so neither does this (AllowTlsResume off).
/// What the bench must not count as the device's cost is done once here, not per connection: the client
/// certificate's context (SslStream would otherwise build the client's chain on every handshake) and the server
/// chain policy (otherwise the chain is built against the system's roots and then again in a callback).
/// </summary>
public sealed class NodeTls : IMqttClientStreamProvider
{
    private readonly BrokerEndpoint _broker;
    private readonly SslClientAuthenticationOptions _options;

    public NodeTls(BrokerEndpoint broker, X509Certificate2 clientCertificateWithKey)
    {
        if (!clientCertificateWithKey.HasPrivateKey) throw new ArgumentException("the node's certificate needs its private key", nameof(clientCertificateWithKey));
        _broker = broker;
        _options = new SslClientAuthenticationOptions
        {
            TargetHost = broker.Host, // the name the certificate must carry, also when the network resolved it
            EnabledSslProtocols = SslProtocols.Tls12,
            ClientCertificateContext = SslStreamCertificateContext.Create(clientCertificateWithKey, additionalCertificates: null, offline: true),
            CertificateChainPolicy = new FleetTrust(broker.FleetCa).ServerChainPolicy(),
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowTlsResume = false,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) => certificate is not null && errors == SslPolicyErrors.None,
        };
    }

    /// <summary>
    /// How long the last successful <see cref="ConnectAsync"/> took on this host, TCP connect and TLS handshake; zero
    /// before one succeeded. The node's connects are one at a time, so one field is enough.
    /// </summary>
    public TimeSpan LastHandshake { get; private set; }

    /// <summary>TCP to the broker (the resolved address if the node's network gave one) and a full TLS handshake.</summary>
    public async Task<Stream> ConnectAsync(CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            await socket.ConnectAsync(_broker.DialHost, _broker.Port, ct);
            var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            try
            {
                await tls.AuthenticateAsClientAsync(_options, ct);
                LastHandshake = System.Diagnostics.Stopwatch.GetElapsedTime(started);
                return tls;
            }
            catch
            {
                await tls.DisposeAsync();
                throw;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    Task<Stream> IMqttClientStreamProvider.ConnectAsync(EndPoint brokerEndPoint, CancellationToken cancellationToken) => ConnectAsync(cancellationToken);
}
