using NodeFirmware.Receiver.Ingest;

namespace NodeFirmware.Bench.Ingest;

/// <summary>
/// Stores: sqlite and postgres time the storage path alone; broker and broker-postgres the whole path through
/// Mosquitto with TLS into SQLite / PostgreSQL; broker-only a subscriber that acknowledges and discards. Any
/// broker path also runs broker-only, which its broker_ratio is computed against.
/// </summary>
/// <param name="TelemetryAcks">The end-to-end runs publish the receiver's telemetry acknowledgements to the devices, as
/// `Receiver serve` does; --no-telemetry-acks leaves them out.</param>
/// <param name="BatchVersion">The telemetry batch version the devices publish: 2, what devices with this firmware send
/// (Core's PackedBatchEncoder), or 1 (TelemetryBatchEncoder), what devices before it send.</param>
internal sealed record IngestBenchmarkOptions(int Readings, int PerMessage, int MessagesPerCommit, int Devices, IReadOnlySet<string> Stores,
    bool TelemetryAcks = true, int BatchVersion = 2)
{
    public static readonly string[] AllStores = ["sqlite", "postgres", "broker-only", "broker", "broker-postgres"];

    public bool AnyBrokerPath => Stores.Any(s => s.StartsWith("broker", StringComparison.Ordinal));

    public static IngestBenchmarkOptions? Parse(string[] args)
    {
        // 15 per message: the firmware's default configuration reports every 900 s what it samples every 60 s.
        int readings = 900_000, perMessage = 15, perCommit = IngestWriter.DefaultMaxMessagesPerCommit, devices = 200, batchVersion = 2;
        var stores = AllStores.ToHashSet();
        bool telemetryAcks = true;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--no-telemetry-acks")
            {
                telemetryAcks = false;
                continue;
            }
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            bool ok = args[i] switch
            {
                "--readings" => int.TryParse(value, out readings) && readings is > 0 and <= 20_000_000,
                "--per-message" => int.TryParse(value, out perMessage) && perMessage is > 0 and <= 512,
                "--messages-per-commit" => int.TryParse(value, out perCommit) && perCommit is > 0 and <= 4096,
                "--devices" => int.TryParse(value, out devices) && devices is > 0 and <= 5000,
                "--batch-version" => int.TryParse(value, out batchVersion) && batchVersion is 1 or 2,
                "--stores" => value is not null && (stores = value.Split(',').ToHashSet()).All(AllStores.Contains),
                _ => false,
            };
            if (!ok)
            {
                Console.Error.WriteLine($"ingest: bad option '{args[i]} {value}'\nusage: bench ingest [--readings N] [--per-message 1..512] " +
                    $"[--messages-per-commit M] [--devices 1..5000] [--batch-version 1|2] [--stores {string.Join(',', AllStores)}] [--no-telemetry-acks]");
                return null;
            }
            i++;
        }
        return new IngestBenchmarkOptions(readings, perMessage, perCommit, devices, stores, telemetryAcks, batchVersion);
    }
}
