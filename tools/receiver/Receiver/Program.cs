using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using NodeFirmware.Receiver.Hosting;

// Receiver token create|list|revoke --store ... (API tokens, see docs/security.md)
// Receiver serve --store sqlite:<path>|postgres:<conn> --broker host:port --ca .. --cert .. --key .. --http 127.0.0.1:port
// A host that starts this entry point itself (WebApplicationFactory) passes its settings as --key=value arguments
// only; then the receiver serves with the configuration alone.
bool startedByHost = args.Length > 0 && args.All(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('='));
string[] rest = args;
if (!startedByHost)
{
    if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
    {
        Console.WriteLine(ReceiverCommandLine.Usage);
        return args.Length == 0 ? 2 : 0;
    }
    if (args[0] == "token") return await TokenCommand.RunAsync(args[1..], Console.Out, Console.Error);
    if (args[0] != "serve")
    {
        Console.Error.WriteLine($"unknown command '{args[0]}'\n{ReceiverCommandLine.Usage}");
        return 2;
    }
    rest = args[1..];
}

Dictionary<string, string?> settings;
try
{
    settings = startedByHost ? new() : ReceiverCommandLine.Parse(rest);
    if (settings.TryGetValue(ReceiverOptions.Section + ":Store", out var store)) NodeFirmware.Receiver.Storage.TelemetryStoreFactory.Validate(store ?? "");
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"{e.Message}\n{ReceiverCommandLine.Usage}");
    return 2;
}

// "serve" runs from the build output; without a command the host (e.g. a test factory) passes its own settings as args.
var builder = WebApplication.CreateBuilder(startedByHost
    ? new WebApplicationOptions { Args = args }
    : new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddInMemoryCollection(settings);
// Serves wwwroot from the project when run from the build output (publish copies wwwroot next to the app).
builder.WebHost.UseStaticWebAssets();
builder.WebHost.UseUrls(builder.Configuration[ReceiverOptions.Section + ":Http"] ?? new ReceiverOptions().Http);
ReceiverServices.Add(builder.Services, builder.Configuration);

var app = builder.Build();
var problems = StartupCheck.Run(app.Services.GetRequiredService<IOptions<ReceiverOptions>>().Value,
    app.Services.GetRequiredService<IOptions<NodeFirmware.Receiver.Ingest.MqttIngestOptions>>().Value,
    app.Services.GetRequiredService<NodeFirmware.Receiver.Revocation.IFleetRevocations>());
if (problems.Count > 0)
{
    foreach (var problem in problems) Console.Error.WriteLine("receiver: " + problem);
    Console.Error.WriteLine("receiver: not started");
    return 1;
}
ReceiverServices.MapEndpoints(app);
app.Lifetime.ApplicationStarted.Register(() =>
{
    var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
    var store = app.Services.GetRequiredService<IOptions<ReceiverOptions>>().Value.Store;
    foreach (var address in addresses) Console.WriteLine($"Receiver page: {address}/");
    Console.WriteLine($"Receiver store: {(store.StartsWith("postgres", StringComparison.OrdinalIgnoreCase) ? "postgres" : store)}");
});
try
{
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is ArgumentException or InvalidOperationException or FileNotFoundException or IOException)
{
    Console.Error.WriteLine("receiver: " + e.Message);
    return 1;
}
catch (OperationCanceledException)
{
    // A service failed while the host was starting; the host has logged why. Exit instead of aborting on the cancellation.
    Console.Error.WriteLine("receiver: stopped while starting: a service failed (its error is logged above)");
    return 1;
}

public partial class Program;
