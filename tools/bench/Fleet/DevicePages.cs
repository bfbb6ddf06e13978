using System.Diagnostics;
using System.Text.Json;

namespace NodeFirmware.Bench.Fleet;

/// <summary>The fleet page's device list: every page of GET /api/devices, timed, as the page walks it.</summary>
internal static class DevicePages
{
    private const int MaxPages = 1000;

    public static async Task<(int Devices, double Seconds)> ListAllAsync(ReceiverServe receiver)
    {
        using var http = receiver.Client();
        var clock = Stopwatch.StartNew();
        int devices = 0;
        string? after = null;
        for (int page = 0; page < MaxPages; page++)
        {
            using var response = await http.GetAsync("/api/devices" + (after is null ? "" : "?after=" + Uri.EscapeDataString(after)));
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            devices += body.RootElement.GetArrayLength();
            if (!response.Headers.TryGetValues("X-Next-After", out var next)) break;
            after = next.First();
        }
        return (devices, clock.Elapsed.TotalSeconds);
    }
}
