namespace NodeFirmware.Receiver.Commands;

/// <summary>Limits of the command service (configuration section Receiver:Commands).</summary>
public sealed class CommandOptions
{
    public const string Section = "Receiver:Commands";

    /// <summary>The ops the device firmware knows (NodeFirmware.Core CommandHandler); anything else is refused here.</summary>
    public static readonly string[] Ops = ["ping", "sample-now", "reboot"];

    /// <summary>Queued plus delivered commands one device may have; one more is refused with 429, never dropped.</summary>
    public int MaxOpenPerDevice { get; set; } = 16;

    /// <summary>
    /// Delivered but unacknowledged commands per device. The rest wait here, not in the broker, whose per-client
    /// queue drops messages silently when full (max_queued_messages): the broker never holds more than this for a device.
    /// </summary>
    public int MaxInFlightPerDevice { get; set; } = 1;

    public TimeSpan DefaultTimeToLive { get; set; } = TimeSpan.FromDays(1);
    public TimeSpan MinTimeToLive { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan MaxTimeToLive { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often expiry and dispatch run without a new command or ack to wake them.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(1);
}
