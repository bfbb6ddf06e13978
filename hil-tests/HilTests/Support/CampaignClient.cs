using System.Net.Http.Json;
using System.Text.Json;

namespace NodeFirmware.HilTests.Support;

/// <summary>The receiver's campaign API as an operator uses it: create a campaign for a package, then watch one device in it.</summary>
public sealed class CampaignClient : IDisposable
{
    private readonly HttpClient _http;

    /// <param name="token">An operator's API token.</param>
    public CampaignClient(Uri receiver, string token)
    {
        _http = new HttpClient { BaseAddress = receiver, Timeout = TimeSpan.FromSeconds(10) };
        _http.DefaultRequestHeaders.Authorization = new("Bearer", token);
    }

    /// <summary>Starts a campaign offering <paramref name="package"/> to every registered device at once (canary = everyone).</summary>
    public async Task<string> StartAsync(byte[] package, string name)
    {
        var response = await _http.PostAsJsonAsync("/api/campaigns", new
        {
            name, package, canaryPercent = 100.0, successThreshold = 1.0, windowSeconds = 6 * 3600, start = true,
        });
        string body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"the receiver refused the campaign: {(int)response.StatusCode} {body}");
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>The device's state in the campaign ("waiting", "offered", "downloading", "succeeded", "failed", "rolledback", ...).</summary>
    public async Task<(string CampaignState, string? DeviceState, string? Reason)> DeviceAsync(string campaignId, string deviceId)
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync($"/api/campaigns/{campaignId}"));
        var root = doc.RootElement;
        string state = root.GetProperty("state").GetString()!;
        foreach (var d in root.GetProperty("devices").EnumerateArray())
        {
            if (d.GetProperty("deviceId").GetString() != deviceId) continue;
            string? reason = d.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            return (state, d.GetProperty("state").GetString(), reason);
        }
        return (state, null, null);
    }

    public void Dispose() => _http.Dispose();
}
