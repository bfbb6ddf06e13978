using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace NodeFirmware.Receiver.Tests.Security;

/// <summary>Raw requests as an attacker sends them, and the admin's look at the state afterwards ("nothing changed").</summary>
public sealed class Attacker(RunningReceiver receiver)
{
    public Uri Base => receiver.Process.BaseAddress;

    public async Task<(HttpStatusCode Status, string Error, HttpResponseMessage Response)> SendAsync(HttpRequestMessage request, string? token = null)
    {
        using var http = new HttpClient { BaseAddress = Base, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        var response = await http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        string error = "";
        if (body.StartsWith('{'))
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("error", out var e)) error = e.GetString() ?? "";
        }
        return (response.StatusCode, error, response);
    }

    public Task<(HttpStatusCode Status, string Error, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, object? json = null, string? token = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (json is not null) request.Content = JsonContent.Create(json);
        return SendAsync(request, token);
    }

    /// <summary>What an attack could have changed: the registry and the audit trail, read with the admin token.</summary>
    public async Task<string> StateAsync()
    {
        using var http = receiver.Process.Client(receiver.Admin);
        string devices = await http.GetStringAsync("/api/devices");
        string audit = await http.GetStringAsync("/api/audit?limit=1000");
        string commands = await http.GetStringAsync("/api/devices/esp32-00000000beef/commands");
        return devices + "\n" + audit + "\n" + commands;
    }

    public async Task<string> TokenAsync(string role) => await receiver.Process.CreateTokenAsync(role, "attack-" + role);
}
