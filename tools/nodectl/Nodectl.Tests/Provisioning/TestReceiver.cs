using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using NodeFirmware.Nodectl.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

/// <summary>
/// A stand-in for the receiver's POST /api/devices on a free loopback port (the real endpoint is not
/// written yet). Records what it was sent; can be told to fail.
/// </summary>
internal sealed class TestReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly object _gate = new();
    private readonly List<DeviceRegistration> _registrations = new();

    /// <param name="fixedPort">listen here (e.g. where an earlier, stopped receiver was); default a free port</param>
    public TestReceiver(int? fixedPort = null)
    {
        for (int attempt = 0; ; attempt++)
        {
            int port = fixedPort ?? LoopbackPort.Free();
            BaseUrl = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add(BaseUrl);
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5 && fixedPort is null)
            {
                // someone took the port in between; pick another
            }
        }
        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; private set; } = "";

    public int Port => new Uri(BaseUrl).Port;

    /// <summary>Status code to answer with; 201 unless a test changes it.</summary>
    public int Status { get; set; } = 201;

    public IReadOnlyList<DeviceRegistration> Registrations
    {
        get { lock (_gate) return _registrations.ToList(); }
    }

    public List<string> Paths { get; } = new();

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream);
            string body = await reader.ReadToEndAsync();
            lock (_gate) Paths.Add(context.Request.HttpMethod + " " + context.Request.Url!.AbsolutePath);
            if (Status is >= 200 and < 300 && context.Request.HttpMethod == "POST" && context.Request.Url!.AbsolutePath == "/api/devices")
            {
                var registration = JsonSerializer.Deserialize<DeviceRegistration>(body)!;
                lock (_gate) _registrations.Add(registration);
            }
            context.Response.StatusCode = Status;
            var reply = System.Text.Encoding.UTF8.GetBytes(Status < 300 ? "{}" : "{\"error\":\"store unavailable\"}");
            await context.Response.OutputStream.WriteAsync(reply);
            context.Response.Close();
        }
    }


    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
    }
}
