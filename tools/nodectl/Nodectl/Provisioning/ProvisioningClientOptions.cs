namespace NodeFirmware.Nodectl.Provisioning;

public sealed record ProvisioningClientOptions
{
    /// <summary>
    /// After resetting a board on a serial port: how long to read its console for the boot text that says what it
    /// runs (reading stops at the first decisive line: download mode, no firmware, the firmware's boot line).
    /// </summary>
    public TimeSpan BootListen { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for the reply to one attempt of a request.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>PUT_BUNDLE and COMMIT write flash; give them longer.</summary>
    public TimeSpan StorageReplyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// GENERATE_KEY: the device makes a P-256 key and signs its request in Core, managed code on an interpreter: 1.6 s on
    /// nanoCLR on x64, estimated at a minute or two on the ESP32 (docs/benchmarks.md, "bench nano"; not measured on a
    /// board yet). This leaves room for it; a retry after it repeats the request, which the device answers once.
    /// </summary>
    public TimeSpan KeyGenerationReplyTimeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// HELLO's interval while knocking for a board's re-entry window (<see cref="ProvisioningClient.Knock"/>); well
    /// under the 1.5 s the window stays open without a request.
    /// </summary>
    public TimeSpan KnockInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Attempts per request; a retry repeats the frame with the same sequence, which the device answers once.</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>More noise than this while waiting for one reply means the other end is not in provisioning mode.</summary>
    public int MaxNoiseBytes { get; init; } = 64 * 1024;

    public int MaxPayload { get; init; } = NodeFirmware.Core.Provisioning.ProvisioningProtocol.DefaultMaxPayload;
}
