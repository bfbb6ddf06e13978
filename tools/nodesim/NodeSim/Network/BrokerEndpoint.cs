using System.Security.Cryptography.X509Certificates;

namespace NodeSim.Network;

/// <summary>Where the fleet's broker listens and the CA its server certificate must chain to.</summary>
public sealed record BrokerEndpoint(string Host, int Port, X509Certificate2 FleetCa);
