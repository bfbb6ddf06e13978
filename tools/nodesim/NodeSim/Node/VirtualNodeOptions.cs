using System.Security.Cryptography.X509Certificates;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Energy;
using NodeSim.Network;

namespace NodeSim.Node;

/// <summary>How one virtual node is built: who it is, what board it imitates, where its broker is.</summary>
public sealed class VirtualNodeOptions
{
    public required string DeviceId { get; init; }

    /// <summary>The node's client certificate with its private key (CN = device id).</summary>
    public required X509Certificate2 Certificate { get; init; }

    public required BrokerEndpoint Broker { get; init; }
    public required PowerProfile PowerProfile { get; init; }

    public DeviceConfig Defaults { get; init; } = new();
    /// <summary>The version the node reports when it has no OTA set up.</summary>
    public string FirmwareVersion { get; init; } = "1.0.0";

    /// <summary>A/B slots, the Loader and the OTA client; null: a fixed image without updates.</summary>
    public Ota.VirtualNodeOta? Ota { get; init; }

    /// <summary>
    /// Where Core keeps configuration and journal across boots (a simulated board's flash, so its boot epochs go on from
    /// one reset to the next); null: the node's own <see cref="VirtualNode.Flash"/> of <see cref="StorageBytes"/>.
    /// </summary>
    public NodeFirmware.Core.Hal.IFlash? Storage { get; init; }

    /// <summary>Internal storage given to Core (config + journal), in bytes.</summary>
    public int StorageBytes { get; init; } = 64 * 4096;

    public double InitialBatteryCharge { get; init; } = 1.0;
    public int Seed { get; init; }

    /// <summary>
    /// Real time spent in a listen window, as a share of the virtual window (the broker delivers retained
    /// config and queued commands right after SUBACK, so a short real wait sees them); at least 20 ms.
    /// </summary>
    public double ListenRealTimeShare { get; init; } = 0.01;

    /// <summary>Connects in flight at once among the nodes that share it (see <see cref="MqttNodeLink"/>); null: no bound.</summary>
    public SemaphoreSlim? Handshakes { get; init; }

    /// <summary>Called with each message the broker acknowledged, in the order the node sent them: what the node reported.</summary>
    public Action<NodeFirmware.Core.Link.OutboundMessage>? Acknowledged { get; init; }
}
