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
            return b;
        }

        /// <summary>The board this build is for (NodeFirmwareBoard build property, see the .nfproj).</summary>
        public static BoardPins Current
        {
            get
            {
#if BOARD_FIREBEETLE
                return FireBeetle2();
#else
                return DevKitCV4();
#endif
            }
        }
    }
}
