using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace NodeSim.Network;

/// <summary>
/// Where the fleet's broker listens and the CA its server certificate must chain to. <see cref="Host"/> is the name the
/// node was given (the bundle's); TLS checks the broker's certificate against it. <see cref="Address"/> is what the
/// node's network resolved that name to, when a name service was given (<see cref="NameService"/>); null: the host's own
/// resolver (or <see cref="Host"/> is an address already).
/// </summary>
public sealed record BrokerEndpoint(string Host, int Port, X509Certificate2 FleetCa)
{
    public IPAddress? Address { get; init; }

    /// <summary>What the TCP connection dials: the resolved address, else the host name.</summary>
    public string DialHost => Address?.ToString() ?? Host;
}
