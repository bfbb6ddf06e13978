using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using NodeFirmware.HostCommon.Pki;

namespace NodeSim.Network;

/// <summary>How every fleet client reaches the broker: TLS 1.2, its own certificate, and only the fleet CA trusted for the server.</summary>
public static class FleetBrokerOptions
{
    public static MqttClientOptionsBuilder WithFleetBroker(this MqttClientOptionsBuilder options, BrokerEndpoint broker, X509Certificate2 identity)
    {
        var trust = new FleetTrust(broker.FleetCa);
        return options
            .WithTcpServer(broker.DialHost, broker.Port)
            .WithTlsOptions(tls => tls
                .UseTls()
                .WithTargetHost(broker.Host) // the name the certificate must carry, also when the network resolved it
                .WithSslProtocols(SslProtocols.Tls12)
                .WithClientCertificates(new[] { identity })
                .WithCertificateValidationHandler(e => trust.ValidateServer(e.Certificate, e.SslPolicyErrors)));
    }
}
