using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
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

    /// <summary>
    /// Streams <paramref name="body"/> with chunked transfer coding over a raw socket and returns the status line's code.
    /// A server that stops reading at its limit answers and closes while the body is still being sent; HttpClient then
    /// fails on the write before it reads that answer, so here a failed write only ends the sending.
    /// </summary>
    public async Task<int> SendChunkedAsync(string path, byte[] body, string token)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(Base.Host, Base.Port);
        var stream = tcp.GetStream();
        string head = $"POST {path} HTTP/1.1\r\nHost: {Base.Host}:{Base.Port}\r\nAuthorization: Bearer {token}\r\n" +
                      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            const int chunk = 16 * 1024;
            for (int at = 0; at < body.Length; at += chunk)
            {
                int n = Math.Min(chunk, body.Length - at);
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{n:x}\r\n"));
                await stream.WriteAsync(body.AsMemory(at, n));
                await stream.WriteAsync("\r\n"u8.ToArray());
            }
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        }
        catch (IOException) { }
        var answer = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0 && answer.Length < 64 * 1024) answer.Write(buffer, 0, read);
        }
        catch (IOException) { }
        string text = Encoding.ASCII.GetString(answer.ToArray());
        string[] statusLine = text.Split("\r\n", 2)[0].Split(' ');
        if (statusLine.Length < 2 || !statusLine[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || !int.TryParse(statusLine[1], out int status))
            throw new InvalidOperationException($"no HTTP answer to the chunked request; got {answer.Length} bytes: '{text[..Math.Min(text.Length, 120)]}'");
        return status;
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
