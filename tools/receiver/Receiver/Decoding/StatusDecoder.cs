using System.Formats.Cbor;

namespace NodeFirmware.Receiver.Decoding;

/// <summary>
/// Decodes the retained status message, version 1 (docs/formats/README.md): a map, or the last will, which is the
/// bare CBOR text string "offline". Optional fields left out mean their usual value (not on trial, woken by the
/// timer, normal power mode, nothing pending or dropped). Fields this receiver does not know are skipped, so a newer
/// firmware's additions don't cost the device its status; known fields must have their types.
/// </summary>
public static class StatusDecoder
{
    public const int MaxPayloadBytes = 4 * 1024;
    public static readonly IReadOnlySet<string> States = new HashSet<string>(StringComparer.Ordinal) { "online", "offline", "sleeping" };
    private const string Payload = "status";

    public static DeviceStatus Decode(ReadOnlyMemory<byte> payload)
    {
        if (payload.Length == 0) throw new PayloadRejected(RejectReason.Empty, "the status payload is empty");
        if (payload.Length > MaxPayloadBytes)
            throw new PayloadRejected(RejectReason.TooLarge, $"the status payload is {payload.Length} bytes (at most {MaxPayloadBytes})");
        return CborErrors.Guard(Payload, () => DecodeFields(new StrictCborReader(payload)));
    }

    public const string LastWill = "offline";

    /// <summary>The wake cause a status map means when it leaves "wake" out: the timer that ends a deep sleep, as on every report.</summary>
    public const string TimerWake = "timer";

    private static DeviceStatus DecodeFields(StrictCborReader r)
    {
        if (r.Peek() == CborReaderState.TextString)
        {
            string text = r.ReadText("the last will", 16);
            if (r.BytesRemaining != 0) throw new PayloadRejected(RejectReason.TrailingData, $"{r.BytesRemaining} bytes follow the last will");
            if (text != LastWill) throw new PayloadRejected(RejectReason.InvalidStatus, $"a status text must be the last will \"{LastWill}\", not \"{DeviceIds.Printable(text)}\"");
            return new DeviceStatus(LastWill);
        }
        long? version = null;
        var s = new DeviceStatus(State: "", Trial: false, Wake: TimerWake, PowerMode: "normal", Pending: 0, Dropped: 0);
        bool haveState = false;
        var vitals = new DeviceVitals();
        int pairs = r.ReadMapStart(Payload);
        if (pairs > 64) throw new PayloadRejected(RejectReason.LimitExceeded, $"the status map has {pairs} entries (at most 64)");
        for (int i = 0; i < pairs; i++)
        {
            string key = r.ReadText("a status key", 32);
            switch (key)
            {
                case "v": version = r.ReadUnsigned("v", int.MaxValue); break;
                case "state": s = s with { State = r.ReadText("state", 16) }; haveState = true; break;
                case "fw": s = s with { Firmware = r.ReadText("fw", 32) }; break;
                case "slot": s = s with { Slot = r.ReadText("slot", 4) }; break;
                case "trial": s = s with { Trial = r.ReadBoolean("trial") }; break;
                case "e": s = s with { Epoch = r.ReadUnsigned("e", TelemetryLimits.MaxEpoch) }; break;
                case "wake": s = s with { Wake = r.ReadText("wake", 32) }; break;
                case "bat": s = s with { BatteryMillivolts = ReadBattery(r) }; break;
                case "mode": s = s with { PowerMode = r.ReadText("mode", 32) }; break;
                case "pending": s = s with { Pending = r.ReadUnsigned("pending", MaxCount) }; break;
                case "dropped": s = s with { Dropped = r.ReadUnsigned("dropped", long.MaxValue) }; break;
                case "cfg": s = s with { ConfigRevision = r.ReadUnsigned("cfg", long.MaxValue) }; break;
                case "until": s = s with { SleepUntil = r.ReadInteger("until") }; break;
                case "boots": vitals = vitals with { Boots = r.ReadUnsigned("boots", MaxCount) }; break;
                case "rst": vitals = ReadResets(r, vitals); break;
                case "up": vitals = vitals with { UptimeSeconds = r.ReadUnsigned("up", MaxUptimeSeconds) }; break;
                case "rc": vitals = vitals with { Reconnects = r.ReadUnsigned("rc", MaxCount) }; break;
                case "heap": vitals = vitals with { HeapLowWaterBytes = r.ReadUnsigned("heap", MaxHeapBytes) }; break;
                case "w2p": vitals = vitals with { WakeToPublish = ReadWakeToPublish(r) }; break;
                default: r.Skip(); break;
            }
        }
        r.ReadMapEnd();
        if (r.BytesRemaining != 0) throw new PayloadRejected(RejectReason.TrailingData, $"{r.BytesRemaining} bytes follow the status map");
        s = s with { Vitals = vitals };
        if (version is null) throw new PayloadRejected(RejectReason.MissingField, "status v is missing");
        if (version != 1) throw new PayloadRejected(RejectReason.UnsupportedVersion, $"status version {version} is not supported (expected 1)");
        if (!haveState) throw new PayloadRejected(RejectReason.MissingField, "status state is missing");
        if (!States.Contains(s.State))
            throw new PayloadRejected(RejectReason.InvalidStatus, $"status state '{DeviceIds.Printable(s.State)}' is not one of {string.Join(", ", States)}");
        return s;
    }

    private const long MaxCount = uint.MaxValue;
    private const long MaxUptimeSeconds = 100L * 366 * 86_400;
    private const long MaxHeapBytes = 1L << 32;
    private const int MaxPhaseMs = 24 * 3600 * 1000;

    private static DeviceVitals ReadResets(StrictCborReader r, DeviceVitals v)
    {
        int n = r.ReadArrayStart("rst");
        if (n != 3) throw new PayloadRejected(RejectReason.InvalidStatus, $"rst has {n} counts (expected 3: brown-outs, watchdog resets, panics)");
        v = v with { Brownouts = r.ReadUnsigned("rst brown-outs", MaxCount), Watchdogs = r.ReadUnsigned("rst watchdog resets", MaxCount), Panics = r.ReadUnsigned("rst panics", MaxCount) };
        r.ReadArrayEnd();
        return v;
    }

    // Total, Wi-Fi join, DHCP, TLS, MQTT connect, publish; -1 for a phase the device counted in its neighbour.
    private static WakeToPublish ReadWakeToPublish(StrictCborReader r)
    {
        int n = r.ReadArrayStart("w2p");
        if (n != 6) throw new PayloadRejected(RejectReason.InvalidStatus, $"w2p has {n} values (expected 6: total, Wi-Fi join, DHCP, TLS, MQTT connect, publish)");
        var ms = new int?[6];
        for (int i = 0; i < 6; i++)
        {
            long v = r.ReadInteger("w2p", i);
            if (v < -1 || v > MaxPhaseMs) throw new PayloadRejected(RejectReason.OutOfRange, $"w2p[{i}] = {v} ms is outside -1..{MaxPhaseMs}");
            ms[i] = v == -1 ? null : (int)v;
        }
        r.ReadArrayEnd();
        if (ms[0] is null) throw new PayloadRejected(RejectReason.InvalidStatus, "w2p total must be measured");
        return new WakeToPublish(ms[0]!.Value, ms[1], ms[2], ms[3], ms[4], ms[5]);
    }

    // The firmware sends -1 when the board cannot measure its battery.
    private static int? ReadBattery(StrictCborReader r)
    {
        long mv = r.ReadInteger("bat");
        if (mv == -1) return null;
        if (mv < 0 || mv > 10_000) throw new PayloadRejected(RejectReason.OutOfRange, $"bat = {mv} mV is outside 0..10000");
        return (int)mv;
    }
}
