namespace NodeFirmware.HostCommon.Boards;

/// <summary>The rules a board file must satisfy beyond its JSON shape; each problem is one message.</summary>
public static class BoardValidator
{
    public static readonly string[] KnownChips = ChipPins.All.Select(c => c.Chip).ToArray();

    /// <summary>Smallest plausible slot budget; anything below cannot hold Device.pe with Core.</summary>
    public const long MinAppSizeBytes = 32 * 1024;

    public static IEnumerable<string> Check(BoardFile b, string expectedName)
    {
        if (b.Schema != BoardFile.CurrentSchema) yield return $"schema {b.Schema} is not supported (expected {BoardFile.CurrentSchema})";
        if (b.Name != expectedName) yield return $"name '{b.Name}' does not match the file name '{expectedName}'";
        var pins = ChipPins.For(b.Chip);
        if (pins == null) { yield return $"chip '{b.Chip}' is not one of: {string.Join(", ", KnownChips)}"; yield break; }
        var targets = NanoFrameworkTargets.For(b.Chip);
        if (!targets.Contains(b.NanoFrameworkTarget))
            yield return $"nanoFrameworkTarget '{b.NanoFrameworkTarget}' is not a nanoFramework target for {b.Chip} (one of: {string.Join(", ", targets)})";
        if (string.IsNullOrWhiteSpace(b.NanoFrameworkTargetSource)) yield return "nanoFrameworkTargetSource is empty";
        if (b.AppSizeBytes < MinAppSizeBytes || b.AppSizeBytes % 4096 != 0)
            yield return $"appSizeBytes {b.AppSizeBytes} is not a multiple of 4096 of at least {MinAppSizeBytes}";
        if (string.IsNullOrWhiteSpace(b.AppSizeSource)) yield return "appSizeSource is empty";
        if (b.FlashSizeBytes < 1024 * 1024 || b.FlashSizeBytes > 128L * 1024 * 1024 || (b.FlashSizeBytes & (b.FlashSizeBytes - 1)) != 0)
            yield return $"flashSizeBytes {b.FlashSizeBytes} is not a power of two between 1 MB and 128 MB";
        if (b.PartitionTable.Length == 0 || Path.GetFileName(b.PartitionTable) != b.PartitionTable || !b.PartitionTable.EndsWith(".csv", StringComparison.Ordinal))
            yield return $"partitionTable '{b.PartitionTable}' must be a .csv file name in bootloader-config/";
        if (b.FlashLayout.Length == 0 || Path.GetFileName(b.FlashLayout) != b.FlashLayout || !b.FlashLayout.EndsWith(".json", StringComparison.Ordinal))
            yield return $"flashLayout '{b.FlashLayout}' must be a .json file name in bootloader-config/";

        foreach (var e in CheckBme280(pins, b.Bme280)) yield return e;
        if (b.Battery != null) foreach (var e in CheckBattery(pins, b.Battery)) yield return e;
        if (b.LedPin is int led)
        {
            foreach (var e in CheckPin(pins, "ledPin", led, output: true)) yield return e;
            if (string.IsNullOrWhiteSpace(b.LedSource)) yield return "ledSource is empty";
        }
        foreach (var e in CheckFactoryPin(pins, b)) yield return e;
        foreach (var e in CheckPowerProfile(b)) yield return e;
    }

    private static IEnumerable<string> CheckFactoryPin(ChipPins pins, BoardFile b)
    {
        var f = b.FactoryPin;
        foreach (var e in CheckPin(pins, "factoryPin.gpio", f.Gpio, output: false)) yield return e;
        if (f.ActiveLow && pins.IsInputOnly(f.Gpio)) yield return $"factoryPin.gpio GPIO{f.Gpio} is input-only and has no internal pull-up for an active-low button";
        var taken = new List<(string Field, int Gpio)> { ("bme280.sdaPin", b.Bme280.SdaPin), ("bme280.sclPin", b.Bme280.SclPin) };
        if (b.LedPin is int led) taken.Add(("ledPin", led));
        if (b.Battery != null) taken.Add(("battery.adcPin", b.Battery.AdcPin));
        foreach (var (field, gpio) in taken)
        {
            if (gpio == f.Gpio) yield return $"factoryPin.gpio GPIO{f.Gpio} is also {field}";
        }
        if (string.IsNullOrWhiteSpace(f.Source)) yield return "factoryPin.source is empty";
    }

    private static IEnumerable<string> CheckBme280(ChipPins pins, Bme280Wiring w)
    {
        if (w.I2cBus != 1 && w.I2cBus != 2) yield return $"bme280.i2cBus {w.I2cBus} is not 1 or 2 (the ESP32 and ESP32-S3 have I2C1 and I2C2)";
        foreach (var e in CheckPin(pins, "bme280.sdaPin", w.SdaPin, output: true)) yield return e;
        foreach (var e in CheckPin(pins, "bme280.sclPin", w.SclPin, output: true)) yield return e;
        if (w.SdaPin == w.SclPin) yield return "bme280.sdaPin and sclPin are the same pin";
        if (w.Address != "0x76" && w.Address != "0x77") yield return $"bme280.address '{w.Address}' is not \"0x76\" or \"0x77\" (BME280 datasheet 6.2)";
        if (string.IsNullOrWhiteSpace(w.Source)) yield return "bme280.source is empty";
    }

    private static IEnumerable<string> CheckBattery(ChipPins pins, BatterySense s)
    {
        foreach (var e in CheckPin(pins, "battery.adcPin", s.AdcPin, output: false)) yield return e;
        if (pins.Exists(s.AdcPin) && pins.Adc1Channel(s.AdcPin) < 0)
            yield return $"battery.adcPin GPIO{s.AdcPin} is not an ADC1 pin ({pins.Adc1Pins}); ADC2 cannot be read while Wi-Fi is on";
        if (!double.IsFinite(s.DividerRatio) || s.DividerRatio < 1 || s.DividerRatio > 20) yield return $"battery.dividerRatio {s.DividerRatio} is not between 1 and 20";
        if (string.IsNullOrWhiteSpace(s.Source)) yield return "battery.source is empty";
    }

    private static IEnumerable<string> CheckPin(ChipPins pins, string field, int gpio, bool output)
    {
        if (!pins.Exists(gpio)) { yield return $"{field} GPIO{gpio} does not exist on the {pins.Chip}"; yield break; }
        if (pins.IsFlashPin(gpio)) yield return $"{field} GPIO{gpio} is wired to the SPI flash";
        if (output && pins.IsInputOnly(gpio)) yield return $"{field} GPIO{gpio} is input-only and cannot drive a line";
    }

    private static IEnumerable<string> CheckPowerProfile(BoardFile b)
    {
        foreach (var (name, n) in b.PowerProfile.Fields())
        {
            if (!double.IsFinite(n.Value) || n.Value < 0) yield return $"powerProfile.{name} {n.Value} is not a finite non-negative number";
            if (string.IsNullOrWhiteSpace(n.Source)) yield return $"powerProfile.{name}.source is empty";
        }
        var p = b.PowerProfile;
        foreach (var (name, n) in new[] { ("bootMilliseconds", p.BootMilliseconds), ("wifiConnectMilliseconds", p.WifiConnectMilliseconds), ("tlsHandshakeMilliseconds", p.TlsHandshakeMilliseconds), ("deepSleepMilliamps", p.DeepSleepMilliamps), ("radioActiveMilliamps", p.RadioActiveMilliamps) })
        {
            if (n.Value == 0) yield return $"powerProfile.{name} is 0; every board draws current and takes time here";
        }
        if (p.BatteryUsableFraction.Value <= 0 || p.BatteryUsableFraction.Value > 1) yield return $"powerProfile.batteryUsableFraction {p.BatteryUsableFraction.Value} is not in (0, 1]";
        if (p.DhcpMilliseconds.Value > p.WifiConnectMilliseconds.Value) yield return "powerProfile.dhcpMilliseconds exceeds wifiConnectMilliseconds, which includes it";
        if (p.DeepSleepMilliamps.Value > p.LightSleepMilliamps.Value) yield return "powerProfile.deepSleepMilliamps exceeds lightSleepMilliamps";
        if (p.LightSleepMilliamps.Value > p.SampleMilliamps.Value) yield return "powerProfile.lightSleepMilliamps exceeds sampleMilliamps (awake)";
        if (b.Battery == null && p.BatteryCapacityMilliampHours.Value > 0) yield return "powerProfile.batteryCapacityMilliampHours is set but the board has no battery sense";
        if (b.Battery != null && p.BatteryCapacityMilliampHours.Value == 0) yield return "battery is wired but powerProfile.batteryCapacityMilliampHours is 0";
    }
}
