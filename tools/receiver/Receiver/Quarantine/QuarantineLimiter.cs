using Microsoft.Extensions.Options;

namespace NodeFirmware.Receiver.Quarantine;

/// <summary>
/// Token buckets for quarantine writes: one per device (the topic's id, which the broker's ACL ties to the
/// sender's certificate) and one for all devices. A message over either is acknowledged but not kept; the count is
/// in /metrics. The table of devices is bounded: past <see cref="MaxTrackedDevices"/> it starts afresh.
/// </summary>
public sealed class QuarantineLimiter(IOptions<QuarantineOptions> options, TimeProvider clock)
{
    public const int MaxTrackedDevices = 10_000;

    private readonly QuarantineOptions _o = options.Value;
    private readonly Dictionary<string, Bucket> _devices = new(StringComparer.Ordinal);
    private Bucket _total = new(options.Value.TotalBurst, 0);
    private readonly object _gate = new();

    public bool TryAdmit(string deviceKey)
    {
        long now = clock.GetTimestamp();
        lock (_gate)
        {
            if (_devices.Count >= MaxTrackedDevices && !_devices.ContainsKey(deviceKey)) _devices.Clear();
            var device = _devices.TryGetValue(deviceKey, out var b) ? b : new Bucket(_o.PerDeviceBurst, now);
            device = device.Refill(now, _o.PerDevicePerSecond, _o.PerDeviceBurst, clock);
            var total = _total.Refill(now, _o.TotalPerSecond, _o.TotalBurst, clock);
            bool admit = device.Tokens >= 1 && total.Tokens >= 1;
            if (admit)
            {
                device = device with { Tokens = device.Tokens - 1 };
                total = total with { Tokens = total.Tokens - 1 };
            }
            _devices[deviceKey] = device;
            _total = total;
            return admit;
        }
    }

    private readonly record struct Bucket(double Tokens, long At)
    {
        public Bucket Refill(long now, double perSecond, int burst, TimeProvider clock) =>
            At == 0 ? new Bucket(burst, now) : new Bucket(Math.Min(burst, Tokens + clock.GetElapsedTime(At, now).TotalSeconds * perSecond), now);
    }
}
