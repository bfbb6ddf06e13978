using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using NodeFirmware.Receiver.Tests.Support;

namespace NodeFirmware.Receiver.Tests.Api;

/// <summary>A receiver started on a database written with schema 1 migrates it and serves every stored reading.</summary>
public sealed class MigratedStoreApiTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_api_serves_all_readings_of_a_schema_1_database()
    {
        string path = _dir.File("old.db");
        await SchemaOneDatabase.WriteSqliteAsync(path);
        await using var factory = new ReceiverFactory(web => web.UseSetting("Receiver:Store", "sqlite:" + path));
        var http = factory.CreateClient();
        const string dev = SchemaOneDatabase.Device;
        long t = SchemaOneDatabase.FirstTime;
        int n = SchemaOneDatabase.Readings;

        var device = await http.GetFromJsonAsync<JsonElement>($"/api/devices/{dev}");
        Assert.Equal(n, device.GetProperty("readingCount").GetInt64());

        var response = await http.GetAsync($"/api/devices/{dev}/telemetry?from={t}&to={t + 60 * n}&bucket=600");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var series = body.GetProperty("series").EnumerateArray().ToDictionary(s => s.GetProperty("channel").GetString()!);
        Assert.Equal(["battery", "humidity", "pressure", "temperature"], series.Keys.Order());
        long Total(string channel) => series[channel].GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("n").GetInt64());
        int faulted = Enumerable.Range(0, n).Count(SchemaOneDatabase.Faulted);
        Assert.Equal(n, Total("battery"));
        Assert.Equal(n - faulted, Total("temperature"));
        Assert.Equal(n - faulted, Total("pressure"));
        Assert.Equal("Pa", series["pressure"].GetProperty("unit").GetString());
        var firstPressure = series["pressure"].GetProperty("points")[0];
        Assert.Equal(t, firstPressure.GetProperty("t").GetInt64());
        Assert.Equal(100_000, firstPressure.GetProperty("min").GetDouble());
    }
}
