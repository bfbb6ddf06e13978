using System.Globalization;
using System.Text.Json;
using NodeFirmware.Core.Config;
using NodeFirmware.Core.Energy;
using NodeFirmware.HostCommon.Boards;
using NodeFirmware.Nodectl.Energy;
using NodeFirmware.Nodectl.Tests.Partitions;

namespace NodeFirmware.Nodectl.Tests.Energy;

public class EnergyCommandTests
{
    private static JsonElement Json(params string[] args)
    {
        var (exit, output, error) = CommandRunner.Run(EnergyCommand.Create(CommandRunner.Catalog), new[] { "energy", "--json" }.Concat(args).ToArray());
        Assert.True(exit == 0, error);
        return JsonDocument.Parse(output).RootElement;
    }

    private static PowerProfile Profile(string board) => new BoardCatalog(CommandRunner.RepoRoot).Load(board).ToPowerProfile();

    [Fact]
    public void Firebeetle_default_config_matches_cores_model_for_the_board_file()
    {
        var j = Json("--board", "firebeetle-esp32");
        var plan = EnergyPlan.For(Profile("firebeetle-esp32"), new DeviceConfig());
        var direct = EnergyModel.Estimate(Profile("firebeetle-esp32"), EnergyModel.ForConfig(new DeviceConfig(), plan.BatchMessageBytes));
        Assert.Equal(direct.TotalMahPerDay, j.GetProperty("mahPerDay").GetDouble(), 9);
        Assert.Equal(direct.BatteryLifeDays, j.GetProperty("batteryLifeDays").GetDouble(), 9);
        Assert.True(j.GetProperty("batteryLifeDays").GetDouble() > 0);
    }

    [Fact]
    public void Phase_shares_add_up_to_the_total()
    {
        var j = Json("--board", "firebeetle-esp32", "--sample-s", "30", "--report-s", "600");
        double sum = 0, share = 0;
        foreach (var p in j.GetProperty("phases").EnumerateObject())
        {
            sum += p.Value.GetProperty("mah").GetDouble();
            share += p.Value.GetProperty("sharePercent").GetDouble();
        }
        Assert.Equal(j.GetProperty("mahPerDay").GetDouble(), sum, 9);
        Assert.Equal(100.0, share, 6);
    }

    [Fact]
    public void Batching_beats_connect_per_reading_on_the_low_power_board()
    {
        var j = Json("--board", "firebeetle-esp32");
        double ours = j.GetProperty("mahPerDay").GetDouble();
        double baseline = j.GetProperty("baseline").GetProperty("mahPerDay").GetDouble();
        Assert.True(baseline > ours * 2, $"baseline {baseline} vs {ours}");
        Assert.Equal(baseline / ours, j.GetProperty("improvementFactor").GetDouble(), 9);
    }

    [Fact]
    public void Reporting_less_often_costs_less()
    {
        double often = Json("--board", "firebeetle-esp32", "--report-s", "300").GetProperty("mahPerDay").GetDouble();
        double rarely = Json("--board", "firebeetle-esp32", "--report-s", "3600").GetProperty("mahPerDay").GetDouble();
        Assert.True(rarely < often);
    }

    [Fact]
    public void Batch_message_size_comes_from_cores_encoder_and_grows_with_readings()
    {
        int one = EnergyPlan.EncodedBatchBytes(1, 60);
        int fifteen = EnergyPlan.EncodedBatchBytes(15, 60);
        Assert.True(fifteen > one);
        Assert.True(fifteen < 15 * one, "columnar deltas must beat one message per reading");
        Assert.Equal(fifteen, Json("--board", "firebeetle-esp32", "--sample-s", "60", "--report-s", "900").GetProperty("batchMessageBytes").GetInt32());
    }

    [Fact]
    public void Devkitc_has_no_battery_life_until_given_a_battery()
    {
        Assert.Equal(0, Json("--board", "esp32-devkitc-v4").GetProperty("batteryLifeDays").GetDouble());
        var withBattery = Json("--board", "esp32-devkitc-v4", "--battery-mah", "3000");
        double expected = 3000 * 0.85 / withBattery.GetProperty("mahPerDay").GetDouble();
        Assert.Equal(expected, withBattery.GetProperty("batteryLifeDays").GetDouble(), 6);
        // The DevKitC's regulator and LED dominate: sleep is most of its budget.
        Assert.True(withBattery.GetProperty("phases").GetProperty("sleep").GetProperty("sharePercent").GetDouble() > 50);
    }

    [Fact]
    public void Text_report_names_every_phase_and_the_baseline()
    {
        var (exit, output, error) = CommandRunner.Run(EnergyCommand.Create(CommandRunner.Catalog), "energy", "--board", "firebeetle-esp32");
        Assert.True(exit == 0, error);
        foreach (var phase in new[] { "boot", "sample", "connect", "publish", "listen", "sleep", "total" }) Assert.Contains(phase, output);
        Assert.Contains("days on 2000 mAh", output);
        Assert.Contains("connect-per-reading", output);
        var plan = EnergyPlan.For(Profile("firebeetle-esp32"), new DeviceConfig());
        Assert.Contains(plan.Estimate.TotalMahPerDay.ToString("F3", CultureInfo.InvariantCulture), output);
    }

    [Theory]
    [InlineData(new[] { "--board", "firebeetle-esp32", "--sample-s", "0" }, "sample_s")]
    [InlineData(new[] { "--board", "firebeetle-esp32", "--sample-s", "600", "--report-s", "60" }, "report_s")]
    [InlineData(new[] { "--board", "nope" }, "no board 'nope'")]
    [InlineData(new[] { "--board", "firebeetle-esp32", "--battery-mah", "-5" }, "--battery-mah")]
    public void Bad_input_is_named(string[] args, string expected)
    {
        var (exit, _, error) = CommandRunner.Run(EnergyCommand.Create(CommandRunner.Catalog), new[] { "energy" }.Concat(args).ToArray());
        Assert.Equal(1, exit);
        Assert.Contains(expected, error);
    }
}
