namespace NodeFirmware.Device
{
    /// <summary>
    /// The wiring of the boards in boards/*.json, as the device needs it (the device cannot read the JSON).
    /// HostCommon.Tests/Boards/DeviceProjectTests compares these numbers with the board files.
    /// </summary>
    public class BoardPins
    {
        public string Name;
        public int I2cBus;
        public int SdaPin;
        public int SclPin;
        public int Bme280Address;

        /// <summary>ADC1 channel of the battery divider, -1 when the board has none.</summary>
        public int BatteryAdcChannel;

        /// <summary>Battery voltage / pin voltage, in thousandths (2000 = two equal resistors).</summary>
        public int BatteryDividerPermille;

        /// <summary>GPIO of a user LED, -1 when the board has none.</summary>
        public int LedPin;

        /// <summary>The input held at boot to enter factory (provisioning) mode.</summary>
        public int FactoryPin;

        /// <summary>True when the factory input reads low while held (button or jumper to GND, pull-up on).</summary>
        public bool FactoryPinActiveLow;

        public static BoardPins DevKitCV4()
        {
            var b = new BoardPins();
            b.Name = "esp32-devkitc-v4";
            b.I2cBus = 1;
            b.SdaPin = 21;
            b.SclPin = 22;
            b.Bme280Address = 0x76;
            b.BatteryAdcChannel = -1;
            b.BatteryDividerPermille = 0;
            b.LedPin = -1;
            b.FactoryPin = 0;
            b.FactoryPinActiveLow = true;
            return b;
        }

        public static BoardPins FireBeetle2()
        {
            var b = new BoardPins();
            b.Name = "firebeetle-esp32";
            b.I2cBus = 1;
            b.SdaPin = 21;
            b.SclPin = 22;
            b.Bme280Address = 0x76;
            b.BatteryAdcChannel = 6;
            b.BatteryDividerPermille = 2000;
            b.LedPin = 2;
            b.FactoryPin = 0;
            b.FactoryPinActiveLow = true;
            return b;
        }

        public static BoardPins Esp32S3DevKitC1()
        {
            var b = new BoardPins();
            b.Name = "esp32-s3-devkitc-1";
            b.I2cBus = 1;
            b.SdaPin = 8;
            b.SclPin = 9;
            b.Bme280Address = 0x76;
            b.BatteryAdcChannel = -1;
            b.BatteryDividerPermille = 0;
            b.LedPin = -1;
            b.FactoryPin = 0;
            b.FactoryPinActiveLow = true;
            return b;
        }

        public static BoardPins FeatherHuzzah32()
        {
            var b = new BoardPins();
            b.Name = "feather-esp32";
            b.I2cBus = 1;
            b.SdaPin = 23;
            b.SclPin = 22;
            b.Bme280Address = 0x77;
            b.BatteryAdcChannel = 7;
            b.BatteryDividerPermille = 2000;
            b.LedPin = 13;
            b.FactoryPin = 32;
            b.FactoryPinActiveLow = true;
            return b;
        }

        /// <summary>The board this build is for (NodeFirmwareBoard build property, see the .nfproj).</summary>
        public static BoardPins Current
        {
            get
            {
#if BOARD_FIREBEETLE
                return FireBeetle2();
#elif BOARD_ESP32S3_DEVKITC
                return Esp32S3DevKitC1();
#elif BOARD_FEATHER
                return FeatherHuzzah32();
#else
                return DevKitCV4();
#endif
            }
        }
    }
}
