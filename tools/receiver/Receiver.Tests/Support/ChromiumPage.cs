using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NodeFirmware.Receiver.Tests.Support;

/// <summary>
/// One page in headless Chromium, driven over the DevTools protocol (a WebSocket): a test runs JavaScript in the page
/// (clicks, form input) and waits for what the page shows, as an operator would see it.
/// </summary>
public sealed class ChromiumPage : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private Task _reader = Task.CompletedTask;
    private string _session = "";
    private int _nextId;

    private ChromiumPage(Process process) => _process = process;

    public static async Task<ChromiumPage> OpenAsync(Uri url, TempDirectory dir)
    {
        string profile = dir.File("chromium-cdp-" + Guid.NewGuid().ToString("N")[..8]);
        var psi = new ProcessStartInfo(Chromium.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions", "--hide-scrollbars",
            "--user-data-dir=" + profile, "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
            "--window-size=1200,900", "--force-device-scale-factor=1", "about:blank",
        }) psi.ArgumentList.Add(a);
        var page = new ChromiumPage(Process.Start(psi) ?? throw new InvalidOperationException("could not start Chromium"));
        _ = page._process.StandardOutput.ReadToEndAsync();
        _ = page._process.StandardError.ReadToEndAsync();
        try
        {
            // Chromium writes the port it chose and the browser's WebSocket path into the profile once it listens.
            string portFile = Path.Combine(profile, "DevToolsActivePort");
            var deadline = DateTime.UtcNow + Timeout;
            string[] lines = [];
            while (lines.Length < 2)
            {
                if (DateTime.UtcNow > deadline || page._process.HasExited) throw new TimeoutException("Chromium did not open its DevTools port");
                await Task.Delay(100);
                try { if (File.Exists(portFile)) lines = (await File.ReadAllTextAsync(portFile)).Split('\n', StringSplitOptions.RemoveEmptyEntries); }
                catch (IOException) { }
            }
            await page._socket.ConnectAsync(new Uri($"ws://127.0.0.1:{lines[0].Trim()}{lines[1].Trim()}"), CancellationToken.None);
            page._reader = page.ReadAsync();
            var target = await page.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, browser: true);
            var attached = await page.SendAsync("Target.attachToTarget",
                new JsonObject { ["targetId"] = target.GetProperty("targetId").GetString(), ["flatten"] = true }, browser: true);
            page._session = attached.GetProperty("sessionId").GetString()!;
            await page.SendAsync("Page.enable", new JsonObject());
            await page.SendAsync("Page.navigate", new JsonObject { ["url"] = url.ToString() });
            return page;
        }
        catch
        {
            await page.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <paramref name="expression"/> in the page (a promise is awaited) and returns its value as JSON.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression, ["awaitPromise"] = true, ["returnByValue"] = true,
        });
        if (result.TryGetProperty("exceptionDetails", out var error))
            throw new InvalidOperationException("the page's script failed: " + (error.TryGetProperty("exception", out var e) && e.TryGetProperty("description", out var d)
                ? d.GetString() : error.GetRawText()));
        return result.GetProperty("result").TryGetProperty("value", out var value) ? value.Clone() : default;
    }

    /// <summary>Polls <paramref name="expression"/> until it is truthy and returns that value; fails with <paramref name="what"/> after 30 s.</summary>
    public async Task<JsonElement> WaitForAsync(string expression, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await EvaluateAsync(expression);
                if (last.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.False)
                    && !(last.ValueKind == JsonValueKind.String && last.GetString() == "")
                    && !(last.ValueKind == JsonValueKind.Number && last.GetDouble() == 0)) return last;
            }
            catch (InvalidOperationException) { } // the page is still loading
            await Task.Delay(100);
        }
        string page = (await EvaluateAsync("document.body ? document.body.innerText : ''")).GetString() ?? "";
        throw new TimeoutException($"the page did not show {what} in {Timeout.TotalSeconds} s; the page says:\n{page}");
    }

    public async Task<string> TextAsync(string selector) =>
        (await EvaluateAsync($"(document.querySelector({JsonSerializer.Serialize(selector)}) || {{}}).textContent || ''")).GetString() ?? "";

    public Task ClickAsync(string selector) => EvaluateAsync($"document.querySelector({JsonSerializer.Serialize(selector)}).click()");

    private async Task<JsonElement> SendAsync(string method, JsonObject parameters, bool browser = false)
    {
        int id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        if (!browser) message["sessionId"] = _session;
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        await _send.WaitAsync();
        try { await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, _stop.Token); }
        finally { _send.Release(); }
        return await answer.Task.WaitAsync(Timeout);
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var part = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (part.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, part.Count);
                if (!part.EndOfMessage) continue;
                using var json = JsonDocument.Parse(message.ToArray());
                message.SetLength(0);
                if (!json.RootElement.TryGetProperty("id", out var idElement) || !_pending.TryRemove(idElement.GetInt32(), out var waiter)) continue;
                if (json.RootElement.TryGetProperty("error", out var error)) waiter.TrySetException(new InvalidOperationException("DevTools: " + error.GetRawText()));
                else waiter.TrySetResult(json.RootElement.GetProperty("result").Clone());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException) { }
        foreach (var waiter in _pending.Values) waiter.TrySetException(new InvalidOperationException("the DevTools connection closed"));
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
        try { await _reader; } catch (Exception) { }
        _socket.Dispose();
        _process.Dispose();
        _stop.Dispose();
        _send.Dispose();
    }
}
