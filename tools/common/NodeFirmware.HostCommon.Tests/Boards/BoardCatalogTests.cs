using System.Reflection;
using System.Text.Json.Nodes;
using NodeFirmware.Core.Energy;
using NodeFirmware.HostCommon.Boards;
using NodeFirmware.HostCommon.Partitions;
using NodeFirmware.HostCommon.Tests.Partitions;

namespace NodeFirmware.HostCommon.Tests.Boards;

public class BoardCatalogTests
{
    private static readonly BoardCatalog Catalog = new(RepoFiles.Root);

    [Fact]
    public void Every_shipped_board_loads_and_validates()
    {
        Assert.Equal(new[] { "esp32-devkitc-v4", "esp32-s3-devkitc-1", "feather-esp32", "firebeetle-esp32" }, Catalog.Names());
        foreach (var board in Catalog.LoadAll())
        {
            Assert.Contains(board.File.Chip, BoardValidator.KnownChips);
            Assert.Contains(board.File.NanoFrameworkTarget, NanoFrameworkTargets.For(board.File.Chip));
            Assert.True(board.Partitions.EndOfLastPartition <= board.File.FlashSizeBytes);
            Assert.NotNull(board.Partitions.Find("config"));
            Assert.NotNull(board.Partitions.Find("deploy"));
            Assert.Null(StorageBudget.Check(board.File.AppSizeBytes, board.Partitions.Get("config").Size));
        }
    }

    [Fact]
    public void The_schema_file_is_not_a_board()
    {
        Assert.DoesNotContain("board.schema", Catalog.Names());
        Assert.Throws<BoardFileException>(() => Catalog.Load("board.schema"));
    }

    [Fact]
    public void Feather_senses_its_battery_on_a13_through_a_two_to_one_divider()
    {
        var b = Catalog.Load("feather-esp32");
        Assert.Equal(35, b.File.Battery!.AdcPin);
        Assert.Equal(7, b.BatteryAdcChannel);
        Assert.Equal(2.0, b.File.Battery.DividerRatio);
        Assert.Equal(13, b.File.LedPin);
        Assert.Equal("ESP32_REV0", b.File.NanoFrameworkTarget);
    }

    [Fact]
    public void S3_devkit_uses_the_s3_boot_layout_and_8_mb_table()
    {
        var b = Catalog.Load("esp32-s3-devkitc-1");
        Assert.Equal("esp32s3", b.File.Chip);
        Assert.Equal(8L * 1024 * 1024, b.File.FlashSizeBytes);
        Assert.Equal(0x0u, b.FlashLayout.Image("bootloader").Offset);
        Assert.Equal(b.Partitions.Get("deploy").Offset, b.FlashLayout.Image("deployment").Offset);
        Assert.Equal(0, b.File.FactoryPin.Gpio);
    }

    [Fact]
    public void Firebeetle_has_battery_sense_on_adc1_and_a_led()
    {
        var b = Catalog.Load("firebeetle-esp32");
        Assert.Equal(34, b.File.Battery!.AdcPin);
        Assert.Equal(6, b.BatteryAdcChannel);
        Assert.Equal(2.0, b.File.Battery.DividerRatio);
        Assert.Equal(2, b.File.LedPin);
        Assert.Equal(0x76, b.Bme280Address);
    }

    [Fact]
    public void Devkitc_has_no_battery_and_no_user_led()
    {
        var b = Catalog.Load("esp32-devkitc-v4");
        Assert.Null(b.File.Battery);
        Assert.Equal(-1, b.BatteryAdcChannel);
        Assert.Null(b.File.LedPin);
        Assert.Equal(0, b.ToPowerProfile().BatteryCapacityMilliampHours);
    }

    [Fact]
    public void Board_files_carry_every_field_of_cores_power_profile()
    {
        var coreFields = typeof(PowerProfile).GetFields(BindingFlags.Public | BindingFlags.Instance)
            .Where(f => f.FieldType == typeof(double)).Select(f => f.Name).ToHashSet();
        var fileFields = new PowerProfileFile().Fields().Select(f => char.ToUpperInvariant(f.Name[0]) + f.Name[1..]).ToHashSet();
        Assert.Equal(coreFields.Order(), fileFields.Order());

        var b = Catalog.Load("firebeetle-esp32");
        var profile = b.ToPowerProfile();
        foreach (var (name, number) in b.File.PowerProfile.Fields())
        {
            var field = typeof(PowerProfile).GetField(char.ToUpperInvariant(name[0]) + name[1..])!;
            Assert.Equal(number.Value, (double)field.GetValue(profile)!);
        }
        Assert.Equal("firebeetle-esp32", profile.Name);
    }

    [Fact]
    public void Every_number_names_its_source()
    {
        foreach (var board in Catalog.LoadAll())
        {
            Assert.All(board.File.PowerProfile.Fields(), f => Assert.True(f.Number.Source.Length >= 10, $"{board.Name}: {f.Name} has no real source"));
        }
    }

    [Fact]
    public void Unknown_board_lists_the_known_ones()
    {
        var e = Assert.Throws<BoardFileException>(() => Catalog.Load("nope"));
        Assert.Contains("esp32-devkitc-v4", e.Message);
        Assert.Throws<BoardFileException>(() => Catalog.Load("../boards/esp32-devkitc-v4"));
    }

    private static string Mutate(Action<JsonObject> change)
    {
        var json = JsonNode.Parse(RepoFiles.Read("boards", "firebeetle-esp32.json"))!.AsObject();
        change(json);
        return json.ToJsonString();
    }

    private static string Refusal(Action<JsonObject> change) =>
        Assert.Throws<BoardFileException>(() => Catalog.Parse(Mutate(change), "test.json", "firebeetle-esp32")).Message;

    [Fact]
    public void Unchanged_file_parses()
    {
        Catalog.Parse(Mutate(_ => { }), "test.json", "firebeetle-esp32");
    }

    [Theory]
    [InlineData("name", "other", "does not match the file name")]
    [InlineData("chip", "esp8266", "chip 'esp8266'")]
    [InlineData("schema", 2, "schema 2")]
    [InlineData("flashSizeBytes", 3000000, "not a power of two")]
    [InlineData("partitionTable", "../x.csv", "must be a .csv file name")]
    [InlineData("partitionTable", "missing.csv", "not found")]
    [InlineData("ledPin", 7, "SPI flash")]
    [InlineData("ledPin", 36, "input-only")]
    [InlineData("ledPin", 24, "does not exist")]
    [InlineData("nanoFrameworkTarget", "ESP32_S3", "not a nanoFramework target for esp32")]
    [InlineData("appSizeBytes", 1000, "not a multiple of 4096")]
    [InlineData("appSizeBytes", 1048576, "cannot hold 2 x 1048576-byte app slots")]
    public void Top_level_mistakes_are_named(string field, object value, string expected)
    {
        Assert.Contains(expected, Refusal(j => j[field] = JsonValue.Create(value)));
    }

    [Fact]
    public void Wiring_mistakes_are_named()
    {
        Assert.Contains("not an ADC1 pin", Refusal(j => j["battery"]!["adcPin"] = 25));
        Assert.Contains("dividerRatio", Refusal(j => j["battery"]!["dividerRatio"] = 0.5));
        Assert.Contains("\"0x76\" or \"0x77\"", Refusal(j => j["bme280"]!["address"] = "0x40"));
        Assert.Contains("same pin", Refusal(j => j["bme280"]!["sclPin"] = 21));
        Assert.Contains("input-only", Refusal(j => j["bme280"]!["sdaPin"] = 35));
        Assert.Contains("factoryPin.gpio GPIO2 is also ledPin", Refusal(j => j["factoryPin"]!["gpio"] = 2));
        Assert.Contains("no internal pull-up", Refusal(j => j["factoryPin"]!["gpio"] = 36));
        Assert.Contains("factoryPin.source is empty", Refusal(j => j["factoryPin"]!["source"] = ""));
        Assert.Contains("nanoFrameworkTargetSource is empty", Refusal(j => j["nanoFrameworkTargetSource"] = " "));
    }

    [Fact]
    public void Power_profile_mistakes_are_named()
    {
        Assert.Contains("deepSleepMilliamps.source is empty", Refusal(j => j["powerProfile"]!["deepSleepMilliamps"]!["source"] = ""));
        Assert.Contains("bootMilliamps -1", Refusal(j => j["powerProfile"]!["bootMilliamps"]!["value"] = -1));
        Assert.Contains("batteryUsableFraction 1.5", Refusal(j => j["powerProfile"]!["batteryUsableFraction"]!["value"] = 1.5));
        Assert.Contains("exceeds lightSleepMilliamps", Refusal(j => j["powerProfile"]!["deepSleepMilliamps"]!["value"] = 5));
        Assert.Contains("no battery sense", Refusal(j => j["battery"] = null));
    }

    [Fact]
    public void Pins_are_checked_against_the_boards_chip()
    {
        // GPIO8 is an ordinary pin on the S3 but carries the SPI flash on the ESP32.
        Assert.Contains("bme280.sdaPin GPIO8 is wired to the SPI flash", Refusal(j => j["bme280"]!["sdaPin"] = 8));
        string s3 = Refusal(j =>
        {
            j["chip"] = "esp32s3";
            j["nanoFrameworkTarget"] = "ESP32_S3";
        });
        Assert.Contains("battery.adcPin GPIO34 is wired to the SPI flash", s3);
        Assert.Contains("not an ADC1 pin (1-10)", s3);
        Assert.Contains("bme280.sclPin GPIO22 does not exist on the esp32s3", s3);
        Assert.DoesNotContain("sdaPin", s3);
    }

    [Fact]
    public void Missing_and_unknown_json_members_are_refused()
    {
        Assert.Contains("tlsHandshakeMilliamps", Refusal(j => j["powerProfile"]!.AsObject().Remove("tlsHandshakeMilliamps")));
        Assert.Contains("factoryPin", Refusal(j => j.Remove("factoryPin")));
        Assert.Contains("appSizeBytes", Refusal(j => j.Remove("appSizeBytes")));
        Assert.Contains("flashSize", Refusal(j => j["flashSize"] = "4MB"));
        Assert.Contains("test.json", Assert.Throws<BoardFileException>(() => Catalog.Parse("{ not json", "test.json", "x")).Message);
    }

    [Fact]
    public void A_board_whose_table_does_not_fit_its_flash_is_refused()
    {
        string m = Refusal(j => j["flashSizeBytes"] = 2 * 1024 * 1024);
        Assert.Contains("beyond the 0x200000-byte", m);
    }
}
