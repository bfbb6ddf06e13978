using System.Globalization;

namespace NodeFirmware.Bench.Fleet;

/// <summary>
/// `bench fleet` options. Every node samples and reports once a minute of virtual time and then listens
/// <see cref="ListenSeconds"/> of it (a node that stays reachable for commands), so most of the fleet holds a TLS
/// session at any moment; <see cref="Speed"/> compresses virtual time.
/// </summary>
public sealed record FleetBenchOptions
{
    public const int MaxNodes = 20_000;
    public const int CycleSeconds = 60;

    public int Nodes { get; init; } = 10_000;
    /// <summary>Virtual seconds per real second.</summary>
    public double Speed { get; init; } = 1;
    /// <summary>Cycles (minutes of virtual time) the fleet runs before the broker is stopped.</summary>
    public int CyclesBeforeRestart { get; init; } = 2;
    /// <summary>Real seconds between the broker's exit and its start.</summary>
    public double BrokerDownSeconds { get; init; } = 10;
    /// <summary>Virtual seconds a node stays connected after its report (DeviceConfig.ListenWindowMilliseconds, at most 60).</summary>
    public int ListenSeconds { get; init; } = 45;
    /// <summary>Board whose power profile the nodes use.</summary>
    public string Board { get; init; } = "firebeetle-esp32";
    /// <summary>The virtual node's internal flash for Core (configuration + journal), in 4 KiB sectors.</summary>
    public int FlashSectors { get; init; } = 8;
    /// <summary>
    /// TLS connects the bench runs at once (0: no bound). Each device has its own CPU; the bench's nodes share two
    /// cores, and thousands of handshakes started together each outlast the device's 15 s timeout and start over.
    /// </summary>
    public int Handshakes { get; init; } = 32;
    /// <summary>The nodes' ack_ms (formats/config.md): 0 releases a batch on the broker's PUBACK, above 0 on the receiver's acknowledgement.</summary>
    public int AckMilliseconds { get; init; }

    public TimeSpan RealCycle => TimeSpan.FromSeconds(CycleSeconds / Speed);

    public static FleetBenchOptions? Parse(string[] args)
    {
        var o = new FleetBenchOptions();
        for (int i = 0; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            var inv = CultureInfo.InvariantCulture;
            int n = 0;
            double d = 0;
            bool ok = args[i] switch
            {
                "--nodes" => int.TryParse(value, out n) && n is >= 1 and <= MaxNodes && (o = o with { Nodes = n }) != null,
                "--speed" => double.TryParse(value, NumberStyles.Float, inv, out d) && d is >= 0.1 and <= 100 && (o = o with { Speed = d }) != null,
                "--cycles" => int.TryParse(value, out n) && n is >= 1 and <= 100 && (o = o with { CyclesBeforeRestart = n }) != null,
                "--broker-down" => double.TryParse(value, NumberStyles.Float, inv, out d) && d is >= 0 and <= 600 && (o = o with { BrokerDownSeconds = d }) != null,
                "--listen" => int.TryParse(value, out n) && n is >= 0 and <= 60 && (o = o with { ListenSeconds = n }) != null,
                "--flash-sectors" => int.TryParse(value, out n) && n is >= 4 and <= 256 && (o = o with { FlashSectors = n }) != null,
                "--handshakes" => int.TryParse(value, out n) && n is >= 0 and <= MaxNodes && (o = o with { Handshakes = n }) != null,
                "--ack-ms" => int.TryParse(value, out n) && n is >= 0 and <= 60_000 && (o = o with { AckMilliseconds = n }) != null,
                _ => false,
            };
            if (!ok)
            {
                Console.Error.WriteLine($"fleet: bad option '{args[i]} {value}'\nusage: bench fleet [--nodes 1..{MaxNodes}] [--speed 0.1..100] " +
                    "[--cycles 1..100] [--broker-down 0..600 s] [--listen 0..60 s] [--flash-sectors 4..256] [--handshakes 0..{MaxNodes}] [--ack-ms 0..60000]");
                return null;
            }
            i++;
        }
        return o;
    }
}
