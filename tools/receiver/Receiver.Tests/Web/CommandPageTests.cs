using NodeFirmware.Receiver.Commands;
using NodeFirmware.Receiver.Storage;
using NodeFirmware.Receiver.Storage.Sqlite;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Web;

/// <summary>The fleet page shows what became of the selected device's commands, read by headless Chromium from a real receiver.</summary>
public sealed class CommandPageTests : IDisposable
{
    private const string Device = "esp32-a1b2c3d4e5f6";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [ChromiumFact]
    public async Task Each_commands_fate_is_on_the_page()
    {
        string db = _dir.File("commands.db");
        var now = DateTimeOffset.UtcNow;
        await using (var store = new SqliteTelemetryStore(db))
        {
            await store.MigrateAsync();
            await store.RegisterDeviceAsync(new DeviceRegistration(Device, "0A0B", [], "esp32-devkitc"), now.AddDays(-1));
        }
        await using (var source = DbSource.Create("sqlite:" + db))
        {
            var commands = new SqlCommandStore(source);
            await commands.MigrateAsync();
            await Add(commands, "c-ping", "ping", now.AddMinutes(-9));
            await commands.MarkDeliveredAsync("c-ping", now.AddMinutes(-8));
            await commands.MarkAcknowledgedAsync("c-ping", Device, true, null, now.AddMinutes(-8));
            await Add(commands, "c-reboot", "reboot", now.AddMinutes(-7));
            await commands.MarkDeliveredAsync("c-reboot", now.AddMinutes(-6));
            await commands.MarkAcknowledgedAsync("c-reboot", Device, false, "unknown op", now.AddMinutes(-6));
            await Add(commands, "c-old", "sample-now", now.AddMinutes(-5));
            await commands.MarkFinishedAsync("c-old", CommandStates.Expired, "not taken within its time to live", now.AddMinutes(-1));
            await Add(commands, "c-new", "ping", now.AddMinutes(-1));
        }
        using var receiver = await ReceiverProcess.StartAsync(["--store", "sqlite:" + db]);
        string dom = await Chromium.DumpDomAsync(receiver.PageWithToken(await receiver.CreateTokenAsync("viewer")), _dir);

        Assert.DoesNotContain("id=\"commands-box\" hidden", dom);
        string table = dom[dom.IndexOf("id=\"commands\"", StringComparison.Ordinal)..];
        Assert.Contains(">acknowledged<", table);
        Assert.Contains(">refused by device<", table);
        Assert.Contains("unknown op", table);
        Assert.Contains(">expired<", table);
        Assert.Contains("not taken within its time to live", table);
        Assert.Contains(">queued<", table);
    }

    private static Task Add(SqlCommandStore store, string id, string op, DateTimeOffset at) =>
        store.AddAsync(new DeviceCommand(id, Device, op, CommandStates.Queued, at, "test", at.AddHours(1), null, null, null, null));
}
