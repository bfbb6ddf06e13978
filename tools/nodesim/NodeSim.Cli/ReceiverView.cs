using System.Net.Http.Json;
using System.Text.Json;

namespace NodeSim.Cli;

/// <summary>The demo's look at the receiver: wait until it answers, then show what it stored per device.</summary>
public static class ReceiverView
{
    /// <summary>The API token sent as 'Authorization: Bearer' (the receiver answers 401 without one).</summary>
    public static string? Token { get; set; }

    private static HttpClient Client(TimeSpan timeout)
    {
        var http = new HttpClient { Timeout = timeout };
        if (Token is not null) http.DefaultRequestHeaders.Authorization = new("Bearer", Token);
        return http;
    }

    public static async Task<bool> WaitUntilUpAsync(string url, TimeSpan timeout)
    {
        using var http = Client(TimeSpan.FromSeconds(2));
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                // 401 means it is up but the token is missing or wrong; PrintAsync will say so.
                if ((int)(await http.GetAsync(url + "/api/devices")).StatusCode is 200 or 401 or 403) return true;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(300);
        }
        return false;
    }

    public static async Task PrintAsync(string url)
    {
        using var http = Client(TimeSpan.FromSeconds(10));
        Console.WriteLine();
        Console.WriteLine($"receiver ({url}, the fleet page is {url}/ — sign in with the demo's admin token, .demo/admin.token):");
        try
        {
            using var devices = JsonDocument.Parse(await http.GetStringAsync(url + "/api/devices"));
            foreach (var d in Items(devices.RootElement))
            {
                using var one = JsonDocument.Parse(await http.GetStringAsync(url + "/api/devices/" + d.GetProperty("id").GetString()));
                Console.WriteLine("  " + Summary(one.RootElement));
            }
            using var sli = JsonDocument.Parse(await http.GetStringAsync(url + "/api/sli"));
            Console.WriteLine("  SLIs: " + Flatten(sli.RootElement));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            Console.WriteLine("  could not read the receiver's API: " + e.Message);
        }
    }

    /// <summary>Registers a device as provisioning would, so the receiver's registry and SLIs know it.</summary>
    public static async Task RegisterAsync(string url, string deviceId, string certSerial, string board)
    {
        using var http = Client(TimeSpan.FromSeconds(10));
        var response = await http.PostAsJsonAsync(url + "/api/devices", new { id = deviceId, certSerial, tags = new[] { "demo" }, board });
        if (!response.IsSuccessStatusCode)
            Console.WriteLine($"receiver: registering {deviceId} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static IEnumerable<JsonElement> Items(JsonElement root) =>
        root.ValueKind == JsonValueKind.Array ? root.EnumerateArray()
        : root.TryGetProperty("devices", out var list) ? list.EnumerateArray() : [];

    private static string Summary(JsonElement device) =>
        string.Join("  ", device.EnumerateObject().Where(p => p.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Null))
            .Select(p => $"{p.Name}={p.Value}"));

    private static string Flatten(JsonElement e, string prefix = "") => e.ValueKind == JsonValueKind.Object
        ? string.Join("  ", e.EnumerateObject().Select(p => Flatten(p.Value, prefix + p.Name + ".")).Where(s => s.Length > 0))
        : e.ValueKind is JsonValueKind.Array or JsonValueKind.Null ? "" : $"{prefix.TrimEnd('.')}={e}";
}
